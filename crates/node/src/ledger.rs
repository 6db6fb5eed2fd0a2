//! What the mempool sees of the committed chain.

use govchain_mempool::{AdmitError, Ledger};
use govchain_state::Snapshot;
use govchain_types::{Address, Hash32, SignedTransaction};

use crate::chain::{Chain, VersionView};

/// A consistent view for one admission batch.
pub struct LedgerView<'a> {
    pub(crate) chain: &'a Chain,
    pub(crate) snap: Snapshot,
    pub(crate) version: u64,
    pub(crate) time_ms: u64,
}

impl Ledger for LedgerView<'_> {
    fn next_height(&self) -> u64 {
        self.version + 1
    }

    fn account_nonce(&self, addr: &Address) -> Result<u64, AdmitError> {
        let view = VersionView { snap: &self.snap, version: self.version };
        self.chain.executor.nonce_of_key(&view, addr).map_err(|e| AdmitError::storage(e.message))
    }

    fn max_tx_bytes(&self) -> usize {
        self.chain.head().params.max_tx_bytes as usize
    }

    fn is_committed(&self, hash: &Hash32) -> bool {
        self.chain.in_pending_block(hash) || self.chain.storage.tx_location(&hash.0).ok().flatten().is_some()
    }

    fn check(&self, tx: &SignedTransaction, hash: Hash32) -> Result<(), AdmitError> {
        let view = VersionView { snap: &self.snap, version: self.version };
        let env = self.chain.env(self.version + 1, self.time_ms);
        self.chain.executor.check_tx(&env, &view, tx, hash).map_err(|e| AdmitError::new(e.class(), e.code(), e.message))
    }
}
