//! The certificates routes (feature `http`), each with its OpenAPI entry.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, bad_query, blocking, json_error, read_body, routes};

use crate::query;
use crate::views::{CertProofs, CertRecordView, CertStatusQuery, CertStatusView, CertTypeView, VerifyResponse};

/// Largest presentation accepted by `POST /v1/certificates/verify`.
pub const MAX_PRESENTATION_BYTES: usize = 256 * 1024;

/// `/v1/certificate-types…` and `/v1/certificates…`.
pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(list_cert_types))
        .routes(routes!(get_cert_type))
        .routes(routes!(verify_presentation))
        .routes(routes!(get_certificate))
        .routes(routes!(cert_status))
        .routes(routes!(cert_proofs))
}

/// Certificate types.
#[utoipa::path(get, path = "/v1/certificate-types", tag = "certificates",
    responses((status = 200, body = Vec<CertTypeView>)))]
async fn list_cert_types(State(h): State<Host>) -> Result<Json<Vec<CertTypeView>>, ApiError> {
    blocking(&h, query::types).await.map(Json)
}

/// One certificate type.
#[utoipa::path(get, path = "/v1/certificate-types/{id}", tag = "certificates",
    params(("id" = String, Path, description = "Type id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = CertTypeView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_cert_type(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<CertTypeView>, ApiError> {
    blocking(&h, move |q| query::cert_type(q, &id)).await.map(Json)
}

/// A certificate as recorded on chain.
#[utoipa::path(get, path = "/v1/certificates/{id}", tag = "certificates",
    params(("id" = String, Path, description = "Certificate id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = CertRecordView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_certificate(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<CertRecordView>, ApiError> {
    blocking(&h, move |q| query::certificate(q, &id)).await.map(Json)
}

/// A certificate's status now, with a proof bundle of its record when `proof=true`.
#[utoipa::path(get, path = "/v1/certificates/{id}/status", tag = "certificates",
    params(("id" = String, Path, description = "Certificate id", pattern = "^[A-Za-z0-9_-]{1,64}$"), CertStatusQuery),
    responses((status = 200, body = CertStatusView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn cert_status(
    State(h): State<Host>,
    Path(id): Path<String>,
    q: Result<Query<CertStatusQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CertStatusView>, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    // Storage reads never run on the async workers, where a slow disk would stall other requests.
    blocking(&h, move |c| query::status(c, &id, q.proof)).await.map(Json)
}

/// Proof bundles for verifying a presentation of this certificate offline.
#[utoipa::path(get, path = "/v1/certificates/{id}/proofs", tag = "certificates",
    params(("id" = String, Path, description = "Certificate id", pattern = "^[A-Za-z0-9_-]{1,64}$")),
    responses((status = 200, body = CertProofs), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn cert_proofs(State(h): State<Host>, Path(id): Path<String>) -> Result<Json<CertProofs>, ApiError> {
    blocking(&h, move |q| query::proofs(q, &id)).await.map(Json)
}

/// Verifies a presentation; answers valid or the reason, with the proofs of the facts used.
#[utoipa::path(post, path = "/v1/certificates/verify", tag = "certificates",
    request_body(content = crate::credential::Presentation, description = "A govchain-presentation/1 document"),
    responses((status = 200, body = VerifyResponse), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn verify_presentation(State(h): State<Host>, req: Request) -> Result<Json<VerifyResponse>, ApiError> {
    let (_, body) = read_body(req, MAX_PRESENTATION_BYTES).await?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(json_error)?;
    blocking(&h, move |q| query::verify_presentation(q, value)).await.map(Json)
}
