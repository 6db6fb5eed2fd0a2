use serde::Serialize;

/// How an admission error maps onto HTTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ErrorClass {
    /// Malformed or invalid transaction (400).
    BadRequest,
    /// Signer may not do this (403).
    Forbidden,
    /// Conflicts with a pending or committed transaction (409).
    Conflict,
    /// The pool is full; retry later (503).
    Overloaded,
    /// Internal failure (500).
    Internal,
}

/// Why a transaction was not admitted. `code` is stable and documented in `docs/api.md`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{code}: {message}")]
pub struct AdmitError {
    /// Stable code.
    pub code: String,
    /// Explanation.
    pub message: String,
    /// HTTP class.
    pub class: ErrorClass,
}

impl AdmitError {
    /// Builds an error.
    pub fn new(class: ErrorClass, code: &str, message: impl Into<String>) -> AdmitError {
        AdmitError { code: code.into(), message: message.into(), class }
    }

    /// 400.
    pub fn bad(code: &str, message: impl Into<String>) -> AdmitError {
        AdmitError::new(ErrorClass::BadRequest, code, message)
    }

    /// Classifies a stateful-check error code from the executor.
    pub fn from_check(code: &str, message: String) -> AdmitError {
        let class = match code {
            "unauthorized" | "unknown_signer" | "account_suspended" => ErrorClass::Forbidden,
            "storage_error" => ErrorClass::Internal,
            _ => ErrorClass::BadRequest,
        };
        AdmitError::new(class, code, message)
    }
}
