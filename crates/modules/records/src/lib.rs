//! The public-records module (government information disclosure).
//!
//! A department publishes a record (decision, budget, procurement notice, penalty…); every
//! amendment is a new version linked to the previous one by hash; withdrawal is a new version
//! with status `withdrawn` and a reason. Nothing is ever deleted, and every version stays
//! provable at its own state key ([`keys::version`]).
//!
//! Permissions: `records.publish`, `records.amend`, `records.withdraw`, held through identity
//! roles; officials may amend and withdraw only their own organisation's records.
//!
//! The component ([`RecordsComponent`]) owns the keys in [`keys`], the queries in [`query`], the
//! routes `/v1/records…` and `/v1/proofs/records/{id}` (feature `http`) and the
//! `govchain records` commands (feature `cli`).

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod events;
pub mod facts;
#[cfg(feature = "http")]
mod http;
mod index;
pub mod keys;
mod methods;
mod model;
pub mod query;
pub mod views;

pub use component::RecordsComponent;
pub use methods::RecordsModule;
pub use model::*;
