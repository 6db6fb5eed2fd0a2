//! Client library for GovChain: build and sign typed module calls ([`TxBuilder`]), talk to a
//! node's REST API ([`Client`]), and follow its event stream ([`Client::events`]). It pulls no
//! web server: JSON shapes come from `govchain-api-types` and from each module's crate (each
//! module also provides typed client methods for its own routes).
//!
//! Feature `cli`: [`cli`], the shared plumbing of the `govchain` binary and of the modules'
//! CLI subcommands.

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
pub mod cli;
mod client;
mod events;
mod tx;

pub use client::{Client, Nonces, SdkError};
pub use events::{EventStream, StreamEvent};
pub use tx::{BuildError, TxBuilder};
