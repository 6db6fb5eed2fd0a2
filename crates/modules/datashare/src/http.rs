//! The data-sharing routes (feature `http`), each with its OpenAPI entry.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, json_error, read_body, routes};

use crate::query;
use crate::views::*;

/// Largest lookup body.
pub const MAX_LOOKUP_BYTES: usize = 64 * 1024;

/// `/v1/datashare/…`.
pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(list_datasets))
        .routes(routes!(get_dataset))
        .routes(routes!(list_profiles))
        .routes(routes!(get_profile))
        .routes(routes!(list_requests))
        .routes(routes!(get_request))
        .routes(routes!(get_grant))
        .routes(routes!(receipt_page))
        .routes(routes!(lookup_receipts))
        .routes(routes!(get_receipt))
        .routes(routes!(get_stats))
}

/// The public catalog of data sets.
#[utoipa::path(get, path = "/v1/datashare/datasets", tag = "datashare", params(CatalogQuery),
    responses((status = 200, body = Vec<DatasetView>), (status = 400, body = ErrorBody)))]
async fn list_datasets(
    State(h): State<Host>,
    q: Result<Query<CatalogQuery>, QueryRejection>,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::datasets(c, q.q.as_deref(), q.owner.as_deref())).await.map(Json)
}

/// One data set with its automatic policies.
#[utoipa::path(get, path = "/v1/datashare/datasets/{id}", tag = "datashare",
    params(("id" = String, Path, description = "Data set id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = DatasetDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_dataset(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<DatasetDetail>, ApiError> {
    blocking(&h, move |q| query::dataset(q, &id)).await.map(Json)
}

/// Every department's data-sharing profile (endpoint and exchange keys, all versions).
#[utoipa::path(get, path = "/v1/datashare/profiles", tag = "datashare",
    responses((status = 200, body = Vec<ProfileView>)))]
async fn list_profiles(State(h): State<Host>) -> Result<Json<Vec<ProfileView>>, ApiError> {
    blocking(&h, query::profiles).await.map(Json)
}

/// One department's data-sharing profile.
#[utoipa::path(get, path = "/v1/datashare/profiles/{org}", tag = "datashare",
    params(("org" = String, Path, description = "Organisation id", pattern = "^[a-z0-9-]{1,32}$")),
    responses((status = 200, body = ProfileView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_profile(State(h): State<Host>, Path(org): Path<String>) -> Result<Json<ProfileView>, ApiError> {
    blocking(&h, move |q| query::profile(q, &org)).await.map(Json)
}

/// Requests to (role `owner`) or from (role `requester`) an organisation.
#[utoipa::path(get, path = "/v1/datashare/requests", tag = "datashare", params(RequestsQuery),
    responses((status = 200, body = Vec<RequestView>), (status = 400, body = ErrorBody)))]
async fn list_requests(
    State(h): State<Host>,
    q: Result<Query<RequestsQuery>, QueryRejection>,
) -> Result<Json<Vec<RequestView>>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::requests(c, &q.org, q.role.as_deref())).await.map(Json)
}

/// A request, with its grant once granted.
#[utoipa::path(get, path = "/v1/datashare/requests/{id}", tag = "datashare",
    params(("id" = String, Path, description = "Request id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_request(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<RequestView>, ApiError> {
    blocking(&h, move |q| query::request(q, &id)).await.map(Json)
}

/// A grant, with its status at the latest block time.
#[utoipa::path(get, path = "/v1/datashare/grants/{id}", tag = "datashare",
    params(("id" = String, Path, description = "Grant id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = GrantView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_grant(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<GrantView>, ApiError> {
    blocking(&h, move |q| query::grant(q, &id)).await.map(Json)
}

/// The global sequence of access receipts (public; no receipt names its subject).
#[utoipa::path(get, path = "/v1/datashare/receipts", tag = "datashare", params(ReceiptPageQuery),
    responses((status = 200, body = ReceiptPage), (status = 400, body = ErrorBody)))]
async fn receipt_page(
    State(h): State<Host>,
    q: Result<Query<ReceiptPageQuery>, QueryRejection>,
) -> Result<Json<ReceiptPage>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::receipt_page(c, q.from, q.limit)).await.map(Json)
}

/// Receipts under the given subject tags (or their proven absence), with one proof bundle at one
/// height: "who used my data" and its completeness proof.
#[utoipa::path(post, path = "/v1/datashare/receipts/lookup", tag = "datashare", request_body = LookupRequest,
    responses((status = 200, body = LookupResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
async fn lookup_receipts(State(h): State<Host>, req: Request) -> Result<Json<LookupResponse>, ApiError> {
    let (_, body) = read_body(req, MAX_LOOKUP_BYTES).await?;
    let req: LookupRequest = serde_json::from_slice(&body).map_err(json_error)?;
    blocking(&h, move |q| query::lookup(q, &req)).await.map(Json)
}

/// One access receipt by its tag.
#[utoipa::path(get, path = "/v1/datashare/receipts/{tag}", tag = "datashare",
    params(("tag" = String, Path, description = "Receipt tag", pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 200, body = ReceiptView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_receipt(State(h): State<Host>, Path(tag): Path<String>) -> Result<Json<ReceiptView>, ApiError> {
    blocking(&h, move |q| query::receipt(q, &tag)).await.map(Json)
}

/// Public access counts of one month, per data set, requester and purpose.
#[utoipa::path(get, path = "/v1/datashare/stats", tag = "datashare", params(StatsQuery),
    responses((status = 200, body = Vec<StatView>), (status = 400, body = ErrorBody)))]
async fn get_stats(
    State(h): State<Host>,
    q: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<Vec<StatView>>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::stats(c, &q.month)).await.map(Json)
}
