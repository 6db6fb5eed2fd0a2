//! Typed client calls of the records routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::{RecordHistory, RecordPage, RecordQuery};

/// `GET /v1/records`.
pub async fn records(c: &Client, q: &RecordQuery) -> Result<RecordPage, SdkError> {
    c.get_query("/v1/records", q).await
}

/// `GET /v1/records/{id}`.
pub async fn record(c: &Client, id: &str) -> Result<RecordHistory, SdkError> {
    c.get(&format!("/v1/records/{id}")).await
}

/// `GET /v1/proofs/records/{id}`: the proof bundle of a version (the latest by default).
pub async fn record_proof(c: &Client, id: &str, version: Option<u32>) -> Result<Vec<u8>, SdkError> {
    match version {
        Some(v) => c.get_bytes(&format!("/v1/proofs/records/{id}?version={v}")).await,
        None => c.get_bytes(&format!("/v1/proofs/records/{id}")).await,
    }
}
