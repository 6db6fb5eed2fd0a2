use thiserror::Error;

/// Errors from key parsing, signing, verification and keystores.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// The algorithm tag is not one GovChain knows.
    #[error("unknown algorithm tag {0}")]
    UnknownAlgorithm(u8),
    /// A key or signature has the wrong length for its algorithm.
    #[error("{what} for {alg} must be {expected} bytes, got {got}")]
    BadLength {
        /// What was being parsed.
        what: &'static str,
        /// Algorithm name.
        alg: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// The public key is not a valid point, is small-order, or is not canonically encoded.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    /// The signature is malformed or non-canonical (malleable).
    #[error("non-canonical or malformed signature: {0}")]
    MalformedSignature(&'static str),
    /// The signature does not verify.
    #[error("signature verification failed")]
    BadSignature,
    /// The key and signature use different algorithms.
    #[error("signature algorithm {sig} does not match key algorithm {key}")]
    AlgorithmMismatch {
        /// The key's algorithm.
        key: &'static str,
        /// The signature's algorithm.
        sig: &'static str,
    },
    /// Keystore could not be decrypted (wrong passphrase or damaged file).
    #[error("keystore decryption failed: wrong passphrase or damaged file")]
    KeystoreDecrypt,
    /// Keystore file is malformed.
    #[error("keystore format error: {0}")]
    KeystoreFormat(String),
    /// Sealed or encrypted bytes could not be opened: wrong key, wrong context, or changed bytes.
    #[error("decryption failed: wrong key or damaged ciphertext")]
    Decrypt,
}
