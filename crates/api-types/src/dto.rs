//! JSON shapes of the node's core API (transactions, blocks, status, proofs, events, search).
//! Hashes and addresses are hex strings (`0x…` for addresses); binary transactions are hex of
//! their canonical encoding. Each module's shapes live in its own crate.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::error::{ErrorBody, ErrorDetail};

/// `POST /v1/txs` body (JSON form; raw `application/octet-stream` is also accepted).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmitTx {
    /// Hex of the canonical encoding of a `SignedTransaction`.
    #[schema(pattern = "^([0-9a-fA-F]{2})+$")]
    pub tx: String,
}

/// `POST /v1/txs/batch` body.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmitBatch {
    /// Hex-encoded signed transactions (at most 5000). An entry that is not a transaction (not
    /// hex, cut short) gets its own error in the results, like any other refused entry.
    #[schema(max_items = 5000)]
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
    /// The first height whose block this node serves: 1, or the height after the snapshot a
    /// node started from (`--state-sync`); earlier blocks answer 410 `pruned`.
    #[serde(default = "first_height")]
    pub earliest_block: u64,
}

fn first_height() -> u64 {
    1
}

/// Query of a state proof.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StateProofQuery {
    /// State key, hex (1-1024 bytes).
    #[param(pattern = "^([0-9a-fA-F]{2}){1,1024}$")]
    pub key: String,
    /// Height (default: latest).
    #[param(nullable = false, minimum = 1)]
    pub height: Option<u64>,
}

/// Event stream options.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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

/// Record search parameters.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct RecordSearch {
    /// Words in Chinese and/or English (at most 200 characters); empty lists newest first.
    #[param(nullable = false, max_length = 200)]
    pub q: Option<String>,
    /// Organisation id (empty: any).
    #[param(nullable = false, pattern = "^[a-z0-9-]{0,32}$")]
    pub org: Option<String>,
    /// Category (empty: any).
    #[param(nullable = false, pattern = "^[a-z0-9-]{0,32}$")]
    pub category: Option<String>,
    /// Published at or after (ms since epoch, at most 2^63-1).
    #[param(nullable = false)]
    pub from_ms: Option<u64>,
    /// Published before (ms since epoch, at most 2^63-1).
    #[param(nullable = false)]
    pub to_ms: Option<u64>,
    /// Page size (1-100, default 20).
    #[param(nullable = false, minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// Results to skip (at most 10 000).
    #[param(nullable = false, maximum = 10000)]
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
