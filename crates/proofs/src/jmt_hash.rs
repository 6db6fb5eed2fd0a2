//! [`jmt::SimpleHasher`] implementations for the two suites.

use govchain_crypto::{Hasher, Suite};

/// SHA-256 for the Jellyfish Merkle Tree of `ed25519-sha256` chains.
pub struct JmtSha256(Hasher);
/// SM3 for the Jellyfish Merkle Tree of `sm2-sm3` chains.
pub struct JmtSm3(Hasher);

impl jmt::SimpleHasher for JmtSha256 {
    fn new() -> Self {
        JmtSha256(Suite::Ed25519Sha256.hasher())
    }
    fn update(&mut self, data: &[u8]) {
        self.0.update(data)
    }
    fn finalize(self) -> [u8; 32] {
        self.0.finalize().0
    }
}

impl jmt::SimpleHasher for JmtSm3 {
    fn new() -> Self {
        JmtSm3(Suite::Sm2Sm3.hasher())
    }
    fn update(&mut self, data: &[u8]) {
        self.0.update(data)
    }
    fn finalize(self) -> [u8; 32] {
        self.0.finalize().0
    }
}

/// The JMT key hash of a state key: `H(key)`.
pub fn key_hash(suite: Suite, key: &[u8]) -> jmt::KeyHash {
    jmt::KeyHash(suite.hash(key).0)
}

/// Verifies a borsh-encoded `SparseMerkleProof` for `key` (present with `value`, or absent when
/// `value` is None) against `root`.
pub fn verify_state_proof(
    suite: Suite,
    root: [u8; 32],
    key: &[u8],
    value: Option<&[u8]>,
    proof: &[u8],
) -> Result<(), String> {
    let kh = key_hash(suite, key);
    let root = jmt::RootHash(root);
    match suite {
        Suite::Ed25519Sha256 => {
            let p: jmt::proof::SparseMerkleProof<JmtSha256> =
                borsh::from_slice(proof).map_err(|e| format!("proof encoding: {e}"))?;
            p.verify(root, kh, value).map_err(|e| e.to_string())
        }
        Suite::Sm2Sm3 => {
            let p: jmt::proof::SparseMerkleProof<JmtSm3> =
                borsh::from_slice(proof).map_err(|e| format!("proof encoding: {e}"))?;
            p.verify(root, kh, value).map_err(|e| e.to_string())
        }
    }
}
