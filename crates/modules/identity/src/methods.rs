use govchain_execution::{Module, Phase, SignerGate, StateRead, TxContext, TxError, TxErrorKind, decode_args};
use govchain_types::{Address, Event, IndexOp, Method, validate as rules};

use crate::eth::{BindEthKey, UnbindEthKey};
use crate::keys;
use crate::model::*;
use crate::validate::{self, MAX_ACCOUNT_ROLES};

/// Checks that a key is well formed and of the chain's algorithm (an Ed25519 chain accepts only
/// Ed25519 keys, an SM2 chain only SM2 keys).
pub fn check_key(ctx: &TxContext<'_>, key: &govchain_types::PublicKey) -> Result<(), TxError> {
    key.validate().map_err(|e| TxError::invalid_args(e.to_string()))?;
    let alg = ctx.env().suite.default_algorithm();
    if key.algorithm() != alg {
        return Err(TxError::new(TxErrorKind::WrongAlgorithm, format!("this chain accepts only {alg:?} keys")));
    }
    Ok(())
}

/// The ids of every organisation, active or not, sorted.
pub fn org_ids(ctx: &mut TxContext<'_>) -> Result<Vec<String>, TxError> {
    Ok(ctx.get_as::<Vec<String>>(keys::ORG_IDS)?.unwrap_or_default())
}

/// The signer's organisation, if the signer is one of its admins and it is active.
pub fn admin_org(ctx: &mut TxContext<'_>) -> Result<Organisation, TxError> {
    let signer = ctx.signer;
    let acct = load_account(ctx, &signer)?;
    let org = load_org(ctx, &acct.org)?;
    if !acct.active || !org.admins.contains(&signer) {
        return Err(TxError::unauthorized("signer is not an active admin of an active organisation"));
    }
    Ok(org)
}

/// Loads an active organisation.
pub fn load_org(ctx: &mut TxContext<'_>, id: &str) -> Result<Organisation, TxError> {
    ctx.get_as::<Organisation>(&keys::org(id))?
        .filter(|o| o.active)
        .ok_or_else(|| TxError::not_found(format!("no active organisation {id}")))
}

/// The account at `addr`, if registered (for other modules' authorisation rules).
pub fn account(ctx: &mut TxContext<'_>, addr: &Address) -> Result<Option<Account>, TxError> {
    ctx.get_as::<Account>(&keys::account(addr))
}

fn load_account(ctx: &mut TxContext<'_>, addr: &Address) -> Result<Account, TxError> {
    ctx.get_as::<Account>(&keys::account(addr))?.ok_or_else(|| TxError::not_found(format!("no account {addr}")))
}

fn require_admin(ctx: &mut TxContext<'_>, org_id: &str) -> Result<Organisation, TxError> {
    let org = load_org(ctx, org_id)?;
    if !org.admins.contains(&ctx.signer) {
        return Err(TxError::unauthorized(format!("signer is not an admin of {org_id}")));
    }
    Ok(org)
}

/// Checks that the signer is an active official of an active organisation holding a role that
/// grants `permission`. Returns the signer's account and organisation.
pub fn require_permission(ctx: &mut TxContext<'_>, permission: &str) -> Result<(Account, Organisation), TxError> {
    let signer = ctx.signer;
    let acct = load_account(ctx, &signer)?;
    if !acct.active {
        return Err(TxError::unauthorized("account is suspended"));
    }
    if acct.kind != AccountKind::Official {
        return Err(TxError::unauthorized(format!(
            "only officials may {permission}; signer is a {:?} account",
            acct.kind
        )));
    }
    let org = load_org(ctx, &acct.org)?;
    if !roles_grant(&acct, &org, permission) {
        return Err(TxError::unauthorized(format!("no role of the signer grants {permission}")));
    }
    Ok((acct, org))
}

fn roles_grant(acct: &Account, org: &Organisation, permission: &str) -> bool {
    acct.roles.iter().any(|r| {
        org.roles
            .iter()
            .find(|role| &role.name == r)
            .is_some_and(|role| role.permissions.iter().any(|p| validate::grants(p, permission)))
    })
}

/// Whether `acct` is an active official of an active organisation holding a role that grants
/// `permission` (for accounts acting through another key, such as a bound Ethereum key).
pub fn has_permission(ctx: &mut TxContext<'_>, acct: &Account, permission: &str) -> Result<bool, TxError> {
    if !acct.active || acct.kind != AccountKind::Official {
        return Ok(false);
    }
    let Some(org) = ctx.get_as::<Organisation>(&keys::org(&acct.org))?.filter(|o| o.active) else {
        return Ok(false);
    };
    Ok(roles_grant(acct, &org, permission))
}

/// The identity module.
#[derive(Default)]
pub struct IdentityModule;

impl IdentityModule {
    fn register(&self, ctx: &mut TxContext<'_>, a: RegisterAccount, write: bool) -> Result<(), TxError> {
        let org = require_admin(ctx, &a.org)?;
        check_key(ctx, &a.public_key)?;
        if a.roles.len() > MAX_ACCOUNT_ROLES {
            return Err(TxError::invalid_args("too many roles"));
        }
        if a.kind != AccountKind::Official && !a.roles.is_empty() {
            return Err(TxError::invalid_args("only officials hold roles"));
        }
        for r in &a.roles {
            if !org.roles.iter().any(|x| &x.name == r) {
                return Err(TxError::invalid_args(format!("organisation {} has no role {r}", org.id)));
            }
        }
        let address = a.public_key.address(ctx.env().suite);
        if !write {
            return Ok(());
        }
        if ctx.get(&keys::account(&address))?.is_some() {
            return Err(TxError::already_exists(format!("account {address} is already registered")));
        }
        let acct = Account {
            address,
            public_key: a.public_key,
            kind: a.kind,
            org: a.org.clone(),
            roles: a.roles,
            active: true,
            registered_at: ctx.height(),
        };
        ctx.put_as(keys::account(&address), &acct)?;
        ctx.index(IndexOp::Put(keys::member_index(&a.org, &address), vec![]));
        ctx.emit(Event::new(MODULE, "account_registered", &[("address", address.to_text()), ("org", a.org)]))
    }

    fn change_role(&self, ctx: &mut TxContext<'_>, c: GrantRole, grant: bool, write: bool) -> Result<(), TxError> {
        rules::slug("role", &c.role)?;
        let mut acct = load_account(ctx, &c.account)?;
        let org = require_admin(ctx, &acct.org.clone())?;
        if !write {
            return Ok(());
        }
        if grant {
            if acct.kind != AccountKind::Official {
                return Err(TxError::invalid_args("only officials hold roles"));
            }
            if !org.roles.iter().any(|r| r.name == c.role) {
                return Err(TxError::not_found(format!("organisation {} has no role {}", org.id, c.role)));
            }
            if !acct.roles.contains(&c.role) {
                if acct.roles.len() >= MAX_ACCOUNT_ROLES {
                    return Err(TxError::invalid_args("too many roles"));
                }
                acct.roles.push(c.role.clone());
                acct.roles.sort();
            }
        } else {
            acct.roles.retain(|r| r != &c.role);
        }
        ctx.put_as(keys::account(&c.account), &acct)?;
        let kind = if grant { "role_granted" } else { "role_revoked" };
        ctx.emit(Event::new(MODULE, kind, &[("address", c.account.to_text()), ("role", c.role)]))
    }

    fn define_role(&self, ctx: &mut TxContext<'_>, d: DefineRole, write: bool) -> Result<(), TxError> {
        validate::role(&d.role)?;
        let mut org = require_admin(ctx, &d.org)?;
        if !write {
            return Ok(());
        }
        org.roles.retain(|r| r.name != d.role.name);
        if org.roles.len() >= validate::MAX_ROLES {
            return Err(TxError::invalid_args("too many roles"));
        }
        let name = d.role.name.clone();
        org.roles.push(d.role);
        org.roles.sort_by(|a, b| a.name.cmp(&b.name));
        ctx.put_as(keys::org(&d.org), &org)?;
        ctx.emit(Event::new(MODULE, "role_defined", &[("org", d.org), ("role", name)]))
    }

    fn set_active(&self, ctx: &mut TxContext<'_>, s: SetAccountActive, write: bool) -> Result<(), TxError> {
        let mut acct = load_account(ctx, &s.account)?;
        require_admin(ctx, &acct.org.clone())?;
        if !write {
            return Ok(());
        }
        acct.active = s.active;
        ctx.put_as(keys::account(&s.account), &acct)?;
        let kind = if s.active { "account_activated" } else { "account_suspended" };
        ctx.emit(Event::new(MODULE, kind, &[("address", s.account.to_text())]))
    }

    fn rotate_key(&self, ctx: &mut TxContext<'_>, r: RotateKey, write: bool) -> Result<(), TxError> {
        check_key(ctx, &r.new_key)?;
        let account = ctx.signer;
        let mut acct = load_account(ctx, &account)?;
        if acct.public_key == r.new_key {
            return Err(TxError::invalid_args("that is already the account's key"));
        }
        let new_address = r.new_key.address(ctx.env().suite);
        if new_address != account
            && (ctx.get(&keys::account(&new_address))?.is_some() || ctx.get(&keys::key_owner(&new_address))?.is_some())
        {
            return Err(TxError::already_exists("the new key belongs to another account"));
        }
        if !write {
            return Ok(());
        }
        let old_address = acct.public_key.address(ctx.env().suite);
        if old_address != account {
            ctx.delete(keys::key_owner(&old_address))?;
        }
        if new_address != account {
            ctx.put_as(keys::key_owner(&new_address), &account)?;
        }
        acct.public_key = r.new_key;
        ctx.put_as(keys::account(&account), &acct)?;
        ctx.emit(Event::new(
            MODULE,
            "key_rotated",
            &[("address", account.to_text()), ("key", acct.public_key.to_text())],
        ))
    }

    fn dispatch(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], write: bool) -> Result<(), TxError> {
        match method {
            RotateKey::METHOD => self.rotate_key(ctx, decode_args(args)?, write),
            RegisterAccount::METHOD => self.register(ctx, decode_args(args)?, write),
            GrantRole::METHOD => self.change_role(ctx, decode_args(args)?, true, write),
            RevokeRole::METHOD => {
                let r: RevokeRole = decode_args(args)?;
                self.change_role(ctx, GrantRole { account: r.account, role: r.role }, false, write)
            }
            DefineRole::METHOD => self.define_role(ctx, decode_args(args)?, write),
            SetAccountActive::METHOD => self.set_active(ctx, decode_args(args)?, write),
            BindEthKey::METHOD => crate::eth::bind(ctx, decode_args(args)?, write),
            UnbindEthKey::METHOD => crate::eth::unbind(ctx, decode_args(args)?, write),
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("identity has no method {m}"))),
        }
    }
}

impl Module for IdentityModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        self.dispatch(ctx, method, args, phase == Phase::Execute)
    }
}

/// Admits a signer only if it is a registered, active account whose current key signed.
#[derive(Default)]
pub struct IdentityGate;

impl SignerGate for IdentityGate {
    fn check_signer(&self, ctx: &mut TxContext<'_>) -> Result<Address, TxError> {
        if matches!(ctx.signer_key, govchain_types::PublicKey::Secp256k1(_)) {
            return crate::eth::check_signer(ctx);
        }
        let key_address = ctx.signer;
        let account = match ctx.get_as::<Address>(&keys::key_owner(&key_address))? {
            Some(a) => a,
            None => key_address,
        };
        let acct = ctx.get_as::<Account>(&keys::account(&account))?.ok_or_else(|| {
            TxError::new(TxErrorKind::UnknownSigner, format!("{key_address} is not a registered account"))
        })?;
        if &acct.public_key != ctx.signer_key {
            return Err(TxError::new(TxErrorKind::UnknownSigner, "signer key is not the account's current key"));
        }
        if !acct.active {
            return Err(TxError::new(TxErrorKind::AccountSuspended, format!("{account} is suspended")));
        }
        Ok(account)
    }

    fn resolve(&self, base: &dyn StateRead, key_address: &Address) -> Result<Address, TxError> {
        match base.get(&keys::key_owner(key_address))? {
            Some(b) => borsh::from_slice(&b).map_err(TxError::storage),
            None => Ok(*key_address),
        }
    }
}

/// Every organisation, active or not, in id order.
pub fn organisations(ctx: &mut TxContext<'_>) -> Result<Vec<Organisation>, TxError> {
    let mut out = Vec::new();
    for id in org_ids(ctx)? {
        if let Some(o) = ctx.get_as::<Organisation>(&keys::org(&id))? {
            out.push(o);
        }
    }
    Ok(out)
}

/// Whether an organisation with this id exists (active or not).
pub fn organisation_exists(ctx: &mut TxContext<'_>, id: &str) -> Result<bool, TxError> {
    Ok(ctx.get(&keys::org(id))?.is_some())
}

/// Whether an account with this address exists.
pub fn account_exists(ctx: &mut TxContext<'_>, address: &Address) -> Result<bool, TxError> {
    Ok(ctx.get(&keys::account(address))?.is_some())
}

/// Adds an organisation and registers its admins' keys as its officials (governance executes
/// this once the departments approve).
pub fn add_organisation(
    ctx: &mut TxContext<'_>,
    organisation: &Organisation,
    admin_keys: &[govchain_types::PublicKey],
) -> Result<(), TxError> {
    let suite = ctx.env().suite;
    let height = ctx.height();
    ctx.put_as(keys::org(&organisation.id), organisation)?;
    let mut ids = org_ids(ctx)?;
    ids.push(organisation.id.clone());
    ids.sort();
    ctx.put_as(keys::ORG_IDS.to_vec(), &ids)?;
    ctx.index(IndexOp::Put(keys::org_index(&organisation.id), vec![]));
    for k in admin_keys {
        let address = k.address(suite);
        let acct = Account {
            address,
            public_key: k.clone(),
            kind: AccountKind::Official,
            org: organisation.id.clone(),
            roles: vec![],
            active: true,
            registered_at: height,
        };
        ctx.put_as(keys::account(&address), &acct)?;
        ctx.index(IndexOp::Put(keys::member_index(&organisation.id, &address), vec![]));
    }
    Ok(())
}

/// Deactivates an organisation (nothing is deleted).
pub fn deactivate_organisation(ctx: &mut TxContext<'_>, id: &str) -> Result<(), TxError> {
    let mut org = load_org(ctx, id)?;
    org.active = false;
    ctx.put_as(keys::org(id), &org)
}
