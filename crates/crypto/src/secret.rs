use std::fmt;

use rand::RngCore;
use sm2::dsa::signature::Signer as _;
use sm2::elliptic_curve::sec1::ToSec1Point as _;
use zeroize::Zeroizing;

use crate::{Algorithm, CryptoError, PublicKey, Signature};

/// A signing key. Never printed; its bytes leave memory only through [`crate::keystore`].
#[derive(Clone)]
pub enum SecretKey {
    /// Ed25519 signing key.
    Ed25519(ed25519_consensus::SigningKey),
    /// SM2 signing key with the default distinguishing ID.
    Sm2(Box<sm2::dsa::SigningKey>),
    /// secp256k1 signing key (Ethereum-style signatures, see [`crate::secp256k1`]).
    Secp256k1(Box<k256::ecdsa::SigningKey>),
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, {})", self.algorithm().name(), self.public_key())
    }
}

impl SecretKey {
    /// Generates a key from the operating system's random number generator.
    pub fn generate(alg: Algorithm) -> SecretKey {
        let mut seed = Zeroizing::new([0u8; 32]);
        loop {
            rand::rngs::OsRng.fill_bytes(&mut seed[..]);
            if let Ok(k) = SecretKey::from_bytes(alg, &seed[..]) {
                return k;
            }
        }
    }

    /// Derives a key deterministically from a 32-byte seed (tests, benchmarks and the dev
    /// chain's demo accounts). For SM2 the seed is re-hashed until it is a valid scalar.
    pub fn from_seed(alg: Algorithm, seed: [u8; 32]) -> SecretKey {
        let mut s = Zeroizing::new(seed);
        loop {
            if let Ok(k) = SecretKey::from_bytes(alg, &s[..]) {
                return k;
            }
            *s = crate::Suite::Sm2Sm3.hash(&s[..]).0;
        }
    }

    /// Loads a key from its 32 secret bytes.
    pub fn from_bytes(alg: Algorithm, bytes: &[u8]) -> Result<SecretKey, CryptoError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadLength {
            what: "secret key",
            alg: alg.name(),
            expected: 32,
            got: bytes.len(),
        })?;
        match alg {
            Algorithm::Ed25519 => Ok(SecretKey::Ed25519(ed25519_consensus::SigningKey::from(arr))),
            Algorithm::Sm2 => sm2::dsa::SigningKey::from_slice(crate::sm2::DEFAULT_DISTID, &arr)
                .map(|k| SecretKey::Sm2(Box::new(k)))
                .map_err(|_| CryptoError::KeystoreFormat("SM2 secret scalar out of range".into())),
            Algorithm::Secp256k1 => k256::ecdsa::SigningKey::from_slice(&arr)
                .map(|k| SecretKey::Secp256k1(Box::new(k)))
                .map_err(|_| CryptoError::KeystoreFormat("secp256k1 secret scalar out of range".into())),
        }
    }

    /// The 32 secret bytes (zeroed when dropped).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        match self {
            SecretKey::Ed25519(k) => Zeroizing::new(k.to_bytes()),
            SecretKey::Sm2(k) => {
                let mut out = [0u8; 32];
                out.copy_from_slice(&k.to_bytes());
                Zeroizing::new(out)
            }
            SecretKey::Secp256k1(k) => {
                let mut out = [0u8; 32];
                out.copy_from_slice(&k.to_bytes());
                Zeroizing::new(out)
            }
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SecretKey::Ed25519(_) => Algorithm::Ed25519,
            SecretKey::Sm2(_) => Algorithm::Sm2,
            SecretKey::Secp256k1(_) => Algorithm::Secp256k1,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SecretKey::Ed25519(k) => PublicKey::Ed25519(k.verification_key().to_bytes()),
            SecretKey::Sm2(k) => {
                let point = k.verifying_key().as_affine().to_sec1_point(true);
                let mut out = [0u8; 33];
                out.copy_from_slice(point.as_bytes());
                PublicKey::Sm2(out)
            }
            SecretKey::Secp256k1(k) => PublicKey::Secp256k1(crate::secp256k1::compress(k.verifying_key())),
        }
    }

    /// Signs `msg` (deterministic: RFC 8032, RFC 6979). secp256k1 signs keccak-256 of `msg`.
    pub fn sign(&self, msg: &[u8]) -> Signature {
        match self {
            SecretKey::Ed25519(k) => Signature::Ed25519(k.sign(msg).to_bytes()),
            SecretKey::Sm2(k) => {
                let sig: sm2::dsa::Signature = k.sign(msg);
                let mut out = [0u8; 64];
                out.copy_from_slice(&sig.to_bytes());
                Signature::Sm2(out)
            }
            SecretKey::Secp256k1(k) => {
                Signature::Secp256k1(crate::secp256k1::sign_digest(k, &crate::secp256k1::keccak256(msg)).0)
            }
        }
    }

    /// Signs a 32-byte digest with a secp256k1 key, returning `r || s` (low `s`) and the
    /// recovery parity: what Ethereum transactions and `personal_sign` carry. None for other
    /// algorithms.
    pub fn sign_digest_recoverable(&self, digest: &[u8; 32]) -> Option<([u8; 64], bool)> {
        match self {
            SecretKey::Secp256k1(k) => Some(crate::secp256k1::sign_digest(k, digest)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_both_algorithms() {
        for alg in [Algorithm::Ed25519, Algorithm::Sm2] {
            let sk = SecretKey::from_seed(alg, [42u8; 32]);
            let pk = sk.public_key();
            assert_eq!(pk.algorithm(), alg);
            pk.validate().expect("valid key");
            let sig = sk.sign(b"hello");
            assert_eq!(pk.verify(b"hello", &sig), Ok(()));
            assert_eq!(pk.verify(b"hellp", &sig), Err(CryptoError::BadSignature));
            let mut bad = sig.clone();
            bad.sig_bytes_mut()[5] ^= 1;
            assert!(pk.verify(b"hello", &bad).is_err());
            let restored = SecretKey::from_bytes(alg, &sk.to_bytes()[..]).expect("restores");
            assert_eq!(restored.public_key(), pk);
        }
    }

    #[test]
    fn algorithm_mismatch_is_reported() {
        let ed = SecretKey::from_seed(Algorithm::Ed25519, [1u8; 32]);
        let sm = SecretKey::from_seed(Algorithm::Sm2, [1u8; 32]);
        let sig = sm.sign(b"m");
        assert!(matches!(ed.public_key().verify(b"m", &sig), Err(CryptoError::AlgorithmMismatch { .. })));
    }
}
