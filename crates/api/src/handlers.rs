use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use govchain_component::http::{bad_query, json_error, read_body};
use govchain_types::{DecodeError, Hash32, SignedTransaction};

use crate::ApiError;
use crate::dto::*;
use crate::server::AppState;

type ApiResult<T> = Result<T, ApiError>;

pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(ApiError::internal)
}

/// Header a validator sets on transactions it relays to another validator.
pub const FORWARDED_HEADER: &str = "x-govchain-forwarded";

fn is_forwarded(req: &Request) -> bool {
    req.headers().contains_key(FORWARDED_HEADER)
}

/// Maps a decode failure to its API error.
pub(crate) fn decode_error(e: DecodeError) -> ApiError {
    let code = match &e {
        DecodeError::TooLarge { .. } => "tx_too_large",
        DecodeError::LengthExceeded { .. } => "length_exceeded",
        DecodeError::Truncated => "truncated_encoding",
        DecodeError::UnknownAlgorithm(_) => "unknown_algorithm",
        DecodeError::Malformed(_) => "malformed_encoding",
    };
    ApiError::bad_request(code, e.to_string())
}

fn decode_tx(bytes: &[u8]) -> ApiResult<(SignedTransaction, usize)> {
    SignedTransaction::decode(bytes).map(|t| (t, bytes.len())).map_err(decode_error)
}

fn hex_tx(s: &str) -> ApiResult<Vec<u8>> {
    hex::decode(s.trim_start_matches("0x"))
        .map_err(|e| ApiError::bad_request("invalid_hex", format!("tx is not hex: {e}")))
}

fn parse_hash(s: &str) -> ApiResult<Hash32> {
    Hash32::from_hex(s).ok_or_else(|| ApiError::bad_request("invalid_hash", "expected 64 hex characters"))
}

/// Liveness.
#[utoipa::path(get, path = "/health", responses((status = 200, description = "The node is up: `{\"status\": \"ok\"}`", body = Object)))]
pub async fn health() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok"}))
}

/// Chain status.
#[utoipa::path(get, path = "/status", responses((status = 200, body = StatusView)))]
pub async fn status(State(s): State<AppState>) -> ApiResult<Json<StatusView>> {
    let node = s.node.clone();
    blocking(move || node.status()).await?.map(Json)
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.node.metrics())
}

/// Submit one signed transaction (JSON `{"tx": hex}` or raw `application/octet-stream`).
#[utoipa::path(post, path = "/v1/txs",
    request_body(description = "One signed transaction: JSON, or its canonical encoding as raw bytes",
        content((SubmitTx = "application/json"), ([u8] = "application/octet-stream"))),
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn submit_tx(State(s): State<AppState>, req: Request) -> ApiResult<Response> {
    let forwarded = is_forwarded(&req);
    let (binary, body) = read_body(req, s.config.max_tx_body).await?;
    let raw = if binary {
        body.to_vec()
    } else {
        let j: SubmitTx = serde_json::from_slice(&body).map_err(json_error)?;
        hex_tx(&j.tx)?
    };
    let tx = decode_tx(&raw)?;
    let node = s.node.clone();
    let mut results = blocking(move || node.submit(vec![tx], forwarded)).await?;
    let hash = results.pop().unwrap_or_else(|| Err(ApiError::internal("no result")))?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { hash: hash.to_hex(), status: "pending".into() })).into_response())
}

/// Submit many signed transactions (JSON `{"txs": [hex]}` or borsh `Vec<Vec<u8>>` as
/// `application/octet-stream`). Each gets its own result; the request fails with 503 only when
/// every transaction was refused because the pool is full.
#[utoipa::path(post, path = "/v1/txs/batch",
    request_body(description = "Signed transactions: JSON, or a borsh `Vec<bytes>` as raw bytes",
        content((SubmitBatch = "application/json"), ([u8] = "application/octet-stream"))),
    responses((status = 200, body = BatchResult), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
pub async fn submit_batch(State(s): State<AppState>, req: Request) -> ApiResult<Json<BatchResult>> {
    let forwarded = is_forwarded(&req);
    let (binary, body) = read_body(req, s.config.max_batch_body).await?;
    let raws: Vec<Vec<u8>> = if binary {
        crate::batch::binary(&body, s.config.max_batch)?.into_iter().map(<[u8]>::to_vec).collect()
    } else {
        crate::batch::json(&body, s.config.max_batch)?.iter().map(|t| hex_tx(t)).collect::<ApiResult<_>>()?
    };
    let mut results: Vec<Option<ApiResult<Hash32>>> = vec![None; raws.len()];
    let mut good = Vec::new();
    let mut positions = Vec::new();
    for (i, raw) in raws.iter().enumerate() {
        match decode_tx(raw) {
            Ok(t) => {
                good.push(t);
                positions.push(i);
            }
            Err(e) => results[i] = Some(Err(e)),
        }
    }
    let node = s.node.clone();
    let admitted = blocking(move || node.submit(good, forwarded)).await?;
    for (pos, r) in positions.into_iter().zip(admitted) {
        results[pos] = Some(r);
    }
    let mut out = BatchResult { accepted: 0, rejected: 0, results: Vec::with_capacity(results.len()) };
    let mut all_full = !results.is_empty();
    for (index, r) in results.into_iter().enumerate() {
        match r.unwrap_or_else(|| Err(ApiError::internal("no result"))) {
            Ok(h) => {
                out.accepted += 1;
                all_full = false;
                out.results.push(BatchItem { index, hash: Some(h.to_hex()), error: None });
            }
            Err(e) => {
                out.rejected += 1;
                all_full &= e.code == "mempool_full";
                out.results.push(BatchItem {
                    index,
                    hash: None,
                    error: Some(ErrorDetail { code: e.code, message: e.message }),
                });
            }
        }
    }
    if all_full {
        return Err(ApiError::unavailable("mempool_full", "the transaction pool is full; retry later"));
    }
    Ok(Json(out))
}

/// Status of a transaction: pending, committed (with receipt) or dropped (with reason).
#[utoipa::path(get, path = "/v1/txs/{hash}", params(("hash" = String, Path, description = "Transaction id (64 hex characters)", pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 200, body = TxView), (status = 404, body = ErrorBody)))]
pub async fn get_tx(State(s): State<AppState>, Path(hash): Path<String>) -> ApiResult<Json<TxView>> {
    let h = parse_hash(&hash)?;
    let node = s.node.clone();
    blocking(move || node.tx(&h)).await?.map(Json)
}

/// The latest block.
#[utoipa::path(get, path = "/v1/blocks/latest", responses((status = 200, body = BlockView), (status = 404, body = ErrorBody)))]
pub async fn latest_block(State(s): State<AppState>) -> ApiResult<Json<BlockView>> {
    let node = s.node.clone();
    blocking(move || node.block(None)).await?.map(Json)
}

/// A block with its commit certificate.
#[utoipa::path(get, path = "/v1/blocks/{height}", params(("height" = u64, Path, description = "Height", minimum = 1)),
    responses((status = 200, body = BlockView), (status = 404, body = ErrorBody)))]
pub async fn get_block(State(s): State<AppState>, Path(height): Path<String>) -> ApiResult<Json<BlockView>> {
    let h: u64 = height.parse().map_err(|_| ApiError::bad_request("invalid_height", "height must be a number"))?;
    let node = s.node.clone();
    blocking(move || node.block(Some(h))).await?.map(Json)
}

/// Full-text search of public records in Chinese and English, ranked, with matches marked.
#[utoipa::path(get, path = "/v1/search/records", params(RecordSearch),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
pub async fn search_records(
    State(s): State<AppState>,
    q: Result<Query<RecordSearch>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<SearchResponse>> {
    let Query(q) = q.map_err(bad_query)?;
    let node = s.node.clone();
    blocking(move || node.search_records(&q)).await?.map(Json)
}

fn bundle(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

/// Proof bundle of a committed transaction and its receipt.
#[utoipa::path(get, path = "/v1/proofs/txs/{hash}", params(("hash" = String, Path, description = "Transaction id (64 hex characters)", pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn tx_proof(State(s): State<AppState>, Path(hash): Path<String>) -> ApiResult<Response> {
    let h = parse_hash(&hash)?;
    let node = s.node.clone();
    blocking(move || node.tx_proof(&h)).await?.map(bundle)
}

/// Proof bundle of a state key: presence with its value, or absence.
#[utoipa::path(get, path = "/v1/proofs/state", params(StateProofQuery),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "`block_not_found`: no such height")))]
pub async fn state_proof(
    State(s): State<AppState>,
    q: Result<Query<StateProofQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let Query(q) = q.map_err(bad_query)?;
    let key = hex::decode(&q.key).map_err(|e| ApiError::bad_request("invalid_key", format!("key is not hex: {e}")))?;
    if key.is_empty() || key.len() > 1024 {
        return Err(ApiError::bad_request("invalid_key", "key must be 1-1024 bytes"));
    }
    let node = s.node.clone();
    blocking(move || node.state_proof(&key, q.height)).await?.map(bundle)
}

/// The genesis file, byte for byte: the trust root for verifying proof bundles. Its hash under
/// the chain's suite is `genesis_hash` in `/status`; compare it with the hash your consortium
/// publishes.
#[utoipa::path(get, path = "/v1/genesis",
    responses((status = 200, description = "The genesis file (JSON), byte for byte", content_type = "application/json")))]
pub async fn genesis(State(s): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], s.node.genesis()).into_response()
}

/// One snapshot export at a time per node (each reads the whole state).
static SNAPSHOT_BUSY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Bytes written by a blocking export, sent to the response body as they come.
struct ChunkSender {
    tx: tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 1 << 20 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = bytes::Bytes::from(std::mem::take(&mut self.buf));
            self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other("the client went away"))?;
        }
        Ok(())
    }
}

/// A state snapshot at the tip (`docs/snapshots.md`), streamed: what a new node started with
/// `govchain node --state-sync http://this-node` fetches. The importer verifies it against its
/// own genesis (certificate and validator-set changes, then the rebuilt state root), so this
/// node need not be trusted for the state. One export at a time: 503 `snapshot_busy` otherwise.
/// An export that fails midway ends the stream early; the importer then refuses the file.
#[utoipa::path(get, path = "/v1/snapshot",
    responses((status = 200, description = "A snapshot file (`GCSNAP`)", content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody, description = "`no_blocks_yet`: the chain has no block to snapshot"),
              (status = 503, body = ErrorBody, description = "`snapshot_busy`: another export is running")))]
pub async fn snapshot(State(s): State<AppState>) -> ApiResult<Response> {
    use std::sync::atomic::Ordering;
    let node = s.node.clone();
    if blocking(move || node.status()).await??.height == 0 {
        return Err(ApiError::not_found("no_blocks_yet", "the chain has no blocks yet"));
    }
    if SNAPSHOT_BUSY.swap(true, Ordering::AcqRel) {
        return Err(ApiError::unavailable("snapshot_busy", "another snapshot export is running; try again later"));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let node = s.node.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkSender { tx: tx.clone(), buf: Vec::new() };
        let r = node.snapshot(&mut out).and_then(|_| std::io::Write::flush(&mut out).map_err(ApiError::internal));
        if let Err(e) = r {
            tracing::warn!(error = %e, "snapshot export failed");
            let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
        SNAPSHOT_BUSY.store(false, Ordering::Release);
    });
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], body).into_response())
}

/// A known route asked with a method it does not answer.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(405, "method_not_allowed", "this endpoint does not answer that method; see /openapi.json")
}

/// Unknown route.
pub async fn not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such endpoint; see /openapi.json")
}
