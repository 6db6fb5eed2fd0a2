//! The records routes (feature `http`), each with its OpenAPI entry.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};

use crate::query;
use crate::views::{RecordHistory, RecordHistoryQuery, RecordPage, RecordProofQuery, RecordQuery};

/// `GET /v1/records`, `/v1/records/{id}`, `/v1/proofs/records/{id}`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_records)).routes(routes!(get_record)).routes(routes!(record_proof))
}

/// Public records, newest first, filtered by organisation, category and publication time.
#[utoipa::path(get, path = "/v1/records", tag = "records", params(RecordQuery),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody)))]
async fn list_records(
    State(h): State<Host>,
    q: Result<Query<RecordQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RecordPage>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::list(c, &q)).await.map(Json)
}

/// A record: its latest version and a page of its versions (`before`, `limit`).
#[utoipa::path(get, path = "/v1/records/{id}", tag = "records",
    params(("id" = String, Path, description = "Record id", pattern = "^[A-Za-z0-9_-]{1,64}$"), RecordHistoryQuery),
    responses((status = 200, body = RecordHistory), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_record(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<RecordHistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RecordHistory>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::history(c, &id, &q)).await.map(Json)
}

/// Proof bundle of a record version (binary; see docs/proofs.md).
#[utoipa::path(get, path = "/v1/proofs/records/{id}", tag = "records",
    params(("id" = String, Path, description = "Record id", pattern = "^[A-Za-z0-9_-]{1,64}$"), RecordProofQuery),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody)))]
async fn record_proof(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<RecordProofQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let bundle = blocking(&h, move |c| query::proof(c, &id, q.version)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bundle).into_response())
}
