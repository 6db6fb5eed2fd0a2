//! secp256k1 ECDSA as Ethereum uses it: the signed digest is keccak-256 of the message, `s` must
//! be in the lower half of the group order (EIP-2), and an address is the last 20 bytes of
//! keccak-256 of the uncompressed public key. Pure Rust (`k256`).

use k256::ecdsa::{Signature as EcdsaSignature, SigningKey, VerifyingKey, signature::hazmat::PrehashVerifier as _};
use sha3::{Digest as _, Keccak256};

use crate::CryptoError;

/// keccak-256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// The EIP-191 digest `personal_sign` signs: keccak-256 of
/// `"\x19Ethereum Signed Message:\n" || len(message) || message`.
pub fn personal_message(message: &[u8]) -> Vec<u8> {
    let mut out = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    out.extend_from_slice(message);
    out
}

pub(crate) fn parse_public_key(bytes: &[u8; 33]) -> Result<VerifyingKey, CryptoError> {
    VerifyingKey::from_sec1_bytes(bytes).map_err(|_| CryptoError::InvalidPublicKey("not a valid secp256k1 point"))
}

/// The Ethereum address of a compressed public key.
pub fn eth_address(bytes: &[u8; 33]) -> Result<[u8; 20], CryptoError> {
    let vk = parse_public_key(bytes)?;
    Ok(address_of(&vk))
}

pub(crate) fn address_of(vk: &VerifyingKey) -> [u8; 20] {
    let point = vk.to_encoded_point(false);
    let h = keccak256(&point.as_bytes()[1..]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    a
}

/// The compressed form of a verifying key.
pub(crate) fn compress(vk: &VerifyingKey) -> [u8; 33] {
    let point = vk.to_encoded_point(true);
    let mut out = [0u8; 33];
    out.copy_from_slice(point.as_bytes());
    out
}

/// Parses `r || s`, refusing a high `s` (EIP-2: every signature has one accepted form).
pub(crate) fn parse_signature(sig: &[u8; 64]) -> Result<EcdsaSignature, CryptoError> {
    let s = EcdsaSignature::from_slice(sig)
        .map_err(|_| CryptoError::MalformedSignature("secp256k1 r or s out of range"))?;
    if s.normalize_s().is_some() {
        return Err(CryptoError::MalformedSignature("secp256k1 s is in the upper half (EIP-2)"));
    }
    Ok(s)
}

/// Verifies `r || s` over keccak-256 of `msg`.
pub(crate) fn verify(pk: &[u8; 33], msg: &[u8], sig: &[u8; 64]) -> Result<(), CryptoError> {
    let vk = parse_public_key(pk)?;
    let s = parse_signature(sig)?;
    vk.verify_prehash(&keccak256(msg), &s).map_err(|_| CryptoError::BadSignature)
}

/// Recovers the compressed public key that signed the 32-byte `digest` with `r || s` and the
/// recovery parity `y_odd` (low `s` required).
pub fn recover(digest: &[u8; 32], sig: &[u8; 64], y_odd: bool) -> Result<[u8; 33], CryptoError> {
    let s = parse_signature(sig)?;
    let id = k256::ecdsa::RecoveryId::new(y_odd, false);
    let vk = VerifyingKey::recover_from_prehash(digest, &s, id).map_err(|_| CryptoError::BadSignature)?;
    Ok(compress(&vk))
}

/// Signs a 32-byte digest: `(r || s with low s, y parity)` (RFC 6979, deterministic).
pub(crate) fn sign_digest(key: &SigningKey, digest: &[u8; 32]) -> ([u8; 64], bool) {
    // A 32-byte digest is always accepted by sign_prehash; the fallback is unreachable.
    match key.sign_prehash_recoverable(digest) {
        Ok((sig, id)) => {
            let (sig, flip) = match sig.normalize_s() {
                Some(n) => (n, true),
                None => (sig, false),
            };
            let mut out = [0u8; 64];
            out.copy_from_slice(&sig.to_bytes());
            (out, id.is_y_odd() ^ flip)
        }
        Err(_) => ([0u8; 64], false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_matches_a_known_ethereum_account() {
        // The well-known first Hardhat/Anvil account.
        let sk = hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").expect("hex");
        let key = SigningKey::from_slice(&sk).expect("key");
        assert_eq!(hex::encode(address_of(key.verifying_key())), "f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    }

    #[test]
    fn signatures_verify_recover_and_refuse_high_s() {
        let key = SigningKey::from_slice(&[7u8; 32]).expect("key");
        let pk = compress(key.verifying_key());
        let msg = b"hello";
        let (sig, odd) = sign_digest(&key, &keccak256(msg));
        verify(&pk, msg, &sig).expect("verifies");
        assert_eq!(recover(&keccak256(msg), &sig, odd), Ok(pk));
        assert_ne!(recover(&keccak256(msg), &sig, !odd), Ok(pk));
        assert_eq!(verify(&pk, b"other", &sig), Err(CryptoError::BadSignature));
        // The same signature with s replaced by n - s is the malleable twin: refused.
        let parsed = EcdsaSignature::from_slice(&sig).expect("sig");
        let (r, s) = parsed.split_scalars();
        let high = EcdsaSignature::from_scalars(r, -*s).expect("high-s twin");
        let mut twin = [0u8; 64];
        twin.copy_from_slice(&high.to_bytes());
        assert!(matches!(verify(&pk, msg, &twin), Err(CryptoError::MalformedSignature(_))));
    }
}
