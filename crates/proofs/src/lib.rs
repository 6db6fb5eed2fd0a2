//! Light-client proofs: Merkle lists for transactions and receipts, the authenticated-state
//! hashers, commit-certificate verification, and the proof bundle that `govchain verify` checks
//! offline. The formats are specified in `docs/proofs.md`; this crate is their reference
//! verifier. It does no I/O.

#![deny(clippy::unwrap_used)]

mod bundle;
mod certificate;
mod error;
pub mod jmt_hash;
pub mod merkle;

pub use bundle::{
    BUNDLE_MAGIC, Claim, ProofBundle, StateEntry, TrustRoot, VALIDATORS_KEY, ValsetChange, Verified, VerifiedClaim,
};
pub use certificate::verify_commit;

/// Bundle size limits.
pub mod bundle_limits {
    pub use crate::bundle::{MAX_BUNDLE_BYTES, MAX_STATE_ENTRIES, MAX_VALSET_CHANGES};
}
pub use error::ProofError;
