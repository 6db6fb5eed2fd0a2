//! Deterministic block execution.
//!
//! [`Executor::execute_block`] takes a read view of the state after the previous block, the
//! block's environment (height, time) and its transactions, and returns the state writes,
//! receipts and index changes. It reads no clock, no randomness and no network; it iterates only
//! ordered maps; every transaction's work is bounded by the call-size limit and by
//! [`limits`] on writes. Each [`Module`] owns a key prefix (`<module>/…`) and its methods.
//!
//! Transaction validity rules (chain id, expiry, registered signer, exact nonce) are checked
//! here; a block containing an invalid transaction is invalid. Signatures are checked before
//! execution (mempool admission and block validation verify them in parallel batches).

#![deny(clippy::unwrap_used)]

mod cache;
mod context;
mod error;
mod executor;
pub mod keys;
pub mod limits;
pub mod system;

pub use context::{StateRead, TxContext};
pub use error::{BlockError, StateError, TxError, TxErrorKind};
pub use executor::{BlockEnv, BlockOutput, Executor, Mode, Module, Phase, SignerGate, decode_args};
pub use system::{ChainParams, PendingValidators};
