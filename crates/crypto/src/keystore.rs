//! Passphrase-encrypted key files.
//!
//! A keystore is a JSON document: the secret key bytes encrypted with XChaCha20-Poly1305 under a
//! key derived from the passphrase with Argon2id. The public key is authenticated as associated
//! data, so a file whose public key was swapped does not decrypt. Parameters follow the OWASP
//! recommendation for Argon2id (19 MiB, 2 passes, 1 lane) by default.

use argon2::{Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{Algorithm, CryptoError, PublicKey, SecretKey};

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Number of passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams { m_cost_kib: 19 * 1024, t_cost: 2, p_cost: 1 }
    }
}

/// The on-disk keystore document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Keystore {
    /// Format version (1).
    pub version: u32,
    /// A human label (e.g. `finance-admin`).
    pub name: String,
    /// The key's public half.
    pub public_key: PublicKey,
    /// True when the file was written with an empty passphrase (development only).
    pub empty_passphrase: bool,
    /// KDF name, always `argon2id`.
    pub kdf: String,
    /// KDF parameters.
    pub kdf_params: KdfParams,
    /// Salt, hex.
    pub salt: String,
    /// Cipher name, always `xchacha20poly1305`.
    pub cipher: String,
    /// 24-byte nonce, hex.
    pub nonce: String,
    /// Encrypted 32-byte secret plus 16-byte tag, hex.
    pub ciphertext: String,
}

impl KdfParams {
    /// Most memory a keystore may ask for (1 GiB): a file cannot make the reader exhaust memory.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// Most passes.
    pub const MAX_T_COST: u32 = 64;
    /// Most lanes.
    pub const MAX_P_COST: u32 = 16;

    /// Checks the parameters read from a file against the bounds.
    pub fn check(&self) -> Result<(), CryptoError> {
        let ok = (8..=Self::MAX_M_COST_KIB).contains(&self.m_cost_kib)
            && (1..=Self::MAX_T_COST).contains(&self.t_cost)
            && (1..=Self::MAX_P_COST).contains(&self.p_cost);
        if ok {
            Ok(())
        } else {
            Err(CryptoError::KeystoreFormat(format!(
                "kdf params out of bounds (memory ≤ {} KiB, passes ≤ {}, lanes ≤ {})",
                Self::MAX_M_COST_KIB,
                Self::MAX_T_COST,
                Self::MAX_P_COST
            )))
        }
    }
}

fn derive_key(passphrase: &str, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    p.check()?;
    let params = Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32))
        .map_err(|e| CryptoError::KeystoreFormat(format!("kdf params: {e}")))?;
    let argon = Argon2::new(argon2::Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|e| CryptoError::KeystoreFormat(format!("kdf: {e}")))?;
    Ok(out)
}

impl Keystore {
    /// Encrypts `key` under `passphrase`.
    pub fn encrypt(name: &str, key: &SecretKey, passphrase: &str, params: KdfParams) -> Result<Keystore, CryptoError> {
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let k = derive_key(passphrase, &salt, params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&k[..]).map_err(|_| CryptoError::KeystoreDecrypt)?;
        let public_key = key.public_key();
        let aad = public_key.to_text();
        let secret = key.to_bytes();
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &secret[..], aad: aad.as_bytes() })
            .map_err(|_| CryptoError::KeystoreDecrypt)?;
        Ok(Keystore {
            version: 1,
            name: name.to_string(),
            public_key,
            empty_passphrase: passphrase.is_empty(),
            kdf: "argon2id".into(),
            kdf_params: params,
            salt: hex::encode(salt),
            cipher: "xchacha20poly1305".into(),
            nonce: hex::encode(nonce),
            ciphertext: hex::encode(ct),
        })
    }

    /// Decrypts the key. A wrong passphrase or any altered field gives
    /// [`CryptoError::KeystoreDecrypt`].
    pub fn decrypt(&self, passphrase: &str) -> Result<SecretKey, CryptoError> {
        if self.version != 1 || self.kdf != "argon2id" || self.cipher != "xchacha20poly1305" {
            return Err(CryptoError::KeystoreFormat("unsupported version, kdf or cipher".into()));
        }
        let bad = |what: &str| CryptoError::KeystoreFormat(format!("bad {what}"));
        let salt = hex::decode(&self.salt).map_err(|_| bad("salt"))?;
        let nonce = hex::decode(&self.nonce).map_err(|_| bad("nonce"))?;
        let ct = hex::decode(&self.ciphertext).map_err(|_| bad("ciphertext"))?;
        if nonce.len() != 24 {
            return Err(bad("nonce length"));
        }
        let k = derive_key(passphrase, &salt, self.kdf_params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&k[..]).map_err(|_| CryptoError::KeystoreDecrypt)?;
        let aad = self.public_key.to_text();
        let secret = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad: aad.as_bytes() })
                .map_err(|_| CryptoError::KeystoreDecrypt)?,
        );
        let key = SecretKey::from_bytes(self.public_key.algorithm(), &secret)?;
        if key.public_key() != self.public_key {
            return Err(CryptoError::KeystoreDecrypt);
        }
        Ok(key)
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public_key.algorithm()
    }

    /// Serialises to pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses JSON.
    pub fn from_json(s: &str) -> Result<Keystore, CryptoError> {
        let ks: Keystore = serde_json::from_str(s).map_err(|e| CryptoError::KeystoreFormat(e.to_string()))?;
        ks.kdf_params.check()?;
        Ok(ks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 };

    #[test]
    fn kdf_parameters_read_from_a_file_are_bounded() {
        let k = SecretKey::from_seed(Algorithm::Ed25519, [3; 32]);
        let json = Keystore::encrypt("k", &k, "pw", FAST).expect("encrypt").to_json();
        for (field, value) in [("m_cost_kib", 2_000_000), ("t_cost", 1_000_000), ("p_cost", 0)] {
            let mut v: serde_json::Value = serde_json::from_str(&json).expect("json");
            v["kdf_params"][field] = serde_json::json!(value);
            let e = Keystore::from_json(&v.to_string()).expect_err("out of bounds");
            assert!(e.to_string().contains("out of bounds"), "{field}: {e}");
        }
        assert!(Keystore::from_json(&json).is_ok());
    }

    #[test]
    fn round_trip_and_wrong_passphrase() {
        for alg in [Algorithm::Ed25519, Algorithm::Sm2] {
            let sk = SecretKey::from_seed(alg, [5u8; 32]);
            let ks = Keystore::encrypt("t", &sk, "correct horse", FAST).expect("encrypts");
            let json = ks.to_json();
            assert!(!json.contains(&hex::encode(&sk.to_bytes()[..])), "secret not in plaintext");
            let back = Keystore::from_json(&json).expect("parses");
            assert_eq!(back.decrypt("correct horse").expect("decrypts").public_key(), sk.public_key());
            assert_eq!(back.decrypt("wrong").err(), Some(CryptoError::KeystoreDecrypt));
        }
    }

    #[test]
    fn swapped_public_key_fails() {
        let sk = SecretKey::from_seed(Algorithm::Ed25519, [5u8; 32]);
        let other = SecretKey::from_seed(Algorithm::Ed25519, [6u8; 32]);
        let mut ks = Keystore::encrypt("t", &sk, "", FAST).expect("encrypts");
        assert!(ks.empty_passphrase);
        ks.public_key = other.public_key();
        assert_eq!(ks.decrypt("").err(), Some(CryptoError::KeystoreDecrypt));
    }
}
