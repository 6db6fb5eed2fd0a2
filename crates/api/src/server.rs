use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use govchain_types::{Address, Hash32, SignedTransaction};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use crate::ApiError;
use crate::dto::*;
use crate::handlers;

/// What the HTTP layer needs from the node. Methods may block (storage reads, signature
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
    /// Records, newest first.
    fn records(&self, q: &RecordQuery) -> Result<RecordPage, ApiError>;
    /// A record with all versions.
    fn record(&self, id: &str) -> Result<RecordHistory, ApiError>;
    /// Proof bundle of a record version.
    fn record_proof(&self, id: &str, version: Option<u32>) -> Result<Vec<u8>, ApiError>;
    /// Proof bundle of a committed transaction and its receipt.
    fn tx_proof(&self, hash: &Hash32) -> Result<Vec<u8>, ApiError>;
    /// Proof bundle of a state key (present or absent).
    fn state_proof(&self, key: &[u8], height: Option<u64>) -> Result<Vec<u8>, ApiError>;
    /// Organisations.
    fn organisations(&self) -> Result<Vec<OrgView>, ApiError>;
    /// One organisation.
    fn organisation(&self, id: &str) -> Result<OrgView, ApiError>;
    /// One account.
    fn account(&self, address: &Address) -> Result<AccountView, ApiError>;
    /// Governance proposals, newest first.
    fn proposals(&self) -> Result<Vec<ProposalView>, ApiError>;
    /// One governance proposal.
    fn proposal(&self, id: u64) -> Result<ProposalView, ApiError>;
    /// Certificate types.
    fn cert_types(&self) -> Result<Vec<CertTypeView>, ApiError>;
    /// One certificate type.
    fn cert_type(&self, id: &str) -> Result<CertTypeView, ApiError>;
    /// A certificate record.
    fn certificate(&self, id: &str) -> Result<CertRecordView, ApiError>;
    /// A certificate's status at the latest height, with a proof bundle when asked.
    fn cert_status(&self, id: &str, proof: bool) -> Result<CertStatusView, ApiError>;
    /// Proof bundles for offline verification of a certificate.
    fn cert_proofs(&self, id: &str) -> Result<CertProofs, ApiError>;
    /// Verifies a presentation (JSON).
    fn verify_presentation(&self, presentation: serde_json::Value) -> Result<VerifyResponse, ApiError>;
    /// Subscribes to committed blocks.
    fn subscribe(&self) -> broadcast::Receiver<Arc<CommittedBlock>>;
    /// Prometheus text exposition.
    fn metrics(&self) -> String;
    /// Full-text search of public records.
    fn search_records(&self, q: &RecordSearch) -> Result<SearchResponse, ApiError>;
    /// The genesis file, byte for byte (its hash is `StatusView::genesis_hash`).
    fn genesis(&self) -> Vec<u8>;
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

/// Shared handler state.
#[derive(Clone)]
pub(crate) struct AppState {
    pub node: Arc<dyn NodeApi>,
    pub config: Arc<ApiConfig>,
}

/// The router with every route.
pub fn router(node: Arc<dyn NodeApi>, config: ApiConfig) -> Router {
    let state = AppState { node, config: Arc::new(config) };
    Router::new()
        .route("/health", get(handlers::health))
        .route("/status", get(handlers::status))
        .route("/v1/genesis", get(handlers::genesis))
        .route("/metrics", get(handlers::metrics))
        .route("/openapi.json", get(handlers::openapi))
        .route("/v1/txs", post(handlers::submit_tx))
        .route("/v1/txs/batch", post(handlers::submit_batch))
        .route("/v1/txs/{hash}", get(handlers::get_tx))
        .route("/v1/blocks/latest", get(handlers::latest_block))
        .route("/v1/blocks/{height}", get(handlers::get_block))
        .route("/v1/records", get(handlers::list_records))
        .route("/v1/search/records", get(handlers::search_records))
        .route("/v1/records/{id}", get(handlers::get_record))
        .route("/v1/organisations", get(handlers::list_orgs))
        .route("/v1/organisations/{id}", get(handlers::get_org))
        .route("/v1/accounts/{address}", get(handlers::get_account))
        .route("/v1/governance/proposals", get(handlers::list_proposals))
        .route("/v1/governance/proposals/{id}", get(handlers::get_proposal))
        .route("/v1/certificate-types", get(handlers::list_cert_types))
        .route("/v1/certificate-types/{id}", get(handlers::get_cert_type))
        .route("/v1/certificates/verify", post(handlers::verify_presentation))
        .route("/v1/certificates/{id}", get(handlers::get_certificate))
        .route("/v1/certificates/{id}/status", get(handlers::cert_status))
        .route("/v1/certificates/{id}/proofs", get(handlers::cert_proofs))
        .route("/v1/proofs/records/{id}", get(handlers::record_proof))
        .route("/v1/proofs/txs/{hash}", get(handlers::tx_proof))
        .route("/v1/proofs/state", get(handlers::state_proof))
        .route("/v1/events", get(handlers::events))
        .fallback(handlers::not_found)
        .layer(axum::middleware::from_fn(record_latency))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
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

/// Serves the API until the listener fails.
pub async fn serve(listener: TcpListener, node: Arc<dyn NodeApi>, config: ApiConfig) -> std::io::Result<()> {
    axum::serve(listener, router(node, config)).await
}
