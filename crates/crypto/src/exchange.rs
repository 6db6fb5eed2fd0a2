//! Key agreement and public-key encryption (data sharing).
//!
//! GovChain keys double as encryption keys, one algorithm per suite:
//!
//! * **Ed25519 chains**: an Ed25519 key is used as an X25519 key through the standard birational
//!   map (public: Edwards → Montgomery; secret: the first 32 bytes of SHA-512 of the seed, as
//!   RFC 8032 derives the signing scalar). Sealing is HPKE (RFC 9180) base mode with
//!   DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305.
//! * **SM2 chains**: the SM2 key pair itself. Agreement is the x-coordinate of `d·P`; sealing is
//!   SM2 public-key encryption (GB/T 32918.4, C1C3C2) of a fresh SM4 key, and SM4-GCM of the
//!   message under it.
//!
//! Sealed bytes start with a scheme byte (see [`seal`]); docs/datashare.md gives the layouts.

use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use curve25519_dalek::edwards::CompressedEdwardsY;
use rand::RngCore;
use sha2::Digest as _;
use sm2::elliptic_curve::sec1::ToSec1Point as _;
use zeroize::Zeroizing;

use crate::{CryptoError, PublicKey, SecretKey};

/// Scheme byte of HPKE X25519 / HKDF-SHA256 / ChaCha20-Poly1305 sealed bytes.
pub const SCHEME_HPKE_X25519_CHACHA: u8 = 0x01;
/// Scheme byte of SM2-encrypted SM4 key + SM4-GCM sealed bytes.
pub const SCHEME_SM2_SM4_GCM: u8 = 0x02;
/// Largest message [`seal`] accepts (16 MiB).
pub const MAX_SEALED: usize = 16 << 20;

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;
type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, aes_gcm::aead::consts::U12>;

fn montgomery_public(ed: &[u8; 32]) -> Result<[u8; 32], CryptoError> {
    let point = CompressedEdwardsY(*ed).decompress().ok_or(CryptoError::InvalidPublicKey("not an Ed25519 point"))?;
    if point.is_small_order() {
        return Err(CryptoError::InvalidPublicKey("small-order Ed25519 point"));
    }
    Ok(point.to_montgomery().to_bytes())
}

fn x25519_secret(seed: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let digest = sha2::Sha512::digest(seed);
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&digest[..32]);
    out
}

fn sm2_public(bytes: &[u8; 33]) -> Result<sm2::PublicKey, CryptoError> {
    sm2::PublicKey::from_sec1_bytes(bytes).map_err(|_| CryptoError::InvalidPublicKey("not a valid SM2 point"))
}

fn sm2_secret(k: &SecretKey) -> Result<sm2::SecretKey, CryptoError> {
    sm2::SecretKey::from_slice(&k.to_bytes()[..])
        .map_err(|_| CryptoError::KeystoreFormat("SM2 secret scalar out of range".into()))
}

/// The shared secret of `secret` and `peer` (both of one algorithm): the X25519 output or the
/// x-coordinate of the SM2 point `d·P`. Refuses an all-zero result (a small-order peer).
pub fn agree(secret: &SecretKey, peer: &PublicKey) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let out = match (secret, peer) {
        (SecretKey::Ed25519(k), PublicKey::Ed25519(p)) => {
            let m = curve25519_dalek::montgomery::MontgomeryPoint(montgomery_public(p)?);
            let s = x25519_secret(&k.to_bytes());
            Zeroizing::new(m.mul_clamped(*s).to_bytes())
        }
        (SecretKey::Sm2(_), PublicKey::Sm2(p)) => {
            let d = sm2_secret(secret)?;
            let shared = (sm2_public(p)?.to_projective() * *d.to_nonzero_scalar()).to_affine();
            let encoded = shared.to_sec1_point(false);
            let mut out = Zeroizing::new([0u8; 32]);
            let bytes = encoded.as_bytes();
            if bytes.len() != 65 {
                return Err(CryptoError::InvalidPublicKey("SM2 agreement gave the point at infinity"));
            }
            out.copy_from_slice(&bytes[1..33]);
            out
        }
        _ => return Err(CryptoError::InvalidPublicKey("key agreement needs two keys of one algorithm")),
    };
    if out.iter().all(|b| *b == 0) {
        return Err(CryptoError::InvalidPublicKey("key agreement with a small-order key"));
    }
    Ok(out)
}

/// Symmetric authenticated encryption for one suite: ChaCha20-Poly1305 with a 32-byte key for
/// Ed25519 chains, SM4-GCM with the key's first 16 bytes for SM2 chains. The nonce is 12 bytes;
/// callers use each key for one message, or a fresh random nonce.
pub fn aead_seal(sm: bool, key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let payload = Payload { msg, aad };
    if sm {
        use aes_gcm::aead::{Aead as _, KeyInit as _, Payload as P};
        let c = Sm4Gcm::new_from_slice(&key[..16]).map_err(|_| CryptoError::Decrypt)?;
        c.encrypt(&(*nonce).into(), P { msg, aad }).map_err(|_| CryptoError::Decrypt)
    } else {
        let c = chacha20poly1305::ChaCha20Poly1305::new(key.into());
        c.encrypt(nonce.into(), payload).map_err(|_| CryptoError::Decrypt)
    }
}

/// Opens [`aead_seal`]; fails on any change to the ciphertext, nonce, key or `aad`.
pub fn aead_open(sm: bool, key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sm {
        use aes_gcm::aead::{Aead as _, KeyInit as _, Payload as P};
        let c = Sm4Gcm::new_from_slice(&key[..16]).map_err(|_| CryptoError::Decrypt)?;
        c.decrypt(&(*nonce).into(), P { msg: ct, aad }).map_err(|_| CryptoError::Decrypt)
    } else {
        let c = chacha20poly1305::ChaCha20Poly1305::new(key.into());
        c.decrypt(nonce.into(), Payload { msg: ct, aad }).map_err(|_| CryptoError::Decrypt)
    }
}

/// Encrypts `msg` to `recipient` (anyone can seal; only the holder of the secret key opens).
/// `info` binds the purpose (HPKE info; hashed into the SM4 associated data), `aad` is
/// authenticated, not encrypted.
///
/// Layout: `0x01 || enc (32) || HPKE ciphertext` or
/// `0x02 || u16be(len C) || C (SM2 C1C3C2 of the 16-byte SM4 key) || nonce (12) || SM4-GCM(msg)`.
pub fn seal(recipient: &PublicKey, info: &[u8], aad: &[u8], msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
    use hpke::{Deserializable as _, Serializable as _};
    if msg.len() > MAX_SEALED {
        return Err(CryptoError::BadLength {
            what: "sealed message",
            alg: "any",
            expected: MAX_SEALED,
            got: msg.len(),
        });
    }
    match recipient {
        PublicKey::Ed25519(p) => {
            let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(&montgomery_public(p)?)
                .map_err(|_| CryptoError::InvalidPublicKey("not an X25519 key"))?;
            let (enc, ct) = hpke::single_shot_seal::<HpkeAead, Kdf, Kem>(&hpke::OpModeS::Base, &pk, info, msg, aad)
                .map_err(|_| CryptoError::Decrypt)?;
            let mut out = vec![SCHEME_HPKE_X25519_CHACHA];
            out.extend_from_slice(&enc.to_bytes());
            out.extend_from_slice(&ct);
            Ok(out)
        }
        PublicKey::Sm2(p) => {
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(&mut key[..16]);
            let mut nonce = [0u8; 12];
            rand::rngs::OsRng.fill_bytes(&mut nonce);
            let ek = sm2::pke::EncryptingKey::new(sm2_public(p)?);
            let c = ek.encrypt(&mut getrandom::SysRng, &key[..16]).map_err(|_| CryptoError::Decrypt)?;
            let body = aead_seal(true, &key, &nonce, &sm_aad(info, aad), msg)?;
            let mut out = vec![SCHEME_SM2_SM4_GCM];
            out.extend_from_slice(&(c.len() as u16).to_be_bytes());
            out.extend_from_slice(&c);
            out.extend_from_slice(&nonce);
            out.extend_from_slice(&body);
            Ok(out)
        }
        PublicKey::Secp256k1(_) => Err(CryptoError::InvalidPublicKey("secp256k1 keys sign Ethereum transactions only")),
    }
}

fn sm_aad(info: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut v = crate::Suite::Sm2Sm3.hash_parts(&[b"govchain/seal/info", info]).0.to_vec();
    v.extend_from_slice(aad);
    v
}

/// Opens [`seal`] with the recipient's secret key. Fails ([`CryptoError::Decrypt`]) on a wrong
/// key, `info` or `aad`, or any change to the bytes.
pub fn open(secret: &SecretKey, info: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    use hpke::Deserializable as _;
    let (&scheme, rest) = sealed.split_first().ok_or(CryptoError::Decrypt)?;
    match (scheme, secret) {
        (SCHEME_HPKE_X25519_CHACHA, SecretKey::Ed25519(k)) => {
            if rest.len() < 32 {
                return Err(CryptoError::Decrypt);
            }
            let (enc, ct) = rest.split_at(32);
            let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(&x25519_secret(&k.to_bytes())[..])
                .map_err(|_| CryptoError::Decrypt)?;
            let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).map_err(|_| CryptoError::Decrypt)?;
            hpke::single_shot_open::<HpkeAead, Kdf, Kem>(&hpke::OpModeR::Base, &sk, &enc, info, ct, aad)
                .map_err(|_| CryptoError::Decrypt)
        }
        (SCHEME_SM2_SM4_GCM, SecretKey::Sm2(_)) => {
            if rest.len() < 2 {
                return Err(CryptoError::Decrypt);
            }
            let clen = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            let rest = &rest[2..];
            if rest.len() < clen + 12 {
                return Err(CryptoError::Decrypt);
            }
            let (c, rest) = rest.split_at(clen);
            let (nonce, body) = rest.split_at(12);
            let dk = sm2::pke::DecryptingKey::new(sm2_secret(secret)?);
            let k = Zeroizing::new(dk.decrypt(c).map_err(|_| CryptoError::Decrypt)?);
            if k.len() != 16 {
                return Err(CryptoError::Decrypt);
            }
            let mut key = Zeroizing::new([0u8; 32]);
            key[..16].copy_from_slice(&k);
            let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Decrypt)?;
            aead_open(true, &key, &nonce, &sm_aad(info, aad), body)
        }
        _ => Err(CryptoError::Decrypt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Algorithm;

    fn key(alg: Algorithm, n: u8) -> SecretKey {
        SecretKey::from_seed(alg, [n; 32])
    }

    #[test]
    fn both_sides_agree_and_strangers_do_not() {
        for alg in [Algorithm::Ed25519, Algorithm::Sm2] {
            let (a, b, c) = (key(alg, 1), key(alg, 2), key(alg, 3));
            let ab = agree(&a, &b.public_key()).expect("agree");
            let ba = agree(&b, &a.public_key()).expect("agree");
            assert_eq!(*ab, *ba, "{alg:?}");
            assert_ne!(*ab, *agree(&c, &b.public_key()).expect("agree"), "{alg:?}");
        }
        assert!(agree(&key(Algorithm::Ed25519, 1), &key(Algorithm::Sm2, 2).public_key()).is_err());
    }

    #[test]
    fn sealed_messages_open_only_with_the_right_key_info_and_aad() {
        for alg in [Algorithm::Ed25519, Algorithm::Sm2] {
            let (r, other) = (key(alg, 4), key(alg, 5));
            let sealed = seal(&r.public_key(), b"info", b"aad", b"months_paid=42").expect("seal");
            assert_eq!(open(&r, b"info", b"aad", &sealed).expect("open"), b"months_paid=42");
            assert!(open(&other, b"info", b"aad", &sealed).is_err(), "{alg:?} wrong key");
            assert!(open(&r, b"other", b"aad", &sealed).is_err(), "{alg:?} wrong info");
            assert!(open(&r, b"info", b"other", &sealed).is_err(), "{alg:?} wrong aad");
            for i in [0, 1, sealed.len() / 2, sealed.len() - 1] {
                let mut bad = sealed.clone();
                bad[i] ^= 1;
                assert!(open(&r, b"info", b"aad", &bad).is_err(), "{alg:?} flipped byte {i}");
            }
            assert!(open(&r, b"info", b"aad", &sealed[..sealed.len() - 1]).is_err());
            assert!(open(&r, b"info", b"aad", &[]).is_err());
            // Two seals of one message differ (fresh ephemeral keys).
            assert_ne!(sealed, seal(&r.public_key(), b"info", b"aad", b"months_paid=42").expect("seal"));
        }
    }

    #[test]
    fn aead_round_trips_and_detects_changes() {
        for sm in [false, true] {
            let ct = aead_seal(sm, &[7; 32], &[1; 12], b"a", b"hello").expect("seal");
            assert_eq!(aead_open(sm, &[7; 32], &[1; 12], b"a", &ct).expect("open"), b"hello");
            assert!(aead_open(sm, &[8; 32], &[1; 12], b"a", &ct).is_err());
            assert!(aead_open(sm, &[7; 32], &[2; 12], b"a", &ct).is_err());
            assert!(aead_open(sm, &[7; 32], &[1; 12], b"b", &ct).is_err());
        }
    }

    #[test]
    fn the_secret_and_public_maps_agree() {
        // X25519(secret map of the seed, base point) is the Montgomery form of the Ed25519 key:
        // the conversion libsodium and @noble/curves use.
        let k = key(Algorithm::Ed25519, 9);
        let PublicKey::Ed25519(p) = k.public_key() else { panic!("ed25519") };
        let SecretKey::Ed25519(s) = &k else { panic!("ed25519") };
        let from_secret =
            curve25519_dalek::montgomery::MontgomeryPoint::mul_base_clamped(*x25519_secret(&s.to_bytes()));
        assert_eq!(from_secret.to_bytes(), montgomery_public(&p).expect("point"));
        let sealed = seal(&k.public_key(), b"", b"", &[0u8; 10]).expect("seal");
        assert_eq!(sealed.len(), 1 + 32 + 10 + 16, "scheme, encapsulated key, message, tag");
    }
}
