use govchain_types::ErrorClass;
use serde::Serialize;

/// Why a transaction was not admitted. `code` is stable and documented in `docs/api.md`;
/// `class` says how the API reports it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{code}: {message}")]
pub struct AdmitError {
    /// Stable code.
    pub code: &'static str,
    /// Explanation.
    pub message: String,
    /// HTTP class.
    pub class: ErrorClass,
}

impl AdmitError {
    /// Builds an error.
    pub fn new(class: ErrorClass, code: &'static str, message: impl Into<String>) -> AdmitError {
        AdmitError { code, message: message.into(), class }
    }

    /// A malformed or invalid transaction (400).
    pub fn bad(code: &'static str, message: impl Into<String>) -> AdmitError {
        AdmitError::new(ErrorClass::BadRequest, code, message)
    }

    /// A fault of this node (500 `storage_error`).
    pub fn storage(message: impl Into<String>) -> AdmitError {
        AdmitError::new(ErrorClass::Internal, "storage_error", message)
    }
}
