//! "Who used my data": a subject lists every receipt about them with a completeness proof.
//!
//! For each organisation holding citizen data and each version of its exchange key, the subject
//! derives their tags `t0, t1, …` ([`SubjectKey`]) and asks any node for them in batches, all at
//! one height `H`. Every answer's proof bundles are verified against the genesis (the trust root)
//! and are the only thing believed: the receipts are read from the proven values, not from the
//! answer's JSON, and a difference between the two is reported as a lie. The walk at an owner
//! ends at the first tag proven **absent**: there are exactly `N` receipts about the subject at
//! that owner up to `H`. A node cannot leave one out: it would have to prove a present key
//! absent.

use std::collections::BTreeMap;

use base64::Engine as _;
use govchain_crypto::SecretKey;
use govchain_proofs::{ProofBundle, TrustRoot, VerifiedClaim};
use govchain_types::{Hash32, PublicKey};

use crate::keys;
use crate::model::Receipt;
use crate::subject::{ReceiptDetails, SubjectKey};
use crate::views::{LookupRequest, LookupResponse, TagHex};

/// Tags asked per request.
pub const BATCH: usize = 64;
/// Longest walk at one owner (a subject with more receipts than this is told so).
pub const MAX_WALK: u64 = 1_000_000;

/// One receipt about the subject.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Found {
    /// Owner.
    pub owner: String,
    /// Key version.
    pub key_version: u32,
    /// Position in the subject's sequence.
    pub n: u64,
    /// The receipt (from the proven state).
    pub receipt: Receipt,
    /// Its details, opened with the subject's key.
    pub details: Option<ReceiptDetails>,
}

/// The proven count at one owner and key version.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Count {
    /// Owner.
    pub owner: String,
    /// Key version.
    pub key_version: u32,
    /// Exactly this many receipts, up to the report's height.
    pub receipts: u64,
}

/// The result of a walk.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    /// The height every proof is of.
    pub height: u64,
    /// Block time of that height (ms).
    pub time_ms: u64,
    /// Every receipt found, by owner and position.
    pub found: Vec<Found>,
    /// The proven counts.
    pub counts: Vec<Count>,
    /// Proof bundles verified.
    pub bundles_verified: usize,
}

/// Why a walk cannot be believed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WhoError {
    /// A bundle does not verify, or is of another height or other keys.
    #[error("proof rejected: {0}")]
    Proof(String),
    /// The answer's JSON says something its proofs do not.
    #[error("the node's answer disagrees with its own proofs: {0}")]
    Lied(String),
    /// A receipt under the subject's tag does not open with the subject's key at its position.
    #[error("receipt {0} is not the subject's")]
    Foreign(String),
    /// The node could not be asked.
    #[error("lookup failed: {0}")]
    Lookup(String),
}

/// The owners to walk: `(organisation, key version, exchange key)`.
pub type Owners = Vec<(String, u32, PublicKey)>;

/// Checks one lookup answer for `tags` at `height`: every bundle verifies against `trust`, is
/// of `height`, and together they prove exactly the asked keys. Returns each tag's proven
/// receipt (None: proven absent) and the block time.
pub fn check_answer(
    trust: &TrustRoot,
    tags: &[Hash32],
    height: u64,
    answer: &LookupResponse,
) -> Result<(Vec<Option<Receipt>>, u64), WhoError> {
    let mut proven: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
    let mut time_ms = 0;
    for b in &answer.proofs {
        let bytes = base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| WhoError::Proof(e.to_string()))?;
        let v = ProofBundle::from_bytes(&bytes)
            .and_then(|p| p.verify(trust))
            .map_err(|e| WhoError::Proof(e.to_string()))?;
        if v.height != height {
            return Err(WhoError::Proof(format!("a bundle is of height {}, not {height}", v.height)));
        }
        time_ms = v.time_ms;
        match v.claim {
            VerifiedClaim::States { entries } => proven.extend(entries),
            VerifiedClaim::StatePresent { key, value } => {
                proven.insert(key, Some(value));
            }
            VerifiedClaim::StateAbsent { key } => {
                proven.insert(key, None);
            }
            VerifiedClaim::Transaction { .. } => return Err(WhoError::Proof("a transaction bundle".into())),
        }
    }
    if answer.receipts.len() != tags.len() {
        return Err(WhoError::Lied(format!("{} answers for {} tags", answer.receipts.len(), tags.len())));
    }
    let mut out = Vec::with_capacity(tags.len());
    for (tag, said) in tags.iter().zip(&answer.receipts) {
        let key = keys::receipt(tag);
        let value = proven.get(&key).ok_or_else(|| WhoError::Proof(format!("tag {} is not proven", tag.to_hex())))?;
        let r: Option<Receipt> = value
            .as_ref()
            .map(|b| borsh::from_slice(b))
            .transpose()
            .map_err(|e| WhoError::Proof(format!("undecodable receipt: {e}")))?;
        if r.is_some() != said.is_some() || said.as_ref().is_some_and(|s| s.tag != tag.to_hex()) {
            return Err(WhoError::Lied(format!("tag {}", tag.to_hex())));
        }
        out.push(r);
    }
    Ok((out, time_ms))
}

/// Walks every owner's sequence for the subject at `height`, asking `lookup`.
pub async fn walk<F, Fut>(
    trust: &TrustRoot,
    subject: &SecretKey,
    owners: &Owners,
    height: u64,
    lookup: F,
) -> Result<Report, WhoError>
where
    F: FnMut(LookupRequest) -> Fut,
    Fut: std::future::Future<Output = Result<LookupResponse, String>>,
{
    let mut keys = Vec::new();
    for (owner, version, exchange_key) in owners {
        let key = SubjectKey::subject_side(trust.suite, subject, exchange_key, owner, *version)
            .map_err(|e| WhoError::Proof(format!("key agreement with {owner}: {e}")))?;
        keys.push((owner.clone(), *version, key));
    }
    walk_keys(trust, &keys, height, lookup).await
}

/// [`walk`] with the sequence keys given (an auditor's, from the owner).
pub async fn walk_keys<F, Fut>(
    trust: &TrustRoot,
    keys: &[(String, u32, SubjectKey)],
    height: u64,
    mut lookup: F,
) -> Result<Report, WhoError>
where
    F: FnMut(LookupRequest) -> Fut,
    Fut: std::future::Future<Output = Result<LookupResponse, String>>,
{
    let mut report = Report { height, time_ms: 0, found: Vec::new(), counts: Vec::new(), bundles_verified: 0 };
    for (owner, version, key) in keys {
        let (owner, version) = (owner, version);
        let mut n: u64 = 0;
        'walk: loop {
            if n >= MAX_WALK {
                return Err(WhoError::Lookup(format!("more than {MAX_WALK} receipts at {owner}")));
            }
            let tags: Vec<Hash32> = (n..n + BATCH as u64).map(|i| key.tag(i)).collect();
            let req = LookupRequest { tags: tags.iter().map(|t| TagHex(t.to_hex())).collect(), height: Some(height) };
            let answer = lookup(req).await.map_err(WhoError::Lookup)?;
            let (receipts, time_ms) = check_answer(trust, &tags, height, &answer)?;
            report.bundles_verified += answer.proofs.len();
            report.time_ms = time_ms;
            for (i, r) in receipts.into_iter().enumerate() {
                let pos = n + i as u64;
                let Some(r) = r else {
                    report.counts.push(Count { owner: owner.clone(), key_version: *version, receipts: pos });
                    break 'walk;
                };
                let details = key.open_details(pos, &r.details);
                if r.owner != *owner || details.as_ref().is_some_and(|d| d.n != pos) {
                    return Err(WhoError::Foreign(r.tag.to_hex()));
                }
                report.found.push(Found { owner: owner.clone(), key_version: *version, n: pos, receipt: r, details });
            }
            n += BATCH as u64;
        }
    }
    Ok(report)
}
