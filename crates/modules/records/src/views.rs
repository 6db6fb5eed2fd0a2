//! JSON shapes of the records routes.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::Record;

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

/// A record: its latest version and a page of its versions (oldest first).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RecordHistory {
    /// Record id.
    pub id: String,
    /// Latest version.
    pub latest: RecordView,
    /// Versions `[first, before)` of the page asked for, oldest first (by default the latest 20).
    pub versions: Vec<RecordView>,
    /// When older versions exist: pass as `before` for the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub older: Option<u32>,
}

/// Which versions of a record to list.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordHistoryQuery {
    /// List versions below this one (default: all up to the latest).
    #[param(nullable = false, minimum = 2, maximum = 4294967295_u64, format = Int64)]
    pub before: Option<u32>,
    /// Page size (1-100, default 20).
    #[param(nullable = false, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Record listing filters.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Organisation id.
    #[param(nullable = false, pattern = "^[a-z0-9-]{1,32}$")]
    pub org: Option<String>,
    /// Category.
    #[param(nullable = false, pattern = "^[a-z0-9-]{1,32}$")]
    pub category: Option<String>,
    /// Published at or after (ms since epoch, at most 2^63-1).
    #[param(nullable = false)]
    pub from_ms: Option<u64>,
    /// Published before (ms since epoch, at most 2^63-1).
    #[param(nullable = false)]
    pub to_ms: Option<u64>,
    /// Page size (1-200, default 50).
    #[param(nullable = false, minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
    /// Cursor from a previous page (`next_cursor`).
    #[param(nullable = false, pattern = "^([0-9a-fA-F]{2}){0,256}$")]
    pub cursor: Option<String>,
}

/// Query of a record proof.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordProofQuery {
    /// Version (default: latest).
    #[param(nullable = false, minimum = 1, maximum = 4294967295_u64, format = Int64)]
    pub version: Option<u32>,
}

impl From<&Record> for RecordView {
    fn from(r: &Record) -> RecordView {
        RecordView {
            id: r.id.clone(),
            org: r.org.clone(),
            version: r.version,
            category: r.content.category.clone(),
            title: r.content.title.clone(),
            body: r.content.body.clone(),
            attachments: r
                .content
                .attachments
                .iter()
                .map(|a| AttachmentView { name: a.name.clone(), hash: a.hash.to_hex(), size: a.size })
                .collect(),
            tags: r.content.tags.clone(),
            status: r.status.as_str().into(),
            reason: r.reason.clone(),
            previous: r.previous.map(|h| h.to_hex()),
            author: r.author.to_text(),
            height: r.height,
            time_ms: r.time_ms,
            published_ms: r.published_ms,
            tx_hash: r.tx_hash.to_hex(),
        }
    }
}
