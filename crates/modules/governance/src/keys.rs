//! Every state and index key of the governance module. No other crate spells these prefixes.
//! (Validator-set changes are written to the executor's `sys/` keys, which
//! `govchain_execution::keys` owns.)
//!
//! State: `governance/config` → [`GovConfig`](crate::GovConfig); `governance/next_id` → `u64`;
//! `governance/proposal/<id BE>` → [`Proposal`](crate::Proposal).
//! Query index: `governance/proposals/<id BE>`.

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "governance";

/// `governance/config` → [`GovConfig`](crate::GovConfig).
pub const CONFIG: &[u8] = b"governance/config";
/// `governance/next_id` → u64.
pub const NEXT_ID: &[u8] = b"governance/next_id";
const PROPOSAL: &[u8] = b"governance/proposal/";
/// Prefix of the proposals index.
pub const PROPOSALS_INDEX: &[u8] = b"governance/proposals/";

/// `governance/proposal/<id BE>`.
pub fn proposal(id: u64) -> Vec<u8> {
    let mut k = PROPOSAL.to_vec();
    k.extend(id.to_be_bytes());
    k
}

/// Index entry listing a proposal: `governance/proposals/<id BE>`.
pub fn proposal_index(id: u64) -> Vec<u8> {
    let mut k = PROPOSALS_INDEX.to_vec();
    k.extend(id.to_be_bytes());
    k
}

/// The proposal id of an index entry.
pub fn parse_proposal_index(key: &[u8]) -> Option<u64> {
    key.strip_prefix(PROPOSALS_INDEX).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_be_bytes)
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    if let Some(id) = key.strip_prefix(PROPOSAL).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
        return Some(format!("governance/proposal/{}", u64::from_be_bytes(id)));
    }
    [CONFIG, NEXT_ID].contains(&key).then(|| String::from_utf8_lossy(key).to_string())
}
