use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, Suite};
use serde::{Deserialize, Serialize};

pub use crate::keys::MODULE;

/// Longest title, in bytes.
pub const MAX_TITLE: usize = 256;
/// Longest body, in bytes.
pub const MAX_BODY: usize = 32 * 1024;
/// Most tags.
pub const MAX_TAGS: usize = 16;
/// Longest tag, bytes (room for `subject:` and a 64-hex pseudonym).
pub const MAX_TAG_LEN: usize = 80;
/// Most attachments.
pub const MAX_ATTACHMENTS: usize = 16;
/// Longest reason (amendment, withdrawal).
pub const MAX_REASON: usize = govchain_types::validate::MAX_REASON;

/// Status of a record version. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum RecordStatus {
    /// In force.
    Active = 0,
    /// Withdrawn (still readable, with the reason).
    Withdrawn = 1,
}

/// A file attached to a record: only its digest and size are on chain.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Digest of the file (the chain's hash).
    pub hash: Hash32,
    /// Size in bytes.
    pub size: u64,
}

/// The content an official writes.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RecordContent {
    /// Category slug, e.g. `budget`, `procurement`, `penalty`, `decision`.
    pub category: String,
    /// Title.
    pub title: String,
    /// Body text (Chinese or English; may be empty when the content is an attachment).
    pub body: String,
    /// Attachments.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// One version of a record.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Record {
    /// Identifier: `<org>-<sequence>`, e.g. `finance-000042`.
    pub id: String,
    /// Publishing organisation.
    pub org: String,
    /// Version, from 1.
    pub version: u32,
    /// Content of this version.
    pub content: RecordContent,
    /// Status.
    pub status: RecordStatus,
    /// Reason for an amendment or withdrawal (empty for version 1).
    pub reason: String,
    /// Hash of the previous version's encoding (None for version 1).
    pub previous: Option<Hash32>,
    /// Official who wrote this version.
    pub author: Address,
    /// Height of the block that carried this version.
    pub height: u64,
    /// Block time of this version (ms).
    pub time_ms: u64,
    /// Block time of version 1 (ms), carried along for ordering.
    pub published_ms: u64,
    /// Transaction that wrote this version.
    pub tx_hash: Hash32,
}

impl Record {
    /// Hash of this version's encoding (the `previous` link of the next version).
    pub fn hash(&self, suite: Suite) -> Hash32 {
        suite.hash(&borsh::to_vec(self).unwrap_or_default())
    }
}

/// Arguments of `records.publish`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Publish {
    /// The content.
    pub content: RecordContent,
}

/// Arguments of `records.amend`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Amend {
    /// Record id.
    pub id: String,
    /// The new content (complete).
    pub content: RecordContent,
    /// Why it changed.
    pub reason: String,
}

/// Arguments of `records.withdraw`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Withdraw {
    /// Record id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// Record id for an organisation's `seq`-th record.
pub fn record_id(org: &str, seq: u64) -> String {
    format!("{org}-{seq:06}")
}

govchain_types::methods! { MODULE;
    Publish => "publish",
    Amend => "amend",
    Withdraw => "withdraw",
}

impl RecordStatus {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Active => "active",
            RecordStatus::Withdrawn => "withdrawn",
        }
    }
}

impl Publish {
    /// A publication of a text record without attachments.
    pub fn text(category: &str, title: &str, body: &str, tags: Vec<String>) -> Publish {
        Publish {
            content: RecordContent {
                category: category.into(),
                title: title.into(),
                body: body.into(),
                attachments: vec![],
                tags,
            },
        }
    }
}
