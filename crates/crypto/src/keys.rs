use std::fmt;
use std::io;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{CryptoError, Suite};

/// A signature algorithm. The tag values are frozen: they are part of every signed transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), verified under the rule in [`crate::ed25519`].
    Ed25519 = 0,
    /// SM2 digital signature (GB/T 32918.2) with SM3 and the default distinguishing ID.
    Sm2 = 1,
    /// secp256k1 ECDSA as Ethereum uses it ([`crate::secp256k1`]): for Ethereum transactions
    /// and the keys bound to accounts for them, never a chain's own suite.
    Secp256k1 = 2,
}

impl Algorithm {
    /// The frozen tag byte.
    pub fn tag(self) -> u8 {
        self as u8
    }

    /// Looks an algorithm up by tag.
    pub fn from_tag(tag: u8) -> Result<Algorithm, CryptoError> {
        match tag {
            0 => Ok(Algorithm::Ed25519),
            1 => Ok(Algorithm::Sm2),
            2 => Ok(Algorithm::Secp256k1),
            t => Err(CryptoError::UnknownAlgorithm(t)),
        }
    }

    /// Lower-case name (`ed25519`, `sm2`, `secp256k1`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Sm2 => "sm2",
            Algorithm::Secp256k1 => "secp256k1",
        }
    }

    /// Parses a name.
    pub fn from_name(s: &str) -> Option<Algorithm> {
        match s {
            "ed25519" => Some(Algorithm::Ed25519),
            "sm2" => Some(Algorithm::Sm2),
            "secp256k1" => Some(Algorithm::Secp256k1),
            _ => None,
        }
    }

    fn public_key_len(self) -> usize {
        match self {
            Algorithm::Ed25519 => 32,
            Algorithm::Sm2 | Algorithm::Secp256k1 => 33,
        }
    }
}

/// A public key with its algorithm tag. Encoded as the tag byte followed by the key bytes
/// (32 for Ed25519; 33, compressed SEC1, for SM2 and secp256k1).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PublicKey {
    /// Ed25519 public key (compressed Edwards point).
    Ed25519([u8; 32]),
    /// SM2 public key (compressed SEC1 point).
    Sm2([u8; 33]),
    /// secp256k1 public key (compressed SEC1 point).
    Secp256k1([u8; 33]),
}

/// A signature with its algorithm tag. Encoded as the tag byte followed by 64 bytes
/// (`R || S` for Ed25519; `r || s` big-endian for SM2 and secp256k1).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signature {
    /// Ed25519 signature.
    Ed25519([u8; 64]),
    /// SM2 signature.
    Sm2([u8; 64]),
    /// secp256k1 signature over keccak-256 of the message, low `s`.
    Secp256k1([u8; 64]),
}

impl PublicKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::Sm2(_) => Algorithm::Sm2,
            PublicKey::Secp256k1(_) => Algorithm::Secp256k1,
        }
    }

    /// The key bytes without the tag.
    pub fn key_bytes(&self) -> &[u8] {
        match self {
            PublicKey::Ed25519(b) => b,
            PublicKey::Sm2(b) | PublicKey::Secp256k1(b) => b,
        }
    }

    /// Builds a key from its algorithm and bytes. Checks only the length; point validity is
    /// checked by [`PublicKey::validate`] and at verification.
    pub fn from_parts(alg: Algorithm, bytes: &[u8]) -> Result<PublicKey, CryptoError> {
        let bad = || CryptoError::BadLength {
            what: "public key",
            alg: alg.name(),
            expected: alg.public_key_len(),
            got: bytes.len(),
        };
        Ok(match alg {
            Algorithm::Ed25519 => PublicKey::Ed25519(bytes.try_into().map_err(|_| bad())?),
            Algorithm::Sm2 => PublicKey::Sm2(bytes.try_into().map_err(|_| bad())?),
            Algorithm::Secp256k1 => PublicKey::Secp256k1(bytes.try_into().map_err(|_| bad())?),
        })
    }

    /// Checks that the key is a valid, canonically encoded point that is safe to accept for an
    /// account (not small-order for Ed25519).
    pub fn validate(&self) -> Result<(), CryptoError> {
        match self {
            PublicKey::Ed25519(b) => crate::ed25519::check_public_key(b),
            PublicKey::Sm2(b) => crate::sm2::parse_public_key(b).map(|_| ()),
            PublicKey::Secp256k1(b) => crate::secp256k1::parse_public_key(b).map(|_| ()),
        }
    }

    /// Verifies `sig` over `msg` with this key (single verification; the same rule as
    /// [`crate::verify_batch`]).
    pub fn verify(&self, msg: &[u8], sig: &Signature) -> Result<(), CryptoError> {
        match (self, sig) {
            (PublicKey::Ed25519(k), Signature::Ed25519(s)) => crate::ed25519::verify(k, msg, s),
            (PublicKey::Sm2(k), Signature::Sm2(s)) => crate::sm2::verify(k, msg, s),
            (PublicKey::Secp256k1(k), Signature::Secp256k1(s)) => crate::secp256k1::verify(k, msg, s),
            (k, s) => Err(CryptoError::AlgorithmMismatch { key: k.algorithm().name(), sig: s.algorithm().name() }),
        }
    }

    /// The address of this key on a chain of `suite`: the first 20 bytes of
    /// `H(tag || key bytes)`; for a secp256k1 key, its Ethereum address (the last 20 bytes of
    /// keccak-256 of the uncompressed point), so that Ethereum tools and the chain agree.
    pub fn address(&self, suite: Suite) -> Address {
        if let PublicKey::Secp256k1(k) = self
            && let Ok(a) = crate::secp256k1::eth_address(k)
        {
            return Address(a);
        }
        let h = suite.hash_parts(&[&[self.algorithm().tag()], self.key_bytes()]);
        let mut a = [0u8; 20];
        a.copy_from_slice(&h.0[..20]);
        Address(a)
    }

    /// Text form `alg:hex`, e.g. `ed25519:3b6a…`.
    pub fn to_text(&self) -> String {
        format!("{}:{}", self.algorithm().name(), hex::encode(self.key_bytes()))
    }

    /// Parses the text form `alg:hex`.
    pub fn from_text(s: &str) -> Result<PublicKey, CryptoError> {
        let (alg, hex_part) = s.split_once(':').ok_or(CryptoError::InvalidPublicKey("expected alg:hex"))?;
        let alg = Algorithm::from_name(alg).ok_or(CryptoError::InvalidPublicKey("unknown algorithm name"))?;
        let bytes = hex::decode(hex_part).map_err(|_| CryptoError::InvalidPublicKey("bad hex"))?;
        PublicKey::from_parts(alg, &bytes)
    }
}

impl Signature {
    /// The signature's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Signature::Ed25519(_) => Algorithm::Ed25519,
            Signature::Sm2(_) => Algorithm::Sm2,
            Signature::Secp256k1(_) => Algorithm::Secp256k1,
        }
    }

    /// The 64 signature bytes without the tag.
    pub fn sig_bytes(&self) -> &[u8; 64] {
        match self {
            Signature::Ed25519(b) | Signature::Sm2(b) | Signature::Secp256k1(b) => b,
        }
    }

    /// Mutable access to the signature bytes (used by tests that tamper with signatures).
    pub fn sig_bytes_mut(&mut self) -> &mut [u8; 64] {
        match self {
            Signature::Ed25519(b) | Signature::Sm2(b) | Signature::Secp256k1(b) => b,
        }
    }

    /// Builds a signature from its algorithm and 64 bytes.
    pub fn from_parts(alg: Algorithm, bytes: &[u8]) -> Result<Signature, CryptoError> {
        let arr: [u8; 64] = bytes.try_into().map_err(|_| CryptoError::BadLength {
            what: "signature",
            alg: alg.name(),
            expected: 64,
            got: bytes.len(),
        })?;
        Ok(match alg {
            Algorithm::Ed25519 => Signature::Ed25519(arr),
            Algorithm::Sm2 => Signature::Sm2(arr),
            Algorithm::Secp256k1 => Signature::Secp256k1(arr),
        })
    }

    /// Text form `alg:hex`.
    pub fn to_text(&self) -> String {
        format!("{}:{}", self.algorithm().name(), hex::encode(self.sig_bytes()))
    }

    /// Parses the text form `alg:hex`.
    pub fn from_text(s: &str) -> Result<Signature, CryptoError> {
        let (alg, hex_part) = s.split_once(':').ok_or(CryptoError::MalformedSignature("expected alg:hex"))?;
        let alg = Algorithm::from_name(alg).ok_or(CryptoError::MalformedSignature("unknown algorithm name"))?;
        let bytes = hex::decode(hex_part).map_err(|_| CryptoError::MalformedSignature("bad hex"))?;
        Signature::from_parts(alg, &bytes)
    }
}

fn io_err(e: CryptoError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

impl BorshSerialize for PublicKey {
    fn serialize<W: io::Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(&[self.algorithm().tag()])?;
        w.write_all(self.key_bytes())
    }
}

impl BorshDeserialize for PublicKey {
    fn deserialize_reader<R: io::Read>(r: &mut R) -> io::Result<Self> {
        let alg = Algorithm::from_tag(u8::deserialize_reader(r)?).map_err(io_err)?;
        Ok(match alg {
            Algorithm::Ed25519 => PublicKey::Ed25519(<[u8; 32]>::deserialize_reader(r)?),
            Algorithm::Sm2 => PublicKey::Sm2(<[u8; 33]>::deserialize_reader(r)?),
            Algorithm::Secp256k1 => PublicKey::Secp256k1(<[u8; 33]>::deserialize_reader(r)?),
        })
    }
}

impl BorshSerialize for Signature {
    fn serialize<W: io::Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(&[self.algorithm().tag()])?;
        w.write_all(self.sig_bytes())
    }
}

impl BorshDeserialize for Signature {
    fn deserialize_reader<R: io::Read>(r: &mut R) -> io::Result<Self> {
        let alg = Algorithm::from_tag(u8::deserialize_reader(r)?).map_err(io_err)?;
        let bytes = <[u8; 64]>::deserialize_reader(r)?;
        Ok(match alg {
            Algorithm::Ed25519 => Signature::Ed25519(bytes),
            Algorithm::Sm2 => Signature::Sm2(bytes),
            Algorithm::Secp256k1 => Signature::Secp256k1(bytes),
        })
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

macro_rules! serde_text {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_text())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as Deserialize>::deserialize(d)?;
                <$t>::from_text(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
serde_text!(PublicKey);
serde_text!(Signature);
serde_text!(Address);

/// A 20-byte account or validator address, derived from a public key with the chain's hash.
/// Shown as `0x` followed by 40 hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, BorshSerialize, BorshDeserialize)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// `0x` + 40 lower-case hex characters.
    pub fn to_text(&self) -> String {
        format!("0x{}", hex::encode(self.0))
    }

    /// Parses `0x` + 40 hex characters (the prefix is optional).
    pub fn from_text(s: &str) -> Result<Address, CryptoError> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let bytes = hex::decode(s).map_err(|_| CryptoError::InvalidPublicKey("address: bad hex"))?;
        Ok(Address(bytes.try_into().map_err(|_| CryptoError::InvalidPublicKey("address must be 20 bytes"))?))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tag_is_rejected_with_typed_error() {
        let mut bytes = vec![7u8];
        bytes.extend([0u8; 32]);
        let err = borsh::from_slice::<PublicKey>(&bytes).expect_err("tag 7 is unknown");
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<CryptoError>());
        assert_eq!(inner, Some(&CryptoError::UnknownAlgorithm(7)));
    }

    #[test]
    fn text_round_trip() {
        let k = PublicKey::Ed25519([9u8; 32]);
        assert_eq!(PublicKey::from_text(&k.to_text()), Ok(k.clone()));
        let a = k.address(Suite::Ed25519Sha256);
        assert_eq!(Address::from_text(&a.to_text()), Ok(a));
        assert_ne!(a, k.address(Suite::Sm2Sm3), "address depends on the suite hash");
    }
}
