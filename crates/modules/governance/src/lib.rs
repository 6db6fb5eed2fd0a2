//! Governance: changes to who runs the chain need the approval of a share (default two thirds)
//! of the active government organisations.
//!
//! An admin of a government organisation `propose`s an [`Action`]; admins of other government
//! organisations `approve` it (one approval per organisation; the proposer's counts). When the
//! approvals reach [`GovConfig::required_approvals`] the action is executed in that same
//! transaction: organisations are added or deactivated (through identity's interface);
//! validator-set changes are scheduled to take effect `activation_delay` blocks later (see
//! `govchain_execution::keys::VALIDATORS_PENDING`), so every node switches sets at the same,
//! announced height, and the change is recorded for light clients; chain parameters change at
//! once.
//!
//! The component ([`GovernanceComponent`]) owns the keys in [`keys`], the queries in [`query`],
//! the routes `/v1/governance/proposals…` (feature `http`), the `govchain governance` commands
//! (feature `cli`) and the `governance` genesis section.

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
#[cfg(feature = "http")]
mod http;
pub mod keys;
mod methods;
mod model;
pub mod query;
pub mod views;

pub use component::GovernanceComponent;
pub use methods::GovernanceModule;
pub use model::*;
