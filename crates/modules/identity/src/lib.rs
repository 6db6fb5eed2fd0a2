//! The identity module: organisations (departments, institutions, enterprises), accounts
//! (officials, citizens, businesses), roles and permissions.
//!
//! * Organisations and their first admins come from the genesis (governance of membership
//!   changes is a later module).
//! * An organisation's admins register accounts, define roles and grant or revoke them.
//! * Other modules call [`require_permission`] to check that a signer is an active official
//!   holding a role that grants a permission such as `records.publish`.
//! * [`IdentityGate`] admits only registered, active accounts as transaction signers.
//!
//! Accounts are pseudonymous: an address and a public key, never a name or national id.

#![deny(clippy::unwrap_used)]

mod genesis;
mod methods;
mod model;
pub mod validate;

pub use genesis::{GenesisAccount, IdentityGenesis, genesis_writes};
pub use methods::{IdentityGate, IdentityModule, admin_org, load_org, org_ids, require_permission};
pub use model::*;
pub use validate::organisation as validate_organisation;
