//! Checks that the store is what the chain committed: at start the tip (quick), and on demand
//! every height (`govchain db check`). A damaged store is reported with the first height found
//! wrong and how to rebuild it; it is never served from.

use govchain_execution::keys;
use govchain_proofs::{merkle, verify_commit};
use govchain_types::{CommitCertificate, Hash32, Header, Receipt, SignedTransaction, ValidatorSet, codec};
use thiserror::Error;

use crate::chain::Chain;

/// What is wrong with a store.
#[derive(Debug, Error)]
#[error(
    "the chain store is damaged at height {height}: {problem}. Run `govchain db check` for a full report; to rebuild, stop the node, move its data/ directory aside and start it again: it syncs the chain from its peers"
)]
pub struct Damage {
    /// The first height found wrong.
    pub height: u64,
    /// What is wrong there.
    pub problem: String,
}

/// How far a check went.
#[derive(Debug, Default)]
pub struct Checked {
    /// Heights checked.
    pub heights: u64,
    /// Transactions checked.
    pub txs: u64,
}

fn damage(height: u64, problem: impl std::fmt::Display) -> Damage {
    Damage { height, problem: problem.to_string() }
}

impl Chain {
    fn stored_header(&self, height: u64) -> Result<Header, Damage> {
        let bytes =
            self.storage.header(height).map_err(|e| damage(height, e))?.ok_or_else(|| damage(height, "no header"))?;
        codec::decode(&bytes, 1 << 16).map_err(|e| damage(height, format!("header does not decode: {e}")))
    }

    fn set_for(&self, height: u64) -> Result<ValidatorSet, Damage> {
        let snap = self.state.snapshot().map_err(|e| damage(height, e))?;
        let bytes = snap
            .get(keys::VALIDATORS, height - 1)
            .map_err(|e| damage(height, e))?
            .ok_or_else(|| damage(height, "no validator set in the state"))?;
        codec::decode(&bytes, 1 << 20).map_err(|e| damage(height, format!("validator set does not decode: {e}")))
    }

    /// Checks one height: the header links to its parent, its state root is the state tree's,
    /// its commit certificate is signed by the validator set of that height; when `contents`,
    /// also the transactions and receipts against the header's roots and the transaction index.
    fn check_height(&self, height: u64, parent: Option<&Header>, contents: bool) -> Result<(Header, u64), Damage> {
        let header = self.stored_header(height)?;
        if header.height != height || header.chain_id.as_str() != self.chain_id {
            return Err(damage(height, "the header names another height or chain"));
        }
        if let Some(p) = parent
            && header.prev_hash != p.hash(self.suite)
        {
            return Err(damage(height, "the header does not link to the previous block"));
        }
        // A pruned node no longer holds the trees below its window: those heights are checked by
        // their links and certificates (and the values the validator sets are read from).
        let snap = self.state.snapshot().map_err(|e| damage(height, e))?;
        if height >= snap.pruned_below() {
            let root = snap.root(height).map_err(|e| damage(height, e))?;
            if root != header.state_root {
                return Err(damage(height, "the state tree's root differs from the header's state root"));
            }
        }
        let cert_bytes = self
            .storage
            .certificate(height)
            .map_err(|e| damage(height, e))?
            .ok_or_else(|| damage(height, "no certificate"))?;
        let cert: CommitCertificate = codec::decode(&cert_bytes, 1 << 20)
            .map_err(|e| damage(height, format!("certificate does not decode: {e}")))?;
        verify_commit(self.suite, &header, &cert, &self.set_for(height)?)
            .map_err(|e| damage(height, format!("commit certificate: {e}")))?;
        if !contents {
            return Ok((header, 0));
        }
        let body =
            self.storage.body(height).map_err(|e| damage(height, e))?.ok_or_else(|| damage(height, "no body"))?;
        let txs: Vec<SignedTransaction> = codec::decode(&body, govchain_types::limits::MAX_BLOCK_BYTES)
            .map_err(|e| damage(height, format!("transactions do not decode: {e}")))?;
        let rbytes = self
            .storage
            .receipts(height)
            .map_err(|e| damage(height, e))?
            .ok_or_else(|| damage(height, "no receipts"))?;
        let receipts: Vec<Receipt> = codec::decode(&rbytes, govchain_types::limits::MAX_BLOCK_BYTES)
            .map_err(|e| damage(height, format!("receipts do not decode: {e}")))?;
        let leaves =
            |items: Vec<Vec<u8>>| -> Vec<Hash32> { items.iter().map(|b| merkle::leaf_hash(self.suite, b)).collect() };
        if merkle::root(self.suite, &leaves(txs.iter().map(|t| t.encode()).collect())) != header.tx_root {
            return Err(damage(height, "the stored transactions differ from the header's tx_root"));
        }
        if merkle::root(self.suite, &leaves(receipts.iter().map(|r| r.encode()).collect())) != header.receipts_root {
            return Err(damage(height, "the stored receipts differ from the header's receipts_root"));
        }
        for (i, t) in txs.iter().enumerate() {
            let at = self.storage.tx_location(&t.hash(self.suite).0).map_err(|e| damage(height, e))?;
            if at.is_none_or(|l| l.height != height || l.index as usize != i) {
                return Err(damage(height, format!("the transaction index is wrong for transaction {i}")));
            }
        }
        Ok((header, txs.len() as u64))
    }

    /// The quick check at start: the tip and its parent.
    pub fn check_tip(&self) -> Result<(), Damage> {
        let tip = self.storage.tip().map_err(|e| damage(0, e))?;
        if tip == 0 {
            return Ok(());
        }
        let base = self.storage.history_from().map_err(|e| damage(tip, e))?;
        if tip == base {
            return self.check_base(tip).map(|_| ());
        }
        let parent = if tip > 1 { Some(self.stored_header(tip - 1)?) } else { None };
        self.check_height(tip, parent.as_ref(), false).map(|_| ())
    }

    /// The first height of a store made from a snapshot: its header's state root is the tree's
    /// (its certificate was verified from genesis when the snapshot was imported; the validator
    /// set that signed it is not in this store's state).
    fn check_base(&self, height: u64) -> Result<Header, Damage> {
        let header = self.stored_header(height)?;
        let snap = self.state.snapshot().map_err(|e| damage(height, e))?;
        if snap.root(height).map_err(|e| damage(height, e))? != header.state_root {
            return Err(damage(height, "the state tree's root differs from the header's state root"));
        }
        Ok(header)
    }

    /// Every height from 1 (or, for a store made from a snapshot, from its height) to the tip,
    /// contents included.
    pub fn check_store(&self, mut progress: impl FnMut(u64)) -> Result<Checked, Damage> {
        let tip = self.storage.tip().map_err(|e| damage(0, e))?;
        let base = self.storage.history_from().map_err(|e| damage(0, e))?;
        let mut checked = Checked::default();
        let mut parent = None;
        if base > 0 && tip >= base {
            parent = Some(self.check_base(base)?);
            checked.heights += 1;
        }
        for height in (base + 1).max(1)..=tip {
            let (header, txs) = self.check_height(height, parent.as_ref(), true)?;
            checked.heights += 1;
            checked.txs += txs;
            parent = Some(header);
            progress(height);
        }
        Ok(checked)
    }
}
