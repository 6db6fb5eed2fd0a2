//! Typed client calls of the records routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::{RecordHistory, RecordHistoryQuery, RecordPage, RecordQuery};

/// `GET /v1/records`.
pub async fn records(c: &Client, q: &RecordQuery) -> Result<RecordPage, SdkError> {
    c.get_query("/v1/records", q).await
}

/// `GET /v1/records/{id}`: the latest version and a page of versions.
pub async fn record(c: &Client, id: &str, page: &RecordHistoryQuery) -> Result<RecordHistory, SdkError> {
    c.get_query(&format!("/v1/records/{id}"), page).await
}

/// A record with every version, fetched page by page (oldest first).
pub async fn record_all_versions(c: &Client, id: &str) -> Result<RecordHistory, SdkError> {
    let mut h = record(c, id, &RecordHistoryQuery { before: None, limit: Some(100) }).await?;
    while let Some(before) = h.older {
        let page = record(c, id, &RecordHistoryQuery { before: Some(before), limit: Some(100) }).await?;
        h.older = page.older;
        h.versions.splice(0..0, page.versions);
    }
    Ok(h)
}

/// `GET /v1/proofs/records/{id}`: the proof bundle of a version (the latest by default).
pub async fn record_proof(c: &Client, id: &str, version: Option<u32>) -> Result<Vec<u8>, SdkError> {
    match version {
        Some(v) => c.get_bytes(&format!("/v1/proofs/records/{id}?version={v}")).await,
        None => c.get_bytes(&format!("/v1/proofs/records/{id}")).await,
    }
}
