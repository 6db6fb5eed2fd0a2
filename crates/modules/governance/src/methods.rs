use govchain_execution::system::PendingValidators;
use govchain_execution::{ChainParams, Module, Phase, TxContext, TxError, TxErrorKind, decode_args, keys};
use govchain_identity::{
    OrgKind, Organisation, account_exists, add_organisation, admin_org, check_key, deactivate_organisation, load_org,
    organisation_exists, organisations, validate_organisation,
};
use govchain_types::bounded::BoundedString;
use govchain_types::{Event, IndexOp, Method, Validator, ValidatorSet, validate};

use crate::keys as gov_keys;
use crate::model::*;

/// The governance module.
#[derive(Default)]
pub struct GovernanceModule;

fn config(ctx: &mut TxContext<'_>) -> Result<GovConfig, TxError> {
    Ok(ctx.get_as::<GovConfig>(gov_keys::CONFIG)?.unwrap_or_default())
}

/// The signer's organisation, which must be an active government organisation it administers.
fn government_admin(ctx: &mut TxContext<'_>) -> Result<Organisation, TxError> {
    let org = admin_org(ctx)?;
    if org.kind != OrgKind::Government {
        return Err(TxError::unauthorized("only government organisations take part in governance"));
    }
    Ok(org)
}

fn active_government_orgs(ctx: &mut TxContext<'_>) -> Result<u64, TxError> {
    Ok(organisations(ctx)?.iter().filter(|o| o.active && o.kind == OrgKind::Government).count() as u64)
}

/// The validator set governance changes build on: the scheduled one if any, else the current.
fn latest_set(ctx: &mut TxContext<'_>) -> Result<ValidatorSet, TxError> {
    if let Some(p) = ctx.get_as::<PendingValidators>(keys::VALIDATORS_PENDING)? {
        return Ok(p.set);
    }
    ctx.get_as::<ValidatorSet>(keys::VALIDATORS)?.ok_or_else(|| TxError::storage("no validator set"))
}

fn new_set(validators: Vec<Validator>) -> Result<ValidatorSet, TxError> {
    ValidatorSet::new(validators).map_err(|e| TxError::invalid_args(e.to_string()))
}

/// Checks an action against the current state and returns the validator set it would produce
/// (for validator actions).
fn check_action(ctx: &mut TxContext<'_>, action: &Action) -> Result<Option<ValidatorSet>, TxError> {
    match action {
        Action::AddOrganisation { organisation, admin_keys } => {
            validate_organisation(organisation)?;
            if !organisation.active {
                return Err(TxError::invalid_args("a new organisation must be active"));
            }
            if organisation_exists(ctx, &organisation.id)? {
                return Err(TxError::already_exists(format!("organisation {} exists", organisation.id)));
            }
            let suite = ctx.env().suite;
            let mut addrs: Vec<_> = admin_keys.iter().map(|k| k.address(suite)).collect();
            addrs.sort();
            let mut admins = organisation.admins.clone();
            admins.sort();
            if addrs != admins {
                return Err(TxError::invalid_args("admin_keys must be exactly the keys of the organisation's admins"));
            }
            for k in admin_keys {
                check_key(ctx, k)?;
                if account_exists(ctx, &k.address(suite))? {
                    return Err(TxError::already_exists(format!("account {} exists", k.address(suite))));
                }
            }
            Ok(None)
        }
        Action::RemoveOrganisation { id } => {
            load_org(ctx, id)?;
            if latest_set(ctx)?.validators.iter().any(|v| v.org.as_str() == id) {
                return Err(TxError::invalid_args(format!(
                    "organisation {id} still runs a validator; remove it first"
                )));
            }
            Ok(None)
        }
        Action::AddValidator { public_key, voting_power, org } => {
            check_key(ctx, public_key)?;
            load_org(ctx, org)?;
            let set = latest_set(ctx)?;
            let address = public_key.address(ctx.env().suite);
            if set.get(&address).is_some() {
                return Err(TxError::already_exists(format!("{address} is already a validator")));
            }
            let mut v = set.validators.to_vec();
            v.push(Validator {
                address,
                public_key: public_key.clone(),
                voting_power: *voting_power,
                org: BoundedString::new(org.clone()).map_err(|e| TxError::invalid_args(e.to_string()))?,
            });
            new_set(v).map(Some)
        }
        Action::RemoveValidator { address } => {
            let set = latest_set(ctx)?;
            set.get(address).ok_or_else(|| TxError::not_found(format!("{address} is not a validator")))?;
            new_set(set.validators.iter().filter(|v| v.address != *address).cloned().collect()).map(Some)
        }
        Action::SetVotingPower { address, voting_power } => {
            let set = latest_set(ctx)?;
            set.get(address).ok_or_else(|| TxError::not_found(format!("{address} is not a validator")))?;
            let v = set
                .validators
                .iter()
                .map(|v| {
                    let mut v = v.clone();
                    if v.address == *address {
                        v.voting_power = *voting_power;
                    }
                    v
                })
                .collect();
            new_set(v).map(Some)
        }
        Action::SetParam { name, value } if name.starts_with("evm.") => {
            govchain_evm::set_param(ctx, name, *value, false)?;
            Ok(None)
        }
        Action::SetParam { name, value } => {
            let mut p: ChainParams = ctx.get_as(keys::PARAMS)?.ok_or_else(|| TxError::storage("no params"))?;
            set_param(&mut p, name, *value)?;
            Ok(None)
        }
    }
}

fn set_param(p: &mut ChainParams, name: &str, value: u64) -> Result<(), TxError> {
    let v = u32::try_from(value).map_err(|_| TxError::invalid_args("value out of range"))?;
    match name {
        "max_block_txs" => p.max_block_txs = v,
        "max_block_bytes" => p.max_block_bytes = v,
        "max_tx_bytes" => p.max_tx_bytes = v,
        _ => return Err(TxError::invalid_args(format!("unknown parameter {name}"))),
    }
    Ok(p.validate()?)
}

/// Applies an approved action; returns the height from which it applies.
fn execute_action(ctx: &mut TxContext<'_>, action: &Action) -> Result<u64, TxError> {
    let set = check_action(ctx, action)?;
    let height = ctx.height();
    if let Some(set) = set {
        let effective_height = height.saturating_add(config(ctx)?.activation_delay.max(2));
        ctx.put_as(keys::VALIDATORS_PENDING.to_vec(), &PendingValidators { effective_height, set })?;
        return Ok(effective_height);
    }
    match action {
        Action::AddOrganisation { organisation, admin_keys } => add_organisation(ctx, organisation, admin_keys)?,
        Action::RemoveOrganisation { id } => deactivate_organisation(ctx, id)?,
        Action::SetParam { name, value } if name.starts_with("evm.") => {
            govchain_evm::set_param(ctx, name, *value, true)?
        }
        Action::SetParam { name, value } => {
            let mut p: ChainParams = ctx.get_as(keys::PARAMS)?.ok_or_else(|| TxError::storage("no params"))?;
            set_param(&mut p, name, *value)?;
            ctx.put_as(keys::PARAMS.to_vec(), &p)?;
        }
        _ => {}
    }
    Ok(height + 1)
}

fn check_reason(r: &str) -> Result<(), TxError> {
    Ok(validate::reason(r)?)
}

impl GovernanceModule {
    /// Records an approval and executes the proposal when the threshold is reached.
    fn tally(&self, ctx: &mut TxContext<'_>, mut p: Proposal) -> Result<(), TxError> {
        let cfg = config(ctx)?;
        let required = cfg.required_approvals(active_government_orgs(ctx)?);
        if p.approvals.len() as u64 >= required {
            let effective_height = execute_action(ctx, &p.action)?;
            p.status = ProposalStatus::Executed { height: ctx.height(), effective_height };
            ctx.emit(Event::new(
                MODULE,
                "executed",
                &[("id", p.id.to_string()), ("effective_height", effective_height.to_string())],
            ))?;
        }
        ctx.put_as(gov_keys::proposal(p.id), &p)
    }

    fn propose(&self, ctx: &mut TxContext<'_>, a: Propose, write: bool) -> Result<(), TxError> {
        check_reason(&a.reason)?;
        let org = government_admin(ctx)?;
        check_action(ctx, &a.action)?;
        if !write {
            return Ok(());
        }
        let id: u64 = ctx.get_as(gov_keys::NEXT_ID)?.unwrap_or(1);
        ctx.put_as(gov_keys::NEXT_ID.to_vec(), &(id + 1))?;
        let cfg = config(ctx)?;
        let p = Proposal {
            id,
            action: a.action,
            reason: a.reason,
            proposer: ctx.signer,
            created_height: ctx.height(),
            expires_height: ctx.height().saturating_add(cfg.voting_period),
            approvals: vec![org.id.clone()],
            status: ProposalStatus::Open,
        };
        ctx.index(IndexOp::Put(gov_keys::proposal_index(id), vec![]));
        ctx.emit(Event::new(MODULE, "proposed", &[("id", id.to_string()), ("org", org.id)]))?;
        self.tally(ctx, p)
    }

    fn approve(&self, ctx: &mut TxContext<'_>, a: Approve, write: bool) -> Result<(), TxError> {
        let org = government_admin(ctx)?;
        if !write {
            return Ok(());
        }
        let mut p: Proposal = ctx
            .get_as(&gov_keys::proposal(a.id))?
            .ok_or_else(|| TxError::not_found(format!("no proposal {}", a.id)))?;
        if p.status != ProposalStatus::Open {
            return Err(TxError::rule("proposal_closed", format!("proposal {} was already executed", a.id)));
        }
        if ctx.height() > p.expires_height {
            return Err(TxError::rule("expired", format!("proposal {} expired at height {}", a.id, p.expires_height)));
        }
        if p.approvals.contains(&org.id) {
            return Err(TxError::rule("already_approved", format!("{} already approved proposal {}", org.id, a.id)));
        }
        p.approvals.push(org.id.clone());
        ctx.emit(Event::new(MODULE, "approved", &[("id", a.id.to_string()), ("org", org.id)]))?;
        self.tally(ctx, p)
    }
}

impl Module for GovernanceModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            Propose::METHOD => self.propose(ctx, decode_args(args)?, write),
            Approve::METHOD => self.approve(ctx, decode_args(args)?, write),
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("governance has no method {m}"))),
        }
    }
}
