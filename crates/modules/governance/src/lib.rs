//! Governance: changes to who runs the chain need the approval of a share (default two thirds)
//! of the active government organisations.
//!
//! An admin of a government organisation `propose`s an [`Action`]; admins of other government
//! organisations `approve` it (one approval per organisation; the proposer's counts). When the
//! approvals reach the threshold the action is executed in that same transaction:
//! organisations are added or deactivated; validator-set changes are scheduled to take effect
//! `activation_delay` blocks later (see `govchain_execution::keys::VALIDATORS_PENDING`), so
//! every node switches sets at the same, announced height, and the change is recorded for light
//! clients; chain parameters change at once.

#![deny(clippy::unwrap_used)]

mod methods;
mod model;

pub use methods::GovernanceModule;
pub use model::*;
