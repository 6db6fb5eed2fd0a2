use thiserror::Error;

/// Why a proof did not verify.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// The file is not a proof bundle, or its encoding is damaged.
    #[error("not a valid proof bundle: {0}")]
    Format(String),
    /// The bundle is for another chain or suite than the trusted genesis.
    #[error("bundle is for chain {got}, trusted genesis is {expected}")]
    WrongChain {
        /// Trusted chain id.
        expected: String,
        /// Bundle chain id.
        got: String,
    },
    /// The validator set in the bundle is not the trusted one, or does not match the header.
    #[error("validator set: {0}")]
    ValidatorSet(String),
    /// The commit certificate does not prove the header.
    #[error("commit certificate: {0}")]
    Certificate(String),
    /// The Merkle or state proof does not match the header.
    #[error("inclusion proof: {0}")]
    Inclusion(String),
}
