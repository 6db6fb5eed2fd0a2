//! JSON shapes of the API. Hashes and addresses are hex strings (`0x…` for addresses); binary
//! transactions are hex of their canonical encoding.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::error::{ErrorBody, ErrorDetail};

/// `POST /v1/txs` body (JSON form; raw `application/octet-stream` is also accepted).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmitTx {
    /// Hex of the canonical encoding of a `SignedTransaction`.
    pub tx: String,
}

/// `POST /v1/txs/batch` body.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmitBatch {
    /// Hex-encoded signed transactions (at most 2000).
    pub txs: Vec<String>,
}

/// Accepted transaction.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    /// Transaction id.
    pub hash: String,
    /// Always `pending`.
    pub status: String,
}

/// One result of a batch.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchItem {
    /// Position in the batch.
    pub index: usize,
    /// Transaction id when accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// Result of a batch submission.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchResult {
    /// Number accepted.
    pub accepted: usize,
    /// Number rejected.
    pub rejected: usize,
    /// Per-transaction results, in order.
    pub results: Vec<BatchItem>,
}

/// An event in a receipt.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    /// Module.
    pub module: String,
    /// Kind.
    pub kind: String,
    /// Attributes in emission order.
    pub attributes: Vec<(String, String)>,
}

/// A receipt.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReceiptView {
    /// `success` or `failed`.
    pub outcome: String,
    /// Error code when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Error message when failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Events.
    pub events: Vec<EventView>,
}

/// Status of a transaction.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TxView {
    /// Transaction id.
    pub hash: String,
    /// `pending`, `committed` or `dropped`.
    pub status: String,
    /// Block height (committed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// Position in the block (committed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Receipt (committed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ReceiptView>,
    /// Reason code (dropped), e.g. `expired`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// Reason (dropped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Signer address (committed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Called method `module.method` (committed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
}

/// A block header.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HeaderView {
    /// Chain id.
    pub chain_id: String,
    /// Height.
    pub height: u64,
    /// Block time, ms since epoch.
    pub time_ms: u64,
    /// Previous block hash.
    pub prev_hash: String,
    /// Transactions Merkle root.
    pub tx_root: String,
    /// Receipts Merkle root.
    pub receipts_root: String,
    /// State root after the block.
    pub state_root: String,
    /// Hash of the validator set.
    pub validator_set_hash: String,
    /// Proposer address.
    pub proposer: String,
}

/// A validator's signature in a certificate.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SignatureView {
    /// Validator address.
    pub validator: String,
    /// Signature (`alg:hex`).
    pub signature: String,
}

/// A commit certificate.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CertificateView {
    /// Height.
    pub height: u64,
    /// Round.
    pub round: u32,
    /// Block hash.
    pub block_hash: String,
    /// Precommit signatures.
    pub signatures: Vec<SignatureView>,
}

/// A block with its certificate.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BlockView {
    /// Height.
    pub height: u64,
    /// Hash.
    pub hash: String,
    /// Header.
    pub header: HeaderView,
    /// Transaction ids in order.
    pub tx_hashes: Vec<String>,
    /// Commit certificate.
    pub certificate: CertificateView,
}

/// A validator.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ValidatorView {
    /// Address.
    pub address: String,
    /// Public key (`alg:hex`).
    pub public_key: String,
    /// Voting power.
    pub voting_power: u64,
    /// Operating organisation.
    pub org: String,
}

/// Pool occupancy.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MempoolView {
    /// Pending transactions.
    pub txs: usize,
    /// Pending bytes.
    pub bytes: usize,
}

/// `GET /status`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StatusView {
    /// Chain id.
    pub chain_id: String,
    /// Crypto suite (`ed25519-sha256` or `sm2-sm3`).
    pub suite: String,
    /// Last committed height.
    pub height: u64,
    /// Hash of the last block.
    pub latest_block_hash: String,
    /// Time of the last block (ms).
    pub latest_block_time_ms: u64,
    /// Hash of the genesis file.
    pub genesis_hash: String,
    /// Node name.
    pub moniker: String,
    /// Software version.
    pub version: String,
    /// Pool occupancy.
    pub mempool: MempoolView,
    /// Current validators.
    pub validators: Vec<ValidatorView>,
}

/// An attachment digest.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    /// File name.
    pub name: String,
    /// Digest (hex).
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
}

/// One version of a public record.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordView {
    /// Record id, e.g. `finance-000042`.
    pub id: String,
    /// Publishing organisation.
    pub org: String,
    /// Version (from 1).
    pub version: u32,
    /// Category.
    pub category: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Attachments.
    pub attachments: Vec<AttachmentView>,
    /// Tags.
    pub tags: Vec<String>,
    /// `active` or `withdrawn`.
    pub status: String,
    /// Reason for this version (amendment or withdrawal).
    pub reason: String,
    /// Hash of the previous version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Author (official's address).
    pub author: String,
    /// Height of this version.
    pub height: u64,
    /// Time of this version (ms).
    pub time_ms: u64,
    /// Time of first publication (ms).
    pub published_ms: u64,
    /// Transaction that wrote this version.
    pub tx_hash: String,
}

/// A page of records, newest first.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordPage {
    /// Latest versions.
    pub items: Vec<RecordView>,
    /// Pass as `cursor` to get the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A record with all its versions (oldest first).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordHistory {
    /// Record id.
    pub id: String,
    /// Latest version.
    pub latest: RecordView,
    /// Every version, oldest first.
    pub versions: Vec<RecordView>,
}

/// Record listing filters.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
pub struct RecordQuery {
    /// Organisation id.
    pub org: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Published at or after (ms since epoch).
    pub from_ms: Option<u64>,
    /// Published before (ms since epoch).
    pub to_ms: Option<u64>,
    /// Page size (1-200, default 50).
    pub limit: Option<usize>,
    /// Cursor from a previous page.
    pub cursor: Option<String>,
}

/// A role.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleView {
    /// Name.
    pub name: String,
    /// Permissions.
    pub permissions: Vec<String>,
}

/// An organisation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OrgView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `government`, `institution` or `enterprise`.
    pub kind: String,
    /// Admin addresses.
    pub admins: Vec<String>,
    /// Roles.
    pub roles: Vec<RoleView>,
    /// Active.
    pub active: bool,
    /// Validators the organisation operates.
    pub validators: Vec<String>,
}

/// An account (pseudonymous).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    /// Address.
    pub address: String,
    /// Public key.
    pub public_key: String,
    /// `official`, `citizen` or `business`.
    pub kind: String,
    /// Organisation.
    pub org: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Active.
    pub active: bool,
    /// Registration height.
    pub registered_at: u64,
    /// Next nonce in committed state.
    pub next_nonce: u64,
    /// Next nonce counting pending transactions (use this for a new transaction).
    pub pending_nonce: u64,
}

/// Query of a state proof.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct StateProofQuery {
    /// State key, hex.
    pub key: String,
    /// Height (default: latest).
    pub height: Option<u64>,
}

/// Query of a record proof.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct RecordProofQuery {
    /// Version (default: latest).
    pub version: Option<u32>,
}

/// Event stream options.
#[derive(Clone, Debug, Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Include every transaction id in block events.
    #[serde(default)]
    pub txs: bool,
}

/// A committed block, as sent on the event stream (event `block`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BlockEvent {
    /// Height.
    pub height: u64,
    /// Hash.
    pub hash: String,
    /// Time (ms).
    pub time_ms: u64,
    /// Number of transactions.
    pub tx_count: usize,
    /// Transaction ids (only with `?txs=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_hashes: Option<Vec<String>>,
}

/// A module event, as sent on the event stream (event `event`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ModuleEvent {
    /// Height.
    pub height: u64,
    /// Transaction id.
    pub tx_hash: String,
    /// Module.
    pub module: String,
    /// Kind.
    pub kind: String,
    /// Attributes.
    pub attributes: Vec<(String, String)>,
}

/// What the node broadcasts after each commit.
#[derive(Clone, Debug)]
pub struct CommittedBlock {
    /// Block summary (always with tx hashes; stripped per subscriber).
    pub block: BlockEvent,
    /// Module events of the block.
    pub events: Vec<ModuleEvent>,
}

/// A governance proposal.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    pub id: u64,
    /// The proposed change (`type` names it: add_organisation, remove_organisation,
    /// add_validator, remove_validator, set_voting_power, set_param).
    #[schema(value_type = Object)]
    pub action: serde_json::Value,
    /// Why.
    pub reason: String,
    /// Proposing official.
    pub proposer: String,
    /// Height of the proposal.
    pub created_height: u64,
    /// Last height for approvals.
    pub expires_height: u64,
    /// Approving organisations.
    pub approvals: Vec<String>,
    /// Government organisations needed to approve.
    pub required: u64,
    /// `open` or `executed`.
    pub status: String,
    /// Height of the approving block (executed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_height: Option<u64>,
    /// Height from which the change applies (executed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_height: Option<u64>,
}

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
pub struct CertStatusQuery {
    /// Include a proof bundle.
    #[serde(default)]
    pub proof: bool,
}

/// Record search parameters.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
pub struct RecordSearch {
    /// Words in Chinese and/or English (at most 200 characters); empty lists newest first.
    pub q: Option<String>,
    /// Organisation id.
    pub org: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Published at or after (ms since epoch).
    pub from_ms: Option<u64>,
    /// Published before (ms since epoch).
    pub to_ms: Option<u64>,
    /// Page size (1-100, default 20).
    pub limit: Option<usize>,
    /// Results to skip (at most 10 000).
    pub offset: Option<usize>,
}

/// Text with matched words marked.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HighlightedText {
    /// Plain text (never HTML).
    pub text: String,
    /// `[start, end)` ranges to emphasise, in Unicode code points of `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// One search result: the latest version of a record.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchHitView {
    /// Record id.
    pub id: String,
    /// Latest version.
    pub version: u32,
    /// Organisation.
    pub org: String,
    /// Category.
    pub category: String,
    /// Title with matches marked.
    pub title: HighlightedText,
    /// Best passage of the body with matches marked.
    pub snippet: HighlightedText,
    /// Tags.
    pub tags: Vec<String>,
    /// First publication (ms).
    pub published_ms: u64,
    /// Latest version (ms).
    pub time_ms: u64,
    /// Withdrawn (still listed: the disclosure happened).
    pub withdrawn: bool,
    /// Relevance (absent when listing without words).
    pub score: Option<f32>,
}

/// A page of search results.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResponse {
    /// Matching records in all.
    pub total: usize,
    /// Chain height the index reflects (it follows commits within moments).
    pub indexed_height: u64,
    /// This page, best first.
    pub hits: Vec<SearchHitView>,
}
