//! Certificate facts other modules read inside block execution (workflow conditions, contract
//! precompiles), through the typed functions here rather than by spelling this crate's keys.

use govchain_execution::{TxContext, TxError};
use govchain_types::Hash32;

use crate::keys;
use crate::model::{CertStatus, Certificate};

/// Most certificate ids kept per (type, holder); older ones drop out of the fact index (a holder
/// renewing a certificate yearly keeps 16 years of them).
pub const MAX_PER_HOLDER: usize = 16;

/// Records a newly issued certificate under its (type, holder).
pub(crate) fn note_issued(ctx: &mut TxContext<'_>, c: &Certificate) -> Result<(), TxError> {
    let key = keys::holder(&c.type_id, &c.holder);
    let mut ids: Vec<String> = ctx.get_as(&key)?.unwrap_or_default();
    ids.push(c.id.clone());
    if ids.len() > MAX_PER_HOLDER {
        ids.remove(0);
    }
    ctx.put_as(key, &ids)
}

/// Whether `holder` holds a certificate of `type_id` that is in force at the block's time:
/// active (not suspended or revoked) and within its validity window. Reads at most
/// [`MAX_PER_HOLDER`] + 1 keys.
pub fn holder_has_valid(ctx: &mut TxContext<'_>, type_id: &str, holder: &Hash32) -> Result<bool, TxError> {
    let ids: Vec<String> = ctx.get_as(&keys::holder(type_id, holder))?.unwrap_or_default();
    let now = ctx.time_ms();
    for id in ids.iter().rev() {
        if let Some(c) = ctx.get_as::<Certificate>(&keys::cert(id))?
            && c.status == CertStatus::Active
            && c.valid_from_ms <= now
            && now < c.valid_until_ms
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether certificate `id` exists, is of `type_id`, and is in force at the block's time.
pub fn is_valid(ctx: &mut TxContext<'_>, id: &str, type_id: &str) -> Result<bool, TxError> {
    let now = ctx.time_ms();
    Ok(ctx.get_as::<Certificate>(&keys::cert(id))?.is_some_and(|c| {
        c.type_id == type_id && c.status == CertStatus::Active && c.valid_from_ms <= now && now < c.valid_until_ms
    }))
}

/// Whether certificate `id` exists and is in force at the block's time (of any type), with its
/// type. None if there is no such certificate.
pub fn in_force(ctx: &mut TxContext<'_>, id: &str) -> Result<Option<(String, bool)>, TxError> {
    let now = ctx.time_ms();
    Ok(ctx.get_as::<Certificate>(&keys::cert(id))?.map(|c| {
        let ok = c.status == CertStatus::Active && c.valid_from_ms <= now && now < c.valid_until_ms;
        (c.type_id, ok)
    }))
}

/// Certificate `id`'s type, holder pseudonym, and whether it is in force at the block's time.
/// None if there is no such certificate.
pub fn holder_of(ctx: &mut TxContext<'_>, id: &str) -> Result<Option<(String, Hash32, bool)>, TxError> {
    let now = ctx.time_ms();
    Ok(ctx.get_as::<Certificate>(&keys::cert(id))?.map(|c| {
        let ok = c.status == CertStatus::Active && c.valid_from_ms <= now && now < c.valid_until_ms;
        (c.type_id, c.holder, ok)
    }))
}
