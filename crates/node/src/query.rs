//! The read view the components' queries run on ([`ChainQuery`]), implemented over the node's
//! state, query indexes and proof bundles.

use std::sync::Arc;

use govchain_api::ApiError;
use govchain_component::{BlockMeta, ChainQuery, IndexEntries, Proven};
use govchain_proofs::{Claim, ProofBundle, StateEntry, ValsetChange};
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::{Address, CommitCertificate, Header, Suite, ValidatorSet};
use parking_lot::Mutex;

use crate::service::{NodeService, internal};

/// Header, certificate and validator-set changes of one height, shared by every proof at it.
pub struct ProofParts {
    height: u64,
    header: Header,
    certificate: CommitCertificate,
    changes: Vec<ValsetChange>,
}

/// Cache of the proof parts of the latest height (status checks with proofs hit it).
#[derive(Default)]
pub struct ProofCache(Mutex<Option<Arc<ProofParts>>>);

impl NodeService {
    fn proof_parts(&self, height: u64) -> Result<Arc<ProofParts>, ApiError> {
        if let Some(p) = self.proof_cache.0.lock().as_ref().filter(|p| p.height == height) {
            return Ok(p.clone());
        }
        let parts = Arc::new(ProofParts {
            height,
            header: self.header(height)?,
            certificate: self.cert(height)?,
            changes: self.valset_changes(height)?,
        });
        if height == self.chain.tip().height {
            *self.proof_cache.0.lock() = Some(parts.clone());
        }
        Ok(parts)
    }

    /// A proof bundle of `keys` at `height` (one key: a `State` claim; more: `States`).
    pub(crate) fn states_bundle(&self, keys: &[Vec<u8>], height: u64) -> Result<Proven, ApiError> {
        let tip = self.chain.tip().height;
        if height == 0 || height > tip {
            return Err(ApiError::not_found("block_not_found", format!("height must be 1-{tip}")));
        }
        let parts = self.proof_parts(height)?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let mut entries = Vec::with_capacity(keys.len());
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            let (value, proof) =
                crate::prune::prove(&self.chain, &snap, k, height).map_err(crate::service::state_err)?;
            values.push(value.clone());
            entries.push(StateEntry {
                key: BoundedBytes::new(k.clone()).map_err(|e| ApiError::bad_request("invalid_key", e.to_string()))?,
                value: value.map(BoundedBytes::new).transpose().map_err(internal)?,
                proof: BoundedBytes::new(proof).map_err(internal)?,
            });
        }
        let claim = if entries.len() == 1 {
            let e = entries.remove(0);
            Claim::State { key: e.key, value: e.value, proof: e.proof }
        } else {
            Claim::States { entries: BoundedVec::new(entries).map_err(internal)? }
        };
        let b = ProofBundle {
            chain_id: BoundedString::new(self.chain.chain_id.clone()).map_err(internal)?,
            suite: self.chain.suite,
            valset_changes: BoundedVec::new(parts.changes.clone()).map_err(internal)?,
            header: parts.header.clone(),
            certificate: parts.certificate.clone(),
            claim,
        };
        Ok(Proven { bundle: b.to_bytes(), values, height })
    }
}

impl ChainQuery for NodeService {
    fn chain_id(&self) -> &str {
        &self.chain.chain_id
    }

    fn suite(&self) -> Suite {
        self.chain.suite
    }

    fn height(&self) -> u64 {
        self.chain.tip().height
    }

    fn time_ms(&self) -> u64 {
        self.chain.tip().time_ms
    }

    fn validators(&self) -> ValidatorSet {
        self.chain.tip().validators
    }

    fn get(&self, key: &[u8], height: u64) -> Result<Option<Vec<u8>>, ApiError> {
        self.chain.state.snapshot().and_then(|s| s.get(key, height)).map_err(internal)
    }

    fn index_scan_desc(&self, prefix: &[u8], before: Option<&[u8]>, limit: usize) -> Result<IndexEntries, ApiError> {
        self.chain.storage.index_scan_desc(prefix, before, limit).map_err(internal)
    }

    fn prove(&self, keys: &[Vec<u8>], height: u64) -> Result<Proven, ApiError> {
        self.states_bundle(keys, height)
    }

    fn pending_nonce(&self, key_address: &Address, committed: u64) -> u64 {
        self.chain.mempool.pending_next_nonce(key_address, committed)
    }

    fn block_meta(&self, height: u64) -> Result<Option<BlockMeta>, ApiError> {
        if height == 0 || height > self.chain.tip().height {
            return Ok(None);
        }
        let h = self.header(height)?;
        Ok(Some(BlockMeta {
            height,
            hash: h.hash(self.chain.suite),
            prev_hash: h.prev_hash,
            time_ms: h.time_ms,
            state_root: h.state_root,
            tx_root: h.tx_root,
            receipts_root: h.receipts_root,
        }))
    }

    fn submit(&self, tx: govchain_types::SignedTransaction) -> Result<govchain_types::Hash32, ApiError> {
        let size = tx.encode().len();
        let mut results = govchain_api::NodeApi::submit(self, vec![(tx, size)], false);
        results.pop().unwrap_or_else(|| Err(ApiError::internal("no admission result")))
    }
}
