//! The node's embedded database, on [`redb`].
//!
//! One file holds everything a node persists: headers, transactions, commit certificates,
//! receipts, the transaction index, the authenticated state's tree nodes and values, secondary
//! indexes for queries, and proposals that were seen but not yet decided (for crash recovery).
//!
//! A decided block is written by [`Storage::commit_block`] in **one** write transaction with
//! immediate durability: after a crash, a block is either entirely present (with its certificate,
//! receipts and state) or entirely absent. The tip height moves in the same transaction.
//! [`Storage::backup_to`] copies the whole store as of one committed block while the node runs.

#![deny(clippy::unwrap_used)]

mod backup;
mod batch;
mod error;
mod prune;
mod snapshot;
mod store;
mod tables;

pub use backup::{BackupInfo, inspect};
pub use batch::{BlockCommit, Span, StateWrites};
pub use error::StorageError;
pub use govchain_types::IndexOp;
pub use prune::{Pruned, SpaceUse, compact};
pub use snapshot::{KeptHeader, SnapshotSource};
pub use store::{CommittedTx, IndexEntry, StateReader, Storage, TxLocation, UndecidedEntry};
