//! Typed reads of consultations (what the routes, the CLI and the portal use).

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::keys;
use super::model::*;

/// Most consultations a listing returns.
pub const MAX_LIST: usize = 200;
/// Most comments one page returns.
pub const MAX_COMMENT_PAGE: u64 = 200;

/// A consultation with a page of its comments.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConsultationView {
    /// The consultation.
    pub consultation: Consultation,
    /// Comments `from`, `from + 1`, … with answers and moderations.
    pub comments: Vec<Comment>,
    /// The next `from`, when there are more.
    pub next: Option<u64>,
    /// Height read at.
    pub height: u64,
    /// With `?proof=true`: a proof bundle (base64) of the consultation and the comments of
    /// this page at `height`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// `?from=N&limit=L&proof=true`.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommentQuery {
    /// First comment number (default 0).
    #[serde(default)]
    #[param(minimum = 0)]
    pub from: u64,
    /// Most comments (default and maximum 200).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Include a proof bundle.
    #[serde(default)]
    pub proof: bool,
}

fn check_id(id: &str) -> Result<(), ApiError> {
    govchain_types::validate::slug("consultation id", id)
        .map_err(|e| ApiError::bad_request("invalid_id", e.to_string()))
}

/// Every consultation.
pub fn consultations(q: &dyn ChainQuery) -> Result<Vec<Consultation>, ApiError> {
    let height = q.latest_block()?;
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&keys::idx_all(), None, MAX_LIST)? {
        let id = String::from_utf8_lossy(&k[keys::idx_all().len()..]).to_string();
        if let Some(c) = q.get_as::<Consultation>(&keys::consultation(&id), height)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// One consultation and a page of its comments.
pub fn consultation(q: &dyn ChainQuery, id: &str, p: &CommentQuery) -> Result<ConsultationView, ApiError> {
    check_id(id)?;
    let limit = p.limit.unwrap_or(MAX_COMMENT_PAGE);
    if limit == 0 || limit > MAX_COMMENT_PAGE {
        return Err(ApiError::bad_request("bad_limit", format!("limit is 1-{MAX_COMMENT_PAGE}")));
    }
    let height = q.latest_block()?;
    let consultation: Consultation = q
        .get_as(&keys::consultation(id), height)?
        .ok_or_else(|| ApiError::not_found("no_such_consultation", format!("no consultation {id}")))?;
    let end = consultation.comments.min(p.from.saturating_add(limit));
    let mut comments = Vec::new();
    for n in p.from..end {
        let c: Comment = q
            .get_as(&keys::comment(id, n), height)?
            .ok_or_else(|| ApiError::internal(format!("comment {n} of {id} missing")))?;
        comments.push(c);
    }
    let proof = if p.proof {
        let mut ks = vec![keys::consultation(id)];
        ks.extend((p.from..end).map(|n| keys::comment(id, n)));
        Some(base64::engine::general_purpose::STANDARD.encode(q.prove(&ks, height)?.bundle))
    } else {
        None
    };
    Ok(ConsultationView { next: (end < consultation.comments).then_some(end), consultation, comments, height, proof })
}
