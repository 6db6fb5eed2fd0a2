//! Typed client calls of the consultation routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use super::model::Consultation;
use super::query::ConsultationView;

/// `GET /v1/consultations`.
pub async fn consultations(c: &Client) -> Result<Vec<Consultation>, SdkError> {
    c.get("/v1/consultations").await
}

/// `GET /v1/consultations/{id}?from=…`: one page of comments.
pub async fn consultation(c: &Client, id: &str, from: u64) -> Result<ConsultationView, SdkError> {
    c.get(&format!("/v1/consultations/{id}?from={from}")).await
}
