//! Public participation and public-resource trading.
//!
//! * **Votes** ([`VoteComponent`], module `vote`): options, eligibility by certificate, opening
//!   and closing heights. One ballot per eligible person, unlinkable to them: an eligibility
//!   authority blind-signs a token ([`token`]) after checking a presentation; the ballot is cast
//!   from a fresh key with the unblinded token, and each token is accepted once. Ballots are
//!   sealed to a key split among k of n trustee departments ([`sealing`]); after the close the
//!   trustees release their parts, and with k of them the chain — and anyone — opens and counts
//!   every ballot ([`tally`]).
//! * **Consultations** ([`ConsultComponent`], module `consult`): a text, documents and a comment
//!   period; eligible people comment once under a per-consultation pseudonym (the same token
//!   round as votes); the department answers or moderates with public reasons.
//! * **Tenders** ([`TenderComponent`], module `tender`): a notice with a lot, an award rule and a
//!   deadline; bids sealed the same way; opened after the deadline and awarded by the rule.
//!
//! `docs/participation.md` is the user's and auditor's guide, with the threat model.

#![deny(clippy::unwrap_used)]

pub mod board;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
mod component;
pub mod consult;
mod eligibility;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod keyspace;
mod methods;
mod model;
pub mod query;
pub mod sealing;
pub mod tally;
pub mod tender;
pub mod token;

pub use component::VoteComponent;
pub use consult::ConsultComponent;
pub use methods::{CREATE_PERMISSION, OPEN_PER_BLOCK, VoteModule};
pub use model::*;
pub use tender::TenderComponent;
