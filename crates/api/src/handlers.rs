use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use futures::StreamExt;
use govchain_types::{Address, DecodeError, Hash32, SignedTransaction, codec};
use tokio_stream::wrappers::BroadcastStream;
use utoipa::OpenApi;

use crate::ApiError;
use crate::dto::*;
use crate::server::AppState;

type ApiResult<T> = Result<T, ApiError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal(e.to_string()))
}

/// Runs a point read — bounded work: one key and its proof, tens of microseconds from the page
/// cache — on the request's own task. Handing it to the blocking pool would cost more (two
/// thread wake-ups) than the read itself; scans and anything unbounded use [`blocking`].
fn point_read<T>(f: impl FnOnce() -> T) -> ApiResult<T> {
    Ok(f())
}

fn body_too_large(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("request body exceeds {limit} bytes"))
}

/// Reads a body of at most `limit` bytes: a declared `Content-Length` over the limit is refused
/// before anything is read; a body that grows past the limit is cut off.
/// Header a validator sets on transactions it relays to another validator.
pub const FORWARDED_HEADER: &str = "x-govchain-forwarded";

fn is_forwarded(req: &Request) -> bool {
    req.headers().contains_key(FORWARDED_HEADER)
}

async fn read_body(req: Request, limit: usize) -> ApiResult<(bool, Bytes)> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(body_too_large(limit));
    }
    let binary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/octet-stream"));
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| body_too_large(limit))?;
    Ok((binary, bytes))
}

fn json_error(e: serde_json::Error) -> ApiError {
    let msg = e.to_string();
    let code = if msg.contains("missing field") { "missing_field" } else { "invalid_json" };
    ApiError::bad_request(code, msg)
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
#[utoipa::path(get, path = "/health", responses((status = 200, description = "The node is up")))]
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
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format")))]
pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.node.metrics())
}

/// The OpenAPI document.
pub async fn openapi() -> impl IntoResponse {
    Json(crate::ApiDoc::openapi())
}

/// Submit one signed transaction (JSON `{"tx": hex}` or raw `application/octet-stream`).
#[utoipa::path(post, path = "/v1/txs", request_body = SubmitTx,
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
#[utoipa::path(post, path = "/v1/txs/batch", request_body = SubmitBatch,
    responses((status = 200, body = BatchResult), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
pub async fn submit_batch(State(s): State<AppState>, req: Request) -> ApiResult<Json<BatchResult>> {
    let forwarded = is_forwarded(&req);
    let (binary, body) = read_body(req, s.config.max_batch_body).await?;
    let raws: Vec<Vec<u8>> = if binary {
        codec::decode(&body, s.config.max_batch_body).map_err(decode_error)?
    } else {
        let j: SubmitBatch = serde_json::from_slice(&body).map_err(json_error)?;
        j.txs.iter().map(|t| hex_tx(t)).collect::<ApiResult<_>>()?
    };
    if raws.len() > s.config.max_batch {
        return Err(ApiError::bad_request(
            "batch_too_large",
            format!("at most {} transactions per batch", s.config.max_batch),
        ));
    }
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
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "mempool_full",
            "the transaction pool is full; retry later",
        ));
    }
    Ok(Json(out))
}

/// Status of a transaction: pending, committed (with receipt) or dropped (with reason).
#[utoipa::path(get, path = "/v1/txs/{hash}", params(("hash" = String, Path, description = "Transaction id")),
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
#[utoipa::path(get, path = "/v1/blocks/{height}", params(("height" = u64, Path, description = "Height")),
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
    let Query(q) = q.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let node = s.node.clone();
    blocking(move || node.search_records(&q)).await?.map(Json)
}

/// Public records, newest first, filtered by organisation, category and publication time.
#[utoipa::path(get, path = "/v1/records", params(RecordQuery),
    responses((status = 200, body = RecordPage), (status = 400, body = ErrorBody)))]
pub async fn list_records(
    State(s): State<AppState>,
    q: Result<Query<RecordQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<RecordPage>> {
    let Query(q) = q.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let node = s.node.clone();
    blocking(move || node.records(&q)).await?.map(Json)
}

/// A record with every version.
#[utoipa::path(get, path = "/v1/records/{id}", params(("id" = String, Path, description = "Record id")),
    responses((status = 200, body = RecordHistory), (status = 404, body = ErrorBody)))]
pub async fn get_record(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<RecordHistory>> {
    let node = s.node.clone();
    blocking(move || node.record(&id)).await?.map(Json)
}

/// Organisations.
#[utoipa::path(get, path = "/v1/organisations", responses((status = 200, body = Vec<OrgView>)))]
pub async fn list_orgs(State(s): State<AppState>) -> ApiResult<Json<Vec<OrgView>>> {
    let node = s.node.clone();
    blocking(move || node.organisations()).await?.map(Json)
}

/// One organisation.
#[utoipa::path(get, path = "/v1/organisations/{id}", params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub async fn get_org(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<OrgView>> {
    let node = s.node.clone();
    blocking(move || node.organisation(&id)).await?.map(Json)
}

/// One account, with its next nonce.
#[utoipa::path(get, path = "/v1/accounts/{address}", params(("address" = String, Path, description = "0x address")),
    responses((status = 200, body = AccountView), (status = 404, body = ErrorBody)))]
pub async fn get_account(State(s): State<AppState>, Path(address): Path<String>) -> ApiResult<Json<AccountView>> {
    let a = Address::from_text(&address).map_err(|e| ApiError::bad_request("invalid_address", e.to_string()))?;
    let node = s.node.clone();
    blocking(move || node.account(&a)).await?.map(Json)
}

/// Governance proposals, newest first.
#[utoipa::path(get, path = "/v1/governance/proposals", responses((status = 200, body = Vec<ProposalView>)))]
pub async fn list_proposals(State(s): State<AppState>) -> ApiResult<Json<Vec<ProposalView>>> {
    let node = s.node.clone();
    blocking(move || node.proposals()).await?.map(Json)
}

/// One governance proposal.
#[utoipa::path(get, path = "/v1/governance/proposals/{id}", params(("id" = u64, Path, description = "Proposal id")),
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody)))]
pub async fn get_proposal(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<ProposalView>> {
    let id: u64 = id.parse().map_err(|_| ApiError::bad_request("invalid_id", "proposal id must be a number"))?;
    let node = s.node.clone();
    blocking(move || node.proposal(id)).await?.map(Json)
}

/// Certificate types.
#[utoipa::path(get, path = "/v1/certificate-types", responses((status = 200, body = Vec<CertTypeView>)))]
pub async fn list_cert_types(State(s): State<AppState>) -> ApiResult<Json<Vec<CertTypeView>>> {
    let node = s.node.clone();
    blocking(move || node.cert_types()).await?.map(Json)
}

/// One certificate type.
#[utoipa::path(get, path = "/v1/certificate-types/{id}", params(("id" = String, Path, description = "Type id")),
    responses((status = 200, body = CertTypeView), (status = 404, body = ErrorBody)))]
pub async fn get_cert_type(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<CertTypeView>> {
    let node = s.node.clone();
    blocking(move || node.cert_type(&id)).await?.map(Json)
}

/// A certificate as recorded on chain.
#[utoipa::path(get, path = "/v1/certificates/{id}", params(("id" = String, Path, description = "Certificate id")),
    responses((status = 200, body = CertRecordView), (status = 404, body = ErrorBody)))]
pub async fn get_certificate(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<CertRecordView>> {
    let node = s.node.clone();
    blocking(move || node.certificate(&id)).await?.map(Json)
}

/// A certificate's status now, with a proof bundle of its record when `proof=true`.
#[utoipa::path(get, path = "/v1/certificates/{id}/status", params(("id" = String, Path, description = "Certificate id"), CertStatusQuery),
    responses((status = 200, body = CertStatusView), (status = 400, body = ErrorBody)))]
pub async fn cert_status(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CertStatusQuery>,
) -> ApiResult<Json<CertStatusView>> {
    point_read(|| s.node.cert_status(&id, q.proof))?.map(Json)
}

/// Proof bundles for verifying a presentation of this certificate offline.
#[utoipa::path(get, path = "/v1/certificates/{id}/proofs", params(("id" = String, Path, description = "Certificate id")),
    responses((status = 200, body = CertProofs), (status = 404, body = ErrorBody)))]
pub async fn cert_proofs(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<CertProofs>> {
    let node = s.node.clone();
    blocking(move || node.cert_proofs(&id)).await?.map(Json)
}

/// Verifies a presentation; answers valid or the reason, with the proofs of the facts used.
#[utoipa::path(post, path = "/v1/certificates/verify", request_body(content = Object, description = "A govchain-presentation/1 document"),
    responses((status = 200, body = VerifyResponse), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn verify_presentation(State(s): State<AppState>, req: Request) -> ApiResult<Json<VerifyResponse>> {
    let (_, body) = read_body(req, s.config.max_tx_body).await?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(json_error)?;
    let node = s.node.clone();
    blocking(move || node.verify_presentation(value)).await?.map(Json)
}

fn bundle(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
}

/// Proof bundle of a record version (binary; see docs/proofs.md).
#[utoipa::path(get, path = "/v1/proofs/records/{id}", params(("id" = String, Path, description = "Record id"), RecordProofQuery),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn record_proof(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<RecordProofQuery>,
) -> ApiResult<Response> {
    let node = s.node.clone();
    blocking(move || node.record_proof(&id, q.version)).await?.map(bundle)
}

/// Proof bundle of a committed transaction and its receipt.
#[utoipa::path(get, path = "/v1/proofs/txs/{hash}", params(("hash" = String, Path, description = "Transaction id")),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
pub async fn tx_proof(State(s): State<AppState>, Path(hash): Path<String>) -> ApiResult<Response> {
    let h = parse_hash(&hash)?;
    let node = s.node.clone();
    blocking(move || node.tx_proof(&h)).await?.map(bundle)
}

/// Proof bundle of a state key: presence with its value, or absence.
#[utoipa::path(get, path = "/v1/proofs/state", params(StateProofQuery),
    responses((status = 200, description = "Proof bundle", content_type = "application/octet-stream"), (status = 400, body = ErrorBody)))]
pub async fn state_proof(State(s): State<AppState>, Query(q): Query<StateProofQuery>) -> ApiResult<Response> {
    let key = hex::decode(&q.key).map_err(|e| ApiError::bad_request("invalid_key", format!("key is not hex: {e}")))?;
    if key.is_empty() || key.len() > 1024 {
        return Err(ApiError::bad_request("invalid_key", "key must be 1-1024 bytes"));
    }
    let node = s.node.clone();
    blocking(move || node.state_proof(&key, q.height)).await?.map(bundle)
}

/// Server-sent events: `block` after each commit, `event` for each module event.
#[utoipa::path(get, path = "/v1/events", params(EventsQuery), responses((status = 200, description = "text/event-stream")))]
pub async fn events(
    State(s): State<AppState>,
    Query(q): Query<EventsQuery>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = s.node.subscribe();
    let with_txs = q.txs;
    let stream = BroadcastStream::new(rx).flat_map(move |item| {
        let events: Vec<Result<Event, Infallible>> = match item {
            Ok(c) => {
                let mut block = c.block.clone();
                if !with_txs {
                    block.tx_hashes = None;
                }
                let mut v = vec![Ok(Event::default().event("block").json_data(&block).unwrap_or_default())];
                v.extend(c.events.iter().map(|e| Ok(Event::default().event("event").json_data(e).unwrap_or_default())));
                v
            }
            Err(_) => vec![Ok(Event::default().event("lagged").data("some events were skipped"))],
        };
        futures::stream::iter(events)
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The genesis file, byte for byte: the trust root for verifying proof bundles. Its hash under
/// the chain's suite is `genesis_hash` in `/status`; compare it with the hash your consortium
/// publishes.
#[utoipa::path(get, path = "/v1/genesis",
    responses((status = 200, description = "The genesis file (JSON), byte for byte", content_type = "application/json")))]
pub async fn genesis(State(s): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], s.node.genesis()).into_response()
}

/// Unknown route.
pub async fn not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such endpoint; see /openapi.json")
}
