use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest as _;

/// A 32-byte digest (SHA-256 or SM3 depending on the chain's [`Suite`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, BorshSerialize, BorshDeserialize)]
pub struct Hash32(pub [u8; 32]);

impl Hash32 {
    /// The all-zero hash, used as `prev_hash` of the first block and as the root of empty lists.
    pub const ZERO: Hash32 = Hash32([0u8; 32]);

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex characters (an optional `0x` prefix is accepted).
    pub fn from_hex(s: &str) -> Option<Hash32> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let bytes = hex::decode(s).ok()?;
        Some(Hash32(bytes.try_into().ok()?))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash32({})", self.to_hex())
    }
}

impl Serialize for Hash32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as Deserialize>::deserialize(d)?;
        Hash32::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 hex characters"))
    }
}

/// The crypto suite a chain selects at genesis. The tag values are frozen: they appear in
/// genesis files and proof bundles.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Suite {
    /// Ed25519 signatures (default) and SHA-256 hashing.
    #[default]
    #[serde(rename = "ed25519-sha256")]
    Ed25519Sha256 = 0,
    /// SM2 signatures and SM3 hashing (GB/T 32918, GB/T 32905).
    #[serde(rename = "sm2-sm3")]
    Sm2Sm3 = 1,
}

impl Suite {
    /// The default signature algorithm for new keys on a chain of this suite.
    pub fn default_algorithm(self) -> crate::Algorithm {
        match self {
            Suite::Ed25519Sha256 => crate::Algorithm::Ed25519,
            Suite::Sm2Sm3 => crate::Algorithm::Sm2,
        }
    }

    /// Hashes `data` with the suite's hash function.
    pub fn hash(self, data: &[u8]) -> Hash32 {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }

    /// Hashes the concatenation of `parts`.
    pub fn hash_parts(self, parts: &[&[u8]]) -> Hash32 {
        let mut h = self.hasher();
        for p in parts {
            h.update(p);
        }
        h.finalize()
    }

    /// HMAC (RFC 2104) with the suite's hash, keyed with `key`, over the concatenation of
    /// `parts`: a keyed function whose output nobody without the key can compute or invert.
    pub fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Hash32 {
        use hmac::{KeyInit, Mac};
        fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Hash32 {
            // HMAC accepts keys of any length.
            let Ok(mut m) = <M as KeyInit>::new_from_slice(key) else { return Hash32::ZERO };
            for p in parts {
                m.update(p);
            }
            let mut out = [0u8; 32];
            out.copy_from_slice(&m.finalize().into_bytes()[..32]);
            Hash32(out)
        }
        match self {
            Suite::Ed25519Sha256 => run::<hmac::Hmac<sha2::Sha256>>(key, parts),
            Suite::Sm2Sm3 => run::<hmac::Hmac<sm3::Sm3>>(key, parts),
        }
    }

    /// A streaming hasher for the suite.
    pub fn hasher(self) -> Hasher {
        match self {
            Suite::Ed25519Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Suite::Sm2Sm3 => Hasher::Sm3(sm3::Sm3::new()),
        }
    }

    /// Name as written in genesis files (`ed25519-sha256` or `sm2-sm3`).
    pub fn name(self) -> &'static str {
        match self {
            Suite::Ed25519Sha256 => "ed25519-sha256",
            Suite::Sm2Sm3 => "sm2-sm3",
        }
    }

    /// Parses a suite name.
    pub fn from_name(s: &str) -> Option<Suite> {
        match s {
            "ed25519-sha256" | "ed25519" => Some(Suite::Ed25519Sha256),
            "sm2-sm3" | "sm2" => Some(Suite::Sm2Sm3),
            _ => None,
        }
    }
}

/// A streaming hasher over the suite's hash function.
#[derive(Clone)]
pub enum Hasher {
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SM3.
    Sm3(sm3::Sm3),
}

impl Hasher {
    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => sha2::Digest::update(h, data),
            Hasher::Sm3(h) => sm3::Digest::update(h, data),
        }
    }

    /// Produces the digest.
    pub fn finalize(self) -> Hash32 {
        let mut out = [0u8; 32];
        match self {
            Hasher::Sha256(h) => out.copy_from_slice(&sha2::Digest::finalize(h)),
            Hasher::Sm3(h) => out.copy_from_slice(&sm3::Digest::finalize(h)),
        }
        Hash32(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_vectors() {
        // FIPS 180-2 and GB/T 32905-2016 test vectors for "abc".
        assert_eq!(
            Suite::Ed25519Sha256.hash(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Suite::Sm2Sm3.hash(b"abc").to_hex(),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn hash_parts_equals_concatenation() {
        for suite in [Suite::Ed25519Sha256, Suite::Sm2Sm3] {
            assert_eq!(suite.hash_parts(&[b"ab", b"c"]), suite.hash(b"abc"));
        }
    }

    #[test]
    fn hex_round_trip() {
        let h = Suite::Ed25519Sha256.hash(b"x");
        assert_eq!(Hash32::from_hex(&h.to_hex()), Some(h));
        assert_eq!(Hash32::from_hex("zz"), None);
    }
}

#[cfg(test)]
mod hmac_tests {
    use super::*;

    /// RFC 4231 test case 2 (HMAC-SHA-256, key "Jefe").
    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        let mac = Suite::Ed25519Sha256.hmac(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(mac.to_hex(), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_ne!(Suite::Sm2Sm3.hmac(b"Jefe", &[b"what do ya want for nothing?"]), mac);
    }
}
