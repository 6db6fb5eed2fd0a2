//! The identity module: organisations (departments, institutions, enterprises), accounts
//! (officials, citizens, businesses), roles and permissions.
//!
//! * Organisations and their first admins come from the genesis; governance adds and removes
//!   organisations later ([`add_organisation`], [`deactivate_organisation`]).
//! * An organisation's admins register accounts, define roles and grant or revoke them.
//! * Other modules call [`require_permission`] to check that a signer is an active official
//!   holding a role that grants a permission such as `records.publish`.
//! * [`IdentityGate`] admits only registered, active accounts as transaction signers.
//!
//! Accounts are pseudonymous: an address and a public key, never a name or national id.
//!
//! The component ([`IdentityComponent`]) owns the keys in [`keys`], the queries in [`query`],
//! the routes `/v1/organisations…` and `/v1/accounts/{address}` (feature `http`), the
//! `govchain identity` commands (feature `cli`), and the `identity` genesis section. Feature
//! `testing` provides the in-memory test harness every module's tests use.

#![deny(clippy::unwrap_used)]

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod eth;
mod genesis;
#[cfg(feature = "http")]
mod http;
pub mod keys;
mod methods;
mod model;
pub mod query;
#[cfg(feature = "testing")]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod testing;
pub mod validate;
pub mod views;

pub use component::IdentityComponent;
pub use genesis::{GenesisAccount, IdentityGenesis, genesis_writes};
pub use methods::{
    IdentityGate, IdentityModule, account, account_exists, add_organisation, admin_org, check_key,
    deactivate_organisation, has_permission, load_org, org_ids, organisation_exists, organisations, require_permission,
};
pub use model::*;
pub use validate::organisation as validate_organisation;
