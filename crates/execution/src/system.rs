//! System state shared by the executor and the governance module: chain parameters and
//! scheduled validator-set changes.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::ValidatorSet;
use govchain_types::validate::Invalid;
use serde::{Deserialize, Serialize};

/// Chain parameters, stored at `sys/params`; changed only by governance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
pub struct ChainParams {
    /// Most transactions per block.
    pub max_block_txs: u32,
    /// Largest encoded block.
    pub max_block_bytes: u32,
    /// Largest encoded transaction.
    pub max_tx_bytes: u32,
}

impl Default for ChainParams {
    fn default() -> Self {
        ChainParams { max_block_txs: 10_000, max_block_bytes: 16 * 1024 * 1024, max_tx_bytes: 64 * 1024 }
    }
}

impl ChainParams {
    /// Checks the values against the encoding's hard caps.
    pub fn validate(&self) -> Result<(), Invalid> {
        use govchain_types::limits::{MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_TX_BYTES};
        let bad = |what: &str, lo: usize, hi: usize| Invalid { what: what.into(), rule: format!("{lo}-{hi}") };
        if self.max_block_txs == 0 || self.max_block_txs as usize > MAX_BLOCK_TXS {
            return Err(bad("max_block_txs", 1, MAX_BLOCK_TXS));
        }
        if (self.max_block_bytes as usize) < 1024 || self.max_block_bytes as usize > MAX_BLOCK_BYTES {
            return Err(bad("max_block_bytes", 1024, MAX_BLOCK_BYTES));
        }
        if (self.max_tx_bytes as usize) < 512 || self.max_tx_bytes as usize > MAX_TX_BYTES {
            return Err(bad("max_tx_bytes", 512, MAX_TX_BYTES));
        }
        Ok(())
    }
}

/// A validator set scheduled to decide heights from `effective_height` on
/// (`sys/validators_pending`). The executor installs it as `sys/validators` while executing block
/// `effective_height - 1`, so the state after that block names the set of the next height, and
/// records the change in the `sys/valset/` query index for light-client proofs.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct PendingValidators {
    /// First height decided by `set`.
    pub effective_height: u64,
    /// The new set.
    pub set: ValidatorSet,
}

/// Query-index key recording a validator-set change effective at `height`:
/// `sys/valset/<height BE>`.
pub fn valset_change_index_key(height: u64) -> Vec<u8> {
    let mut k = b"sys/valset/".to_vec();
    k.extend(height.to_be_bytes());
    k
}

/// Prefix of [`valset_change_index_key`].
pub const VALSET_CHANGE_PREFIX: &[u8] = b"sys/valset/";

/// Prefix of [`keep_proof`]'s index entries: `sys/keep/<height BE>/<state key>`.
pub const KEEP_PROOF_PREFIX: &[u8] = b"sys/keep/";

/// Promises the proof of state `key` at the block being executed: a pruned node keeps it after
/// it prunes that height's tree (docs/proofs.md §8). For facts a proof type needs *as they were*
/// at a height — a certificate's type version and issuer account at its issuance.
pub fn keep_proof(ctx: &mut crate::TxContext<'_>, key: &[u8]) {
    let mut k = KEEP_PROOF_PREFIX.to_vec();
    k.extend(ctx.height().to_be_bytes());
    k.push(b'/');
    k.extend(key);
    ctx.index(govchain_types::IndexOp::Put(k, vec![]));
}

/// The `(height, state key)` of a [`keep_proof`] index entry.
pub fn parse_keep_proof(index_key: &[u8]) -> Option<(u64, &[u8])> {
    let rest = index_key.strip_prefix(KEEP_PROOF_PREFIX)?;
    let h = <[u8; 8]>::try_from(rest.get(..8)?).ok()?;
    Some((u64::from_be_bytes(h), rest.get(9..)?))
}
