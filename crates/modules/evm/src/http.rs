//! The evm REST routes (feature `http`), each with its OpenAPI entry: parameters, a contract's
//! page (code hash, creator, transactions), one transaction with its receipt. Ethereum tools use
//! `/rpc` ([`crate::rpc`]).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use govchain_api_types::{ApiError, ErrorBody};
use govchain_component::ChainQueryExt as _;
use govchain_component::http::{Host, Routes, bad_query, blocking, routes};
use govchain_types::Address;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{EvmParams, TxRecord};
use crate::{keys, query};

/// `/v1/evm/…`.
pub fn routes() -> Routes {
    Routes::new().routes(routes!(params)).routes(routes!(contract)).routes(routes!(tx))
}

/// EVM parameters.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ParamsView {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// EVM version (`cancun`, `prague`).
    pub evm_version: String,
    /// Block gas limit.
    pub block_gas_limit: u64,
    /// Per-transaction gas limit.
    pub tx_gas_limit: u64,
}

/// A contract.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContractView {
    /// Address.
    pub address: String,
    /// keccak-256 of the code.
    pub code_hash: String,
    /// Code size in bytes.
    pub code_size: usize,
    /// Creator (`msg.sender` of the deployment).
    pub creator: Option<String>,
    /// Height of the deployment.
    pub created_height: Option<u64>,
    /// The contract's transactions, newest first (hashes).
    pub transactions: Vec<String>,
}

/// Paging.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// At most this many transactions (1-100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

fn parse_address(s: &str) -> Result<Address, ApiError> {
    if !s.starts_with("0x") {
        return Err(ApiError::bad_request("invalid_address", "an address is 0x and 40 hex characters"));
    }
    Address::from_text(s).map_err(|e| ApiError::bad_request("invalid_address", e.to_string()))
}

fn parse_hash(s: &str) -> Result<[u8; 32], ApiError> {
    let s = s
        .strip_prefix("0x")
        .ok_or_else(|| ApiError::bad_request("invalid_hash", "a transaction hash is 0x and 64 hex characters"))?;
    let b =
        hex::decode(s).map_err(|_| ApiError::bad_request("invalid_hash", "a transaction hash is 32 bytes of hex"))?;
    <[u8; 32]>::try_from(b.as_slice())
        .map_err(|_| ApiError::bad_request("invalid_hash", "a transaction hash is 32 bytes of hex"))
}

/// The EVM parameters in force.
#[utoipa::path(get, path = "/v1/evm/params", tag = "evm", responses((status = 200, body = ParamsView)))]
async fn params(State(h): State<Host>) -> Result<Json<ParamsView>, ApiError> {
    blocking(&h, |q| {
        let p: EvmParams = query::params(q, q.height())?;
        Ok(ParamsView {
            chain_id: p.chain_id,
            evm_version: p.version.name().into(),
            block_gas_limit: p.block_gas_limit,
            tx_gas_limit: p.tx_gas_limit,
        })
    })
    .await
    .map(Json)
}

/// A contract: code hash and size, creator, its transactions.
#[utoipa::path(get, path = "/v1/evm/contracts/{address}", tag = "evm",
    params(("address" = String, Path, description = "Contract address", pattern = "^0x[0-9a-fA-F]{40}$"), LimitQuery),
    responses((status = 200, body = ContractView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn contract(
    State(h): State<Host>,
    Path(address): Path<String>,
    q: Result<Query<LimitQuery>, QueryRejection>,
) -> Result<Json<ContractView>, ApiError> {
    let Query(l) = q.map_err(bad_query)?;
    let a = parse_address(&address)?;
    let limit = match l.limit {
        None => 20,
        Some(n @ 1..=100) => n,
        Some(_) => return Err(ApiError::bad_request("invalid_query", "limit is 1-100")),
    };
    blocking(&h, move |q| {
        let height = q.height();
        let rec = query::account(q, &a, height)?
            .filter(|r| r.code_hash != revm::primitives::KECCAK_EMPTY.0)
            .ok_or_else(|| ApiError::not_found("contract_not_found", format!("no contract at {a}")))?;
        let code = query::code(q, &a, height)?;
        let created = q
            .index_scan_desc(&keys::contract(&a), None, 1)?
            .into_iter()
            .find(|(k, _)| k == &keys::contract(&a))
            .and_then(|(_, v)| borsh::from_slice::<(Address, u64)>(&v).ok());
        let transactions = q
            .index_scan_desc(&keys::contract_txs_prefix(&a), None, limit)?
            .into_iter()
            .map(|(_, v)| format!("0x{}", hex::encode(v)))
            .collect();
        Ok(ContractView {
            address: a.to_text(),
            code_hash: format!("0x{}", hex::encode(rec.code_hash)),
            code_size: code.len(),
            creator: created.map(|(c, _)| c.to_text()),
            created_height: created.map(|(_, h)| h),
            transactions,
        })
    })
    .await
    .map(Json)
}

/// An EVM transaction with its receipt and logs (by its Ethereum hash), with a proof bundle of
/// the record when `?proof=true`.
#[utoipa::path(get, path = "/v1/evm/txs/{hash}", tag = "evm",
    params(("hash" = String, Path, description = "Ethereum transaction hash", pattern = "^0x[0-9a-fA-F]{64}$"), ProofQuery),
    responses((status = 200, body = TxView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn tx(
    State(h): State<Host>,
    Path(hash): Path<String>,
    q: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<TxView>, ApiError> {
    let Query(p) = q.map_err(bad_query)?;
    let hash = parse_hash(&hash)?;
    blocking(&h, move |q| {
        let rec: TxRecord = q
            .get_as(&keys::tx(&hash), q.height())?
            .ok_or_else(|| ApiError::not_found("tx_not_found", "no EVM transaction with this hash"))?;
        let proof = if p.proof.unwrap_or(false) {
            let proven = q.prove(&[keys::tx(&hash)], q.latest_block()?)?;
            Some(base64_bundle(&proven.bundle))
        } else {
            None
        };
        Ok(TxView { tx: serde_json::to_value(&rec).map_err(ApiError::internal)?, proof })
    })
    .await
    .map(Json)
}

fn base64_bundle(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// `?proof=`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProofQuery {
    /// Include a proof bundle (base64, for `govchain verify`) of the transaction record.
    pub proof: Option<bool>,
}

/// A transaction record.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TxView {
    /// The record: hash, height, from, to, contract, gas, status, output, logs, raw.
    #[schema(value_type = Object)]
    pub tx: serde_json::Value,
    /// Proof bundle (base64), when asked.
    pub proof: Option<String>,
}
