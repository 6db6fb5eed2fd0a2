//! The messages between departments' nodes (docs/datashare.md gives the exact formats).
//!
//! Every message is a [`Signed`] envelope: the borsh bytes of a body, the signer's public key and
//! a signature over `domain || body`. Domains keep a signature for one message kind from being
//! replayed as another.

use std::collections::BTreeMap;

use base64::Engine as _;
use borsh::{BorshDeserialize, BorshSerialize};
use govchain_crypto::SecretKey;
use govchain_types::{Hash32, PublicKey, Signature};
use serde::{Deserialize, Serialize};

/// Domain of an access request (signed by the requesting official).
pub const ACCESS_DOMAIN: &[u8] = b"govchain/datashare/access/v1";
/// Domain of a delivery (signed by the owner's operator).
pub const DELIVERY_DOMAIN: &[u8] = b"govchain/datashare/delivery/v1";
/// Domain of a delivery-key request to one's own node (signed by an official).
pub const KEY_DOMAIN: &[u8] = b"govchain/datashare/delivery-key/v1";
/// Domain of an erasure order to one's own node (signed by a data officer).
pub const ERASE_DOMAIN: &[u8] = b"govchain/datashare/erase/v1";
/// Domain of an auditor's request for a subject's key (signed by an official with
/// `datashare.audit`).
pub const AUDIT_DOMAIN: &[u8] = b"govchain/datashare/audit/v1";
/// Domain of an erasure notice from an owner to a grantee (signed by the owner's operator).
pub const NOTICE_DOMAIN: &[u8] = b"govchain/datashare/erasure-notice/v1";
/// HPKE info of the sealed subject reference.
pub const SUBJECT_INFO: &[u8] = b"govchain/datashare/subject/v1";
/// HPKE info of a sealed payload.
pub const PAYLOAD_INFO: &[u8] = b"govchain/datashare/payload/v1";
/// Largest envelope accepted, bytes.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// A signed message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Signed {
    /// Base64 of the borsh-encoded body.
    pub body: String,
    /// The signer's public key (`ed25519:…` or `sm2:…`).
    pub key: String,
    /// The signature over `domain || body bytes` (`ed25519:…` or `sm2:…`).
    pub signature: String,
}

/// Why a message is refused before anything else is looked at.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Not base64, not the body type, not a key or signature.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
}

impl Signed {
    /// Signs `body` under `domain`.
    pub fn sign<T: BorshSerialize>(domain: &[u8], body: &T, key: &SecretKey) -> Signed {
        let bytes = borsh::to_vec(body).unwrap_or_default();
        let mut msg = domain.to_vec();
        msg.extend_from_slice(&bytes);
        Signed {
            body: base64::engine::general_purpose::STANDARD.encode(&bytes),
            key: key.public_key().to_text(),
            signature: key.sign(&msg).to_text(),
        }
    }

    /// Verifies the signature under `domain` and decodes the body.
    pub fn open<T: BorshDeserialize>(&self, domain: &[u8]) -> Result<(PublicKey, T), WireError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.body)
            .map_err(|e| WireError::Malformed(format!("body: {e}")))?;
        let key = PublicKey::from_text(&self.key).map_err(|e| WireError::Malformed(format!("key: {e}")))?;
        let sig = Signature::from_text(&self.signature).map_err(|e| WireError::Malformed(format!("signature: {e}")))?;
        let mut msg = domain.to_vec();
        msg.extend_from_slice(&bytes);
        key.verify(&msg, &sig).map_err(|_| WireError::BadSignature)?;
        let body = borsh::from_slice(&bytes).map_err(|e| WireError::Malformed(format!("body: {e}")))?;
        Ok((key, body))
    }
}

/// An access request: one subject, under one grant.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AccessBody {
    /// Chain id.
    pub chain_id: String,
    /// Random id of this access (the receipt carries it; a retry sends the same request).
    pub access_id: Hash32,
    /// Grant.
    pub grant: String,
    /// Data set.
    pub dataset: String,
    /// Fields wanted (within the grant).
    pub fields: Vec<String>,
    /// The [`SubjectRef`], sealed to the owner's exchange key (info [`SUBJECT_INFO`], aad the
    /// access id): only the owner's node learns whom the request is about.
    pub subject: Vec<u8>,
    /// Case reference of this access (goes, sealed, into the subject's receipt).
    pub case_ref: String,
    /// When the official signed it (ms since the epoch); stale requests are refused.
    pub issued_ms: u64,
}

/// Whom an access is about.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SubjectRef {
    /// The subject's id in the owner's records (e.g. the national id).
    pub id: String,
    /// The salt of the request's scope commitments (for a grant over listed subjects).
    pub salt: Option<[u8; 32]>,
}

/// The owner's answer to a granted access.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct DeliveryBody {
    /// The access.
    pub access_id: Hash32,
    /// The receipt committed for it.
    pub receipt: Hash32,
    /// Height it was committed at.
    pub height: u64,
    /// The payload sealed to the grant's delivery key (info [`PAYLOAD_INFO`], aad the access
    /// id); its suite hash is the receipt's digest.
    pub sealed: Vec<u8>,
}

/// What a sealed payload holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    /// The access.
    pub access_id: String,
    /// Data set.
    pub dataset: String,
    /// Field values.
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// A request to one's own node for a fresh delivery key, before filing a request.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct KeyBody {
    /// Chain id.
    pub chain_id: String,
    /// The request id the key is for.
    pub request: String,
}

/// An erasure order to one's own node: erase a subject in a data set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct EraseBody {
    /// Chain id.
    pub chain_id: String,
    /// Data set.
    pub dataset: String,
    /// Subject id.
    pub subject: String,
    /// When signed (ms).
    pub issued_ms: u64,
}

/// An auditor's request: the key of one subject's sequence at this owner.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct AuditBody {
    /// Chain id.
    pub chain_id: String,
    /// Data set (whose owner is asked).
    pub dataset: String,
    /// Subject id.
    pub subject: String,
    /// Why (case of the auditor).
    pub case_ref: String,
    /// When signed (ms).
    pub issued_ms: u64,
}

/// An owner's notice to a grantee: destroy the keys of these deliveries.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct NoticeBody {
    /// Chain id.
    pub chain_id: String,
    /// The owner.
    pub owner: String,
    /// Grant.
    pub grant: String,
    /// The deliveries.
    pub access_ids: Vec<Hash32>,
}

/// A refusal: the error, and the receipt that records it when there is one.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Refusal {
    /// `{code, message}`.
    pub error: govchain_api_types::ErrorDetail,
    /// Tag of the refusal's receipt (absent when the request was not even a request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}
