//! The transaction pool.
//!
//! Admission ([`Mempool::admit`]) runs in three stages so that the lock is held only for
//! bookkeeping:
//! 1. cheap envelope checks (size, chain id, expiry window, duplicates);
//! 2. signature verification of the whole batch in parallel ([`govchain_crypto::verify_batch`]),
//!    plus the ledger's stateful check (registered signer, authorisation) — also in parallel;
//! 3. under the lock: nonce window, `(sender, nonce)` uniqueness and capacity (count and bytes).
//!
//! Every transaction the pool accepted ends in exactly one of: committed (the node's tx index),
//! or dropped with a reason kept in [`Mempool::status`] (expired, superseded nonce, rejected when
//! building a block). None vanish.

#![deny(clippy::unwrap_used)]

mod error;
mod pool;

pub use error::AdmitError;
pub use govchain_types::ErrorClass;
pub use pool::{Ledger, Mempool, MempoolConfig, PoolStats, TxStatus};
