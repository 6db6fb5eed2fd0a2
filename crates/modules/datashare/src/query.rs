//! Typed queries of data sharing over the node's read view: the catalog, profiles, requests
//! and grants, receipts (by tag with one proof bundle, or in global order) and statistics.

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_types::{Hash32, validate};

use crate::keys;
use crate::model::*;
use crate::views::*;

/// Most data sets listed.
pub const MAX_DATASETS: usize = 1000;
/// Most requests listed per organisation.
pub const MAX_REQUESTS: usize = 500;
/// Most tags in one lookup.
pub const MAX_LOOKUP: usize = 256;
/// Longest catalog search text.
pub const MAX_Q: usize = 200;

fn invalid(code: &'static str, e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(code, e.to_string())
}

fn check_id(id: &str) -> Result<(), ApiError> {
    validate::path_id("id", id).map_err(|e| invalid("invalid_id", e))
}

fn check_org(org: &str) -> Result<(), ApiError> {
    validate::slug("org", org).map_err(|e| invalid("invalid_org", e))
}

/// `GET /v1/datashare/datasets`: the catalog, optionally filtered by owner and words.
pub fn datasets(q: &dyn ChainQuery, text: Option<&str>, owner: Option<&str>) -> Result<Vec<DatasetView>, ApiError> {
    if let Some(o) = owner {
        check_org(o)?;
    }
    let words: Vec<String> = match text {
        Some(t) if t.len() > MAX_Q => return Err(invalid("invalid_query", format!("q is at most {MAX_Q} bytes"))),
        Some(t) => t.split_whitespace().map(|w| w.to_lowercase()).collect(),
        None => Vec::new(),
    };
    let height = q.height();
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(keys::DATASETS_INDEX, None, MAX_DATASETS)?.into_iter().rev() {
        let Some(id) = keys::parse_dataset_index(&k) else { continue };
        let Some(d) = q.get_as::<Dataset>(&keys::dataset(&id), height)? else { continue };
        if owner.is_some_and(|o| o != d.owner) {
            continue;
        }
        let hay = format!(
            "{} {} {} {} {} {}",
            d.id,
            d.name,
            d.description,
            d.owner,
            d.legal_basis,
            d.fields.iter().map(|f| format!("{} {}", f.name, f.description)).collect::<Vec<_>>().join(" ")
        )
        .to_lowercase();
        if words.iter().all(|w| hay.contains(w.as_str())) {
            out.push(DatasetView::from(&d));
        }
    }
    Ok(out)
}

/// `GET /v1/datashare/datasets/{id}`: the latest version and its policies.
pub fn dataset(q: &dyn ChainQuery, id: &str) -> Result<DatasetDetail, ApiError> {
    check_id(id)?;
    let height = q.height();
    let d: Dataset = q
        .get_as(&keys::dataset(id), height)?
        .ok_or_else(|| ApiError::not_found("dataset_not_found", format!("no data set {id}")))?;
    let ids: Vec<String> = q.get_as(&keys::policies(id), height)?.unwrap_or_default();
    let mut policies = Vec::new();
    for p in ids {
        if let Some(p) = q.get_as::<Policy>(&keys::policy(id, &p), height)? {
            policies.push(PolicyView::from(&p));
        }
    }
    Ok(DatasetDetail { dataset: DatasetView::from(&d), policies })
}

fn profile_at(
    q: &dyn ChainQuery,
    org: &str,
    height: u64,
    citizen_owners: &[String],
) -> Result<Option<ProfileView>, ApiError> {
    let Some(latest) = q.get_as::<Profile>(&keys::profile(org), height)? else { return Ok(None) };
    let mut versions = Vec::new();
    for v in 1..=latest.version {
        if let Some(p) = q.get_as::<Profile>(&keys::profile_version(org, v), height)? {
            versions.push(ProfileVersionView::from(&p));
        }
    }
    Ok(Some(ProfileView {
        org: org.into(),
        latest: ProfileVersionView::from(&latest),
        versions,
        holds_citizen_data: citizen_owners.iter().any(|o| o == org),
    }))
}

fn citizen_data_owners(q: &dyn ChainQuery) -> Result<Vec<String>, ApiError> {
    Ok(datasets(q, None, None)?.into_iter().filter(|d| d.concerns_citizens).map(|d| d.owner).collect())
}

/// `GET /v1/datashare/profiles`: every department's profile with all versions.
pub fn profiles(q: &dyn ChainQuery) -> Result<Vec<ProfileView>, ApiError> {
    let height = q.height();
    let owners = citizen_data_owners(q)?;
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(keys::PROFILES_INDEX, None, MAX_DATASETS)?.into_iter().rev() {
        let Some(org) = keys::parse_profile_index(&k) else { continue };
        out.extend(profile_at(q, &org, height, &owners)?);
    }
    Ok(out)
}

/// `GET /v1/datashare/profiles/{org}`.
pub fn profile(q: &dyn ChainQuery, org: &str) -> Result<ProfileView, ApiError> {
    check_org(org)?;
    let owners = citizen_data_owners(q)?;
    profile_at(q, org, q.height(), &owners)?
        .ok_or_else(|| ApiError::not_found("profile_not_found", format!("{org} has no data-sharing profile")))
}

/// The raw grant (for the owner's node deciding a delivery).
pub fn grant_record(q: &dyn ChainQuery, id: &str) -> Result<Option<Grant>, ApiError> {
    check_id(id)?;
    q.get_as(&keys::grant(id), q.height())
}

/// The raw data set.
pub fn dataset_record(q: &dyn ChainQuery, id: &str) -> Result<Option<Dataset>, ApiError> {
    check_id(id)?;
    q.get_as(&keys::dataset(id), q.height())
}

/// The raw latest profile of an organisation.
pub fn profile_record(q: &dyn ChainQuery, org: &str) -> Result<Option<Profile>, ApiError> {
    check_org(org)?;
    q.get_as(&keys::profile(org), q.height())
}

/// `GET /v1/datashare/grants/{id}`, with its status at the latest block time.
pub fn grant(q: &dyn ChainQuery, id: &str) -> Result<GrantView, ApiError> {
    grant_record(q, id)?
        .map(|g| GrantView::new(&g, q.time_ms()))
        .ok_or_else(|| ApiError::not_found("grant_not_found", format!("no grant {id}")))
}

/// `GET /v1/datashare/requests/{id}`.
pub fn request(q: &dyn ChainQuery, id: &str) -> Result<RequestView, ApiError> {
    check_id(id)?;
    let height = q.height();
    let r: Request = q
        .get_as(&keys::request(id), height)?
        .ok_or_else(|| ApiError::not_found("request_not_found", format!("no request {id}")))?;
    let g = q.get_as::<Grant>(&keys::grant(id), height)?.map(|g| GrantView::new(&g, q.time_ms()));
    Ok(RequestView::new(&r, g))
}

/// `GET /v1/datashare/requests?org=&role=`: requests to (or from) an organisation, newest id
/// last.
pub fn requests(q: &dyn ChainQuery, org: &str, role: Option<&str>) -> Result<Vec<RequestView>, ApiError> {
    check_org(org)?;
    let owner = match role.unwrap_or("owner") {
        "owner" => true,
        "requester" => false,
        r => return Err(invalid("invalid_role", format!("role must be owner or requester, not {r:?}"))),
    };
    let prefix = keys::request_index_prefix(owner, org);
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&prefix, None, MAX_REQUESTS)?.into_iter().rev() {
        if let Some(id) = keys::parse_request_index(&prefix, &k) {
            out.push(request(q, &id)?);
        }
    }
    Ok(out)
}

fn parse_tag(t: &str) -> Result<Hash32, ApiError> {
    if t.len() != 64 {
        return Err(invalid("invalid_tag", format!("a tag is 64 hex characters, got {t:?}")));
    }
    Hash32::from_hex(t).ok_or_else(|| invalid("invalid_tag", format!("a tag is 64 hex characters, got {t:?}")))
}

/// `GET /v1/datashare/receipts/{tag}`.
pub fn receipt(q: &dyn ChainQuery, tag: &str) -> Result<ReceiptView, ApiError> {
    let tag = parse_tag(tag)?;
    q.get_as::<Receipt>(&keys::receipt(&tag), q.height())?
        .map(|r| ReceiptView::from(&r))
        .ok_or_else(|| ApiError::not_found("receipt_not_found", format!("no receipt {}", tag.to_hex())))
}

/// `POST /v1/datashare/receipts/lookup`: the receipts under `tags` (or their absence) with one
/// proof bundle at one height. This is how a subject lists their receipts: they compute their
/// tags, ask in batches at a fixed height, and stop at the first absent tag, whose absence the
/// bundle proves (completeness).
pub fn lookup(q: &dyn ChainQuery, req: &LookupRequest) -> Result<LookupResponse, ApiError> {
    if req.tags.is_empty() || req.tags.len() > MAX_LOOKUP {
        return Err(invalid("invalid_tags", format!("ask for 1-{MAX_LOOKUP} tags")));
    }
    let tags = req.tags.iter().map(|t| parse_tag(&t.0)).collect::<Result<Vec<_>, _>>()?;
    let latest = q.latest_block()?;
    let height = match req.height {
        None => latest,
        Some(h) if h == 0 || h > i64::MAX as u64 => {
            return Err(invalid("invalid_height", format!("height {h} is not in 1..={}", i64::MAX)));
        }
        Some(h) if h > latest => {
            return Err(ApiError::not_found("height_not_found", format!("height {h} is after the latest {latest}")));
        }
        Some(h) => h,
    };
    // Distinct keys in key order, proven in bundles of at most MAX_STATE_ENTRIES; a tag asked
    // twice gets the same answer twice.
    let mut unique: Vec<Vec<u8>> = tags.iter().map(keys::receipt).collect();
    unique.sort();
    unique.dedup();
    let mut values = std::collections::BTreeMap::new();
    let mut proofs = Vec::new();
    for chunk in unique.chunks(govchain_proofs::bundle_limits::MAX_STATE_ENTRIES) {
        let proven = q.prove(chunk, height)?;
        for (k, v) in chunk.iter().zip(proven.values) {
            values.insert(k.clone(), v);
        }
        proofs.push(base64::engine::general_purpose::STANDARD.encode(&proven.bundle));
    }
    let receipts = tags
        .iter()
        .map(|t| {
            values
                .get(&keys::receipt(t))
                .cloned()
                .flatten()
                .map(|b| borsh::from_slice::<Receipt>(&b).map(|r| ReceiptView::from(&r)))
                .transpose()
                .map_err(|e| ApiError::internal(format!("corrupt receipt: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LookupResponse { height, receipts, proofs })
}

/// `GET /v1/datashare/receipts?from=&limit=`: the global sequence (public: statistics,
/// auditors).
pub fn receipt_page(q: &dyn ChainQuery, from: u64, limit: Option<u32>) -> Result<ReceiptPage, ApiError> {
    let limit = u64::from(limit.unwrap_or(50));
    if limit == 0 || limit > 100 {
        return Err(invalid("invalid_limit", "limit must be 1-100"));
    }
    if from > i64::MAX as u64 {
        return Err(invalid("invalid_from", format!("from is at most {}", i64::MAX)));
    }
    let height = q.height();
    let total: u64 = q.get_as(keys::RECEIPTS, height)?.unwrap_or(0);
    let mut receipts = Vec::new();
    let end = from.saturating_add(limit).min(total);
    for n in from..end {
        let Some(tag) = q.get_as::<Hash32>(&keys::seq(n), height)? else { continue };
        if let Some(r) = q.get_as::<Receipt>(&keys::receipt(&tag), height)? {
            receipts.push(ReceiptView::from(&r));
        }
    }
    Ok(ReceiptPage { receipts, total })
}

/// `GET /v1/datashare/stats?month=YYYY-MM`.
pub fn stats(q: &dyn ChainQuery, month: &str) -> Result<Vec<StatView>, ApiError> {
    let ok = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
    if !ok {
        return Err(invalid("invalid_month", "month must be YYYY-MM"));
    }
    let height = q.height();
    let mut out = Vec::new();
    for (_, state_key) in q.index_scan_desc(&keys::stat_index_month(month), None, 10_000)?.into_iter().rev() {
        let Some((month, dataset, requester, purpose_code)) = keys::parse_stat(&state_key) else { continue };
        if let Some(s) = q.get_as::<Stat>(&state_key, height)? {
            out.push(StatView { month, dataset, requester, purpose_code, delivered: s.delivered, refused: s.refused });
        }
    }
    Ok(out)
}
