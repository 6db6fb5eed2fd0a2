//! The JSON shapes of the node's core API and its error type, without any web server: used by
//! the API server (`govchain-api`, with feature `axum`), by the modules for their own routes,
//! by the node, and by clients (`govchain-sdk`).
//!
//! Every error answered by a node is [`ApiError`]: an HTTP status and a JSON body
//! `{"error": {"code", "message"}}` with a stable `code`.

#![deny(clippy::unwrap_used)]

pub mod dto;
mod error;
mod views;

pub use error::{ApiError, ErrorBody, ErrorDetail};
