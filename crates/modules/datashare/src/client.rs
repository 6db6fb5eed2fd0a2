//! Typed client calls of the data-sharing routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::*;

/// `GET /v1/datashare/datasets?q=`.
pub async fn datasets(c: &Client, q: &str) -> Result<Vec<DatasetView>, SdkError> {
    c.get_query("/v1/datashare/datasets", &[("q", q)]).await
}

/// `GET /v1/datashare/datasets/{id}`.
pub async fn dataset(c: &Client, id: &str) -> Result<DatasetDetail, SdkError> {
    c.get(&format!("/v1/datashare/datasets/{id}")).await
}

/// `GET /v1/datashare/profiles`.
pub async fn profiles(c: &Client) -> Result<Vec<ProfileView>, SdkError> {
    c.get("/v1/datashare/profiles").await
}

/// `GET /v1/datashare/profiles/{org}`.
pub async fn profile(c: &Client, org: &str) -> Result<ProfileView, SdkError> {
    c.get(&format!("/v1/datashare/profiles/{org}")).await
}

/// `GET /v1/datashare/requests/{id}`.
pub async fn request(c: &Client, id: &str) -> Result<RequestView, SdkError> {
    c.get(&format!("/v1/datashare/requests/{id}")).await
}

/// `GET /v1/datashare/grants/{id}`.
pub async fn grant(c: &Client, id: &str) -> Result<GrantView, SdkError> {
    c.get(&format!("/v1/datashare/grants/{id}")).await
}

/// `GET /v1/datashare/receipts/{tag}`.
pub async fn receipt(c: &Client, tag: &str) -> Result<ReceiptView, SdkError> {
    c.get(&format!("/v1/datashare/receipts/{tag}")).await
}

/// `POST /v1/datashare/receipts/lookup`.
pub async fn lookup(c: &Client, req: &LookupRequest) -> Result<LookupResponse, SdkError> {
    c.post_json("/v1/datashare/receipts/lookup", req).await
}

/// `GET /v1/datashare/stats?month=`.
pub async fn stats(c: &Client, month: &str) -> Result<Vec<StatView>, SdkError> {
    c.get_query("/v1/datashare/stats", &[("month", month)]).await
}
