//! Typed queries of public records, over the node's read view.

use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_types::validate;

use crate::keys;
use crate::model::Record;
use crate::views::{RecordHistory, RecordHistoryQuery, RecordPage, RecordQuery, RecordView};

/// Most records per page.
pub const MAX_LIMIT: usize = 200;
/// Most versions in one page of a record's history (each at most 32 KiB of body).
pub const MAX_VERSIONS_PAGE: u32 = 100;
/// Most bytes of a listing cursor (an index key).
pub const MAX_CURSOR_BYTES: usize = 256;
/// Versions in a page of a record's history by default.
pub const DEFAULT_VERSIONS_PAGE: u32 = 20;

/// The latest version of a record after block `height`.
pub fn latest(q: &dyn ChainQuery, id: &str, height: u64) -> Result<Option<Record>, ApiError> {
    let Some(head) = q.get_as::<u32>(&keys::head(id), height)? else { return Ok(None) };
    q.get_as(&keys::version(id, head), height)
}

/// Versions `[first, last]` of a record after block `height`, oldest first.
pub fn versions(q: &dyn ChainQuery, id: &str, first: u32, last: u32, height: u64) -> Result<Vec<Record>, ApiError> {
    (first..=last)
        .map(|v| {
            q.get_as::<Record>(&keys::version(id, v), height)?
                .ok_or_else(|| ApiError::internal(format!("record {id} version {v} missing")))
        })
        .collect()
}

fn check_filter(v: &Option<String>, what: &str) -> Result<(), ApiError> {
    match v {
        Some(s) => validate::slug(what, s).map_err(|e| ApiError::invalid("invalid_query", e)),
        None => Ok(()),
    }
}

/// `GET /v1/records`: latest versions, newest first, by organisation, category and time.
pub fn list(q: &dyn ChainQuery, f: &RecordQuery) -> Result<RecordPage, ApiError> {
    check_filter(&f.org, "org")?;
    check_filter(&f.category, "category")?;
    if [f.from_ms, f.to_ms].iter().flatten().any(|ms| *ms > i64::MAX as u64) {
        return Err(ApiError::bad_request("invalid_query", "times are at most 2^63-1 ms"));
    }
    let limit = f.limit.unwrap_or(50);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request("invalid_query", format!("limit must be 1-{MAX_LIMIT}")));
    }
    let prefix = keys::list_prefix(f.org.as_deref(), f.category.as_deref());
    let before = match (&f.cursor, f.to_ms) {
        (Some(c), _) if c.len() > 2 * MAX_CURSOR_BYTES => {
            return Err(ApiError::bad_request("invalid_query", "the cursor is longer than any this node gives"));
        }
        (Some(c), _) => Some(hex::decode(c).map_err(|_| ApiError::bad_request("invalid_query", "bad cursor"))?),
        (None, Some(to)) => Some(keys::time_bound(&prefix, to)),
        (None, None) => None,
    };
    let entries = q.index_scan_desc(&prefix, before.as_deref(), limit + 1)?;
    let height = q.height();
    let mut items: Vec<(Vec<u8>, RecordView)> = Vec::new();
    let mut next_cursor = None;
    for (key, id) in entries {
        let ms =
            key.get(prefix.len()..prefix.len() + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_be_bytes);
        if f.from_ms.is_some_and(|from| ms.unwrap_or(0) < from) {
            break;
        }
        if items.len() == limit {
            next_cursor = items.last().map(|(k, _)| hex::encode(k));
            break;
        }
        let id = String::from_utf8(id).map_err(ApiError::internal)?;
        if let Some(latest) = latest(q, &id, height)? {
            items.push((key, RecordView::from(&latest)));
        }
    }
    Ok(RecordPage { items: items.into_iter().map(|(_, r)| r).collect(), next_cursor })
}

fn check_id(id: &str) -> Result<(), ApiError> {
    validate::path_id("record id", id).map_err(|e| ApiError::invalid("invalid_id", e))
}

/// `GET /v1/records/{id}`: a record's latest version and a page of its versions (at most
/// [`MAX_VERSIONS_PAGE`] reads, whatever the record's length).
pub fn history(q: &dyn ChainQuery, id: &str, page: &RecordHistoryQuery) -> Result<RecordHistory, ApiError> {
    check_id(id)?;
    let limit = page.limit.unwrap_or(DEFAULT_VERSIONS_PAGE);
    if limit == 0 || limit > MAX_VERSIONS_PAGE {
        return Err(ApiError::bad_request("invalid_query", format!("limit must be 1-{MAX_VERSIONS_PAGE}")));
    }
    let height = q.height();
    let head: u32 = q
        .get_as(&keys::head(id), height)?
        .ok_or_else(|| ApiError::not_found("record_not_found", format!("no record {id}")))?;
    let last = match page.before {
        Some(0 | 1) => return Err(ApiError::bad_request("invalid_query", "before must be at least 2")),
        Some(b) => (b - 1).min(head),
        None => head,
    };
    let first = last.saturating_sub(limit - 1).max(1);
    let latest = latest(q, id, height)?.ok_or_else(|| ApiError::not_found("record_not_found", id.to_string()))?;
    let versions = versions(q, id, first, last, height)?.iter().map(RecordView::from).collect();
    Ok(RecordHistory {
        id: id.into(),
        latest: RecordView::from(&latest),
        versions,
        older: (first > 1).then_some(first),
    })
}

/// `GET /v1/proofs/records/{id}`: a proof bundle of a record version (the latest by default)
/// at the latest height.
pub fn proof(q: &dyn ChainQuery, id: &str, version: Option<u32>) -> Result<Vec<u8>, ApiError> {
    check_id(id)?;
    let height = q.latest_block()?;
    let v = match version {
        Some(0) => return Err(ApiError::bad_request("invalid_query", "versions count from 1")),
        Some(v) => v,
        None => q
            .get_as::<u32>(&keys::head(id), height)?
            .ok_or_else(|| ApiError::not_found("record_not_found", format!("no record {id}")))?,
    };
    Ok(q.prove(&[keys::version(id, v)], height)?.bundle)
}
