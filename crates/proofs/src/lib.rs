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

pub use bundle::{BUNDLE_MAGIC, Claim, ProofBundle, TrustRoot, Verified, VerifiedClaim};
pub use certificate::verify_commit;
pub use error::ProofError;
