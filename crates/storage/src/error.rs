use thiserror::Error;

/// Storage failures. Any of these on the commit path stops the node rather than risk a
/// half-applied block.
#[derive(Debug, Error)]
pub enum StorageError {
    /// The database engine reported an error.
    #[error("database: {0}")]
    Database(String),
    /// Stored bytes did not decode: the file is damaged or from another version.
    #[error("corrupt record in {table}: {detail}")]
    Corrupt {
        /// Table name.
        table: &'static str,
        /// What failed.
        detail: String,
    },
    /// A block was committed out of order.
    #[error("block {got} committed out of order; tip is {tip}")]
    OutOfOrder {
        /// Current tip.
        tip: u64,
        /// Height offered.
        got: u64,
    },
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StorageError {
            fn from(e: $t) -> Self {
                StorageError::Database(e.to_string())
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);
