//! JSON shapes of the governance routes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{Proposal, ProposalStatus};

/// A governance proposal.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProposalView {
    /// Id.
    pub id: u64,
    /// The proposed change (`type` names it: add_organisation, remove_organisation,
    /// add_validator, remove_validator, set_voting_power, set_param).
    #[schema(value_type = Object)]
    pub action: serde_json::Value,
    /// Why.
    pub reason: String,
    /// Proposing official.
    pub proposer: String,
    /// Height of the proposal.
    pub created_height: u64,
    /// Last height for approvals.
    pub expires_height: u64,
    /// Approving organisations.
    pub approvals: Vec<String>,
    /// Government organisations needed to approve.
    pub required: u64,
    /// `open` or `executed`.
    pub status: String,
    /// Height of the approving block (executed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_height: Option<u64>,
    /// Height from which the change applies (executed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_height: Option<u64>,
}

impl ProposalView {
    /// The view of a proposal that needs `required` approvals.
    pub fn new(p: &Proposal, required: u64) -> ProposalView {
        let (status, executed_height, effective_height) = match p.status {
            ProposalStatus::Open => ("open", None, None),
            ProposalStatus::Executed { height, effective_height } => ("executed", Some(height), Some(effective_height)),
        };
        ProposalView {
            id: p.id,
            action: serde_json::to_value(&p.action).unwrap_or_default(),
            reason: p.reason.clone(),
            proposer: p.proposer.to_text(),
            created_height: p.created_height,
            expires_height: p.expires_height,
            approvals: p.approvals.clone(),
            required,
            status: status.into(),
            executed_height,
            effective_height,
        }
    }
}
