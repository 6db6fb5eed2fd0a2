//! Typed client calls of the identity routes (feature `client`).

use govchain_sdk::{Client, SdkError};
use govchain_types::Address;

use crate::views::{AccountView, OrgView};

/// `GET /v1/organisations`.
pub async fn organisations(c: &Client) -> Result<Vec<OrgView>, SdkError> {
    c.get("/v1/organisations").await
}

/// `GET /v1/organisations/{id}`.
pub async fn organisation(c: &Client, id: &str) -> Result<OrgView, SdkError> {
    c.get(&format!("/v1/organisations/{id}")).await
}

/// `GET /v1/accounts/{address}`.
pub async fn account(c: &Client, address: &Address) -> Result<AccountView, SdkError> {
    c.get(&format!("/v1/accounts/{}", address.to_text())).await
}
