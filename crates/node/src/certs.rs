//! Certificates through the API: records, status with proofs, offline proofs, verification.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use govchain_api::ApiError;
use govchain_api::dto::*;
use govchain_certificates::credential::Presentation;
use govchain_certificates::verify::{ChainView, verify};
use govchain_certificates::{CertStatus, CertType, Certificate, FieldKind, cert_key, type_key, type_version_key};
use govchain_identity::{Account, account_key};
use govchain_proofs::{Claim, ProofBundle, StateEntry, ValsetChange};
use govchain_state::Snapshot;
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::{Address, CommitCertificate, Header};
use parking_lot::Mutex;

use crate::service::NodeService;

type R<T> = Result<T, ApiError>;
type Bytes = Vec<u8>;

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Header, certificate and validator-set changes of one height, shared by every proof at it.
pub struct ProofParts {
    height: u64,
    header: Header,
    certificate: CommitCertificate,
    changes: Vec<ValsetChange>,
}

/// Cache of the proof parts of the latest height (status checks with proofs hit it).
#[derive(Default)]
pub struct ProofCache(Mutex<Option<Arc<ProofParts>>>);

/// The chain as the certificate verifier reads it: the state after block `version`.
struct OnlineView<'a> {
    snap: &'a Snapshot,
    version: u64,
}

impl OnlineView<'_> {
    fn get<T: borsh::BorshDeserialize>(&self, key: &[u8], version: u64) -> Result<Option<T>, String> {
        match self.snap.get(key, version).map_err(|e| e.to_string())? {
            Some(b) => borsh::from_slice(&b).map(Some).map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }
}

impl ChainView for OnlineView<'_> {
    fn certificate(&self, id: &str) -> Result<Option<(Certificate, u64)>, String> {
        Ok(self.get::<Certificate>(&cert_key(id), self.version)?.map(|c| (c, self.version)))
    }
    fn cert_type(&self, id: &str, version: u32) -> Result<Option<CertType>, String> {
        self.get(&type_version_key(id, version), self.version)
    }
    fn latest_type(&self, id: &str) -> Result<Option<CertType>, String> {
        self.get(&type_key(id), self.version)
    }
    fn account_at(&self, address: &Address, height: Option<u64>) -> Result<Option<Account>, String> {
        self.get(&account_key(address), height.unwrap_or(self.version))
    }
}

fn kind_name(k: FieldKind) -> &'static str {
    match k {
        FieldKind::Text => "text",
        FieldKind::Date => "date",
        FieldKind::Integer => "integer",
        FieldKind::Boolean => "boolean",
    }
}

fn type_view(t: &CertType) -> CertTypeView {
    CertTypeView {
        id: t.id.clone(),
        name: t.name.clone(),
        version: t.version,
        owner: t.owner.clone(),
        fields: t
            .fields
            .iter()
            .map(|f| FieldView { name: f.name.clone(), kind: kind_name(f.kind).into(), required: f.required })
            .collect(),
        issuers: t.issuers.clone(),
        default_validity_days: t.default_validity_days,
        height: t.height,
    }
}

fn status_parts(s: &CertStatus) -> (&'static str, Option<String>, Option<u64>) {
    match s {
        CertStatus::Active => ("active", None, None),
        CertStatus::Suspended { reason, height } => ("suspended", Some(reason.clone()), Some(*height)),
        CertStatus::Revoked { reason, height } => ("revoked", Some(reason.clone()), Some(*height)),
    }
}

fn record_view(c: &Certificate) -> CertRecordView {
    let (status, status_reason, status_height) = status_parts(&c.status);
    CertRecordView {
        id: c.id.clone(),
        type_id: c.type_id.clone(),
        type_version: c.type_version,
        issuer_org: c.issuer_org.clone(),
        issuer: c.issuer.to_text(),
        issuer_key: c.issuer_key.to_text(),
        holder: c.holder.to_hex(),
        commitment: c.commitment.to_hex(),
        valid_from_ms: c.valid_from_ms,
        valid_until_ms: c.valid_until_ms,
        issued_height: c.issued_height,
        status: status.into(),
        status_reason,
        status_height,
        previous: c.previous.clone(),
        successor: c.successor.clone(),
    }
}

fn check_id(id: &str) -> R<()> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ApiError::bad_request("invalid_id", "ids are 1-64 characters of A-Z a-z 0-9 - _"));
    }
    Ok(())
}

impl NodeService {
    fn proof_parts(&self, height: u64) -> R<Arc<ProofParts>> {
        if let Some(p) = self.proof_cache.0.lock().as_ref().filter(|p| p.height == height) {
            return Ok(p.clone());
        }
        let parts = Arc::new(ProofParts {
            height,
            header: self.header_at(height)?,
            certificate: self.cert_at(height)?,
            changes: self.valset_changes(height)?,
        });
        if height == self.chain.tip().height {
            *self.proof_cache.0.lock() = Some(parts.clone());
        }
        Ok(parts)
    }

    /// A proof bundle for `keys` at `height`, and the proven values (in the order of `keys`).
    fn states_bundle(&self, snap: &Snapshot, height: u64, keys: &[Vec<u8>]) -> R<(Vec<u8>, Vec<Option<Bytes>>)> {
        let parts = self.proof_parts(height)?;
        let mut entries = Vec::with_capacity(keys.len());
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            let (value, proof) = snap.prove(k, height).map_err(internal)?;
            values.push(value.clone());
            entries.push(StateEntry {
                key: BoundedBytes::new(k.clone()).map_err(internal)?,
                value: value.map(BoundedBytes::new).transpose().map_err(internal)?,
                proof: BoundedBytes::new(proof).map_err(internal)?,
            });
        }
        let claim = if entries.len() == 1 {
            let e = entries.remove(0);
            Claim::State { key: e.key, value: e.value, proof: e.proof }
        } else {
            Claim::States { entries: BoundedVec::new(entries).map_err(internal)? }
        };
        let b = ProofBundle {
            chain_id: BoundedString::new(self.chain.chain_id.clone()).map_err(internal)?,
            suite: self.chain.suite,
            valset_changes: BoundedVec::new(parts.changes.clone()).map_err(internal)?,
            header: parts.header.clone(),
            certificate: parts.certificate.clone(),
            claim,
        };
        Ok((b.to_bytes(), values))
    }

    fn latest_height(&self) -> R<u64> {
        let h = self.chain.tip().height;
        if h == 0 {
            return Err(ApiError::not_found("no_blocks_yet", "the chain has no blocks yet"));
        }
        Ok(h)
    }

    pub(crate) fn cert_types_impl(&self) -> R<Vec<CertTypeView>> {
        let prefix = b"certificates/types/";
        let entries = self.chain.storage.index_scan_desc(prefix, None, 1000).map_err(internal)?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let view = OnlineView { snap: &snap, version: self.chain.tip().height };
        let mut out = Vec::new();
        for (k, _) in entries.into_iter().rev() {
            let id = String::from_utf8_lossy(&k[prefix.len()..]).to_string();
            if let Some(t) = view.latest_type(&id).map_err(internal)? {
                out.push(type_view(&t));
            }
        }
        Ok(out)
    }

    pub(crate) fn cert_type_impl(&self, id: &str) -> R<CertTypeView> {
        check_id(id)?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let view = OnlineView { snap: &snap, version: self.chain.tip().height };
        view.latest_type(id)
            .map_err(internal)?
            .map(|t| type_view(&t))
            .ok_or_else(|| ApiError::not_found("type_not_found", format!("no certificate type {id}")))
    }

    pub(crate) fn certificate_impl(&self, id: &str) -> R<CertRecordView> {
        check_id(id)?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let view = OnlineView { snap: &snap, version: self.chain.tip().height };
        view.certificate(id)
            .map_err(internal)?
            .map(|(c, _)| record_view(&c))
            .ok_or_else(|| ApiError::not_found("certificate_not_found", format!("no certificate {id}")))
    }

    pub(crate) fn cert_status_impl(&self, id: &str, proof: bool) -> R<CertStatusView> {
        check_id(id)?;
        let height = self.latest_height()?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let key = cert_key(id);
        let (value, proof) = if proof {
            let (bundle, mut values) = self.states_bundle(&snap, height, std::slice::from_ref(&key))?;
            (values.pop().flatten(), Some(b64(&bundle)))
        } else {
            (snap.get(&key, height).map_err(internal)?, None)
        };
        let record: Option<Certificate> = value.map(|b| borsh::from_slice(&b)).transpose().map_err(internal)?;
        let (status, reason, status_height, valid_until_ms) = match &record {
            Some(c) => {
                let (s, r, h) = status_parts(&c.status);
                (s, r, h, Some(c.valid_until_ms))
            }
            None => ("unknown", None, None, None),
        };
        Ok(CertStatusView {
            id: id.into(),
            status: status.into(),
            reason,
            status_height,
            valid_until_ms,
            height,
            proof,
        })
    }

    pub(crate) fn cert_proofs_impl(&self, id: &str) -> R<CertProofs> {
        check_id(id)?;
        let height = self.latest_height()?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let (now, mut values) = self.states_bundle(&snap, height, &[cert_key(id)])?;
        let c: Certificate = values
            .pop()
            .flatten()
            .map(|b| borsh::from_slice(&b))
            .transpose()
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("certificate_not_found", format!("no certificate {id}")))?;
        let (at_issue, _) = self.states_bundle(
            &snap,
            c.issued_height,
            &[type_version_key(&c.type_id, c.type_version), account_key(&c.issuer)],
        )?;
        Ok(CertProofs { bundles: vec![b64(&now), b64(&at_issue)] })
    }

    pub(crate) fn verify_presentation_impl(&self, value: serde_json::Value) -> R<VerifyResponse> {
        let p: Presentation = serde_json::from_value(value)
            .map_err(|e| ApiError::bad_request("invalid_presentation", format!("not a presentation: {e}")))?;
        let height = self.latest_height()?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let view = OnlineView { snap: &snap, version: height };
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let verdict = verify(&p, &self.chain.chain_id, &view, now_ms);
        let id = &p.core.certificate_id;
        let proofs = if verdict.issued_height.is_some() {
            self.cert_proofs_impl(id).map(|c| c.bundles).unwrap_or_default()
        } else if check_id(id).is_ok() {
            // Not on chain: the proof shows the record's absence.
            self.states_bundle(&snap, height, &[cert_key(id)]).map(|(b, _)| vec![b64(&b)]).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(VerifyResponse {
            valid: verdict.valid,
            reason: verdict.reason.as_ref().map(|r| r.code().to_string()),
            verdict: serde_json::to_value(&verdict).map_err(internal)?,
            proofs,
        })
    }
}
