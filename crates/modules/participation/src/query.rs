//! Typed reads of votes (what the routes, the CLI and `verify-tally` use).

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::keys;
use crate::model::*;

/// Most votes a listing returns.
pub const MAX_LIST: usize = 200;
/// Most ballots one page returns.
pub const MAX_BALLOT_PAGE: u64 = 1000;

/// A line of the vote listing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VoteSummary {
    /// Id.
    pub id: String,
    /// Organising department.
    pub org: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: VoteStatus,
    /// First height accepting ballots.
    pub opens_height: u64,
    /// Last height accepting ballots.
    pub closes_height: u64,
    /// Ballots cast.
    pub ballots: u64,
}

/// A vote with its count so far.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VoteView {
    /// The vote (with its sealing state and ballot chain).
    pub vote: Vote,
    /// Tokens issued, ballots cast, the ballot chain.
    pub ballot_box: BallotBox,
    /// The count, once ballots are being opened.
    pub tally: Option<Tally>,
    /// Height read at.
    pub height: u64,
    /// With `?proof=true`: a proof bundle (base64) of the vote record, its ballot box and the
    /// tally at `height`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// A page of ballots.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BallotPage {
    /// Ballots `from`, `from + 1`, … in order.
    pub ballots: Vec<Ballot>,
    /// The next `from`, when there are more.
    pub next: Option<u64>,
}

/// `?proof=true`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProofQuery {
    /// Include a proof bundle.
    #[serde(default)]
    pub proof: bool,
}

/// `?from=N&limit=L`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// First ballot number (default 0).
    #[serde(default)]
    #[param(minimum = 0)]
    pub from: u64,
    /// Most ballots (default and maximum 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

fn check_id(id: &str) -> Result<(), ApiError> {
    govchain_types::validate::slug("vote id", id).map_err(|e| ApiError::bad_request("invalid_id", e.to_string()))
}

/// Every vote, newest id last.
pub fn votes(q: &dyn ChainQuery) -> Result<Vec<VoteSummary>, ApiError> {
    let height = q.latest_block()?;
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&keys::idx_all(), None, MAX_LIST)? {
        let id = String::from_utf8_lossy(&k[keys::idx_all().len()..]).to_string();
        if let Some(v) = q.get_as::<Vote>(&keys::vote(&id), height)? {
            let bx: BallotBox = q.get_as(&keys::ballot_box(&id), height)?.unwrap_or_default();
            out.push(VoteSummary {
                id: v.id,
                org: v.org,
                title: v.title,
                status: v.status,
                opens_height: v.opens_height,
                closes_height: v.closes_height,
                ballots: bx.ballots,
            });
        }
    }
    Ok(out)
}

/// One vote, its tally, and optionally their proof.
pub fn vote(q: &dyn ChainQuery, id: &str, proof: bool) -> Result<VoteView, ApiError> {
    check_id(id)?;
    let height = q.latest_block()?;
    let vote: Vote = q
        .get_as(&keys::vote(id), height)?
        .ok_or_else(|| ApiError::not_found("no_such_vote", format!("no vote {id}")))?;
    let ballot_box = q.get_as(&keys::ballot_box(id), height)?.unwrap_or_default();
    let tally = q.get_as(&keys::tally(id), height)?;
    let proof = if proof {
        let bundle = q.prove(&[keys::vote(id), keys::ballot_box(id), keys::tally(id)], height)?.bundle;
        Some(base64::engine::general_purpose::STANDARD.encode(bundle))
    } else {
        None
    };
    Ok(VoteView { vote, ballot_box, tally, height, proof })
}

/// Ballots `from..from+limit` of a vote.
pub fn ballots(q: &dyn ChainQuery, id: &str, from: u64, limit: Option<u64>) -> Result<BallotPage, ApiError> {
    check_id(id)?;
    let limit = limit.unwrap_or(MAX_BALLOT_PAGE);
    if limit == 0 || limit > MAX_BALLOT_PAGE {
        return Err(ApiError::bad_request("bad_limit", format!("limit is 1-{MAX_BALLOT_PAGE}")));
    }
    let height = q.latest_block()?;
    if q.get(&keys::vote(id), height)?.is_none() {
        return Err(ApiError::not_found("no_such_vote", format!("no vote {id}")));
    }
    let total = q.get_as::<BallotBox>(&keys::ballot_box(id), height)?.unwrap_or_default().ballots;
    let end = total.min(from.saturating_add(limit));
    let mut out = Vec::new();
    for n in from..end {
        let b: Ballot = q
            .get_as(&keys::ballot(id, n), height)?
            .ok_or_else(|| ApiError::internal(format!("ballot {n} of {id} missing")))?;
        out.push(b);
    }
    Ok(BallotPage { ballots: out, next: (end < total).then_some(end) })
}
