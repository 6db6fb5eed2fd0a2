//! Cross-department data sharing (信息共享).
//!
//! * A department publishes [`Dataset`]s in a public catalog (fields with a sensitivity, legal
//!   basis, whether rows are about citizens) and a [`Profile`]: its node's endpoint and its
//!   exchange key.
//! * An official of another department files a [`Request`] (fields, purpose, legal basis,
//!   subjects, duration, case). The owner decides — an officer, or an automatic [`Policy`] in
//!   the same block — and a [`Grant`] carries the fields, scope and expiry; either side can end
//!   it.
//! * Every access, delivered or refused, is an access [`Receipt`] committed **before** the
//!   owner's node sends anything. A receipt is stored under a subject tag ([`subject`]) that
//!   only the subject (and an auditor given their key) can compute, so the subject lists every
//!   receipt about them with a completeness proof and nobody else can tell whom a receipt is
//!   about.
//! * Erasure is crypto-shredding: the owner records an `Erased` receipt in the subject's
//!   sequence; grantees record [`Shredding`]s when they destroy delivery keys.
//!
//! The chain carries receipts and digests, never the data. The component
//! ([`DatashareComponent`]) owns the keys in [`keys`], the queries in [`query`] and the routes
//! `/v1/datashare/…` (feature `http`).

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod demo;
#[cfg(feature = "exchange")]
pub mod exchange;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod methods;
mod model;
pub mod policy;
pub mod query;
pub mod subject;
pub mod views;
pub mod who;
pub mod wire;

pub use component::DatashareComponent;
pub use methods::{DatashareModule, MAX_CASE_REF, month_of};
pub use model::*;
