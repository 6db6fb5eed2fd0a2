//! SM2 signatures (GB/T 32918.2) with the GM/T 0009 default distinguishing ID.

use sm2::dsa::signature::Verifier as _;

use crate::CryptoError;

/// The default distinguishing ID of GM/T 0009-2012, used for every SM2 key on GovChain.
pub const DEFAULT_DISTID: &str = "1234567812345678";

pub(crate) fn parse_public_key(bytes: &[u8; 33]) -> Result<sm2::dsa::VerifyingKey, CryptoError> {
    sm2::dsa::VerifyingKey::from_sec1_bytes(DEFAULT_DISTID, bytes)
        .map_err(|_| CryptoError::InvalidPublicKey("not a valid SM2 point"))
}

pub(crate) fn verify(pk: &[u8; 33], msg: &[u8], sig: &[u8; 64]) -> Result<(), CryptoError> {
    let vk = parse_public_key(pk)?;
    let sig =
        sm2::dsa::Signature::from_slice(sig).map_err(|_| CryptoError::MalformedSignature("SM2 r or s out of range"))?;
    vk.verify(msg, &sig).map_err(|_| CryptoError::BadSignature)
}
