//! Typed queries of certificates, over the node's read view: types, records, status with
//! proofs, the bundles for offline presentations, and online verification.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_identity::Account;
use govchain_types::{Address, validate};

use crate::credential::Presentation;
use crate::keys;
use crate::model::{CertType, Certificate};
use crate::verify::{ChainView, ViewError, verify};
use crate::views::{CertProofs, CertRecordView, CertStatusView, CertTypeView, VerifyResponse};

/// Most types listed.
pub const MAX_TYPES: usize = 1000;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn check_id(id: &str) -> Result<(), ApiError> {
    validate::path_id("id", id).map_err(|e| ApiError::invalid("invalid_id", e))
}

/// The chain as the verifier reads it online: the state after block `height`.
pub struct OnlineView<'a> {
    q: &'a dyn ChainQuery,
    height: u64,
}

impl<'a> OnlineView<'a> {
    /// The state after block `height`.
    pub fn new(q: &'a dyn ChainQuery, height: u64) -> OnlineView<'a> {
        OnlineView { q, height }
    }

    fn get<T: borsh::BorshDeserialize>(&self, key: &[u8], height: u64) -> Result<Option<T>, ViewError> {
        self.q.get_as(key, height).map_err(|e| ViewError(e.message))
    }
}

impl ChainView for OnlineView<'_> {
    fn certificate(&self, id: &str) -> Result<Option<(Certificate, u64)>, ViewError> {
        Ok(self.get::<Certificate>(&keys::cert(id), self.height)?.map(|c| (c, self.height)))
    }
    fn cert_type(&self, id: &str, version: u32) -> Result<Option<CertType>, ViewError> {
        self.get(&keys::type_version(id, version), self.height)
    }
    fn latest_type(&self, id: &str) -> Result<Option<CertType>, ViewError> {
        self.get(&keys::cert_type(id), self.height)
    }
    fn account_at(&self, address: &Address, height: Option<u64>) -> Result<Option<Account>, ViewError> {
        govchain_identity::query::account_at(self.q, address, height.unwrap_or(self.height))
            .map_err(|e| ViewError(e.message))
    }
}

/// `GET /v1/certificate-types`.
pub fn types(q: &dyn ChainQuery) -> Result<Vec<CertTypeView>, ApiError> {
    let height = q.height();
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(keys::TYPES_INDEX, None, MAX_TYPES)?.into_iter().rev() {
        let Some(id) = keys::parse_type_index(&k) else { continue };
        if let Some(t) = q.get_as::<CertType>(&keys::cert_type(&id), height)? {
            out.push(CertTypeView::from(&t));
        }
    }
    Ok(out)
}

/// `GET /v1/certificate-types/{id}`: the latest version.
pub fn cert_type(q: &dyn ChainQuery, id: &str) -> Result<CertTypeView, ApiError> {
    check_id(id)?;
    q.get_as::<CertType>(&keys::cert_type(id), q.height())?
        .map(|t| CertTypeView::from(&t))
        .ok_or_else(|| ApiError::not_found("type_not_found", format!("no certificate type {id}")))
}

/// `GET /v1/certificates/{id}`.
pub fn certificate(q: &dyn ChainQuery, id: &str) -> Result<CertRecordView, ApiError> {
    check_id(id)?;
    q.get_as::<Certificate>(&keys::cert(id), q.height())?
        .map(|c| CertRecordView::from(&c))
        .ok_or_else(|| ApiError::not_found("certificate_not_found", format!("no certificate {id}")))
}

/// `GET /v1/certificates/{id}/status`: the status at the latest height, with a proof bundle of
/// the record (or of its absence) when `proof`.
pub fn status(q: &dyn ChainQuery, id: &str, proof: bool) -> Result<CertStatusView, ApiError> {
    check_id(id)?;
    let height = q.latest_block()?;
    let key = keys::cert(id);
    let (value, proof) = if proof {
        let mut p = q.prove(std::slice::from_ref(&key), height)?;
        (p.values.pop().flatten(), Some(b64(&p.bundle)))
    } else {
        (q.get(&key, height)?, None)
    };
    let record: Option<Certificate> = value.map(|b| borsh::from_slice(&b)).transpose().map_err(ApiError::internal)?;
    let (status, reason, status_height, valid_until_ms) = match &record {
        Some(c) => {
            let (s, r, h) = c.status.parts();
            (s, r, h, Some(c.valid_until_ms))
        }
        None => ("unknown", None, None, None),
    };
    Ok(CertStatusView { id: id.into(), status: status.into(), reason, status_height, valid_until_ms, height, proof })
}

/// `GET /v1/certificates/{id}/proofs`: the record at the latest height; the type version and
/// the issuer's account at the issuance height.
pub fn proofs(q: &dyn ChainQuery, id: &str) -> Result<CertProofs, ApiError> {
    check_id(id)?;
    let height = q.latest_block()?;
    let mut now = q.prove(&[keys::cert(id)], height)?;
    let c: Certificate = now
        .values
        .pop()
        .flatten()
        .map(|b| borsh::from_slice(&b))
        .transpose()
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::not_found("certificate_not_found", format!("no certificate {id}")))?;
    let at_issue = q.prove(
        &[keys::type_version(&c.type_id, c.type_version), govchain_identity::keys::account(&c.issuer)],
        c.issued_height,
    )?;
    Ok(CertProofs { bundles: vec![b64(&now.bundle), b64(&at_issue.bundle)] })
}

/// `POST /v1/certificates/verify`: verifies a presentation against the latest state and the
/// node's clock, and returns the proofs of the facts used.
pub fn verify_presentation(q: &dyn ChainQuery, value: serde_json::Value) -> Result<VerifyResponse, ApiError> {
    let p: Presentation = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_presentation", format!("not a presentation: {e}")))?;
    let height = q.latest_block()?;
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let verdict = verify(&p, q.chain_id(), &OnlineView::new(q, height), now_ms);
    let id = &p.core.certificate_id;
    let proofs = if verdict.issued_height.is_some() {
        proofs(q, id).map(|c| c.bundles).unwrap_or_default()
    } else if check_id(id).is_ok() {
        // Not on chain: the proof shows the record's absence.
        q.prove(&[keys::cert(id)], height).map(|p| vec![b64(&p.bundle)]).unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(VerifyResponse {
        valid: verdict.valid,
        reason: verdict.reason.as_ref().map(|r| r.code().to_string()),
        verdict: serde_json::to_value(&verdict).map_err(ApiError::internal)?,
        proofs,
    })
}
