//! The node's HTTP interface: REST endpoints under `/v1`, `/health`, `/status`, a
//! server-sent-events stream at `/v1/events`, Prometheus metrics at `/metrics`, and the OpenAPI
//! document at `/openapi.json`.
//!
//! The HTTP layer knows nothing of storage or consensus: it calls a [`NodeApi`] implemented by
//! the node. Every error is JSON `{"error": {"code", "message"}}` with a stable `code`
//! (see [`ApiError`]); request bodies are capped before they are read.

#![deny(clippy::unwrap_used)]

pub mod dto;
mod error;
mod handlers;
mod openapi;
mod server;

pub use error::ApiError;
pub use handlers::FORWARDED_HEADER;
pub use openapi::ApiDoc;
pub use server::{ApiConfig, NodeApi, router, serve};
