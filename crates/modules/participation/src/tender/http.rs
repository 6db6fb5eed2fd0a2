//! The tender routes (feature `http`), each with its OpenAPI entry. Transactions (create, deal,
//! admit, bid, release) go through `POST /v1/tx` like every other call.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};

use super::query::{self, TenderSummary, TenderView};
use crate::query::ProofQuery;

/// `/v1/tenders/…`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_tenders)).routes(routes!(get_tender))
}

/// Every tender.
#[utoipa::path(get, path = "/v1/tenders", tag = "tenders", responses((status = 200, body = Vec<TenderSummary>)))]
async fn list_tenders(State(h): State<Host>) -> Result<Json<Vec<TenderSummary>>, ApiError> {
    blocking(&h, query::tenders).await.map(Json)
}

/// A tender with its sealed bids and, after the opening, every opened bid and the award;
/// `?proof=true` adds a proof bundle of all of it.
#[utoipa::path(get, path = "/v1/tenders/{id}", tag = "tenders",
    params(("id" = String, Path, description = "Tender id", pattern = "^[a-z0-9-]{1,32}$"), ProofQuery),
    responses((status = 200, body = TenderView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_tender(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<TenderView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::tender(c, &id, p.proof)).await.map(Json)
}
