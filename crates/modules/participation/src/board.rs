//! The trustee board votes and tenders share: k of n officials of distinct organisations each
//! deal a part of a joint sealing key before the opening, and release their part after the
//! close; with k released parts anyone can open what was sealed.

use govchain_execution::{TxContext, TxError};
use govchain_identity::load_org;
use govchain_types::Address;

use crate::model::MAX_SEALED_SHARE;
use crate::model::{Sealing, StoredDealing};
use crate::sealing::{self, OpeningKey};

fn sealing_err(e: sealing::SealingError) -> TxError {
    TxError::rule("bad_sealing", e.to_string())
}

/// A new board: every trustee an active account, of distinct organisations, none of
/// `excluded_org` (with why it is excluded).
pub(crate) fn new_sealing(
    ctx: &mut TxContext<'_>,
    k: u8,
    trustees: Vec<Address>,
    excluded: Option<(&str, &str)>,
) -> Result<Sealing, TxError> {
    sealing::check_threshold(k as usize, trustees.len()).map_err(|e| TxError::invalid_args(e.to_string()))?;
    let mut trustee_orgs = Vec::new();
    let mut trustee_keys = Vec::new();
    for t in &trustees {
        let acct = govchain_identity::account(ctx, t)?
            .filter(|x| x.active)
            .ok_or_else(|| TxError::not_found(format!("no active trustee account {t}")))?;
        load_org(ctx, &acct.org)?;
        if trustee_orgs.contains(&acct.org) {
            return Err(TxError::invalid_args(format!(
                "two trustees of {}: trustees are of distinct organisations",
                acct.org
            )));
        }
        if let Some((org, why)) = excluded
            && acct.org == org
        {
            return Err(TxError::invalid_args(format!("trustee {t} is of {org}: {why}")));
        }
        trustee_orgs.push(acct.org);
        trustee_keys.push(acct.public_key);
    }
    let n = trustees.len();
    Ok(Sealing {
        k,
        trustees,
        trustee_orgs,
        trustee_keys,
        dealings: vec![None; n],
        public_key: vec![],
        parts: vec![None; n],
    })
}

/// The signer's trustee number on the board of `what`.
pub(crate) fn trustee_index(s: &Sealing, ctx: &TxContext<'_>, what: &str) -> Result<usize, TxError> {
    s.trustees
        .iter()
        .position(|t| *t == ctx.signer)
        .ok_or_else(|| TxError::unauthorized(format!("{} is not a trustee of {what}", ctx.signer)))
}

/// Checks trustee `t`'s dealing and adds it; once every trustee has dealt, fixes the public key
/// and returns true.
pub(crate) fn add_dealing(s: &mut Sealing, t: usize, dealing: StoredDealing) -> Result<bool, TxError> {
    if s.dealings[t].is_some() {
        return Err(TxError::already_exists("this trustee has dealt"));
    }
    if dealing.shares.iter().any(|x| x.len() > MAX_SEALED_SHARE) {
        return Err(TxError::invalid_args(format!("a sealed share is at most {MAX_SEALED_SHARE} bytes")));
    }
    sealing::check_dealing(&dealing.to_dealing(), s.k as usize, s.trustees.len()).map_err(sealing_err)?;
    s.dealings[t] = Some(dealing);
    if let Some(all) = s.all_dealings() {
        s.public_key = sealing::public_key(&all.iter().collect::<Vec<_>>()).map_err(sealing_err)?;
        return Ok(true);
    }
    Ok(false)
}

/// Checks trustee `t`'s released part against the commitments and adds it; returns how many
/// parts are in.
pub(crate) fn add_part(s: &mut Sealing, t: usize, part: [u8; 32]) -> Result<usize, TxError> {
    if s.parts[t].is_some() {
        return Err(TxError::already_exists("this trustee has released its part"));
    }
    let dealings = s.all_dealings().ok_or_else(|| TxError::rule("not_keyed", "the key was never made"))?;
    sealing::verify_part(&dealings.iter().collect::<Vec<_>>(), t, &part)
        .map_err(|e| TxError::rule("bad_part", e.to_string()))?;
    s.parts[t] = Some(part);
    Ok(s.released().len())
}

/// The opening key from the released parts, each checked against the commitments, and the key
/// checked against the board's public key.
pub fn opening_key(s: &Sealing) -> Result<OpeningKey, String> {
    let dealings = s.all_dealings().ok_or("not every trustee has dealt")?;
    let refs: Vec<&sealing::Dealing> = dealings.iter().collect();
    let parts = s.released();
    for (t, p) in &parts {
        sealing::verify_part(&refs, *t, p).map_err(|e| e.to_string())?;
    }
    let key = sealing::combine(&parts, s.k as usize).map_err(|e| e.to_string())?;
    if key.public_key() != s.public_key {
        return Err("the parts do not give the sealing key".into());
    }
    Ok(key)
}
