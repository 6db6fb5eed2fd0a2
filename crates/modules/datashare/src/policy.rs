//! Automatic decisions: the owner's declarative policies, matched in the block that carries a
//! request. (Once the workflow expression language lands, a policy may also carry a condition.)

use govchain_execution::{TxContext, TxError};

use crate::keys;
use crate::model::{Policy, Request, Scope};

/// Whether `p` grants `r` as asked: the requester, the purpose, every field, the duration and
/// the subject scope are within the policy.
pub fn matches(p: &Policy, r: &Request) -> bool {
    p.active
        && p.dataset == r.dataset
        && p.requester.as_ref().is_none_or(|o| *o == r.requester)
        && p.purposes.contains(&r.purpose_code)
        && r.fields.iter().all(|f| p.fields.contains(f))
        && r.duration_days <= p.max_days
        && (p.allow_all_subjects || matches!(r.scope, Scope::Subjects { .. }))
}

/// The first of the data set's policies (in id order) that grants `r`, if any. Bounded: a data
/// set has at most [`crate::MAX_POLICIES`] policies.
pub fn first_match(ctx: &mut TxContext<'_>, r: &Request) -> Result<Option<Policy>, TxError> {
    let ids: Vec<String> = ctx.get_as(&keys::policies(&r.dataset))?.unwrap_or_default();
    for id in ids {
        if let Some(p) = ctx.get_as::<Policy>(&keys::policy(&r.dataset, &id))?
            && matches(&p, r)
        {
            return Ok(Some(p));
        }
    }
    Ok(None)
}
