//! Typed queries of the identity state, over the node's read view.

use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt, at_height};
use govchain_execution::Executor;
use govchain_types::Address;

use crate::keys;
use crate::model::{Account, OrgKind, Organisation};
use crate::views::{AccountView, OrgView};

/// Most organisations listed.
pub const MAX_ORGS: usize = 1000;

fn validators_of(q: &dyn ChainQuery, org: &str) -> Vec<String> {
    q.validators().validators.iter().filter(|v| v.org.as_str() == org).map(|v| v.address.to_text()).collect()
}

/// Every organisation (active or not) after block `height`, in id order.
pub fn organisations_at(q: &dyn ChainQuery, height: u64) -> Result<Vec<Organisation>, ApiError> {
    let ids: Vec<String> = q.get_as(keys::ORG_IDS, height)?.unwrap_or_default();
    let mut out = Vec::new();
    for id in ids.iter().take(MAX_ORGS) {
        out.extend(q.get_as::<Organisation>(&keys::org(id), height)?);
    }
    Ok(out)
}

/// How many active government organisations there are after block `height` (the electorate of
/// governance).
pub fn active_government_orgs(q: &dyn ChainQuery, height: u64) -> Result<u64, ApiError> {
    Ok(organisations_at(q, height)?.iter().filter(|o| o.active && o.kind == OrgKind::Government).count() as u64)
}

/// `GET /v1/organisations`.
pub fn organisations(q: &dyn ChainQuery) -> Result<Vec<OrgView>, ApiError> {
    Ok(organisations_at(q, q.height())?.iter().map(|o| OrgView::new(o, validators_of(q, &o.id))).collect())
}

/// `GET /v1/organisations/{id}`.
pub fn organisation(q: &dyn ChainQuery, id: &str) -> Result<OrgView, ApiError> {
    let o: Organisation = q
        .get_as(&keys::org(id), q.height())?
        .ok_or_else(|| ApiError::not_found("organisation_not_found", format!("no organisation {id}")))?;
    Ok(OrgView::new(&o, validators_of(q, &o.id)))
}

/// The account a key (by its address) acts for: itself, unless the account rotated to it.
pub fn account_of_key(q: &dyn ChainQuery, key_address: &Address, height: u64) -> Result<Address, ApiError> {
    Ok(q.get_as::<Address>(&keys::key_owner(key_address), height)?.unwrap_or(*key_address))
}

/// An account as it was after block `height`.
pub fn account_at(q: &dyn ChainQuery, address: &Address, height: u64) -> Result<Option<Account>, ApiError> {
    q.get_as(&keys::account(address), height)
}

/// `GET /v1/accounts/{address}`: the account (found by its address or by its current key's),
/// with its next nonce in committed state and counting pending transactions.
pub fn account(q: &dyn ChainQuery, address: &Address) -> Result<AccountView, ApiError> {
    let height = q.height();
    let address = account_of_key(q, address, height)?;
    let a = account_at(q, &address, height)?
        .ok_or_else(|| ApiError::not_found("account_not_found", format!("no account {address}")))?;
    let next = Executor::account_nonce(&at_height(q, height), &address).map_err(|e| ApiError::internal(e.message))?;
    let pending = q.pending_nonce(&a.public_key.address(q.suite()), next);
    Ok(AccountView::new(&a, next, pending))
}

/// The off-chain form of [`crate::require_permission`]: the account `key` currently signs for,
/// if it is an active official of an active organisation holding a role that grants
/// `permission` at `height`. Data-sharing nodes check the officials who sign their requests
/// with it.
pub fn official_with(
    q: &dyn ChainQuery,
    key: &govchain_types::PublicKey,
    permission: &str,
    height: u64,
) -> Result<(Account, Organisation), ApiError> {
    let denied = |m: String| ApiError::new(403, "unauthorized", m);
    let key_address = key.address(q.suite());
    let address = account_of_key(q, &key_address, height)?;
    let acct = account_at(q, &address, height)?.ok_or_else(|| denied(format!("no account for key {key_address}")))?;
    if acct.public_key != *key || !acct.active || acct.kind != crate::AccountKind::Official {
        return Err(denied("the key is not an active official's current key".into()));
    }
    let org: Organisation = q
        .get_as(&keys::org(&acct.org), height)?
        .filter(|o: &Organisation| o.active)
        .ok_or_else(|| denied(format!("organisation {} is not active", acct.org)))?;
    let allowed = acct.roles.iter().any(|r| {
        org.roles
            .iter()
            .find(|role| &role.name == r)
            .is_some_and(|role| role.permissions.iter().any(|p| crate::validate::grants(p, permission)))
    });
    if !allowed {
        return Err(denied(format!("no role of the signer grants {permission}")));
    }
    Ok((acct, org))
}
