//! Canonical types of GovChain and their one binary encoding.
//!
//! Everything that is signed or hashed is encoded with [`borsh`] (little-endian integers,
//! `u32` length prefixes, no trailing bytes, enum tags as one byte with frozen values) through
//! [`codec::encode`] and decoded through [`codec::decode`], which caps the input size before
//! parsing. Variable-length fields use the [`bounded`] wrappers, which check their length prefix
//! before reading, so a huge length prefix is rejected without allocation.
//!
//! Domain-separation prefixes (`GOVCHAIN/TX/v1\0`, …) are prepended to the encoding before a
//! value is hashed or signed, so a signature over one kind of object can never be replayed as
//! another. The exact byte layouts are documented in `docs/encoding.md` and frozen by the golden
//! fixtures in `tests/fixtures/`.

#![deny(clippy::unwrap_used)]

mod block;
pub mod bounded;
pub mod codec;
mod error;
pub mod limits;
mod method;
mod receipt;
mod tx;
pub mod validate;
mod validator;

pub use block::{
    Block, CommitCertificate, CommitSignature, CommittedBlock, Header, VoteKind, proposal_sign_bytes, vote_sign_bytes,
};
pub use bounded::{BoundedBytes, BoundedString, BoundedVec};
pub use codec::DecodeError;
pub use error::{ErrorClass, IndexOp};
pub use govchain_crypto::{Address, Algorithm, Hash32, PublicKey, Signature, Suite};
pub use method::Method;
pub use receipt::{Event, Outcome, Receipt};
pub use tx::{Call, Payload, SignedTransaction, Transaction};
pub use validator::{Validator, ValidatorSet, ValidatorSetError};

/// The state key of the validator set deciding the next height (`sys/validators`, borsh
/// [`ValidatorSet`]): written by the executor, read by light clients following validator-set
/// changes (docs/proofs.md). Frozen.
pub const VALIDATORS_STATE_KEY: &[u8] = b"sys/validators";

/// Domain-separation prefixes. Frozen: changing one changes every hash and signature.
pub mod domain {
    /// Prefix of transaction sign bytes (and of the transaction id preimage).
    pub const TX: &[u8] = b"GOVCHAIN/TX/v1\0";
    /// Prefix of the block header hash preimage.
    pub const HEADER: &[u8] = b"GOVCHAIN/HEADER/v1\0";
    /// Prefix of consensus vote sign bytes.
    pub const VOTE: &[u8] = b"GOVCHAIN/VOTE/v1\0";
    /// Prefix of consensus proposal sign bytes.
    pub const PROPOSAL: &[u8] = b"GOVCHAIN/PROPOSAL/v1\0";
    /// Prefix of the validator-set hash preimage.
    pub const VALSET: &[u8] = b"GOVCHAIN/VALSET/v1\0";
}
