//! Typed client calls of the tender routes, and the independent recomputation of an award
//! (feature `client`).

use govchain_proofs::TrustRoot;
use govchain_sdk::{Client, SdkError};
use serde::Serialize;

use super::award;
use super::keys;
use super::model::{Award, Bid, Tender};
use super::query::{TenderSummary, TenderView};

/// `GET /v1/tenders`.
pub async fn tenders(c: &Client) -> Result<Vec<TenderSummary>, SdkError> {
    c.get("/v1/tenders").await
}

/// `GET /v1/tenders/{id}[?proof=true]`.
pub async fn tender(c: &Client, id: &str, proof: bool) -> Result<TenderView, SdkError> {
    c.get(&format!("/v1/tenders/{id}?proof={proof}")).await
}

/// What `govchain tender verify` reports.
#[derive(Clone, Debug, Serialize)]
pub struct AwardReport {
    /// Tender.
    pub tender: String,
    /// Height of the proven block.
    pub height: u64,
    /// Its hash (hex).
    pub block_hash: String,
    /// Validator power that signed it, of the total.
    pub signed_power: u64,
    /// Total power.
    pub total_power: u64,
    /// The award recomputed here.
    pub recomputed: Award,
    /// The award the chain holds.
    pub chain: Award,
    /// Whether they are the same.
    pub matches: bool,
}

fn decode<T: borsh::BorshDeserialize>(what: &str, v: Option<Vec<u8>>) -> Result<T, String> {
    borsh::from_slice(&v.ok_or_else(|| format!("the proof does not contain {what}"))?).map_err(|e| e.to_string())
}

/// Recomputes a tender's award from chain data alone: the notice, every bid and the award,
/// proven by one bundle checked against the trusted genesis validators; the released parts
/// checked against the proven commitments. The node is not trusted for any of it.
pub async fn verify_award(c: &Client, trust: &TrustRoot, id: &str) -> Result<AwardReport, String> {
    let view = tender(c, id, true).await.map_err(|e| e.to_string())?;
    let (_, verified, entries) = crate::client::proven(view.proof.as_deref(), trust)?;
    let value = |k: Vec<u8>| entries.iter().find(|(key, _)| *key == k).and_then(|(_, v)| v.clone());
    let t: Tender = decode("the tender", value(keys::tender(id)))?;
    let chain: Award = match value(keys::award(id)) {
        Some(b) => borsh::from_slice(&b).map_err(|e| e.to_string())?,
        None => return Err(format!("tender {id} is not opened yet (status {:?})", t.status)),
    };
    let bids: Vec<Bid> =
        (0..t.bids).map(|n| decode(&format!("bid {n}"), value(keys::bid(id, n)))).collect::<Result<_, _>>()?;
    let recomputed = award::recompute(&t, &bids, chain.height)?;
    let matches = recomputed == chain;
    Ok(AwardReport {
        tender: id.into(),
        height: verified.height,
        block_hash: verified.block_hash.to_hex(),
        signed_power: verified.signed_power,
        total_power: verified.total_power,
        recomputed,
        chain,
        matches,
    })
}
