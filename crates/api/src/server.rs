use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use govchain_types::{CommittedBlock, Hash32, SignedTransaction};
use tokio::sync::broadcast;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ApiError;
use crate::dto::*;
use crate::{events, handlers};

/// What the core routes need from the node. Methods may block (storage reads, signature
/// verification); handlers call them on the blocking thread pool.
pub trait NodeApi: Send + Sync + 'static {
    /// Chain status.
    fn status(&self) -> Result<StatusView, ApiError>;
    /// Admits transactions `(tx, encoded size)` to the pool; one result per input. `forwarded`
    /// is true when another validator relayed them (they are not relayed again).
    fn submit(&self, txs: Vec<(SignedTransaction, usize)>, forwarded: bool) -> Vec<Result<Hash32, ApiError>>;
    /// Status of a transaction (404 `tx_not_found` if unknown).
    fn tx(&self, hash: &Hash32) -> Result<TxView, ApiError>;
    /// A block (latest when `height` is None).
    fn block(&self, height: Option<u64>) -> Result<BlockView, ApiError>;
    /// Proof bundle of a committed transaction and its receipt.
    fn tx_proof(&self, hash: &Hash32) -> Result<Vec<u8>, ApiError>;
    /// Proof bundle of a state key (present or absent).
    fn state_proof(&self, key: &[u8], height: Option<u64>) -> Result<Vec<u8>, ApiError>;
    /// Subscribes to committed blocks.
    fn subscribe(&self) -> broadcast::Receiver<Arc<CommittedBlock>>;
    /// Prometheus text exposition.
    fn metrics(&self) -> String;
    /// Full-text search of public records (the node's search index).
    fn search_records(&self, q: &RecordSearch) -> Result<SearchResponse, ApiError>;
    /// The genesis file, byte for byte (its hash is `StatusView::genesis_hash`).
    fn genesis(&self) -> Vec<u8>;
    /// Writes a state snapshot at the tip (`docs/snapshots.md`) to `out`. Blocks for as long
    /// as the export takes.
    fn snapshot(&self, out: &mut dyn std::io::Write) -> Result<(), ApiError>;
}

/// HTTP settings.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Listen address.
    pub listen: SocketAddr,
    /// Largest body of `POST /v1/txs`.
    pub max_tx_body: usize,
    /// Largest body of `POST /v1/txs/batch`.
    pub max_batch_body: usize,
    /// Most transactions in one batch.
    pub max_batch: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_tx_body: 256 * 1024,
            max_batch_body: 32 * 1024 * 1024,
            max_batch: 5000,
        }
    }
}

/// Shared state of the core handlers.
#[derive(Clone)]
pub(crate) struct AppState {
    pub node: Arc<dyn NodeApi>,
    pub config: Arc<ApiConfig>,
    pub guards: Arc<crate::Guards>,
}

/// The description of the whole API; the paths are added from the routes themselves.
#[derive(OpenApi)]
#[openapi(info(
    title = "GovChain API",
    description = "Public records, certificates, identity, governance, proofs and transactions of a GovChain node."
))]
struct ApiDoc;

/// The router with the core routes and the components' routes (`components`, already given
/// their state), the OpenAPI document of exactly those routes at `/openapi.json`, and a JSON
/// `404 route_not_found` for anything else. Returns the router and the document.
pub fn router(
    node: Arc<dyn NodeApi>,
    config: ApiConfig,
    components: OpenApiRouter,
    guards: &Arc<crate::Guards>,
) -> (Router, utoipa::openapi::OpenApi) {
    let state = AppState { node, config: Arc::new(config), guards: guards.clone() };
    let core: OpenApiRouter = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::health))
        .routes(routes!(handlers::status))
        .routes(routes!(handlers::genesis))
        .routes(routes!(handlers::metrics))
        .routes(routes!(handlers::snapshot))
        .routes(routes!(handlers::submit_tx))
        .routes(routes!(handlers::submit_batch))
        .routes(routes!(handlers::get_tx))
        .routes(routes!(handlers::latest_block))
        .routes(routes!(handlers::get_block))
        .routes(routes!(handlers::search_records))
        .routes(routes!(handlers::tx_proof))
        .routes(routes!(handlers::state_proof))
        .routes(routes!(events::events))
        .with_state(state);
    let (router, mut doc) = core.merge(components).split_for_parts();
    crate::contract::complete(&mut doc);
    let served = Arc::new(doc.clone());
    let router = router
        .route("/openapi.json", get(move || std::future::ready(axum::Json(served.as_ref().clone()))))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(axum::middleware::from_fn(record_latency))
        .layer(axum::extract::DefaultBodyLimit::disable());
    (router, doc)
}

/// Records `govchain_api_request_seconds{route, status}` for every request (the route template,
/// not the raw path, so ids do not explode the label set). The event stream is not timed.
async fn record_latency(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    if route != "/v1/events" {
        let status = format!("{}xx", resp.status().as_u16() / 100);
        metrics::histogram!("govchain_api_request_seconds", "route" => route, "status" => status)
            .record(started.elapsed().as_secs_f64());
    }
    resp
}
