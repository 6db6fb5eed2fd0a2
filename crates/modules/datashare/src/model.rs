//! What the chain records of data sharing: profiles, data sets, policies, requests, grants,
//! access receipts and shredding records — never the data, never a subject in plaintext.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, PublicKey};
use serde::{Deserialize, Serialize};

pub use crate::keys::MODULE;

/// Most fields of a data set.
pub const MAX_FIELDS: usize = 64;
/// Most policies per data set (each request is matched against all of them in the block).
pub const MAX_POLICIES: usize = 16;
/// Most subject commitments in a request's scope.
pub const MAX_SCOPE_SUBJECTS: usize = 1000;
/// Longest description, purpose or legal basis, in bytes.
pub const MAX_TEXT: usize = 2048;
/// Longest sealed receipt details, in bytes.
pub const MAX_DETAILS: usize = 4096;
/// Longest grant, in days.
pub const MAX_GRANT_DAYS: u32 = 3660;
/// Longest endpoint URL, in bytes.
pub const MAX_URL: usize = 256;
/// Most deliveries named by one `shred`.
pub const MAX_SHRED: usize = 256;

/// How sensitive a field is. Tags are frozen.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Sensitivity {
    /// May be published.
    Public = 0,
    /// Internal to government.
    Internal = 1,
    /// Personal data.
    Personal = 2,
    /// Special-category personal data (health, finances, criminal records).
    Sensitive = 3,
}

/// Type of a field's values. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum FieldType {
    /// UTF-8 text.
    Text = 0,
    /// A signed 64-bit integer.
    Integer = 1,
    /// `true` or `false`.
    Boolean = 2,
    /// A date `YYYY-MM-DD`.
    Date = 3,
}

/// A field of a data set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DataField {
    /// Name (identifier), e.g. `months_paid`.
    pub name: String,
    /// Type of its values.
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// Sensitivity.
    pub sensitivity: Sensitivity,
    /// What it holds.
    #[serde(default)]
    pub description: String,
}

/// A department's data-sharing profile: where its node answers data requests, and the key
/// requests and subject tags are bound to.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Profile {
    /// Organisation.
    pub org: String,
    /// Version, from 1 (a new key or endpoint is a new version; every version is kept, since
    /// subject tags name the version whose key derived them).
    pub version: u32,
    /// Base URL of the organisation's node for data requests (`…/v1/datashare/exchange`).
    pub endpoint: String,
    /// The exchange key: requests are sealed to it and subject tags derive from it.
    pub exchange_key: PublicKey,
    /// Height this version was set at.
    pub height: u64,
}

/// A data set in the public catalog.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Dataset {
    /// Identifier (identifier rules), e.g. `social-insurance`.
    pub id: String,
    /// Owning organisation.
    pub owner: String,
    /// Version, from 1.
    pub version: u32,
    /// Display name.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// Fields.
    pub fields: Vec<DataField>,
    /// Whether rows are about citizens (then every access is a receipt the citizen can list).
    pub concerns_citizens: bool,
    /// The legal basis of holding and sharing it.
    pub legal_basis: String,
    /// False when withdrawn from the catalog (requests refused; grants end).
    pub active: bool,
    /// Height this version was published at.
    pub height: u64,
}

/// Which subjects a request or grant covers.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[repr(u8)]
pub enum Scope {
    /// Every subject of the data set.
    All = 0,
    /// Listed subjects, as commitments `H(domain || salt || subject id)`
    /// ([`crate::subject::scope_commitment`]); the salt and ids travel off chain.
    Subjects {
        /// The commitments.
        commitments: Vec<Hash32>,
    } = 1,
}

/// An automatic decision rule of a data set's owner: a request matching it is granted in the
/// block that carries it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Policy {
    /// Identifier (identifier rules), unique within the data set.
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Version, from 1.
    pub version: u32,
    /// The requesting organisation it applies to; `None` for any.
    pub requester: Option<String>,
    /// Purpose codes it applies to (at least one).
    pub purposes: Vec<String>,
    /// Fields it may grant: a request asking for any other field is not matched.
    pub fields: Vec<String>,
    /// Longest grant, in days: a request asking for longer is not matched.
    pub max_days: u32,
    /// Whether a request for every subject matches (otherwise only listed subjects).
    pub allow_all_subjects: bool,
    /// False when withdrawn.
    pub active: bool,
    /// Height of this version.
    pub height: u64,
}

/// State of a request. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "status", rename_all = "snake_case")]
#[repr(u8)]
pub enum RequestStatus {
    /// Awaiting an officer's decision.
    Pending = 0,
    /// Granted (the grant has the request's id).
    Granted = 1,
    /// Rejected.
    Rejected {
        /// Why.
        reason: String,
        /// Officer.
        by: Address,
        /// Height.
        height: u64,
    } = 2,
    /// Withdrawn by the requester before a decision.
    Withdrawn {
        /// Height.
        height: u64,
    } = 3,
}

/// A request for access to a data set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Request {
    /// Identifier (path-id rules), chosen by the requester.
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Data set version at the time of the request.
    pub dataset_version: u32,
    /// Owner of the data set.
    pub owner: String,
    /// Requesting organisation.
    pub requester: String,
    /// Requesting official.
    pub official: Address,
    /// Fields asked for.
    pub fields: Vec<String>,
    /// Purpose code (identifier), e.g. `subsidy-eligibility`.
    pub purpose_code: String,
    /// Purpose in words.
    pub purpose: String,
    /// Legal basis of the request.
    pub legal_basis: String,
    /// Subjects.
    pub scope: Scope,
    /// Duration asked for, days.
    pub duration_days: u32,
    /// Case or programme reference (no personal data).
    pub case_ref: String,
    /// The key deliveries under the grant are sealed to; the grantee's node holds its secret and
    /// destroys it when the grant ends.
    pub delivery_key: PublicKey,
    /// Height filed.
    pub height: u64,
    /// State.
    pub status: RequestStatus,
}

/// Who granted access. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[repr(u8)]
pub enum Decider {
    /// An officer of the owner.
    Officer {
        /// The officer.
        address: Address,
    } = 0,
    /// An automatic policy of the owner.
    Policy {
        /// Policy id.
        id: String,
        /// Its version.
        version: u32,
    } = 1,
}

/// State of a grant. Tags are frozen. (Expiry is not a state: a grant whose `expires_ms` is at or
/// before the block time has ended.)
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "status", rename_all = "snake_case")]
#[repr(u8)]
pub enum GrantStatus {
    /// In force until `expires_ms`.
    Active = 0,
    /// Revoked by the owner or relinquished by the grantee.
    Revoked {
        /// By which organisation.
        by_org: String,
        /// Why.
        reason: String,
        /// Height.
        height: u64,
    } = 1,
}

/// Access granted to a request.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Grant {
    /// The request's id.
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Owner.
    pub owner: String,
    /// Grantee organisation.
    pub grantee: String,
    /// Fields granted (a subset of those asked for).
    pub fields: Vec<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Subjects.
    pub scope: Scope,
    /// Deliveries are sealed to this key.
    pub delivery_key: PublicKey,
    /// Who decided.
    pub decided_by: Decider,
    /// Height granted.
    pub height: u64,
    /// End, in block time (ms since the epoch).
    pub expires_ms: u64,
    /// State.
    pub status: GrantStatus,
}

/// What an access receipt records. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[repr(u8)]
pub enum Outcome {
    /// The fields were delivered, sealed to the grant's delivery key.
    Delivered {
        /// Digest of the sealed delivery (the suite's hash of the exact bytes sent).
        digest: Hash32,
        /// Its length.
        bytes: u32,
    } = 0,
    /// The attempt was refused (nothing delivered).
    Refused {
        /// Why ([`REFUSAL_CODES`]).
        code: String,
    } = 1,
    /// The owner erased the subject's data or one delivery (crypto-shredding of its keys).
    Erased {
        /// `subject` or `delivery`.
        what: String,
    } = 2,
}

/// Why an access can be refused.
pub const REFUSAL_CODES: &[&str] = &[
    "unauthorized",
    "no_grant",
    "grant_expired",
    "grant_revoked",
    "wrong_grantee",
    "fields_outside_grant",
    "subject_outside_scope",
    "subject_not_found",
    "subject_not_enrolled",
    "bad_request",
];

/// An access receipt: one look (or refused look) at one subject's data, or an erasure. Stored
/// under its tag; nothing in it names the subject or links it to another receipt of the same
/// subject (docs/adr/008-access-receipts.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Receipt {
    /// The subject tag: the `n`-th tag of the subject's sequence at this owner (or a random tag
    /// for an attempt about nobody the owner knows).
    pub tag: Hash32,
    /// Global sequence number (0, 1, …).
    pub seq: u64,
    /// Version of the owner's profile whose exchange key derived the tag (0: a random tag).
    pub key_version: u32,
    /// Id of the access request (random, chosen by the grantee; unique).
    pub access_id: Hash32,
    /// Data set.
    pub dataset: String,
    /// Owner.
    pub owner: String,
    /// Requesting organisation (empty for an erasure).
    pub requester: String,
    /// Grant used, if any.
    pub grant: Option<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Fields delivered or asked for.
    pub fields: Vec<String>,
    /// What happened.
    pub outcome: Outcome,
    /// Details only the subject (and an auditor given the subject's key) can read: the
    /// requesting official, the case reference, the subject-side hash of the payload.
    pub details: Vec<u8>,
    /// Height.
    pub height: u64,
    /// Block time (ms).
    pub time_ms: u64,
}

/// A record that a grantee destroyed the keys of deliveries.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Shredding {
    /// Sequence number (0, 1, …).
    pub seq: u64,
    /// The grantee organisation.
    pub org: String,
    /// The grant.
    pub grant: String,
    /// The deliveries whose keys were destroyed (access ids); empty with `whole_grant`.
    pub access_ids: Vec<Hash32>,
    /// Every key of the grant (its delivery key and every delivery's storage key).
    pub whole_grant: bool,
    /// Why: `grant_ended`, `grant_revoked`, `owner_erasure`, `retention`.
    pub reason: String,
    /// Height.
    pub height: u64,
}

/// Public counts of one month, data set, requester and purpose.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Stat {
    /// Deliveries.
    pub delivered: u64,
    /// Refusals.
    pub refused: u64,
}

// ---- method arguments ----

/// Arguments of `datashare.set_profile` (permission `datashare.admin`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SetProfile {
    /// Base URL of the node answering data requests (`http://` or `https://`).
    pub endpoint: String,
    /// Exchange key (the chain's signature algorithm).
    pub exchange_key: PublicKey,
}

/// Arguments of `datashare.publish_dataset` (permission `datashare.publish`); a new version when
/// the id exists.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct PublishDataset {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Fields (1–64).
    pub fields: Vec<DataField>,
    /// About citizens.
    pub concerns_citizens: bool,
    /// Legal basis.
    pub legal_basis: String,
    /// False withdraws it.
    pub active: bool,
}

/// Arguments of `datashare.set_policy` (permission `datashare.approve`, owner of the data set).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SetPolicy {
    /// Data set.
    pub dataset: String,
    /// Policy id.
    pub id: String,
    /// Requesting organisation, or any.
    pub requester: Option<String>,
    /// Purpose codes.
    pub purposes: Vec<String>,
    /// Fields.
    pub fields: Vec<String>,
    /// Longest grant, days.
    pub max_days: u32,
    /// Whether "every subject" requests match.
    pub allow_all_subjects: bool,
    /// False withdraws it.
    pub active: bool,
}

/// Arguments of `datashare.request` (permission `datashare.request`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct FileRequest {
    /// Identifier.
    pub id: String,
    /// Data set.
    pub dataset: String,
    /// Fields.
    pub fields: Vec<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Purpose in words.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Subjects.
    pub scope: Scope,
    /// Days.
    pub duration_days: u32,
    /// Case reference.
    pub case_ref: String,
    /// Delivery key.
    pub delivery_key: PublicKey,
}

/// Arguments of `datashare.decide` (permission `datashare.approve`, owner of the data set).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Decide {
    /// Request.
    pub request: String,
    /// Grant or reject.
    pub approve: bool,
    /// Why (required for a rejection; may be empty for a grant).
    pub reason: String,
    /// Narrower fields than asked for (a grant), or none for all asked.
    pub fields: Option<Vec<String>>,
    /// Shorter duration than asked for (a grant), or none.
    pub duration_days: Option<u32>,
}

/// Arguments of `datashare.withdraw` (the requesting organisation, before a decision).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Withdraw {
    /// Request.
    pub request: String,
}

/// Arguments of `datashare.revoke` (the owner, or the grantee relinquishing).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RevokeGrant {
    /// Grant.
    pub grant: String,
    /// Why.
    pub reason: String,
}

/// Arguments of `datashare.record` (permission `datashare.deliver`, the data set's owner): an
/// access receipt, committed before any delivery.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RecordAccess {
    /// Subject tag.
    pub tag: Hash32,
    /// Profile version of the key that derived the tag (0: random tag).
    pub key_version: u32,
    /// Access request id.
    pub access_id: Hash32,
    /// Data set.
    pub dataset: String,
    /// Requesting organisation.
    pub requester: String,
    /// Grant used.
    pub grant: Option<String>,
    /// Purpose code.
    pub purpose_code: String,
    /// Fields.
    pub fields: Vec<String>,
    /// Outcome.
    pub outcome: Outcome,
    /// Sealed details.
    pub details: Vec<u8>,
}

/// Arguments of `datashare.shred` (permission `datashare.request`, the grantee).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Shred {
    /// Grant.
    pub grant: String,
    /// Deliveries (access ids), or empty with `whole_grant`.
    pub access_ids: Vec<Hash32>,
    /// Every key of the grant.
    pub whole_grant: bool,
    /// Why.
    pub reason: String,
}

/// Why a grantee shreds.
pub const SHRED_REASONS: &[&str] = &["grant_ended", "grant_revoked", "owner_erasure", "retention"];

govchain_types::methods! { MODULE;
    SetProfile => "set_profile",
    PublishDataset => "publish_dataset",
    SetPolicy => "set_policy",
    FileRequest => "request",
    Decide => "decide",
    Withdraw => "withdraw",
    RevokeGrant => "revoke",
    RecordAccess => "record",
    Shred => "shred",
}

impl Grant {
    /// Whether the grant is in force at block time `now_ms`.
    pub fn in_force(&self, now_ms: u64) -> Result<(), &'static str> {
        match self.status {
            GrantStatus::Revoked { .. } => Err("grant_revoked"),
            GrantStatus::Active if now_ms >= self.expires_ms => Err("grant_expired"),
            GrantStatus::Active => Ok(()),
        }
    }
}

impl Sensitivity {
    /// Name in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Public => "public",
            Sensitivity::Internal => "internal",
            Sensitivity::Personal => "personal",
            Sensitivity::Sensitive => "sensitive",
        }
    }
}
