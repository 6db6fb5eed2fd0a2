//! JSON shapes of the certificates routes.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{CertType, Certificate};

/// A claim field of a certificate type.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldView {
    /// Name.
    pub name: String,
    /// `text`, `date`, `integer` or `boolean`.
    pub kind: String,
    /// Required.
    pub required: bool,
}

/// A certificate type (latest version).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertTypeView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: u32,
    /// Owning organisation.
    pub owner: String,
    /// Claim fields.
    pub fields: Vec<FieldView>,
    /// Organisations allowed to issue it.
    pub issuers: Vec<String>,
    /// Default validity in days.
    pub default_validity_days: u32,
    /// Height this version was defined at.
    pub height: u64,
}

/// A certificate as recorded on chain (no personal data: a pseudonym and a commitment).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertRecordView {
    /// Id.
    pub id: String,
    /// Type id.
    pub type_id: String,
    /// Type version.
    pub type_version: u32,
    /// Issuing organisation.
    pub issuer_org: String,
    /// Issuing official's account.
    pub issuer: String,
    /// Key the issuance was signed with.
    pub issuer_key: String,
    /// Holder pseudonym.
    pub holder: String,
    /// Commitment to the salted claims.
    pub commitment: String,
    /// Valid from (ms).
    pub valid_from_ms: u64,
    /// Valid until (ms).
    pub valid_until_ms: u64,
    /// Issuance height.
    pub issued_height: u64,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// Reason of a suspension or revocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// Height of a suspension or revocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_height: Option<u64>,
    /// Renewed certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Renewing certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// A certificate's status, optionally with a proof bundle (base64) of its record.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertStatusView {
    /// Id.
    pub id: String,
    /// `active`, `suspended`, `revoked`, or `unknown` (not on chain; the proof then shows absence).
    pub status: String,
    /// Reason of a suspension or revocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Height of a suspension or revocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_height: Option<u64>,
    /// Valid until (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until_ms: Option<u64>,
    /// Height the status was read at.
    pub height: u64,
    /// Proof bundle of the record at `height` (base64), with `?proof=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// Proof bundles (base64) that let a presentation be verified offline.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertProofs {
    /// The record at the latest height; the type version and issuer account at issuance.
    pub bundles: Vec<String>,
}

/// The result of verifying a presentation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VerifyResponse {
    /// Valid or not.
    pub valid: bool,
    /// The reason code when not valid (`bad_issuer_signature`, `issuer_not_authorized`,
    /// `commitment_not_on_chain`, `revoked`, `suspended`, `expired`, `not_yet_valid`,
    /// `tampered_claim`, `wrong_chain`, `malformed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The full verdict (reason details, disclosed claims, heights).
    #[schema(value_type = Object)]
    pub verdict: serde_json::Value,
    /// Proof bundles (base64) of the facts used, for keeping with the presentation.
    pub proofs: Vec<String>,
}

/// Query of a certificate status.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertStatusQuery {
    /// Include a proof bundle.
    #[serde(default)]
    pub proof: bool,
}

impl From<&CertType> for CertTypeView {
    fn from(t: &CertType) -> CertTypeView {
        CertTypeView {
            id: t.id.clone(),
            name: t.name.clone(),
            version: t.version,
            owner: t.owner.clone(),
            fields: t
                .fields
                .iter()
                .map(|f| FieldView { name: f.name.clone(), kind: f.kind.as_str().into(), required: f.required })
                .collect(),
            issuers: t.issuers.clone(),
            default_validity_days: t.default_validity_days,
            height: t.height,
        }
    }
}

impl From<&Certificate> for CertRecordView {
    fn from(c: &Certificate) -> CertRecordView {
        let (status, status_reason, status_height) = c.status.parts();
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
}
