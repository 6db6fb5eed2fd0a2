//! The consultation routes (feature `http`), each with its OpenAPI entry. Transactions
//! (create, issue_token, comment, answer, moderate) go through `POST /v1/tx`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};

use super::model::Consultation;
use super::query::{self, CommentQuery, ConsultationView};

/// `/v1/consultations/…`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(list_consultations)).routes(routes!(get_consultation))
}

/// Every consultation.
#[utoipa::path(get, path = "/v1/consultations", tag = "consultations",
    responses((status = 200, body = Vec<Consultation>)))]
async fn list_consultations(State(h): State<Host>) -> Result<Json<Vec<Consultation>>, ApiError> {
    blocking(&h, query::consultations).await.map(Json)
}

/// A consultation with a page of its comments, answers and moderations; `?proof=true` adds a
/// proof bundle of the consultation and that page.
#[utoipa::path(get, path = "/v1/consultations/{id}", tag = "consultations",
    params(("id" = String, Path, description = "Consultation id", pattern = "^[a-z0-9-]{1,32}$"), CommentQuery),
    responses((status = 200, body = ConsultationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_consultation(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<CommentQuery>, QueryRejection>,
) -> Result<Json<ConsultationView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    blocking(&h, move |c| query::consultation(c, &id, &p)).await.map(Json)
}
