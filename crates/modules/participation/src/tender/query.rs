//! Typed reads of tenders (what the routes, the CLI and `govchain tender verify` use).

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt as _};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::keys;
use super::model::*;

/// Most tenders a listing returns.
pub const MAX_LIST: usize = 200;

/// A line of the tender listing.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TenderSummary {
    /// Id.
    pub id: String,
    /// Tendering department.
    pub org: String,
    /// Title.
    pub title: String,
    /// Status.
    pub status: TenderStatus,
    /// Last height accepting bids.
    pub deadline_height: u64,
    /// Bids received.
    pub bids: u64,
    /// The winning bidder, once awarded.
    #[schema(value_type = Option<String>)]
    pub winner: Option<govchain_types::Address>,
}

/// A tender with its bids and award.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TenderView {
    /// The notice (with its sealing state).
    pub tender: Tender,
    /// Every sealed bid, in order.
    pub bids: Vec<Bid>,
    /// The opening and award, once made.
    pub award: Option<Award>,
    /// Height read at.
    pub height: u64,
    /// With `?proof=true`: a proof bundle (base64) of the notice, every bid and the award at
    /// `height`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

fn check_id(id: &str) -> Result<(), ApiError> {
    govchain_types::validate::slug("tender id", id).map_err(|e| ApiError::bad_request("invalid_id", e.to_string()))
}

/// Every tender.
pub fn tenders(q: &dyn ChainQuery) -> Result<Vec<TenderSummary>, ApiError> {
    let height = q.latest_block()?;
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&keys::idx_all(), None, MAX_LIST)? {
        let id = String::from_utf8_lossy(&k[keys::idx_all().len()..]).to_string();
        if let Some(t) = q.get_as::<Tender>(&keys::tender(&id), height)? {
            let award: Option<Award> = q.get_as(&keys::award(&id), height)?;
            let winner = award.and_then(|a| a.winner.and_then(|w| a.bids.get(w as usize).map(|b| b.bidder)));
            out.push(TenderSummary {
                id: t.id,
                org: t.org,
                title: t.title,
                status: t.status,
                deadline_height: t.deadline_height,
                bids: t.bids,
                winner,
            });
        }
    }
    Ok(out)
}

/// One tender, its bids, its award, and optionally their proof.
pub fn tender(q: &dyn ChainQuery, id: &str, proof: bool) -> Result<TenderView, ApiError> {
    check_id(id)?;
    let height = q.latest_block()?;
    let tender: Tender = q
        .get_as(&keys::tender(id), height)?
        .ok_or_else(|| ApiError::not_found("no_such_tender", format!("no tender {id}")))?;
    let mut bids = Vec::with_capacity(tender.bids as usize);
    for n in 0..tender.bids {
        let b: Bid = q
            .get_as(&keys::bid(id, n), height)?
            .ok_or_else(|| ApiError::internal(format!("bid {n} of {id} missing")))?;
        bids.push(b);
    }
    let award = q.get_as(&keys::award(id), height)?;
    let proof = if proof {
        let mut ks = vec![keys::tender(id), keys::award(id)];
        ks.extend((0..tender.bids).map(|n| keys::bid(id, n)));
        let bundle = q.prove(&ks, height)?.bundle;
        Some(base64::engine::general_purpose::STANDARD.encode(bundle))
    } else {
        None
    };
    Ok(TenderView { tender, bids, award, height, proof })
}
