//! JSON shapes of the data-sharing routes.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::*;

/// A field of a data set.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldView {
    /// Name.
    pub name: String,
    /// `text`, `integer`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `public`, `internal`, `personal` or `sensitive`.
    pub sensitivity: String,
    /// What it holds.
    pub description: String,
}

/// A data set of the catalog (latest version).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DatasetView {
    /// Id.
    pub id: String,
    /// Owning organisation.
    pub owner: String,
    /// Version.
    pub version: u32,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Fields.
    pub fields: Vec<FieldView>,
    /// Whether rows are about citizens.
    pub concerns_citizens: bool,
    /// Legal basis.
    pub legal_basis: String,
    /// False when withdrawn.
    pub active: bool,
    /// Height of this version.
    pub height: u64,
}

/// An automatic decision rule.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PolicyView {
    /// Id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// Requesting organisation it applies to (absent: any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<String>,
    /// Purpose codes.
    pub purposes: Vec<String>,
    /// Fields it may grant.
    pub fields: Vec<String>,
    /// Longest grant in days.
    pub max_days: u32,
    /// Whether requests for every subject match.
    pub allow_all_subjects: bool,
    /// False when withdrawn.
    pub active: bool,
}

/// A data set with its policies.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DatasetDetail {
    /// The data set.
    #[serde(flatten)]
    pub dataset: DatasetView,
    /// Its automatic policies.
    pub policies: Vec<PolicyView>,
}

/// One version of a department's data-sharing profile.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProfileVersionView {
    /// Version.
    pub version: u32,
    /// Endpoint of the node answering data requests.
    pub endpoint: String,
    /// Exchange key (`ed25519:…` or `sm2:…`).
    pub exchange_key: String,
    /// Height set.
    pub height: u64,
}

/// A department's data-sharing profile with every version (a subject walks each version's tag
/// sequence).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProfileView {
    /// Organisation.
    pub org: String,
    /// Latest version.
    pub latest: ProfileVersionView,
    /// Every version, oldest first.
    pub versions: Vec<ProfileVersionView>,
    /// Whether the organisation owns a data set about citizens.
    pub holds_citizen_data: bool,
}

/// A request for access.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    /// Id.
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Data set version.
    pub dataset_version: u32,
    /// Owner.
    pub owner: String,
    /// Requesting organisation.
    pub requester: String,
    /// Requesting official.
    pub official: String,
    /// Fields.
    pub fields: Vec<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Purpose.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: String,
    /// `all` or `subjects`.
    pub scope: String,
    /// Number of listed subjects (0 for `all`).
    pub scope_subjects: usize,
    /// Duration asked for, days.
    pub duration_days: u32,
    /// Case reference.
    pub case_ref: String,
    /// Delivery key.
    pub delivery_key: String,
    /// Height filed.
    pub height: u64,
    /// `pending`, `granted`, `rejected` or `withdrawn`.
    pub status: String,
    /// Reason of a rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The grant, when granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<GrantView>,
}

/// A grant.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantView {
    /// Id (the request's).
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Owner.
    pub owner: String,
    /// Grantee.
    pub grantee: String,
    /// Fields.
    pub fields: Vec<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// `all` or `subjects`.
    pub scope: String,
    /// Decided by: `officer <address>` or `policy <id> v<version>`.
    pub decided_by: String,
    /// Height granted.
    pub height: u64,
    /// End in block time (ms).
    pub expires_ms: u64,
    /// `active`, `expired` or `revoked`, at the latest block time.
    pub status: String,
    /// Reason of a revocation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An access receipt.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReceiptView {
    /// Subject tag (the receipt's id).
    pub tag: String,
    /// Global sequence number.
    pub seq: u64,
    /// Profile version of the key that derived the tag (0: random tag).
    pub key_version: u32,
    /// Access id.
    pub access_id: String,
    /// Data set.
    pub dataset: String,
    /// Owner.
    pub owner: String,
    /// Requesting organisation.
    pub requester: String,
    /// Grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Fields.
    pub fields: Vec<String>,
    /// `delivered`, `refused` or `erased`.
    pub outcome: String,
    /// Refusal code, or what was erased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Digest of the sealed delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Sealed details (hex; only the subject opens them).
    pub details: String,
    /// Height.
    pub height: u64,
    /// Block time (ms).
    pub time_ms: u64,
}

/// Receipts under given tags, with one proof bundle of them all at one height.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LookupResponse {
    /// Height of the state the proof is of.
    pub height: u64,
    /// One entry per tag asked, in order: the receipt, or null (proven absent).
    pub receipts: Vec<Option<ReceiptView>>,
    /// Proof bundles (base64) of `datashare/receipt/<tag>` for every distinct tag, in key order,
    /// at most 16 keys per bundle (the bundle format's limit), all at `height`.
    pub proofs: Vec<String>,
}

/// A subject tag: 64 hex characters.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(pattern = "^[0-9a-fA-F]{64}$")]
pub struct TagHex(pub String);

/// Body of `POST /v1/datashare/receipts/lookup`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LookupRequest {
    /// Tags, 1–256.
    #[schema(min_items = 1, max_items = 256)]
    pub tags: Vec<TagHex>,
    /// Height to read at (default: the latest); a subject fixes one height for all batches.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 9223372036854775807_u64, format = Int64)]
    pub height: Option<u64>,
}

/// A page of the global receipt sequence.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReceiptPage {
    /// Receipts in sequence order.
    pub receipts: Vec<ReceiptView>,
    /// Total number of receipts.
    pub total: u64,
}

/// Query of the global receipt sequence.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptPageQuery {
    /// First sequence number.
    #[serde(default)]
    #[param(minimum = 0, maximum = 9223372036854775807_u64, format = Int64)]
    pub from: u64,
    /// Most receipts (1-100, default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Query of the catalog.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// Words that must all appear (case-insensitive) in the id, name, description, owner, legal
    /// basis or a field.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only this owner's data sets.
    #[param(pattern = "^[a-z0-9-]{1,32}$")]
    pub owner: Option<String>,
}

/// Query of requests.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    /// Organisation.
    #[param(pattern = "^[a-z0-9-]{1,32}$")]
    pub org: String,
    /// `owner` (requests to it, the default) or `requester` (requests from it).
    #[param(pattern = "^(owner|requester)$")]
    pub role: Option<String>,
}

/// Public access counts.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StatView {
    /// Month `YYYY-MM`.
    pub month: String,
    /// Data set.
    pub dataset: String,
    /// Requesting organisation.
    pub requester: String,
    /// Purpose code.
    pub purpose_code: String,
    /// Deliveries.
    pub delivered: u64,
    /// Refusals.
    pub refused: u64,
}

/// Query of statistics.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Month `YYYY-MM`.
    #[param(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
}

impl From<&Dataset> for DatasetView {
    fn from(d: &Dataset) -> DatasetView {
        DatasetView {
            id: d.id.clone(),
            owner: d.owner.clone(),
            version: d.version,
            name: d.name.clone(),
            description: d.description.clone(),
            fields: d
                .fields
                .iter()
                .map(|f| FieldView {
                    name: f.name.clone(),
                    kind: serde_json::to_value(f.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    sensitivity: f.sensitivity.as_str().into(),
                    description: f.description.clone(),
                })
                .collect(),
            concerns_citizens: d.concerns_citizens,
            legal_basis: d.legal_basis.clone(),
            active: d.active,
            height: d.height,
        }
    }
}

impl From<&Policy> for PolicyView {
    fn from(p: &Policy) -> PolicyView {
        PolicyView {
            id: p.id.clone(),
            version: p.version,
            requester: p.requester.clone(),
            purposes: p.purposes.clone(),
            fields: p.fields.clone(),
            max_days: p.max_days,
            allow_all_subjects: p.allow_all_subjects,
            active: p.active,
        }
    }
}

impl From<&Profile> for ProfileVersionView {
    fn from(p: &Profile) -> ProfileVersionView {
        ProfileVersionView {
            version: p.version,
            endpoint: p.endpoint.clone(),
            exchange_key: p.exchange_key.to_text(),
            height: p.height,
        }
    }
}

fn scope_name(s: &Scope) -> (String, usize) {
    match s {
        Scope::All => ("all".into(), 0),
        Scope::Subjects { commitments } => ("subjects".into(), commitments.len()),
    }
}

impl GrantView {
    /// The view of a grant at block time `now_ms`.
    pub fn new(g: &Grant, now_ms: u64) -> GrantView {
        let (status, reason) = match (&g.status, g.in_force(now_ms)) {
            (GrantStatus::Revoked { reason, .. }, _) => ("revoked", Some(reason.clone())),
            (_, Err(_)) => ("expired", None),
            (_, Ok(())) => ("active", None),
        };
        GrantView {
            id: g.id.clone(),
            dataset: g.dataset.clone(),
            owner: g.owner.clone(),
            grantee: g.grantee.clone(),
            fields: g.fields.clone(),
            purpose_code: g.purpose_code.clone(),
            scope: scope_name(&g.scope).0,
            decided_by: match &g.decided_by {
                Decider::Officer { address } => format!("officer {}", address.to_text()),
                Decider::Policy { id, version } => format!("policy {id} v{version}"),
            },
            height: g.height,
            expires_ms: g.expires_ms,
            status: status.into(),
            reason,
        }
    }
}

impl RequestView {
    /// The view of a request and its grant.
    pub fn new(r: &Request, grant: Option<GrantView>) -> RequestView {
        let (scope, scope_subjects) = scope_name(&r.scope);
        let (status, reason) = match &r.status {
            RequestStatus::Pending => ("pending", None),
            RequestStatus::Granted => ("granted", None),
            RequestStatus::Rejected { reason, .. } => ("rejected", Some(reason.clone())),
            RequestStatus::Withdrawn { .. } => ("withdrawn", None),
        };
        RequestView {
            id: r.id.clone(),
            dataset: r.dataset.clone(),
            dataset_version: r.dataset_version,
            owner: r.owner.clone(),
            requester: r.requester.clone(),
            official: r.official.to_text(),
            fields: r.fields.clone(),
            purpose_code: r.purpose_code.clone(),
            purpose: r.purpose.clone(),
            legal_basis: r.legal_basis.clone(),
            scope,
            scope_subjects,
            duration_days: r.duration_days,
            case_ref: r.case_ref.clone(),
            delivery_key: r.delivery_key.to_text(),
            height: r.height,
            status: status.into(),
            reason,
            grant,
        }
    }
}

impl From<&Receipt> for ReceiptView {
    fn from(r: &Receipt) -> ReceiptView {
        let (outcome, code, digest) = match &r.outcome {
            Outcome::Delivered { digest, .. } => ("delivered", None, Some(digest.to_hex())),
            Outcome::Refused { code } => ("refused", Some(code.clone()), None),
            Outcome::Erased { what } => ("erased", Some(what.clone()), None),
        };
        ReceiptView {
            tag: r.tag.to_hex(),
            seq: r.seq,
            key_version: r.key_version,
            access_id: r.access_id.to_hex(),
            dataset: r.dataset.clone(),
            owner: r.owner.clone(),
            requester: r.requester.clone(),
            grant: r.grant.clone(),
            purpose_code: r.purpose_code.clone(),
            fields: r.fields.clone(),
            outcome: outcome.into(),
            code,
            digest,
            details: hex::encode(&r.details),
            height: r.height,
            time_ms: r.time_ms,
        }
    }
}
