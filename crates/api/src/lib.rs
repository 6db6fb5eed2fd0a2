//! The node's HTTP interface: the core REST endpoints (`/health`, `/status`, `/metrics`,
//! `/v1/genesis`, `/v1/txs…`, `/v1/blocks…`, `/v1/proofs/txs…`, `/v1/proofs/state`,
//! `/v1/search/records`), the server-sent-events stream at `/v1/events`, every component's own
//! routes, and the OpenAPI document at `/openapi.json` built from the very routes served.
//!
//! The HTTP layer knows nothing of storage or consensus: core routes call a [`NodeApi`],
//! component routes a `ChainQuery`, both implemented by the node. Every route is registered
//! with `utoipa_axum::routes!`, so a route cannot exist without its OpenAPI entry. Every error
//! is JSON `{"error": {"code", "message"}}` with a stable `code` ([`ApiError`]); request bodies
//! are capped before they are read.

#![deny(clippy::unwrap_used)]

pub mod batch;
mod contract;
mod events;
mod handlers;
mod limits;
mod serve;
mod server;

pub use govchain_api_types::{ApiError, ErrorBody, ErrorDetail, dto};
pub use handlers::FORWARDED_HEADER;
pub use limits::{ClientAddr, Guards, Limits};
pub use serve::serve;
pub use server::{ApiConfig, NodeApi, router};
