//! Error classes shared by every layer: how a failure maps onto HTTP without any layer below the
//! API knowing HTTP.

use serde::Serialize;

/// The class of an error: what the caller should do about it. The API maps each class to one
/// HTTP status; receipts and logs carry the error's stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// Malformed or invalid input (400).
    BadRequest,
    /// The signer may not do this (403).
    Forbidden,
    /// The object does not exist (404).
    NotFound,
    /// Conflicts with a pending or committed state (409).
    Conflict,
    /// Too large (413).
    TooLarge,
    /// Overloaded; retry later (503).
    Overloaded,
    /// A service this node does not offer, or not now (503).
    Unavailable,
    /// An internal fault, not the caller's (500).
    Internal,
}

impl ErrorClass {
    /// The HTTP status of the class.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorClass::BadRequest => 400,
            ErrorClass::Forbidden => 403,
            ErrorClass::NotFound => 404,
            ErrorClass::Conflict => 409,
            ErrorClass::TooLarge => 413,
            ErrorClass::Overloaded | ErrorClass::Unavailable => 503,
            ErrorClass::Internal => 500,
        }
    }
}

/// A secondary-index change, produced by modules next to their state writes. Query indexes are
/// not part of the authenticated state; they are rebuilt from blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexOp {
    /// Insert or overwrite.
    Put(Vec<u8>, Vec<u8>),
    /// Remove.
    Delete(Vec<u8>),
}
