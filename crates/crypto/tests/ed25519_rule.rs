//! Single and batch Ed25519 verification must give the same verdict on every signature,
//! including adversarial ones; otherwise two nodes (or one node's mempool and its block
//! validation) could disagree, which is a fork risk.

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use govchain_crypto::{Algorithm, CryptoError, PublicKey, SecretKey, Signature, VerifyItem, verify_batch};
use sha2::{Digest, Sha512};

/// Secret scalar of an Ed25519 seed (RFC 8032: clamp the first half of SHA-512(seed)).
fn secret_scalar(seed: [u8; 32]) -> Scalar {
    let h = Sha512::digest(seed);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    Scalar::from_bytes_mod_order(a)
}

fn challenge(r: &[u8; 32], a: &[u8; 32], msg: &[u8]) -> Scalar {
    let mut h = Sha512::new();
    h.update(r);
    h.update(a);
    h.update(msg);
    let d = h.finalize();
    let mut w = [0u8; 64];
    w.copy_from_slice(&d);
    Scalar::from_bytes_mod_order_wide(&w)
}

/// A signature whose R has a torsion component: valid under the cofactored equation only.
fn mixed_order_r(seed: [u8; 32], msg: &[u8]) -> (PublicKey, Signature) {
    let a = secret_scalar(seed);
    let big_a = (ED25519_BASEPOINT_POINT * a).compress().to_bytes();
    let r = Scalar::from_bytes_mod_order([0x42; 32]);
    let big_r = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[1]).compress().to_bytes();
    let k = challenge(&big_r, &big_a, msg);
    let s = r + k * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&big_r);
    sig[32..].copy_from_slice(s.as_bytes());
    (PublicKey::Ed25519(big_a), Signature::Ed25519(sig))
}

/// L, the group order, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_l(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = s[i] as u16 + L[i] as u16 + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

struct Case {
    name: &'static str,
    key: PublicKey,
    msg: Vec<u8>,
    sig: Signature,
}

fn cases() -> Vec<Case> {
    let sk = SecretKey::from_seed(Algorithm::Ed25519, [3u8; 32]);
    let pk = sk.public_key();
    let msg = b"payload".to_vec();
    let good = sk.sign(&msg);
    let mut out = vec![Case { name: "valid", key: pk.clone(), msg: msg.clone(), sig: good.clone() }];

    let mut malleated = *good.sig_bytes();
    let s_plus_l = add_l(&malleated[32..]);
    malleated[32..].copy_from_slice(&s_plus_l);
    out.push(Case { name: "s + L (malleable)", key: pk.clone(), msg: msg.clone(), sig: Signature::Ed25519(malleated) });

    let identity = CompressedEdwardsY::default().0;
    let mut id = identity;
    id[0] = 1;
    let mut zero_sig = [0u8; 64];
    zero_sig[..32].copy_from_slice(&id);
    out.push(Case {
        name: "small-order key with identity R and s = 0",
        key: PublicKey::Ed25519(id),
        msg: msg.clone(),
        sig: Signature::Ed25519(zero_sig),
    });

    let torsion = EIGHT_TORSION[1].compress().to_bytes();
    let mut small_r = *good.sig_bytes();
    small_r[..32].copy_from_slice(&torsion);
    out.push(Case { name: "small-order R", key: pk.clone(), msg: msg.clone(), sig: Signature::Ed25519(small_r) });

    let (mk, ms) = mixed_order_r([4u8; 32], &msg);
    out.push(Case { name: "mixed-order R (cofactored-valid)", key: mk, msg: msg.clone(), sig: ms });

    let mut noncanon_r = *good.sig_bytes();
    noncanon_r[31] |= 0x80; // flip the sign bit: a different R, so the equation fails
    out.push(Case {
        name: "R sign bit flipped",
        key: pk.clone(),
        msg: msg.clone(),
        sig: Signature::Ed25519(noncanon_r),
    });

    let mut y_ge_p = [0xffu8; 32];
    y_ge_p[0] = 0xee;
    y_ge_p[31] = 0x7f;
    let mut bad_r = *good.sig_bytes();
    bad_r[..32].copy_from_slice(&y_ge_p);
    out.push(Case {
        name: "non-canonical R encoding",
        key: pk.clone(),
        msg: msg.clone(),
        sig: Signature::Ed25519(bad_r),
    });
    out.push(Case {
        name: "non-canonical key encoding",
        key: PublicKey::Ed25519(y_ge_p),
        msg: msg.clone(),
        sig: good.clone(),
    });

    out.push(Case { name: "wrong message", key: pk, msg: b"other".to_vec(), sig: good });
    out
}

#[test]
fn single_and_batch_agree_on_adversarial_signatures() {
    let cases = cases();
    let single: Vec<Result<(), CryptoError>> = cases.iter().map(|c| c.key.verify(&c.msg, &c.sig)).collect();
    let expected = [true, false, false, false, true, false, false, false, false];
    for ((c, r), e) in cases.iter().zip(&single).zip(expected) {
        assert_eq!(r.is_ok(), e, "{}: {:?}", c.name, r);
    }
    // Each case alone, and each case buried among valid signatures at every position.
    let filler_keys: Vec<SecretKey> =
        (0..70u8).map(|i| SecretKey::from_seed(Algorithm::Ed25519, [i + 100; 32])).collect();
    let filler: Vec<(PublicKey, Vec<u8>, Signature)> =
        filler_keys.iter().map(|k| (k.public_key(), b"filler".to_vec(), k.sign(b"filler"))).collect();
    for (ci, c) in cases.iter().enumerate() {
        for pos in [0usize, 1, 33, 63, 64, 70] {
            let mut items: Vec<VerifyItem<'_>> =
                filler.iter().map(|(k, m, s)| VerifyItem { key: k, msg: m, sig: s }).collect();
            items.insert(pos.min(items.len()), VerifyItem { key: &c.key, msg: &c.msg, sig: &c.sig });
            let res = verify_batch(&items);
            assert_eq!(res[pos.min(filler.len())], single[ci], "{} at position {pos}", c.name);
            assert_eq!(
                res.iter().filter(|r| r.is_err()).count(),
                usize::from(single[ci].is_err()),
                "{}: only it may fail",
                c.name
            );
        }
    }
}

#[test]
fn malleable_signature_gets_a_specific_error() {
    let c = &cases()[1];
    assert!(matches!(c.key.verify(&c.msg, &c.sig), Err(CryptoError::MalformedSignature(_))));
}
