//! Client library for GovChain: build and sign transactions ([`TxBuilder`]), talk to a node's
//! REST API ([`Client`]), and follow its event stream ([`Client::events`]).

#![deny(clippy::unwrap_used)]

mod client;
mod events;
mod tx;

pub use client::{Client, SdkError};
pub use events::{EventStream, StreamEvent};
pub use tx::{TxBuilder, calls};
