//! Record facts other modules read inside block execution (workflow conditions such as "no open
//! penalty record for this subject"), through these functions rather than this crate's keys.
//!
//! A record "carries" a tag while its latest version is active and lists the tag; a withdrawn
//! record carries none. The chain keeps, per (organisation, category, tag), how many records
//! carry it.

use std::collections::BTreeSet;

use govchain_execution::{TxContext, TxError};

use crate::keys;
use crate::model::{Record, RecordStatus};

fn carried(r: Option<&Record>) -> BTreeSet<&str> {
    match r {
        Some(r) if r.status == RecordStatus::Active => r.content.tags.iter().map(String::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

/// Updates the tag counts when `new` replaces `old` (None for a first version).
pub(crate) fn note_version(ctx: &mut TxContext<'_>, old: Option<&Record>, new: &Record) -> Result<(), TxError> {
    let (before, after) = (carried(old), carried(Some(new)));
    let (org, cat) = (&new.org, &new.content.category);
    let old_cat = old.map(|o| o.content.category.as_str()).unwrap_or(cat);
    for tag in before.iter().filter(|t| old_cat != cat || !after.contains(*t)) {
        let key = keys::tagged(org, old_cat, tag);
        let n: u32 = ctx.get_as(&key)?.unwrap_or(0);
        match n.saturating_sub(1) {
            0 => ctx.delete(key)?,
            left => ctx.put_as(key, &left)?,
        }
    }
    for tag in after.iter().filter(|t| old_cat != cat || !before.contains(*t)) {
        let key = keys::tagged(org, cat, tag);
        let n: u32 = ctx.get_as(&key)?.unwrap_or(0);
        ctx.put_as(key, &n.saturating_add(1))?;
    }
    Ok(())
}

/// How many active records of `org` in `category` carry `tag` (one read).
pub fn active_with_tag(ctx: &mut TxContext<'_>, org: &str, category: &str, tag: &str) -> Result<u32, TxError> {
    Ok(ctx.get_as(&keys::tagged(org, category, tag))?.unwrap_or(0))
}

/// The latest version of record `id`: its number, whether it is active (not withdrawn), and the
/// hash of its encoding (what an amendment's `previous` links to). None if there is no such
/// record. Two reads.
pub fn latest_version(
    ctx: &mut TxContext<'_>,
    id: &str,
) -> Result<Option<(u32, bool, govchain_types::Hash32)>, TxError> {
    let Some(v) = ctx.get_as::<u32>(&keys::head(id))? else { return Ok(None) };
    let Some(r) = ctx.get_as::<Record>(&keys::version(id, v))? else { return Ok(None) };
    let suite = ctx.env().suite;
    Ok(Some((v, r.status == RecordStatus::Active, r.hash(suite))))
}
