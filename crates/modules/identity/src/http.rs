//! The identity routes (feature `http`), each with its OpenAPI entry.

use axum::Json;
use axum::extract::{Path, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, blocking, routes};
use govchain_types::Address;

use crate::query;
use crate::views::{AccountView, OrgView};

/// `GET /v1/organisations`, `/v1/organisations/{id}`, `/v1/accounts/{address}`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_orgs)).routes(routes!(get_org)).routes(routes!(get_account))
}

/// Organisations.
#[utoipa::path(get, path = "/v1/organisations", tag = "identity", responses((status = 200, body = Vec<OrgView>)))]
async fn list_orgs(State(h): State<Host>) -> Result<Json<Vec<OrgView>>, ApiError> {
    blocking(&h, query::organisations).await.map(Json)
}

/// One organisation.
#[utoipa::path(get, path = "/v1/organisations/{id}", tag = "identity",
    params(("id" = String, Path, description = "Organisation id", pattern = "^[a-z0-9-]{1,32}$")),
    responses((status = 200, body = OrgView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_org(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<OrgView>, ApiError> {
    govchain_types::validate::slug("organisation id", &id).map_err(|e| ApiError::invalid("invalid_id", e))?;
    blocking(&h, move |q| query::organisation(q, &id)).await.map(Json)
}

/// One account, with its next nonce.
#[utoipa::path(get, path = "/v1/accounts/{address}", tag = "identity",
    params(("address" = String, Path, description = "Address: 40 hex characters, `0x` optional", pattern = "^(0x)?[0-9a-fA-F]{40}$")),
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_account(State(h): State<Host>, Path(address): Path<String>) -> Result<Json<AccountView>, ApiError> {
    let a = Address::from_text(&address).map_err(|e| ApiError::bad_request("invalid_address", e.to_string()))?;
    blocking(&h, move |q| query::account(q, &a)).await.map(Json)
}
