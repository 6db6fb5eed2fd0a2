//! Typed client calls of the governance routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::ProposalView;

/// `GET /v1/governance/proposals`.
pub async fn proposals(c: &Client) -> Result<Vec<ProposalView>, SdkError> {
    c.get("/v1/governance/proposals").await
}

/// `GET /v1/governance/proposals/{id}`.
pub async fn proposal(c: &Client, id: u64) -> Result<ProposalView, SdkError> {
    c.get(&format!("/v1/governance/proposals/{id}")).await
}
