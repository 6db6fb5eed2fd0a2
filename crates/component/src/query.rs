//! The read view a module's queries run on: committed state at a height, query indexes, proof
//! bundles. The node implements it; a module never sees storage, consensus or HTTP.

use borsh::BorshDeserialize;
use govchain_api_types::ApiError;
use govchain_execution::{StateError, StateRead};
use govchain_types::{Address, Suite, ValidatorSet};

/// A proof bundle over some state keys and the values it proves (in the order of the keys).
#[derive(Clone, Debug)]
pub struct Proven {
    /// The encoded bundle (see docs/proofs.md).
    pub bundle: Vec<u8>,
    /// The proven values (None: proven absent).
    pub values: Vec<Option<Vec<u8>>>,
    /// Height the bundle proves the state at.
    pub height: u64,
}

/// What a component's read endpoints need of a committed block's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockMeta {
    /// Height.
    pub height: u64,
    /// Header hash.
    pub hash: govchain_types::Hash32,
    /// Previous header's hash.
    pub prev_hash: govchain_types::Hash32,
    /// Block time (ms since the epoch).
    pub time_ms: u64,
    /// State root after the block.
    pub state_root: govchain_types::Hash32,
    /// Transactions root.
    pub tx_root: govchain_types::Hash32,
    /// Receipts root.
    pub receipts_root: govchain_types::Hash32,
}

/// Query-index entries: (key, value).
pub type IndexEntries = Vec<(Vec<u8>, Vec<u8>)>;

/// Committed chain data as module queries read it. Every method is a bounded read; failures of
/// the node's storage come back as `500 internal`.
pub trait ChainQuery: Send + Sync {
    /// Chain id.
    fn chain_id(&self) -> &str;
    /// Crypto suite.
    fn suite(&self) -> Suite;
    /// Latest committed height (0 before block 1).
    fn height(&self) -> u64;
    /// Block time of the latest block in ms since the epoch (the genesis time before block 1):
    /// "now" for queries that ask whether something is in force.
    fn time_ms(&self) -> u64;
    /// The validators deciding the next height.
    fn validators(&self) -> ValidatorSet;
    /// The value of `key` in the state after block `height` (0: the genesis state).
    fn get(&self, key: &[u8], height: u64) -> Result<Option<Vec<u8>>, ApiError>;
    /// Query-index entries under `prefix`, highest key first, strictly below `before` when given,
    /// at most `limit`.
    fn index_scan_desc(&self, prefix: &[u8], before: Option<&[u8]>, limit: usize) -> Result<IndexEntries, ApiError>;
    /// A proof bundle of `keys` (presence or absence) in the state after block `height`.
    fn prove(&self, keys: &[Vec<u8>], height: u64) -> Result<Proven, ApiError>;
    /// The next nonce of the account a key (by its address) acts for, counting the transactions
    /// pending in this node's pool; `committed` is the next nonce in committed state.
    fn pending_nonce(&self, key_address: &Address, committed: u64) -> u64;
    /// The header summary of committed block `height` (None beyond the tip or for 0).
    fn block_meta(&self, height: u64) -> Result<Option<BlockMeta>, ApiError>;
    /// Admits a transaction to this node's pool (and relays it as `POST /v1/txs` would): for a
    /// component's own submission endpoint, such as `eth_sendRawTransaction`. Returns its id.
    fn submit(&self, tx: govchain_types::SignedTransaction) -> Result<govchain_types::Hash32, ApiError>;
}

/// Typed reads over a [`ChainQuery`].
pub trait ChainQueryExt: ChainQuery {
    /// Reads and decodes a borsh value.
    fn get_as<T: BorshDeserialize>(&self, key: &[u8], height: u64) -> Result<Option<T>, ApiError> {
        match self.get(key, height)? {
            Some(b) => borsh::from_slice(&b).map(Some).map_err(|e| ApiError::internal(format!("corrupt value: {e}"))),
            None => Ok(None),
        }
    }

    /// The latest height, or 404 `no_blocks_yet` before block 1 (proofs need a block).
    fn latest_block(&self) -> Result<u64, ApiError> {
        match self.height() {
            0 => Err(ApiError::not_found("no_blocks_yet", "the chain has no blocks yet")),
            h => Ok(h),
        }
    }

    /// The state after block `height` as the executor reads it (for the executor's own typed
    /// reads, such as account nonces).
    fn at(&self, height: u64) -> AtHeight<'_, Self>
    where
        Self: Sized,
    {
        AtHeight { query: self, height }
    }
}

impl<Q: ChainQuery + ?Sized> ChainQueryExt for Q {}

/// The state after one block, as a [`StateRead`].
pub struct AtHeight<'a, Q: ?Sized> {
    query: &'a Q,
    height: u64,
}

impl<Q: ChainQuery + ?Sized> StateRead for AtHeight<'_, Q> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.query.get(key, self.height).map_err(|e| StateError(e.message))
    }
}

/// [`AtHeight`] over a trait object.
pub fn at_height<'a>(query: &'a dyn ChainQuery, height: u64) -> AtHeight<'a, dyn ChainQuery + 'a> {
    AtHeight { query, height }
}
