//! Typed queries of governance, over the node's read view.

use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};

use crate::keys;
use crate::model::{GovConfig, Proposal};
use crate::views::ProposalView;

/// Most proposals listed.
pub const MAX_PROPOSALS: usize = 500;

/// The approvals a proposal needs now (the module's one rule over the current electorate).
fn required(q: &dyn ChainQuery, height: u64) -> Result<u64, ApiError> {
    let cfg: GovConfig = q.get_as(keys::CONFIG, height)?.unwrap_or_default();
    Ok(cfg.required_approvals(govchain_identity::query::active_government_orgs(q, height)?))
}

fn load(q: &dyn ChainQuery, id: u64, height: u64) -> Result<Proposal, ApiError> {
    q.get_as(&keys::proposal(id), height)?
        .ok_or_else(|| ApiError::not_found("proposal_not_found", format!("no proposal {id}")))
}

/// `GET /v1/governance/proposals`: newest first.
pub fn proposals(q: &dyn ChainQuery) -> Result<Vec<ProposalView>, ApiError> {
    let height = q.height();
    let required = required(q, height)?;
    q.index_scan_desc(keys::PROPOSALS_INDEX, None, MAX_PROPOSALS)?
        .iter()
        .filter_map(|(k, _)| keys::parse_proposal_index(k))
        .map(|id| Ok(ProposalView::new(&load(q, id, height)?, required)))
        .collect()
}

/// `GET /v1/governance/proposals/{id}`.
pub fn proposal(q: &dyn ChainQuery, id: u64) -> Result<ProposalView, ApiError> {
    let height = q.height();
    Ok(ProposalView::new(&load(q, id, height)?, required(q, height)?))
}
