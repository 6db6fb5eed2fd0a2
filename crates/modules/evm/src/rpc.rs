//! Ethereum JSON-RPC at `POST /rpc` (feature `http`): what ethers.js, viem and Foundry call to
//! deploy, send, call and read (docs/evm.md lists the methods). Single and batch requests;
//! errors in the JSON-RPC shapes those tools parse, revert data included.

use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::http::{Host, Routes, blocking, read_body, routes};
use govchain_component::{BlockMeta, ChainQuery};
use govchain_types::Address;
use serde_json::{Value, json};

use crate::ethtx;
use crate::exec::Run;
use crate::model::{TxRecord, TxStatus};
use crate::query;

/// Largest request body.
pub const MAX_BODY: usize = 1 << 20;
/// Most requests in one batch.
pub const MAX_BATCH: usize = 100;
/// Most blocks one `eth_getLogs` may span.
pub const MAX_LOG_RANGE: u64 = 1_000;
/// How far back `eth_getBlockByHash` looks.
const HASH_LOOKBACK: u64 = 1_024;

/// `/rpc`.
pub fn routes() -> Routes {
    crate::http::routes().routes(routes!(rpc))
}

/// A JSON-RPC error: code, message, optional data.
struct RpcError(i64, String, Option<Value>);

type R<T> = Result<T, RpcError>;

fn invalid(msg: impl Into<String>) -> RpcError {
    RpcError(-32602, msg.into(), None)
}

fn from_api(e: ApiError) -> RpcError {
    let code = if e.status >= 500 { -32603 } else { -32000 };
    RpcError(code, format!("{}: {}", e.code, e.message), None)
}

fn qty(n: u64) -> Value {
    Value::String(format!("0x{n:x}"))
}

fn data(b: &[u8]) -> Value {
    Value::String(format!("0x{}", hex::encode(b)))
}

fn addr(a: &Address) -> Value {
    Value::String(a.to_text())
}

fn parse_hex(v: &Value, what: &str) -> R<Vec<u8>> {
    let s = v.as_str().ok_or_else(|| invalid(format!("{what} must be a hex string")))?;
    let s = s.strip_prefix("0x").ok_or_else(|| invalid(format!("{what} must start with 0x")))?;
    let s = if s.len() % 2 == 1 { format!("0{s}") } else { s.to_string() };
    hex::decode(s).map_err(|_| invalid(format!("{what} is not hex")))
}

fn parse_qty(v: &Value, what: &str) -> R<u64> {
    let b = parse_hex(v, what)?;
    let b: Vec<u8> = b.into_iter().skip_while(|x| *x == 0).collect();
    if b.len() > 8 {
        return Err(invalid(format!("{what} is too large")));
    }
    Ok(b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x)))
}

fn parse_fixed<const N: usize>(v: &Value, what: &str) -> R<[u8; N]> {
    let b = parse_hex(v, what)?;
    if b.len() > N {
        return Err(invalid(format!("{what} must be {N} bytes")));
    }
    let mut out = [0u8; N];
    out[N - b.len()..].copy_from_slice(&b);
    Ok(out)
}

fn parse_addr(v: &Value, what: &str) -> R<Address> {
    let b = parse_hex(v, what)?;
    <[u8; 20]>::try_from(b.as_slice()).map(Address).map_err(|_| invalid(format!("{what} must be 20 bytes")))
}

/// A block tag or number: `latest`, `pending`, `safe`, `finalized` (all the tip: BFT blocks are
/// final when committed), `earliest`, or a number.
fn parse_block(q: &dyn ChainQuery, v: Option<&Value>) -> R<u64> {
    let tip = q.height();
    let Some(v) = v else { return Ok(tip) };
    if let Some(o) = v.as_object() {
        if let Some(n) = o.get("blockNumber") {
            return parse_block(q, Some(n));
        }
        if let Some(h) = o.get("blockHash") {
            let h: [u8; 32] = parse_fixed(h, "blockHash")?;
            return height_of_hash(q, &h)?.ok_or_else(|| RpcError(-32001, "unknown block".into(), None));
        }
        return Err(invalid("block must be a tag, a number or {blockNumber|blockHash}"));
    }
    match v.as_str() {
        Some("latest" | "pending" | "safe" | "finalized") | None => Ok(tip),
        Some("earliest") => Ok(0),
        Some(_) => {
            let n = parse_qty(v, "block number")?;
            if n > tip {
                return Err(RpcError(-32001, format!("block {n} is beyond the chain's height {tip}"), None));
            }
            Ok(n)
        }
    }
}

fn height_of_hash(q: &dyn ChainQuery, hash: &[u8; 32]) -> R<Option<u64>> {
    let tip = q.height();
    let low = tip.saturating_sub(HASH_LOOKBACK).max(1);
    for h in (low..=tip).rev() {
        if q.block_meta(h).map_err(from_api)?.is_some_and(|m| m.hash.0 == *hash) {
            return Ok(Some(h));
        }
    }
    Ok(None)
}

const EMPTY_UNCLES: &str = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

fn bloom() -> Value {
    Value::String(format!("0x{}", "0".repeat(512)))
}

fn tx_json(r: &TxRecord, meta: Option<&BlockMeta>) -> Value {
    let decoded = (!r.raw.is_empty()).then(|| alloy_tx_fields(&r.raw)).flatten();
    let (ty, gas_price, max_fee, prio, v, rr, ss, chain) = decoded.unwrap_or_default();
    let mut o = json!({
        "hash": data(&r.hash),
        "nonce": qty(r.nonce),
        "blockHash": meta.map(|m| data(&m.hash.0)).unwrap_or(Value::Null),
        "blockNumber": qty(r.height),
        "transactionIndex": qty(u64::from(r.index)),
        "from": addr(&r.from),
        "to": r.to.as_ref().map(addr).unwrap_or(Value::Null),
        "value": "0x0",
        "gas": qty(r.gas_limit),
        "gasPrice": qty(gas_price),
        "input": data(&r.input),
        "type": qty(ty),
        "v": qty(v), "r": rr, "s": ss,
    });
    if let Some(c) = chain {
        o["chainId"] = qty(c);
    }
    if ty >= 1 {
        o["accessList"] = json!([]);
        o["yParity"] = qty(v);
    }
    if ty == 2 {
        o["maxFeePerGas"] = qty(max_fee);
        o["maxPriorityFeePerGas"] = qty(prio);
    }
    o
}

type Fields = (u64, u64, u64, u64, u64, Value, Value, Option<u64>);

fn alloy_tx_fields(raw: &[u8]) -> Option<Fields> {
    use alloy_consensus::Transaction as _;
    use alloy_eips::eip2718::Decodable2718 as _;
    let env = alloy_consensus::TxEnvelope::decode_2718_exact(raw).ok()?;
    let sig = env.signature();
    let ty = env.tx_type() as u8;
    let chain = env.chain_id();
    let v = if ty == 0 {
        chain.map(|c| c * 2 + 35 + u64::from(sig.v())).unwrap_or(27 + u64::from(sig.v()))
    } else {
        u64::from(sig.v())
    };
    let clip = |x: u128| u64::try_from(x).unwrap_or(u64::MAX);
    Some((
        u64::from(ty),
        clip(env.gas_price().unwrap_or(env.max_fee_per_gas())),
        clip(env.max_fee_per_gas()),
        clip(env.max_priority_fee_per_gas().unwrap_or(0)),
        v,
        Value::String(format!("0x{:x}", sig.r())),
        Value::String(format!("0x{:x}", sig.s())),
        chain,
    ))
}

fn logs_json(r: &TxRecord, meta: Option<&BlockMeta>) -> Vec<Value> {
    r.logs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "address": addr(&l.address),
                "topics": l.topics.iter().map(|t| data(t)).collect::<Vec<_>>(),
                "data": data(&l.data),
                "blockNumber": qty(r.height),
                "blockHash": meta.map(|m| data(&m.hash.0)).unwrap_or(Value::Null),
                "transactionHash": data(&r.hash),
                "transactionIndex": qty(u64::from(r.index)),
                "logIndex": qty(u64::from(r.first_log_index) + i as u64),
                "removed": false,
            })
        })
        .collect()
}

fn receipt_json(r: &TxRecord, meta: Option<&BlockMeta>) -> Value {
    let ty = alloy_tx_fields(&r.raw).map(|f| f.0).unwrap_or(0);
    json!({
        "transactionHash": data(&r.hash),
        "transactionIndex": qty(u64::from(r.index)),
        "blockHash": meta.map(|m| data(&m.hash.0)).unwrap_or(Value::Null),
        "blockNumber": qty(r.height),
        "from": addr(&r.from),
        "to": r.to.as_ref().map(addr).unwrap_or(Value::Null),
        "cumulativeGasUsed": qty(r.cumulative_gas_used),
        "gasUsed": qty(r.gas_used),
        "effectiveGasPrice": "0x0",
        "contractAddress": r.contract.as_ref().map(addr).unwrap_or(Value::Null),
        "logs": logs_json(r, meta),
        "logsBloom": bloom(),
        "type": qty(ty),
        "status": if r.status == TxStatus::Success { "0x1" } else { "0x0" },
    })
}

fn block_json(q: &dyn ChainQuery, height: u64, full: bool) -> R<Value> {
    let Some(meta) = q.block_meta(height).map_err(from_api)? else { return Ok(Value::Null) };
    let p = query::params(q, height).map_err(from_api)?;
    let tally = query::tally(q, height).map_err(from_api)?;
    let hashes = query::block_txs(q, height).map_err(from_api)?;
    let txs: Vec<Value> = if full {
        let mut out = Vec::with_capacity(hashes.len());
        for h in &hashes {
            if let Some(r) = q
                .get(&crate::keys::tx(h), height)
                .map_err(from_api)?
                .and_then(|b| borsh::from_slice::<TxRecord>(&b).ok())
            {
                out.push(tx_json(&r, Some(&meta)));
            }
        }
        out
    } else {
        hashes.iter().map(|h| data(h)).collect()
    };
    Ok(json!({
        "number": qty(height),
        "hash": data(&meta.hash.0),
        "parentHash": data(&meta.prev_hash.0),
        "nonce": "0x0000000000000000",
        "sha3Uncles": EMPTY_UNCLES,
        "logsBloom": bloom(),
        "transactionsRoot": data(&meta.tx_root.0),
        "stateRoot": data(&meta.state_root.0),
        "receiptsRoot": data(&meta.receipts_root.0),
        "miner": "0x0000000000000000000000000000000000000000",
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": "0x",
        "size": qty(1000),
        "gasLimit": qty(p.block_gas_limit),
        "gasUsed": qty(tally.gas_used),
        "timestamp": qty(meta.time_ms / 1000),
        "transactions": txs,
        "uncles": [],
        "baseFeePerGas": "0x0",
        "mixHash": data(&[0u8; 32]),
    }))
}

/// The call object of `eth_call` / `eth_estimateGas`.
fn parse_call(q: &dyn ChainQuery, v: Option<&Value>, height: u64, default_gas: u64) -> R<Run> {
    let o = v.and_then(Value::as_object).ok_or_else(|| invalid("a call object is required"))?;
    let caller = match o.get("from") {
        Some(Value::Null) | None => Address::default(),
        Some(f) => parse_addr(f, "from")?,
    };
    let to = match o.get("to") {
        Some(Value::Null) | None => None,
        Some(t) => Some(parse_addr(t, "to")?),
    };
    let input = match o.get("input").or_else(|| o.get("data")) {
        Some(Value::Null) | None => Vec::new(),
        Some(d) => parse_hex(d, "input")?,
    };
    if let Some(v) = o.get("value").filter(|v| !v.is_null())
        && parse_qty(v, "value")? != 0
    {
        return Err(invalid("calls may not send value (GovChain has no currency)"));
    }
    let gas_limit = match o.get("gas") {
        Some(Value::Null) | None => default_gas,
        Some(g) => parse_qty(g, "gas")?.min(default_gas),
    };
    let nonce = query::nonce(q, &caller, height, false).map_err(from_api)?;
    Ok(Run { caller, to, input, gas_limit, nonce, access_list: Vec::new() })
}

fn revert_error(output: &[u8]) -> RpcError {
    let reason = alloy_sol_types::decode_revert_reason(output).unwrap_or_default();
    let msg =
        if reason.is_empty() { "execution reverted".to_string() } else { format!("execution reverted: {reason}") };
    RpcError(3, msg, Some(data(output)))
}

fn eth_call(q: &dyn ChainQuery, params: &[Value]) -> R<Value> {
    let height = parse_block(q, params.get(1))?;
    let p = query::params(q, height).map_err(from_api)?;
    let run = parse_call(q, params.first(), height, p.tx_gas_limit)?;
    let ran = query::simulate(q, height, &run).map_err(from_api)?;
    match ran.status {
        TxStatus::Success => Ok(data(&ran.output)),
        TxStatus::Reverted => Err(revert_error(&ran.output)),
        TxStatus::Halted => Err(RpcError(-32000, format!("execution halted: {}", ran.reason), None)),
    }
}

fn estimate_gas(q: &dyn ChainQuery, params: &[Value]) -> R<Value> {
    let height = parse_block(q, params.get(1))?;
    let p = query::params(q, height).map_err(from_api)?;
    let mut run = parse_call(q, params.first(), height, p.tx_gas_limit)?;
    run.gas_limit = p.tx_gas_limit;
    let ran = query::simulate(q, height, &run).map_err(from_api)?;
    match ran.status {
        // Headroom for the 63/64 rule of nested calls and refunds counted at the end.
        TxStatus::Success => Ok(qty((ran.gas_used + ran.gas_used / 4 + 10_000).min(p.tx_gas_limit))),
        TxStatus::Reverted => Err(revert_error(&ran.output)),
        TxStatus::Halted => {
            Err(RpcError(-32000, format!("gas required exceeds the limit or execution halted: {}", ran.reason), None))
        }
    }
}

fn send_raw(q: &dyn ChainQuery, params: &[Value]) -> R<Value> {
    let raw = parse_hex(params.first().ok_or_else(|| invalid("raw transaction required"))?, "raw transaction")?;
    let p = query::params(q, q.height()).map_err(from_api)?;
    let d = ethtx::decode(&raw, p.chain_id).map_err(|e| RpcError(-32000, e.to_string(), None))?;
    let env = ethtx::envelope(q.chain_id(), &raw, &d).map_err(|e| RpcError(-32000, e.to_string(), None))?;
    match q.submit(env) {
        Ok(_) => Ok(data(&d.hash)),
        // Already pooled (a client re-sending): the hash is still the answer.
        Err(e) if e.code == "duplicate" || e.code == "already_pooled" => Ok(data(&d.hash)),
        Err(e) => Err(from_api(e)),
    }
}

fn get_logs(q: &dyn ChainQuery, params: &[Value]) -> R<Value> {
    let f = params.first().and_then(Value::as_object).ok_or_else(|| invalid("a filter object is required"))?;
    let (from, to) = if let Some(h) = f.get("blockHash") {
        let h: [u8; 32] = parse_fixed(h, "blockHash")?;
        let n = height_of_hash(q, &h)?.ok_or_else(|| RpcError(-32001, "unknown block".into(), None))?;
        (n, n)
    } else {
        (parse_block(q, f.get("fromBlock"))?, parse_block(q, f.get("toBlock"))?)
    };
    if from > to {
        return Ok(json!([]));
    }
    if to - from >= MAX_LOG_RANGE {
        return Err(RpcError(-32005, format!("query spans more than {MAX_LOG_RANGE} blocks"), None));
    }
    let addresses: Vec<Address> = match f.get("address") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().map(|x| parse_addr(x, "address")).collect::<R<_>>()?,
        Some(a) => vec![parse_addr(a, "address")?],
    };
    let topics: Vec<Vec<[u8; 32]>> = match f.get("topics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(t)) => t
            .iter()
            .map(|x| match x {
                Value::Null => Ok(Vec::new()),
                Value::Array(alts) => alts.iter().map(|a| parse_fixed::<32>(a, "topic")).collect(),
                one => Ok(vec![parse_fixed::<32>(one, "topic")?]),
            })
            .collect::<R<_>>()?,
        Some(_) => return Err(invalid("topics must be an array")),
    };
    let mut out = Vec::new();
    for h in from.max(1)..=to {
        let hashes = query::block_txs(q, h).map_err(from_api)?;
        if hashes.is_empty() {
            continue;
        }
        let meta = q.block_meta(h).map_err(from_api)?;
        for th in hashes {
            let Some(r) = query::tx(q, &th).map_err(from_api)? else { continue };
            for (l, j) in r.logs.iter().zip(logs_json(&r, meta.as_ref())) {
                let addr_ok = addresses.is_empty() || addresses.contains(&l.address);
                let topics_ok = topics
                    .iter()
                    .enumerate()
                    .all(|(i, alts)| alts.is_empty() || l.topics.get(i).is_some_and(|t| alts.contains(t)));
                if addr_ok && topics_ok {
                    out.push(j);
                }
            }
        }
    }
    Ok(Value::Array(out))
}

fn fee_history(q: &dyn ChainQuery, params: &[Value]) -> R<Value> {
    let count = match params.first() {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(1),
        Some(v) => parse_qty(v, "blockCount")?,
        None => 1,
    }
    .clamp(1, 1024);
    let newest = parse_block(q, params.get(1))?;
    let count = count.min(newest.max(1));
    let oldest = newest.saturating_sub(count - 1);
    let percentiles = params.get(2).and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    let p = query::params(q, newest).map_err(from_api)?;
    let mut ratios = Vec::new();
    for h in oldest..=newest {
        let used = query::tally(q, h).map_err(from_api)?.gas_used;
        ratios.push(json!(used as f64 / p.block_gas_limit.max(1) as f64));
    }
    Ok(json!({
        "oldestBlock": qty(oldest),
        "baseFeePerGas": vec!["0x0"; count as usize + 1],
        "gasUsedRatio": ratios,
        "reward": vec![vec!["0x0"; percentiles]; count as usize],
    }))
}

fn dispatch(q: &dyn ChainQuery, method: &str, params: &[Value]) -> R<Value> {
    let block_arg = |i: usize| parse_block(q, params.get(i));
    match method {
        "web3_clientVersion" => Ok(json!(format!("GovChain/{}", env!("CARGO_PKG_VERSION")))),
        "eth_chainId" => Ok(qty(query::params(q, q.height()).map_err(from_api)?.chain_id)),
        "net_version" => Ok(json!(query::params(q, q.height()).map_err(from_api)?.chain_id.to_string())),
        "net_listening" => Ok(json!(true)),
        "eth_syncing" => Ok(json!(false)),
        "eth_accounts" => Ok(json!([])),
        "eth_blockNumber" => Ok(qty(q.height())),
        "eth_gasPrice" | "eth_maxPriorityFeePerGas" | "eth_blobBaseFee" => Ok(qty(0)),
        "eth_feeHistory" => fee_history(q, params),
        "eth_getBalance" => {
            parse_addr(params.first().unwrap_or(&Value::Null), "address")?;
            Ok(qty(0))
        }
        "eth_getTransactionCount" => {
            let a = parse_addr(params.first().unwrap_or(&Value::Null), "address")?;
            let pending = params.get(1).and_then(Value::as_str) == Some("pending");
            Ok(qty(query::nonce(q, &a, block_arg(1)?, pending).map_err(from_api)?))
        }
        "eth_getCode" => {
            let a = parse_addr(params.first().unwrap_or(&Value::Null), "address")?;
            Ok(data(&query::code(q, &a, block_arg(1)?).map_err(from_api)?))
        }
        "eth_getStorageAt" => {
            let a = parse_addr(params.first().unwrap_or(&Value::Null), "address")?;
            let s: [u8; 32] = parse_fixed(params.get(1).unwrap_or(&Value::Null), "slot")?;
            Ok(data(&query::slot(q, &a, &s, block_arg(2)?).map_err(from_api)?))
        }
        "eth_getBlockByNumber" => {
            let full = params.get(1).and_then(Value::as_bool).unwrap_or(false);
            block_json(q, block_arg(0)?, full)
        }
        "eth_getBlockByHash" => {
            let h: [u8; 32] = parse_fixed(params.first().unwrap_or(&Value::Null), "block hash")?;
            let full = params.get(1).and_then(Value::as_bool).unwrap_or(false);
            match height_of_hash(q, &h)? {
                Some(n) => block_json(q, n, full),
                None => Ok(Value::Null),
            }
        }
        "eth_getTransactionByHash" | "eth_getTransactionReceipt" => {
            let h: [u8; 32] = parse_fixed(params.first().unwrap_or(&Value::Null), "transaction hash")?;
            let Some(r) = query::tx(q, &h).map_err(from_api)? else { return Ok(Value::Null) };
            let meta = q.block_meta(r.height).map_err(from_api)?;
            Ok(if method == "eth_getTransactionByHash" {
                tx_json(&r, meta.as_ref())
            } else {
                receipt_json(&r, meta.as_ref())
            })
        }
        "eth_call" => eth_call(q, params),
        "eth_estimateGas" => estimate_gas(q, params),
        "eth_sendRawTransaction" => send_raw(q, params),
        "eth_getLogs" => get_logs(q, params),
        m => Err(RpcError(-32601, format!("method {m} is not supported (docs/evm.md lists those that are)"), None)),
    }
}

fn answer(q: &dyn ChainQuery, req: &Value) -> Value {
    let id = req.get("id").cloned().unwrap_or(Value::Null);
    let result = match (req.get("method").and_then(Value::as_str), req.get("params")) {
        (None, _) => Err(RpcError(-32600, "a request needs a method".into(), None)),
        (Some(m), None | Some(Value::Null)) => dispatch(q, m, &[]),
        (Some(m), Some(Value::Array(p))) => dispatch(q, m, p),
        (Some(_), Some(_)) => Err(RpcError(-32602, "params must be an array".into(), None)),
    };
    match result {
        Ok(v) => json!({"jsonrpc": "2.0", "id": id, "result": v}),
        Err(RpcError(code, message, data)) => {
            let mut e = json!({"code": code, "message": message});
            if let Some(d) = data {
                e["data"] = d;
            }
            json!({"jsonrpc": "2.0", "id": id, "error": e})
        }
    }
}

/// A JSON-RPC 2.0 request (its schema; requests are checked by `invalid_request`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RpcRequest {
    /// `2.0`.
    #[schema(pattern = "^2\\.0$")]
    pub jsonrpc: String,
    /// Echoed in the response (a number, a string or null).
    pub id: Option<Value>,
    /// Method, e.g. `eth_call`.
    pub method: String,
    /// Positional parameters.
    pub params: Option<Vec<Value>>,
}

/// One request, or a batch of 1-100 (schema: `oneOf` the two).
pub struct RpcBody;

/// One response, or those of a batch, in order (schema: `oneOf` the two).
pub struct RpcAnswer;

fn one_or_batch(item: &str, bounded: bool) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ArrayBuilder, OneOfBuilder, Ref};
    let mut batch = ArrayBuilder::new().items(Ref::from_schema_name(item));
    if bounded {
        batch = batch.min_items(Some(1)).max_items(Some(MAX_BATCH));
    }
    OneOfBuilder::new().item(Ref::from_schema_name(item)).item(batch).into()
}

impl utoipa::PartialSchema for RpcBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        one_or_batch("RpcRequest", true)
    }
}

impl utoipa::ToSchema for RpcBody {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        use utoipa::PartialSchema as _;
        schemas.push(("RpcRequest".into(), RpcRequest::schema()));
        <RpcRequest as utoipa::ToSchema>::schemas(schemas);
    }
}

impl utoipa::PartialSchema for RpcAnswer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        one_or_batch("RpcResponse", false)
    }
}

impl utoipa::ToSchema for RpcAnswer {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        use utoipa::PartialSchema as _;
        schemas.push(("RpcResponse".into(), RpcResponse::schema()));
        <RpcResponse as utoipa::ToSchema>::schemas(schemas);
    }
}

/// A JSON-RPC 2.0 error.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RpcErrorObject {
    /// Code: `3` execution reverted (revert data in `data`), `-32000` refused, `-32600` invalid
    /// request, `-32601` unknown method, `-32602` bad parameters, `-32700` not JSON.
    pub code: i64,
    /// Explanation.
    pub message: String,
    /// Revert data, when the call reverted.
    #[schema(value_type = Option<String>)]
    pub data: Option<Value>,
}

/// A JSON-RPC 2.0 response: `result` or `error`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RpcResponse {
    /// `2.0`.
    pub jsonrpc: String,
    /// The request's id.
    pub id: Option<Value>,
    /// The result.
    pub result: Option<Value>,
    /// The error.
    pub error: Option<RpcErrorObject>,
}

/// Why a request is not a JSON-RPC 2.0 request (answered `400`, -32600).
fn invalid_request(v: &Value) -> Option<String> {
    let Some(o) = v.as_object() else { return Some("a request must be an object".into()) };
    if o.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some("jsonrpc must be \"2.0\"".into());
    }
    if !o.get("method").is_some_and(Value::is_string) {
        return Some("a request needs a method (a string)".into());
    }
    if !matches!(o.get("params"), None | Some(Value::Null) | Some(Value::Array(_))) {
        return Some("params must be an array".into());
    }
    None
}

fn parse_error(status: u16, code: i64, message: String) -> Response {
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    (axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_REQUEST), Json(body))
        .into_response()
}

/// Ethereum JSON-RPC 2.0: one request object or a batch (an array of at most 100). Answers
/// `200` with JSON-RPC results and errors (revert data in `error.data`); a body that is not
/// JSON is `400` with a JSON-RPC parse error (-32700), one that is not a JSON-RPC 2.0 request
/// (or batch of them) `400` with -32600, one over 1 MiB `413`.
#[utoipa::path(post, path = "/rpc", tag = "evm",
    request_body(content = RpcBody, description = "A JSON-RPC 2.0 request, or a batch of 1-100", content_type = "application/json"),
    responses(
        (status = 200, description = "The JSON-RPC response (or the batch's, in order)", body = RpcAnswer),
        (status = 400, description = "Not JSON, or not a JSON-RPC 2.0 request or batch", body = RpcResponse),
        (status = 413, body = ErrorBody)))]
async fn rpc(State(h): State<Host>, req: Request) -> Result<Response, ApiError> {
    let (_, bytes) = read_body(req, MAX_BODY).await?;
    let body: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return Ok(parse_error(400, -32700, format!("parse error: {e}"))),
    };
    let value = match body {
        Value::Array(reqs) => {
            if reqs.is_empty() || reqs.len() > MAX_BATCH {
                return Ok(parse_error(400, -32600, format!("a batch holds 1-{MAX_BATCH} requests")));
            }
            if let Some((i, why)) = reqs.iter().enumerate().find_map(|(i, r)| invalid_request(r).map(|w| (i, w))) {
                return Ok(parse_error(400, -32600, format!("request {i} of the batch: {why}")));
            }
            blocking(&h, move |q| Ok(Value::Array(reqs.iter().map(|r| answer(q, r)).collect()))).await?
        }
        Value::Object(_) => {
            if let Some(why) = invalid_request(&body) {
                return Ok(parse_error(400, -32600, why));
            }
            blocking(&h, move |q| Ok(answer(q, &body))).await?
        }
        _ => return Ok(parse_error(400, -32600, "a request must be an object or an array".into())),
    };
    Ok(Json(value).into_response())
}
