//! The vote routes (feature `http`), each with its OpenAPI entry. Transactions (create, deal,
//! issue_token, cast, release) go through `POST /v1/tx` like every other call.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};

use crate::query::{self, BallotPage, PageQuery, ProofQuery, VoteSummary, VoteView};

/// `/v1/votes/…`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_votes)).routes(routes!(get_vote)).routes(routes!(list_ballots))
}

/// Every vote.
#[utoipa::path(get, path = "/v1/votes", tag = "votes", responses((status = 200, body = Vec<VoteSummary>)))]
async fn list_votes(State(h): State<Host>) -> Result<Json<Vec<VoteSummary>>, ApiError> {
    blocking(&h, query::votes).await.map(Json)
}

/// A vote with its count; `?proof=true` adds a proof bundle of the vote record and the count.
#[utoipa::path(get, path = "/v1/votes/{id}", tag = "votes",
    params(("id" = String, Path, description = "Vote id", pattern = "^[a-z0-9-]{1,32}$"), ProofQuery),
    responses((status = 200, body = VoteView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_vote(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<VoteView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::vote(c, &id, p.proof)).await.map(Json)
}

/// A page of a vote's ballots, in order (what `govchain vote verify-tally` and the portal
/// recount from).
#[utoipa::path(get, path = "/v1/votes/{id}/ballots", tag = "votes",
    params(("id" = String, Path, description = "Vote id", pattern = "^[a-z0-9-]{1,32}$"), PageQuery),
    responses((status = 200, body = BallotPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_ballots(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<BallotPage>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::ballots(c, &id, p.from, p.limit)).await.map(Json)
}
