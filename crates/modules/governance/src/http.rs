//! The governance routes (feature `http`), each with its OpenAPI entry.

use axum::Json;
use axum::extract::{Path, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, blocking, routes};

use crate::query;
use crate::views::ProposalView;

/// `GET /v1/governance/proposals` and `/v1/governance/proposals/{id}`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_proposals)).routes(routes!(get_proposal))
}

/// Governance proposals, newest first.
#[utoipa::path(get, path = "/v1/governance/proposals", tag = "governance",
    responses((status = 200, body = Vec<ProposalView>)))]
async fn list_proposals(State(h): State<Host>) -> Result<Json<Vec<ProposalView>>, ApiError> {
    blocking(&h, query::proposals).await.map(Json)
}

/// One governance proposal.
#[utoipa::path(get, path = "/v1/governance/proposals/{id}", tag = "governance",
    params(("id" = u64, Path, description = "Proposal id", minimum = 0)),
    responses((status = 200, body = ProposalView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_proposal(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<ProposalView>, ApiError> {
    let id: u64 = id.parse().map_err(|_| ApiError::bad_request("invalid_id", "proposal id must be a number"))?;
    blocking(&h, move |q| query::proposal(q, id)).await.map(Json)
}
