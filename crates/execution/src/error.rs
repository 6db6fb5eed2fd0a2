use govchain_types::ErrorClass;
use govchain_types::validate::Invalid;
use thiserror::Error;

/// What kind of transaction failure: each kind has one stable code (the same in receipts and in
/// API errors) and one [`ErrorClass`] (how admission reports it over HTTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxErrorKind {
    /// Arguments did not decode or are out of range (`invalid_arguments`).
    InvalidArguments,
    /// The signer may not do this (`unauthorized`).
    Unauthorized,
    /// A referenced object does not exist (`not_found`).
    NotFound,
    /// The object to create exists already (`already_exists`).
    AlreadyExists,
    /// No such module or method (`unknown_method`).
    UnknownMethod,
    /// Over a per-transaction work limit (`tx_too_expensive`).
    TooExpensive,
    /// Signed for another chain (`wrong_chain_id`).
    WrongChainId,
    /// Past its `expires_at_height` (`expired`).
    Expired,
    /// Not the account's next nonce (`bad_nonce`).
    BadNonce,
    /// The key or signature is not of the chain's algorithm (`wrong_algorithm`).
    WrongAlgorithm,
    /// The signer is not a registered account's current key (`unknown_signer`).
    UnknownSigner,
    /// The signer's account is suspended (`account_suspended`).
    AccountSuspended,
    /// Reading the state failed: a node fault, never the transaction's (`storage_error`).
    Storage,
    /// The block has no room left for it (a block gas limit, say): a proposer stops filling
    /// the block and keeps it pooled for the next (`block_full`).
    BlockFull,
    /// A module's own rule with its own stable snake_case code (`withdrawn`, `proposal_closed`…).
    Rule(&'static str),
}

impl TxErrorKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            TxErrorKind::InvalidArguments => "invalid_arguments",
            TxErrorKind::Unauthorized => "unauthorized",
            TxErrorKind::NotFound => "not_found",
            TxErrorKind::AlreadyExists => "already_exists",
            TxErrorKind::UnknownMethod => "unknown_method",
            TxErrorKind::TooExpensive => "tx_too_expensive",
            TxErrorKind::WrongChainId => "wrong_chain_id",
            TxErrorKind::Expired => "expired",
            TxErrorKind::BadNonce => "bad_nonce",
            TxErrorKind::WrongAlgorithm => "wrong_algorithm",
            TxErrorKind::UnknownSigner => "unknown_signer",
            TxErrorKind::AccountSuspended => "account_suspended",
            TxErrorKind::Storage => "storage_error",
            TxErrorKind::BlockFull => "block_full",
            TxErrorKind::Rule(code) => code,
        }
    }

    /// How admission reports it.
    pub fn class(self) -> ErrorClass {
        match self {
            TxErrorKind::Unauthorized | TxErrorKind::UnknownSigner | TxErrorKind::AccountSuspended => {
                ErrorClass::Forbidden
            }
            TxErrorKind::Storage => ErrorClass::Internal,
            _ => ErrorClass::BadRequest,
        }
    }
}

/// A transaction-level failure: a [`TxErrorKind`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}: {message}", kind.code())]
pub struct TxError {
    /// What kind of failure.
    pub kind: TxErrorKind,
    /// Explanation.
    pub message: String,
}

impl TxError {
    /// Builds an error.
    pub fn new(kind: TxErrorKind, message: impl Into<String>) -> TxError {
        TxError { kind, message: message.into() }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// How admission reports it.
    pub fn class(&self) -> ErrorClass {
        self.kind.class()
    }

    /// A module rule with its own code.
    pub fn rule(code: &'static str, message: impl Into<String>) -> TxError {
        TxError::new(TxErrorKind::Rule(code), message)
    }

    /// Arguments did not decode or are out of range.
    pub fn invalid_args(message: impl Into<String>) -> TxError {
        TxError::new(TxErrorKind::InvalidArguments, message)
    }

    /// The signer may not do this.
    pub fn unauthorized(message: impl Into<String>) -> TxError {
        TxError::new(TxErrorKind::Unauthorized, message)
    }

    /// A referenced object does not exist.
    pub fn not_found(message: impl Into<String>) -> TxError {
        TxError::new(TxErrorKind::NotFound, message)
    }

    /// The object to create exists already.
    pub fn already_exists(message: impl Into<String>) -> TxError {
        TxError::new(TxErrorKind::AlreadyExists, message)
    }

    /// The state read failed (storage fault, not the transaction's fault).
    pub fn storage(message: impl std::fmt::Display) -> TxError {
        TxError::new(TxErrorKind::Storage, message.to_string())
    }

    /// True for a node fault (the block cannot be executed here), false for the transaction's.
    pub fn is_storage(&self) -> bool {
        self.kind == TxErrorKind::Storage
    }
}

impl From<Invalid> for TxError {
    fn from(e: Invalid) -> TxError {
        TxError::invalid_args(e.to_string())
    }
}

impl From<StateError> for TxError {
    fn from(e: StateError) -> TxError {
        TxError::storage(e.0)
    }
}

/// A failed read of the state (a node fault).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("state read failed: {0}")]
pub struct StateError(pub String);

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
