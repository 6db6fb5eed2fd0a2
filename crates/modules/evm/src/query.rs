//! Typed reads of the module's state over the node's read view, and read-only execution
//! (`eth_call`, `eth_estimateGas`) against committed state.

use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt as _, at_height};
use govchain_execution::{BlockEnv, Executor, TxContext, TxError};
use govchain_types::Address;

use crate::exec::{self, Ran, Run};
use crate::keys;
use crate::model::*;

fn tx_error(e: TxError) -> ApiError {
    if e.is_storage() { ApiError::internal(e.message) } else { ApiError::from_class(e.class(), e.code(), e.message) }
}

/// The EVM parameters after block `height`.
pub fn params(q: &dyn ChainQuery, height: u64) -> Result<EvmParams, ApiError> {
    q.get_as::<EvmParams>(keys::PARAMS, height)?.ok_or_else(|| ApiError::internal("no evm parameters in state"))
}

/// An account record.
pub fn account(q: &dyn ChainQuery, a: &Address, height: u64) -> Result<Option<AccountRecord>, ApiError> {
    q.get_as(&keys::account(a), height)
}

/// A contract's code (empty for none).
pub fn code(q: &dyn ChainQuery, a: &Address, height: u64) -> Result<Vec<u8>, ApiError> {
    match account(q, a, height)? {
        Some(r) if r.code_hash != revm::primitives::KECCAK_EMPTY.0 => {
            Ok(q.get(&keys::code(&r.code_hash), height)?.unwrap_or_default())
        }
        _ => Ok(Vec::new()),
    }
}

/// A storage slot (zero when absent).
pub fn slot(q: &dyn ChainQuery, a: &Address, slot: &[u8; 32], height: u64) -> Result<[u8; 32], ApiError> {
    Ok(match q.get(&keys::slot(a, slot), height)? {
        Some(v) if v.len() == 32 => {
            let mut out = [0u8; 32];
            out.copy_from_slice(&v);
            out
        }
        _ => [0u8; 32],
    })
}

/// A committed EVM transaction with its receipt.
pub fn tx(q: &dyn ChainQuery, hash: &[u8; 32]) -> Result<Option<TxRecord>, ApiError> {
    q.get_as(&keys::tx(hash), q.height())
}

/// A block's EVM tally.
pub fn tally(q: &dyn ChainQuery, height: u64) -> Result<BlockTally, ApiError> {
    Ok(q.get_as(&keys::block(height), height)?.unwrap_or_default())
}

/// A block's EVM transaction hashes, in order.
pub fn block_txs(q: &dyn ChainQuery, height: u64) -> Result<Vec<[u8; 32]>, ApiError> {
    let t = tally(q, height)?;
    if t.txs == 0 {
        return Ok(Vec::new());
    }
    let mut hashes: Vec<[u8; 32]> = q
        .index_scan_desc(&keys::block_txs_prefix(height), None, t.txs as usize)?
        .into_iter()
        .filter_map(|(_, v)| <[u8; 32]>::try_from(v.as_slice()).ok())
        .collect();
    hashes.reverse();
    Ok(hashes)
}

/// The next nonce of an EVM address: the chain's nonce of the key (counting this node's pool
/// when `pending`), or a contract's own.
pub fn nonce(q: &dyn ChainQuery, a: &Address, height: u64, pending: bool) -> Result<u64, ApiError> {
    let state = at_height(q, height);
    let committed = Executor::account_nonce(&state, a).map_err(tx_error)?;
    let contract = account(q, a, height)?.map(|r| r.nonce).unwrap_or(0);
    let n = committed.max(contract);
    Ok(if pending { q.pending_nonce(a, n) } else { n })
}

/// Runs a call read-only against the state after `height`, as if in the next block.
pub fn simulate(q: &dyn ChainQuery, height: u64, run: &Run) -> Result<Ran, ApiError> {
    let p = params(q, height)?;
    let time_ms = q.block_meta(height)?.map(|m| m.time_ms).unwrap_or_else(|| q.time_ms());
    let env =
        BlockEnv { chain_id: q.chain_id().to_string(), suite: q.suite(), height: height + 1, time_ms: time_ms + 1 };
    let state = at_height(q, height);
    TxContext::simulate(&env, &state, run.caller, |ctx| exec::run(ctx, &p, run)).map_err(tx_error)
}
