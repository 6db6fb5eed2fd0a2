use thiserror::Error;

/// A transaction-level failure with a stable machine-readable code (e.g. `unauthorized`) and a
/// message for people. The same codes appear in receipts and in API errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct TxError {
    /// Stable code, snake_case.
    pub code: String,
    /// Explanation.
    pub message: String,
}

impl TxError {
    /// Builds an error.
    pub fn new(code: &str, message: impl Into<String>) -> TxError {
        TxError { code: code.to_string(), message: message.into() }
    }

    /// Arguments did not decode or are out of range.
    pub fn invalid_args(message: impl Into<String>) -> TxError {
        TxError::new("invalid_arguments", message)
    }

    /// The signer may not do this.
    pub fn unauthorized(message: impl Into<String>) -> TxError {
        TxError::new("unauthorized", message)
    }

    /// A referenced object does not exist.
    pub fn not_found(message: impl Into<String>) -> TxError {
        TxError::new("not_found", message)
    }

    /// The state read failed (storage fault, not the transaction's fault).
    pub fn storage(message: impl Into<String>) -> TxError {
        TxError::new("storage_error", message)
    }
}

/// Why a block cannot be executed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BlockError {
    /// A transaction in the block is not valid at this height (validate mode).
    #[error("transaction {index} is invalid: {error}")]
    InvalidTx {
        /// Position in the block.
        index: usize,
        /// Why.
        error: TxError,
    },
    /// Reading the state failed.
    #[error("state read failed: {0}")]
    Storage(String),
}
