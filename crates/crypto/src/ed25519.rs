//! GovChain's Ed25519 verification rule.
//!
//! Nodes must never disagree about whether a signature is valid: a disagreement between single
//! and batch verification, or between two nodes, is a fork risk. GovChain therefore verifies every
//! Ed25519 signature — in the mempool, in block validation, in proof bundles and in consensus votes
//! — under one rule, implemented by `ed25519-consensus` (the crate the Malachite engine also uses
//! for votes):
//!
//! 1. the cofactored verification equation `[8][s]B = [8]R + [8][k]A` (ZIP-215). Single and batch
//!    verification use the same equation, so they accept exactly the same signatures;
//! 2. `s` must be reduced (`s < L`): the classic `s + L` malleability is rejected;
//! 3. the encodings of `A` (public key) and `R` must be canonical (`y < p`, and no negative zero):
//!    ZIP-215 alone would accept non-canonical encodings, which would make signatures malleable;
//! 4. `A` and `R` must not be points of small order.
//!
//! Rules 2–4 are checked here before the equation, identically on the single and batch paths.

use std::sync::LazyLock;

use curve25519_dalek::Scalar;
use curve25519_dalek::constants::EIGHT_TORSION;

use crate::CryptoError;

/// Canonical encodings of the eight points of small order.
static SMALL_ORDER: LazyLock<[[u8; 32]; 8]> = LazyLock::new(|| EIGHT_TORSION.map(|p| p.compress().to_bytes()));

/// True when the 32-byte point encoding is canonical: the y coordinate (low 255 bits) is less
/// than p = 2^255 - 19, and the sign bit is not set on a point whose x is zero (y = ±1).
pub fn is_canonical_point_encoding(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    let sign = y[31] >> 7;
    y[31] &= 0x7f;
    // y >= p  <=>  y[31] == 0x7f, y[1..31] all 0xff, y[0] >= 0xed.
    let y_ge_p = y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff) && y[0] >= 0xed;
    if y_ge_p {
        return false;
    }
    // x = 0 exactly for y = 1 and y = p - 1; their canonical encoding has sign bit 0.
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut p_minus_one = [0xffu8; 32];
    p_minus_one[0] = 0xec;
    p_minus_one[31] = 0x7f;
    !(sign == 1 && (y == one || y == p_minus_one))
}

fn is_small_order(bytes: &[u8; 32]) -> bool {
    SMALL_ORDER.contains(bytes)
}

fn check_key_encoding(a: &[u8; 32]) -> Result<(), CryptoError> {
    if !is_canonical_point_encoding(a) {
        return Err(CryptoError::InvalidPublicKey("non-canonical point encoding"));
    }
    if is_small_order(a) {
        return Err(CryptoError::InvalidPublicKey("small-order point"));
    }
    Ok(())
}

/// Checks a public key under rules 3 and 4, and that it is a point on the curve.
pub fn check_public_key(a: &[u8; 32]) -> Result<(), CryptoError> {
    check_key_encoding(a)?;
    ed25519_consensus::VerificationKey::try_from(*a)
        .map(|_| ())
        .map_err(|_| CryptoError::InvalidPublicKey("not a curve point"))
}

/// Checks the encoding rules 2–4 for a signature under a key (the part of the rule that is not
/// the verification equation). Byte-level only: a key that is not a curve point fails the
/// equation itself, on both paths.
pub fn precheck(a: &[u8; 32], sig: &[u8; 64]) -> Result<(), CryptoError> {
    check_key_encoding(a)?;
    let r: &[u8; 32] = sig[..32].try_into().map_err(|_| CryptoError::MalformedSignature("length"))?;
    let s: [u8; 32] = sig[32..].try_into().map_err(|_| CryptoError::MalformedSignature("length"))?;
    if Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).is_none() {
        return Err(CryptoError::MalformedSignature("s is not reduced modulo L"));
    }
    if !is_canonical_point_encoding(r) {
        return Err(CryptoError::MalformedSignature("R is not canonically encoded"));
    }
    if is_small_order(r) {
        return Err(CryptoError::MalformedSignature("R has small order"));
    }
    Ok(())
}

/// Single verification under the GovChain rule.
pub fn verify(a: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> Result<(), CryptoError> {
    precheck(a, sig)?;
    let vk = ed25519_consensus::VerificationKey::try_from(*a)
        .map_err(|_| CryptoError::InvalidPublicKey("not a curve point"))?;
    vk.verify(&ed25519_consensus::Signature::from(*sig), msg).map_err(|_| CryptoError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::edwards::CompressedEdwardsY;

    fn roundtrip_canonical(b: &[u8; 32]) -> Option<bool> {
        let p = CompressedEdwardsY(*b).decompress()?;
        Some(p.compress().to_bytes() == *b)
    }

    #[test]
    fn canonical_check_agrees_with_decompress_compress() {
        // Edge encodings around p and the x = 0 points, plus pseudo-random ones.
        let mut cases: Vec<[u8; 32]> = Vec::new();
        for lo in [0xeb, 0xec, 0xed, 0xee, 0xff] {
            for hi in [0x7f, 0xff] {
                let mut b = [0xffu8; 32];
                b[0] = lo;
                b[31] = hi;
                cases.push(b);
            }
        }
        for sign in [0u8, 0x80] {
            let mut one = [0u8; 32];
            one[0] = 1;
            one[31] |= sign;
            cases.push(one);
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut b = [0u8; 32];
            for chunk in b.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes());
            }
            cases.push(b);
        }
        for b in cases {
            if let Some(expected) = roundtrip_canonical(&b) {
                assert_eq!(is_canonical_point_encoding(&b), expected, "{}", hex::encode(b));
            }
        }
    }

    #[test]
    fn small_order_keys_are_rejected() {
        for p in SMALL_ORDER.iter() {
            assert!(check_public_key(p).is_err());
        }
    }
}
