//! Typed client calls of the vote routes, and the independent recount (feature `client`).

use base64::Engine as _;
use govchain_proofs::{ProofBundle, TrustRoot, Verified, VerifiedClaim};
use govchain_sdk::{Client, SdkError};
use serde::Serialize;

use crate::keys;
use crate::model::{Ballot, BallotBox, Tally, Vote};
use crate::query::{BallotPage, VoteSummary, VoteView};
use crate::tally::{self, Recount};

/// `GET /v1/votes`.
pub async fn votes(c: &Client) -> Result<Vec<VoteSummary>, SdkError> {
    c.get("/v1/votes").await
}

/// `GET /v1/votes/{id}[?proof=true]`.
pub async fn vote(c: &Client, id: &str, proof: bool) -> Result<VoteView, SdkError> {
    c.get(&format!("/v1/votes/{id}?proof={proof}")).await
}

/// Every ballot of a vote, page by page.
pub async fn all_ballots(c: &Client, id: &str) -> Result<Vec<Ballot>, SdkError> {
    let mut out = Vec::new();
    let mut from = Some(0u64);
    while let Some(f) = from {
        let page: BallotPage = c.get(&format!("/v1/votes/{id}/ballots?from={f}")).await?;
        out.extend(page.ballots);
        from = page.next;
    }
    Ok(out)
}

/// What `govchain vote verify-tally` reports.
#[derive(Clone, Debug, Serialize)]
pub struct TallyReport {
    /// Vote.
    pub vote: String,
    /// Height of the proven block.
    pub height: u64,
    /// Its hash (hex).
    pub block_hash: String,
    /// Validator power that signed it, of the total.
    pub signed_power: u64,
    /// Total power.
    pub total_power: u64,
    /// The recount.
    pub recount: Recount,
    /// The count the chain holds.
    pub chain: Tally,
    /// Whether the recount equals the chain's count and the count is complete.
    pub matches: bool,
}

/// Proven state entries: a base64 proof bundle checked against `trust`.
pub(crate) type ProvenEntries = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// Decodes a base64 proof bundle of states, verifies it against the trusted genesis
/// validators, and returns it with what it proves.
pub(crate) fn proven(proof: Option<&str>, trust: &TrustRoot) -> Result<(ProofBundle, Verified, ProvenEntries), String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(proof.unwrap_or_default())
        .map_err(|e| format!("proof is not base64: {e}"))?;
    let bundle = ProofBundle::from_bytes(&bytes).map_err(|e| e.to_string())?;
    let verified = bundle.verify(trust).map_err(|e| format!("the proof does not verify: {e}"))?;
    let VerifiedClaim::States { entries } = &verified.claim else {
        return Err("the proof is not of states".into());
    };
    let entries = entries.clone();
    Ok((bundle, verified, entries))
}

/// Recounts a vote from chain data alone: the vote record and its count, proven by a bundle
/// checked against the trusted genesis validators; every ballot, checked against the proven
/// ballot chain; every released part, checked against the proven commitments. The node is not
/// trusted for any of it.
pub async fn verify_tally(c: &Client, trust: &TrustRoot, id: &str) -> Result<TallyReport, String> {
    let view = vote(c, id, true).await.map_err(|e| e.to_string())?;
    let (bundle, verified, entries) = proven(view.proof.as_deref(), trust)?;
    let value = |k: Vec<u8>| entries.iter().find(|(key, _)| *key == k).and_then(|(_, v)| v.clone());
    let vote: Vote = borsh::from_slice(&value(keys::vote(id)).ok_or("the proof does not contain the vote")?)
        .map_err(|e| e.to_string())?;
    let bx: BallotBox = match value(keys::ballot_box(id)) {
        Some(b) => borsh::from_slice(&b).map_err(|e| e.to_string())?,
        None => BallotBox::default(),
    };
    let chain: Tally = match value(keys::tally(id)) {
        Some(b) => borsh::from_slice(&b).map_err(|e| e.to_string())?,
        None => return Err(format!("vote {id} has no count yet (status {:?})", vote.status)),
    };
    let ballots = all_ballots(c, id).await.map_err(|e| e.to_string())?;
    let recount = tally::recount(bundle.suite, &vote, &bx, &ballots)?;
    let matches = chain.complete && recount.counts == chain.counts && recount.invalid.len() as u64 == chain.invalid;
    Ok(TallyReport {
        vote: id.into(),
        height: verified.height,
        block_hash: verified.block_hash.to_hex(),
        signed_power: verified.signed_power,
        total_power: verified.total_power,
        recount,
        chain,
        matches,
    })
}
