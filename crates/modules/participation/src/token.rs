//! Voting tokens: RFC 9474 blind RSA signatures (RSABSSA-SHA384-PSS-Randomized, crate
//! `blind-rsa-signatures`), behind this small interface.
//!
//! The voter makes a fresh ballot key, blinds the token message (which names the vote and that
//! key) and sends only the blinded message to the eligibility authority with a presentation of
//! their certificate. The authority checks the presentation, records the issuance on chain (one
//! per certificate holder) and blind-signs. The voter unblinds: the resulting `(randomizer,
//! signature)` verifies under the authority's public key, and no one — the authority included —
//! can tell which blinded message it came from.

use blind_rsa_signatures::{
    BlindSignature, BlindingResult, DefaultRng, MessageRandomizer, Options, PublicKey as RsaPublic, Secret,
    SecretKey as RsaSecret, Signature,
};
use borsh::{BorshDeserialize, BorshSerialize};
use rand_core::UnwrapErr;
use serde::{Deserialize, Serialize};

const TOKEN_DOMAIN: &[u8] = b"GOVCHAIN/TOKEN/v1\0";
/// Size of the authority's RSA modulus, in bits.
pub const AUTHORITY_BITS: usize = 2048;
/// Largest encoded authority public key (DER) the chain accepts.
pub const MAX_AUTHORITY_KEY: usize = 800;
/// Largest token signature (a 4096-bit modulus).
pub const MAX_SIGNATURE: usize = 512;

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The authority key is not an RSA public key of 2048–4096 bits with e = 65537.
    #[error("not an RSA public key the scheme accepts (DER, 2048-4096 bits)")]
    BadKey,
    /// The signature does not verify.
    #[error("the token is not signed by the vote's eligibility authority")]
    BadSignature,
    /// Blinding, signing or unblinding failed.
    #[error("blind signature: {0}")]
    Failed(String),
}

/// An unblinded token, as the ballot carries it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Token {
    /// RFC 9474 message randomizer (32 bytes, hex).
    #[serde(with = "crate::model::hex32")]
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub randomizer: [u8; 32],
    /// The signature (hex).
    #[serde(with = "crate::model::hex_bytes")]
    #[schema(value_type = String, pattern = "^([0-9a-fA-F]{2})*$")]
    pub signature: Vec<u8>,
}

/// What the voter keeps between blinding and unblinding.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Blinding {
    /// The blinded message sent to the authority (hex).
    pub blinded: String,
    /// The blinding secret (hex; never leaves the voter).
    pub secret: String,
    /// The message randomizer (hex).
    pub randomizer: String,
}

fn options() -> Options {
    Options::default()
}

fn rng() -> UnwrapErr<DefaultRng> {
    UnwrapErr(DefaultRng)
}

/// The message a token signs: the kind (`vote`, `consult`), the id, and the ballot key.
pub fn message(kind: &str, id: &str, ballot_key: &govchain_types::PublicKey) -> Vec<u8> {
    let mut m = TOKEN_DOMAIN.to_vec();
    m.extend(borsh::to_vec(&(kind, id, ballot_key)).unwrap_or_default());
    m
}

/// Parses an authority public key (DER: SubjectPublicKeyInfo or PKCS#1).
pub fn public_key(der: &[u8]) -> Result<RsaPublic, TokenError> {
    if der.len() > MAX_AUTHORITY_KEY {
        return Err(TokenError::BadKey);
    }
    RsaPublic::from_der(der).map_err(|_| TokenError::BadKey)
}

/// Verifies a token for `message` under the authority key `der`.
pub fn verify(der: &[u8], message: &[u8], token: &Token) -> Result<(), TokenError> {
    let pk = public_key(der)?;
    if token.signature.len() > MAX_SIGNATURE {
        return Err(TokenError::BadSignature);
    }
    Signature(token.signature.clone())
        .verify(&pk, Some(MessageRandomizer(token.randomizer)), message, &options())
        .map_err(|_| TokenError::BadSignature)
}

/// The authority's key pair: `(secret key PEM, public key DER)`.
pub fn generate_authority() -> Result<(String, Vec<u8>), TokenError> {
    let kp = blind_rsa_signatures::KeyPair::generate(&mut rng(), AUTHORITY_BITS)
        .map_err(|e| TokenError::Failed(e.to_string()))?;
    let pem = kp.sk.to_pem().map_err(|e| TokenError::Failed(e.to_string()))?;
    let der = kp.pk.to_der().map_err(|e| TokenError::Failed(e.to_string()))?;
    Ok((pem, der))
}

/// The voter's first step: blinds `message` for the authority key `der`.
pub fn blind(der: &[u8], message: &[u8]) -> Result<Blinding, TokenError> {
    let r = public_key(der)?.blind(&mut rng(), message, &options()).map_err(|e| TokenError::Failed(e.to_string()))?;
    Ok(Blinding {
        blinded: hex::encode(&r.blind_message.0),
        secret: hex::encode(&r.secret.0),
        randomizer: hex::encode(r.msg_randomizer.map(|m| m.0).unwrap_or_default()),
    })
}

/// The authority's step: signs a blinded message (hex of the bytes it received).
pub fn sign_blinded(secret_pem: &str, blinded: &[u8]) -> Result<Vec<u8>, TokenError> {
    let sk = RsaSecret::from_pem(secret_pem).map_err(|_| TokenError::BadKey)?;
    let sig = sk.blind_sign(blinded).map_err(|e| TokenError::Failed(e.to_string()))?;
    Ok(sig.0)
}

/// The voter's last step: unblinds the authority's answer into a token (and checks it).
pub fn finalize(der: &[u8], blinding: &Blinding, blind_signature: &[u8], message: &[u8]) -> Result<Token, TokenError> {
    let bad = |what: &str| TokenError::Failed(format!("bad {what} in the blinding state"));
    let randomizer: [u8; 32] =
        hex::decode(&blinding.randomizer).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| bad("randomizer"))?;
    let result = BlindingResult {
        blind_message: blind_rsa_signatures::BlindMessage(hex::decode(&blinding.blinded).map_err(|_| bad("message"))?),
        secret: Secret(hex::decode(&blinding.secret).map_err(|_| bad("secret"))?),
        msg_randomizer: Some(MessageRandomizer(randomizer)),
    };
    let sig = public_key(der)?
        .finalize(&BlindSignature(blind_signature.to_vec()), &result, message, &options())
        .map_err(|_| TokenError::BadSignature)?;
    Ok(Token { randomizer, signature: sig.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_sign_unblind_verify_and_refuse_others() {
        let (pem, der) = generate_authority().expect("keygen");
        let key = govchain_types::PublicKey::Ed25519([9; 32]);
        let msg = message("vote", "v1", &key);
        let b = blind(&der, &msg).expect("blind");
        let blinded = hex::decode(&b.blinded).expect("hex");
        assert_ne!(blinded, msg, "the authority sees only the blinded message");
        let bs = sign_blinded(&pem, &blinded).expect("sign");
        let t = finalize(&der, &b, &bs, &msg).expect("finalize");
        verify(&der, &msg, &t).expect("token verifies");
        assert_ne!(t.signature, bs, "the token is not the signature the authority saw");
        // Bound to the vote and the ballot key.
        assert_eq!(verify(&der, &message("vote", "v2", &key), &t), Err(TokenError::BadSignature));
        let other = govchain_types::PublicKey::Ed25519([8; 32]);
        assert_eq!(verify(&der, &message("vote", "v1", &other), &t), Err(TokenError::BadSignature));
        // Another authority's key does not accept it.
        let (_, der2) = generate_authority().expect("keygen");
        assert_eq!(verify(&der2, &msg, &t), Err(TokenError::BadSignature));
        assert_eq!(public_key(b"not der"), Err(TokenError::BadKey));
    }
}
