//! Cryptography for GovChain.
//!
//! * [`Suite`]: the hash and default signature algorithm a chain selects in its genesis
//!   (`ed25519-sha256`, the default, or `sm2-sm3`, the Chinese national standard).
//! * [`PublicKey`], [`Signature`]: keys and signatures that carry an explicit [`Algorithm`] tag,
//!   so both algorithms can coexist for accounts on one chain.
//! * [`SecretKey`]: signing keys, generated from the OS RNG or loaded from an encrypted
//!   [`keystore`].
//! * [`secp256k1`]: Ethereum-style secp256k1 (keccak-256 digests, EIP-2 low `s`, Ethereum
//!   addresses), for Ethereum transactions and the keys bound to accounts for them.
//! * [`verify_batch`]: parallel verification used by the mempool and block validation. Single and
//!   batch Ed25519 verification apply the same rule (see [`ed25519`]), so nodes never disagree.

#![deny(clippy::unwrap_used)]

mod batch;
pub mod ed25519;
mod error;
pub mod exchange;
pub mod files;
mod hash;
mod keys;
pub mod keystore;
pub mod secp256k1;
mod secret;
mod sm2;

pub use batch::{VerifyItem, verify_batch};
pub use error::CryptoError;
pub use hash::{Hash32, Hasher, Suite};
pub use keys::{Address, Algorithm, PublicKey, Signature};
pub use secret::SecretKey;
