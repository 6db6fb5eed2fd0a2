use std::collections::BTreeMap;

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Event, Hash32, IndexOp, PublicKey};

use crate::error::{StateError, TxError, TxErrorKind};
use crate::executor::BlockEnv;
use crate::limits::{MAX_READS_PER_TX, MAX_WRITE_BYTES_PER_TX, MAX_WRITES_PER_TX};

/// Read access to the state a block executes on.
pub trait StateRead {
    /// Value of `key`, None when absent.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
}

pub(crate) type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// What a module sees while executing one transaction: the signer, the block environment, and
/// the state through an overlay of this transaction's own writes over the block's earlier ones.
/// Writes become visible to later transactions only if the transaction succeeds.
pub struct TxContext<'a> {
    env: &'a BlockEnv,
    base: &'a dyn StateRead,
    block_writes: &'a Writes,
    writes: Writes,
    write_bytes: usize,
    reads: usize,
    events: Vec<Event>,
    index: Vec<IndexOp>,
    /// The signer's address.
    pub signer: Address,
    /// The signer's key.
    pub signer_key: &'a PublicKey,
    /// The transaction id.
    pub tx_hash: Hash32,
}

impl<'a> TxContext<'a> {
    pub(crate) fn new(
        env: &'a BlockEnv,
        base: &'a dyn StateRead,
        block_writes: &'a Writes,
        signer: Address,
        signer_key: &'a PublicKey,
        tx_hash: Hash32,
    ) -> TxContext<'a> {
        TxContext {
            env,
            base,
            block_writes,
            writes: Writes::new(),
            write_bytes: 0,
            reads: 0,
            events: Vec::new(),
            index: Vec::new(),
            signer,
            signer_key,
            tx_hash,
        }
    }

    /// Runs `f` in a context over `base` whose writes are dropped: for read-only simulation
    /// outside a block (an `eth_call` against committed state, say) with `env` describing the
    /// block it would be in.
    pub fn simulate<R>(
        env: &BlockEnv,
        base: &dyn StateRead,
        signer: Address,
        f: impl FnOnce(&mut TxContext<'_>) -> R,
    ) -> R {
        let writes = Writes::new();
        let key = PublicKey::Ed25519([0; 32]);
        let mut ctx = TxContext::new(env, base, &writes, signer, &key, Hash32::default());
        f(&mut ctx)
    }

    /// Block height being executed.
    pub fn height(&self) -> u64 {
        self.env.height
    }

    /// Block time (ms since epoch). The only clock modules may use.
    pub fn time_ms(&self) -> u64 {
        self.env.time_ms
    }

    /// The block environment.
    pub fn env(&self) -> &BlockEnv {
        self.env
    }

    /// Reads a key (own writes first, then earlier transactions of the block, then the base).
    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        self.reads += 1;
        if self.reads > MAX_READS_PER_TX {
            return Err(TxError::new(TxErrorKind::TooExpensive, "too many state reads"));
        }
        if let Some(v) = self.writes.get(key) {
            return Ok(v.clone());
        }
        if let Some(v) = self.block_writes.get(key) {
            return Ok(v.clone());
        }
        Ok(self.base.get(key)?)
    }

    /// Reads and decodes a borsh value.
    pub fn get_as<T: BorshDeserialize>(&mut self, key: &[u8]) -> Result<Option<T>, TxError> {
        match self.get(key)? {
            Some(b) => borsh::from_slice(&b).map(Some).map_err(|e| TxError::storage(format!("corrupt value: {e}"))),
            None => Ok(None),
        }
    }

    /// Writes a key.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), TxError> {
        self.write_bytes += key.len() + value.len();
        self.writes.insert(key, Some(value));
        self.check_write_limits()
    }

    /// Writes a borsh value.
    pub fn put_as<T: BorshSerialize>(&mut self, key: Vec<u8>, value: &T) -> Result<(), TxError> {
        let bytes = borsh::to_vec(value).map_err(|e| TxError::storage(e.to_string()))?;
        self.put(key, bytes)
    }

    /// Deletes a key. (Modules that keep history never delete; this exists for indexes of
    /// current state such as role assignments.)
    pub fn delete(&mut self, key: Vec<u8>) -> Result<(), TxError> {
        self.write_bytes += key.len();
        self.writes.insert(key, None);
        self.check_write_limits()
    }

    fn check_write_limits(&self) -> Result<(), TxError> {
        if self.writes.len() > MAX_WRITES_PER_TX || self.write_bytes > MAX_WRITE_BYTES_PER_TX {
            return Err(TxError::new(TxErrorKind::TooExpensive, "too many or too large state writes"));
        }
        Ok(())
    }

    /// Emits an event into the receipt.
    pub fn emit(&mut self, event: Event) -> Result<(), TxError> {
        if self.events.len() >= govchain_types::limits::MAX_EVENTS {
            return Err(TxError::new(TxErrorKind::TooExpensive, "too many events"));
        }
        self.events.push(event);
        Ok(())
    }

    /// Adds a query-index change (applied only if the transaction succeeds).
    pub fn index(&mut self, op: IndexOp) {
        self.index.push(op);
    }

    pub(crate) fn finish(self) -> (Writes, Vec<Event>, Vec<IndexOp>) {
        (self.writes, self.events, self.index)
    }
}
