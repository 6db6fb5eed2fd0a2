//! Keeps the record search index in step with the chain, and answers searches.
//!
//! After every commit (and at start, to catch up or rebuild), the indexer reads the receipts of
//! the blocks the index has not seen, collects the records their events touched, and writes
//! each one's latest version as of that block. The index stores the height it reflects, so a
//! restart resumes where it stopped; a lost or damaged index starts again from block 1.

use std::collections::BTreeSet;
use std::sync::Arc;

use govchain_api::ApiError;
use govchain_api::dto::{HighlightedText, RecordSearch, SearchHitView, SearchResponse};
use govchain_records::RecordStatus;
use govchain_search::{Highlighted, RecordDoc, SearchError, SearchIndex, SearchQuery};

use crate::service::NodeService;
use govchain_types::{Receipt, codec};
use tokio::sync::broadcast::error::RecvError;
use tracing::{info, warn};

use crate::chain::Chain;

/// Most blocks indexed per index commit while catching up.
const CATCH_UP_BATCH: u64 = 500;

fn records_touched(chain: &Chain, height: u64) -> eyre::Result<BTreeSet<String>> {
    let Some(bytes) = chain.storage.receipts(height)? else {
        return Ok(BTreeSet::new());
    };
    let receipts: Vec<Receipt> = codec::decode(&bytes, govchain_types::limits::MAX_BLOCK_BYTES)?;
    Ok(receipts
        .iter()
        .flat_map(|r| r.events.iter())
        .filter_map(|e| govchain_records::events::record_id(e).map(str::to_string))
        .collect())
}

fn record_doc(view: &NodeService, id: &str, height: u64) -> eyre::Result<Option<RecordDoc>> {
    let Some(r) = govchain_records::query::latest(view, id, height)? else { return Ok(None) };
    Ok(Some(RecordDoc {
        id: r.id,
        version: r.version,
        org: r.org,
        category: r.content.category,
        title: r.content.title,
        body: r.content.body,
        tags: r.content.tags,
        time_ms: r.time_ms,
        published_ms: r.published_ms,
        withdrawn: r.status == RecordStatus::Withdrawn,
    }))
}

/// The latest version of every record, through the records listing.
fn all_records(view: &NodeService) -> eyre::Result<Vec<RecordDoc>> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = govchain_records::views::RecordQuery {
            limit: Some(govchain_records::query::MAX_LIMIT),
            cursor,
            ..Default::default()
        };
        let page = govchain_records::query::list(view, &q).map_err(|e| eyre::eyre!("{}", e.message))?;
        for r in &page.items {
            out.extend(record_doc(view, &r.id, view.chain.tip().height)?);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// Indexes every block after the index's height up to the chain's tip.
pub fn catch_up(chain: &Arc<Chain>, index: &SearchIndex) -> eyre::Result<()> {
    let view = NodeService::new(chain.clone());
    let tip = chain.tip().height;
    let mut from = index.indexed_height() + 1;
    // A node started from a snapshot has no receipts up to the snapshot's height: it indexes
    // every record in the state once, then follows blocks.
    let base = chain.storage.history_from()?;
    if from <= base {
        let docs = all_records(&view)?;
        info!(records = docs.len(), height = base, "indexed the records of the snapshot");
        index.apply(&docs, base)?;
        from = base + 1;
    }
    while from <= tip {
        let to = tip.min(from + CATCH_UP_BATCH - 1);
        let mut ids = BTreeSet::new();
        for h in from..=to {
            ids.extend(records_touched(chain, h)?);
        }
        let docs = ids
            .iter()
            .map(|id| record_doc(&view, id, to))
            .filter_map(Result::transpose)
            .collect::<eyre::Result<Vec<_>>>()?;
        index.apply(&docs, to)?;
        from = to + 1;
    }
    Ok(())
}

/// Opens the index under the node's data directory, rebuilding it if it is ahead of the chain
/// (a restored database with a newer index), and starts following commits.
pub fn start(chain: Arc<Chain>, dir: &std::path::Path) -> eyre::Result<Arc<SearchIndex>> {
    let mut index = SearchIndex::open(dir)?;
    if index.indexed_height() > chain.tip().height {
        warn!(indexed = index.indexed_height(), "search index is ahead of the chain; rebuilding");
        drop(index);
        std::fs::remove_dir_all(dir)?;
        index = SearchIndex::open(dir)?;
    }
    let index = Arc::new(index);
    if index.indexed_height() == 0 && chain.tip().height > 0 {
        info!(height = chain.tip().height, "building the search index from the chain");
    }
    let (c, ix) = (chain.clone(), index.clone());
    let mut blocks = chain.subscribe();
    tokio::task::spawn_blocking(move || {
        loop {
            if let Err(e) = catch_up(&c, &ix) {
                warn!(error = %e, "search indexing failed; will retry after the next block");
            }
            match blocks.blocking_recv() {
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    });
    Ok(index)
}

fn view(h: &Highlighted) -> HighlightedText {
    HighlightedText { text: h.text.clone(), highlights: h.highlights.iter().map(|&(a, b)| [a, b]).collect() }
}

/// Most results a search may skip (`offset`).
pub const MAX_OFFSET: usize = 10_000;

/// Answers `GET /v1/search/records`.
pub fn search(index: Option<&SearchIndex>, q: &RecordSearch) -> Result<SearchResponse, ApiError> {
    let index = index.ok_or_else(|| ApiError::unavailable("search_unavailable", "this node keeps no search index"))?;
    // The rules `/openapi.json` states for these parameters.
    for (what, v) in [("org", &q.org), ("category", &q.category)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            govchain_types::validate::slug(what, v).map_err(|e| ApiError::invalid("invalid_query", e))?;
        }
    }
    if q.q.as_deref().is_some_and(|w| w.chars().count() > govchain_search::MAX_QUERY_CHARS) {
        let max = govchain_search::MAX_QUERY_CHARS;
        return Err(ApiError::bad_request("invalid_query", format!("the query is longer than {max} characters")));
    }
    if [q.from_ms, q.to_ms].iter().flatten().any(|ms| *ms > i64::MAX as u64) {
        return Err(ApiError::bad_request("invalid_query", "times are at most 2^63-1 ms"));
    }
    if q.offset.is_some_and(|o| o > MAX_OFFSET) {
        return Err(ApiError::bad_request("invalid_query", format!("offset must be at most {MAX_OFFSET}")));
    }
    let query = SearchQuery {
        q: q.q.clone().unwrap_or_default(),
        org: q.org.clone(),
        category: q.category.clone(),
        from_ms: q.from_ms,
        to_ms: q.to_ms,
        limit: q.limit.unwrap_or(20),
        offset: q.offset.unwrap_or(0),
    };
    let r = index.search(&query).map_err(|e| match e {
        SearchError::BadQuery(m) => ApiError::bad_request("invalid_query", m),
        other => ApiError::internal(other.to_string()),
    })?;
    Ok(SearchResponse {
        total: r.total,
        indexed_height: r.indexed_height,
        hits: r
            .hits
            .iter()
            .map(|h| SearchHitView {
                id: h.record.id.clone(),
                version: h.record.version,
                org: h.record.org.clone(),
                category: h.record.category.clone(),
                title: view(&h.title),
                snippet: view(&h.snippet),
                tags: h.record.tags.clone(),
                published_ms: h.record.published_ms,
                time_ms: h.record.time_ms,
                withdrawn: h.record.withdrawn,
                score: h.score,
            })
            .collect(),
    })
}
