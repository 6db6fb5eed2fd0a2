//! Electronic certificates (电子证照): licences, permits, diplomas.
//!
//! * An organisation holding `certificates.define_type` defines a [`CertType`]: typed claim fields,
//!   the organisations allowed to issue it, a default validity. Every version is kept.
//! * An official holding `certificates.issue`, of an organisation listed in the type, issues a
//!   [`Certificate`]. The chain stores no personal data: only the holder's pseudonym, a
//!   commitment to the salted claims ([`credential`]), the validity window and the status.
//! * The holder receives a [`credential::Credential`] — the claims, each with its own salt,
//!   signed by the issuer — and makes [`credential::Presentation`]s revealing chosen claims.
//! * `revoke`, `suspend`, `reinstate` (permission `certificates.revoke`, issuing organisation only)
//!   take effect in the next block; renewal issues a successor linked to the previous one.
//! * [`verify`] checks a presentation, online against a node's state or offline against proof
//!   bundles, and names the first reason it is not valid.
//!
//! The component ([`CertificatesComponent`]) owns the keys in [`keys`], the queries in
//! [`query`], the routes `/v1/certificate-types…` and `/v1/certificates…` (feature `http`) and
//! the `govchain cert` commands (feature `cli`).

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod credential;
pub mod facts;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod methods;
mod model;
pub mod offline;
pub mod query;
pub mod verify;
pub mod views;

pub use component::CertificatesComponent;
pub use methods::{CertificatesModule, MAX_STATUS_REASON};
pub use model::*;
