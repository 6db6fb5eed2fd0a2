//! Typed client calls of the certificates routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::{CertProofs, CertRecordView, CertStatusView, CertTypeView, VerifyResponse};

/// `GET /v1/certificate-types`.
pub async fn cert_types(c: &Client) -> Result<Vec<CertTypeView>, SdkError> {
    c.get("/v1/certificate-types").await
}

/// `GET /v1/certificate-types/{id}`.
pub async fn cert_type(c: &Client, id: &str) -> Result<CertTypeView, SdkError> {
    c.get(&format!("/v1/certificate-types/{id}")).await
}

/// `GET /v1/certificates/{id}`.
pub async fn certificate(c: &Client, id: &str) -> Result<CertRecordView, SdkError> {
    c.get(&format!("/v1/certificates/{id}")).await
}

/// `GET /v1/certificates/{id}/status`, with a proof bundle when `proof`.
pub async fn cert_status(c: &Client, id: &str, proof: bool) -> Result<CertStatusView, SdkError> {
    c.get(&format!("/v1/certificates/{id}/status?proof={proof}")).await
}

/// `GET /v1/certificates/{id}/proofs`.
pub async fn cert_proofs(c: &Client, id: &str) -> Result<CertProofs, SdkError> {
    c.get(&format!("/v1/certificates/{id}/proofs")).await
}

/// `POST /v1/certificates/verify`.
pub async fn verify_presentation(c: &Client, presentation: &serde_json::Value) -> Result<VerifyResponse, SdkError> {
    c.post_json("/v1/certificates/verify", presentation).await
}
