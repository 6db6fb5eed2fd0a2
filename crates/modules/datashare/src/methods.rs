//! The data-sharing transaction methods.

use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args};
use govchain_identity::{Account, Organisation, load_org, require_permission};
use govchain_types::{Event, IndexOp, Method, PublicKey, validate};

use crate::keys;
use crate::model::*;
use crate::policy;

const DAY_MS: u64 = 86_400_000;
/// Longest case reference, bytes.
pub const MAX_CASE_REF: usize = 256;

fn text(what: &str, s: &str, max: usize) -> Result<(), TxError> {
    Ok(validate::text(what, s, max)?)
}

fn idents(what: &str, list: &[String], max: usize) -> Result<(), TxError> {
    if list.is_empty() || list.len() > max {
        return Err(TxError::invalid_args(format!("{what}: 1-{max} items")));
    }
    for (i, f) in list.iter().enumerate() {
        validate::ident(what, f)?;
        if list[..i].contains(f) {
            return Err(TxError::invalid_args(format!("{what}: {f} is repeated")));
        }
    }
    Ok(())
}

fn subset(what: &str, asked: &[String], allowed: &[String]) -> Result<(), TxError> {
    match asked.iter().find(|f| !allowed.contains(f)) {
        Some(f) => Err(TxError::rule("fields_outside", format!("{what}: {f} is not available"))),
        None => Ok(()),
    }
}

fn suite_key(ctx: &TxContext<'_>, what: &str, key: &PublicKey) -> Result<(), TxError> {
    if key.algorithm() != ctx.env().suite.default_algorithm() {
        return Err(TxError::new(
            TxErrorKind::WrongAlgorithm,
            format!("{what} must be a {} key on this chain", ctx.env().suite.default_algorithm().name()),
        ));
    }
    key.validate().map_err(|e| TxError::invalid_args(format!("{what}: {e}")))
}

fn load_dataset(ctx: &mut TxContext<'_>, id: &str) -> Result<Dataset, TxError> {
    ctx.get_as(&keys::dataset(id))?.ok_or_else(|| TxError::not_found(format!("no data set {id}")))
}

fn load_grant(ctx: &mut TxContext<'_>, id: &str) -> Result<Grant, TxError> {
    ctx.get_as(&keys::grant(id))?.ok_or_else(|| TxError::not_found(format!("no grant {id}")))
}

fn load_request(ctx: &mut TxContext<'_>, id: &str) -> Result<Request, TxError> {
    ctx.get_as(&keys::request(id))?.ok_or_else(|| TxError::not_found(format!("no request {id}")))
}

/// `YYYY-MM` of a block time (UTC).
pub fn month_of(time_ms: u64) -> String {
    let secs = i64::try_from(time_ms / 1000).unwrap_or(i64::MAX);
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!("{:04}-{:02}", t.year(), u8::from(t.month())),
        Err(_) => "9999-12".into(),
    }
}

fn expiry(ctx: &TxContext<'_>, days: u32) -> Result<u64, TxError> {
    ctx.time_ms().checked_add(u64::from(days) * DAY_MS).ok_or_else(|| TxError::invalid_args("grant end out of range"))
}

/// The data-sharing module.
#[derive(Default)]
pub struct DatashareModule;

impl DatashareModule {
    fn set_profile(&self, ctx: &mut TxContext<'_>, a: SetProfile, write: bool) -> Result<(), TxError> {
        let url_ok = (a.endpoint.starts_with("http://") || a.endpoint.starts_with("https://"))
            && a.endpoint.len() <= MAX_URL
            && a.endpoint.bytes().all(|b| b.is_ascii_graphic());
        if !url_ok {
            return Err(TxError::invalid_args(format!("endpoint must be an http(s) URL of at most {MAX_URL} bytes")));
        }
        suite_key(ctx, "exchange key", &a.exchange_key)?;
        let (_, org) = require_permission(ctx, "datashare.admin")?;
        if !write {
            return Ok(());
        }
        let previous: Option<Profile> = ctx.get_as(&keys::profile(&org.id))?;
        let p = Profile {
            org: org.id.clone(),
            version: previous.map(|p| p.version.saturating_add(1)).unwrap_or(1),
            endpoint: a.endpoint,
            exchange_key: a.exchange_key,
            height: ctx.height(),
        };
        ctx.put_as(keys::profile(&p.org), &p)?;
        ctx.put_as(keys::profile_version(&p.org, p.version), &p)?;
        ctx.index(IndexOp::Put(keys::profile_index(&p.org), vec![]));
        ctx.emit(Event::new(MODULE, "profile_set", &[("org", p.org), ("version", p.version.to_string())]))
    }

    fn publish_dataset(&self, ctx: &mut TxContext<'_>, d: PublishDataset, write: bool) -> Result<(), TxError> {
        validate::ident("data set id", &d.id)?;
        validate::name("name", &d.name)?;
        text("description", &d.description, MAX_TEXT)?;
        text("legal basis", &d.legal_basis, MAX_TEXT)?;
        let names: Vec<String> = d.fields.iter().map(|f| f.name.clone()).collect();
        idents("field", &names, MAX_FIELDS)?;
        for f in &d.fields {
            validate::count("field description", f.description.len(), MAX_TEXT)?;
        }
        let (_, org) = require_permission(ctx, "datashare.publish")?;
        let previous: Option<Dataset> = ctx.get_as(&keys::dataset(&d.id))?;
        if let Some(p) = &previous
            && p.owner != org.id
        {
            return Err(TxError::unauthorized(format!("data set {} belongs to {}", d.id, p.owner)));
        }
        if !write {
            return Ok(());
        }
        let ds = Dataset {
            id: d.id,
            owner: org.id,
            version: previous.map(|p| p.version.saturating_add(1)).unwrap_or(1),
            name: d.name,
            description: d.description,
            fields: d.fields,
            concerns_citizens: d.concerns_citizens,
            legal_basis: d.legal_basis,
            active: d.active,
            height: ctx.height(),
        };
        ctx.put_as(keys::dataset(&ds.id), &ds)?;
        ctx.put_as(keys::dataset_version(&ds.id, ds.version), &ds)?;
        ctx.index(IndexOp::Put(keys::dataset_index(&ds.id), vec![]));
        let kind = if ds.active { "dataset_published" } else { "dataset_withdrawn" };
        ctx.emit(Event::new(MODULE, kind, &[("dataset", ds.id), ("version", ds.version.to_string())]))
    }

    fn set_policy(&self, ctx: &mut TxContext<'_>, a: SetPolicy, write: bool) -> Result<(), TxError> {
        validate::ident("policy id", &a.id)?;
        idents("purpose", &a.purposes, 16)?;
        idents("field", &a.fields, MAX_FIELDS)?;
        if a.max_days == 0 || a.max_days > MAX_GRANT_DAYS {
            return Err(TxError::invalid_args(format!("max_days must be 1-{MAX_GRANT_DAYS}")));
        }
        let (_, org) = require_permission(ctx, "datashare.approve")?;
        let ds = load_dataset(ctx, &a.dataset)?;
        if ds.owner != org.id {
            return Err(TxError::unauthorized(format!("data set {} belongs to {}", ds.id, ds.owner)));
        }
        let available: Vec<String> = ds.fields.iter().map(|f| f.name.clone()).collect();
        subset("policy fields", &a.fields, &available)?;
        if let Some(r) = &a.requester {
            load_org(ctx, r)?;
        }
        let mut ids: Vec<String> = ctx.get_as(&keys::policies(&ds.id))?.unwrap_or_default();
        if !ids.contains(&a.id) {
            if ids.len() >= MAX_POLICIES {
                return Err(TxError::rule(
                    "too_many_policies",
                    format!("a data set has at most {MAX_POLICIES} policies"),
                ));
            }
            ids.push(a.id.clone());
            ids.sort();
        }
        if !write {
            return Ok(());
        }
        let previous: Option<Policy> = ctx.get_as(&keys::policy(&ds.id, &a.id))?;
        let p = Policy {
            id: a.id,
            dataset: ds.id.clone(),
            version: previous.map(|p| p.version.saturating_add(1)).unwrap_or(1),
            requester: a.requester,
            purposes: a.purposes,
            fields: a.fields,
            max_days: a.max_days,
            allow_all_subjects: a.allow_all_subjects,
            active: a.active,
            height: ctx.height(),
        };
        ctx.put_as(keys::policy(&ds.id, &p.id), &p)?;
        ctx.put_as(keys::policies(&ds.id), &ids)?;
        ctx.emit(Event::new(
            MODULE,
            "policy_set",
            &[("dataset", ds.id), ("policy", p.id), ("version", p.version.to_string())],
        ))
    }

    fn request(&self, ctx: &mut TxContext<'_>, a: FileRequest, write: bool) -> Result<(), TxError> {
        validate::path_id("request id", &a.id)?;
        idents("field", &a.fields, MAX_FIELDS)?;
        validate::ident("purpose code", &a.purpose_code)?;
        text("purpose", &a.purpose, MAX_TEXT)?;
        text("legal basis", &a.legal_basis, MAX_TEXT)?;
        text("case reference", &a.case_ref, MAX_CASE_REF)?;
        if a.duration_days == 0 || a.duration_days > MAX_GRANT_DAYS {
            return Err(TxError::invalid_args(format!("duration must be 1-{MAX_GRANT_DAYS} days")));
        }
        if let Scope::Subjects { commitments } = &a.scope {
            if commitments.is_empty() || commitments.len() > MAX_SCOPE_SUBJECTS {
                return Err(TxError::invalid_args(format!("a subject list has 1-{MAX_SCOPE_SUBJECTS} commitments")));
            }
            if commitments.windows(2).any(|w| w[0] >= w[1]) {
                return Err(TxError::invalid_args("subject commitments must be sorted and distinct"));
            }
        }
        suite_key(ctx, "delivery key", &a.delivery_key)?;
        let (acct, org) = require_permission(ctx, "datashare.request")?;
        let ds = load_dataset(ctx, &a.dataset)?;
        if !ds.active {
            return Err(TxError::rule("dataset_withdrawn", format!("data set {} is withdrawn", ds.id)));
        }
        let available: Vec<String> = ds.fields.iter().map(|f| f.name.clone()).collect();
        subset("requested fields", &a.fields, &available)?;
        if ctx.get(&keys::request(&a.id))?.is_some() {
            return Err(TxError::already_exists(format!("request {} exists", a.id)));
        }
        if !write {
            return Ok(());
        }
        let mut r = Request {
            id: a.id,
            dataset: ds.id.clone(),
            dataset_version: ds.version,
            owner: ds.owner.clone(),
            requester: org.id.clone(),
            official: acct.address,
            fields: a.fields,
            purpose_code: a.purpose_code,
            purpose: a.purpose,
            legal_basis: a.legal_basis,
            scope: a.scope,
            duration_days: a.duration_days,
            case_ref: a.case_ref,
            delivery_key: a.delivery_key,
            height: ctx.height(),
            status: RequestStatus::Pending,
        };
        ctx.index(IndexOp::Put(keys::request_index(true, &r.owner, &r.id), vec![]));
        ctx.index(IndexOp::Put(keys::request_index(false, &r.requester, &r.id), vec![]));
        ctx.emit(Event::new(
            MODULE,
            "requested",
            &[("request", r.id.clone()), ("dataset", r.dataset.clone()), ("requester", r.requester.clone())],
        ))?;
        if let Some(p) = policy::first_match(ctx, &r)? {
            let decider = Decider::Policy { id: p.id.clone(), version: p.version };
            let (fields, days) = (r.fields.clone(), r.duration_days);
            self.grant(ctx, &mut r, fields, days, decider)?;
        }
        ctx.put_as(keys::request(&r.id), &r)
    }

    fn grant(
        &self,
        ctx: &mut TxContext<'_>,
        r: &mut Request,
        fields: Vec<String>,
        days: u32,
        decided_by: Decider,
    ) -> Result<(), TxError> {
        let by = match &decided_by {
            Decider::Officer { address } => address.to_text(),
            Decider::Policy { id, version } => format!("policy {id} v{version}"),
        };
        let g = Grant {
            id: r.id.clone(),
            dataset: r.dataset.clone(),
            owner: r.owner.clone(),
            grantee: r.requester.clone(),
            fields,
            purpose_code: r.purpose_code.clone(),
            scope: r.scope.clone(),
            delivery_key: r.delivery_key.clone(),
            decided_by,
            height: ctx.height(),
            expires_ms: expiry(ctx, days)?,
            status: GrantStatus::Active,
        };
        r.status = RequestStatus::Granted;
        ctx.put_as(keys::grant(&g.id), &g)?;
        ctx.emit(Event::new(
            MODULE,
            "granted",
            &[("grant", g.id), ("by", by), ("expires_ms", g.expires_ms.to_string())],
        ))
    }

    fn decide(&self, ctx: &mut TxContext<'_>, a: Decide, write: bool) -> Result<(), TxError> {
        validate::path_id("request id", &a.request)?;
        if !a.approve {
            validate::reason(&a.reason)?;
        } else {
            validate::count("reason", a.reason.len(), validate::MAX_REASON)?;
        }
        let (acct, org) = require_permission(ctx, "datashare.approve")?;
        let mut r = load_request(ctx, &a.request)?;
        if r.owner != org.id {
            return Err(TxError::unauthorized(format!("request {} is to {}", r.id, r.owner)));
        }
        if r.status != RequestStatus::Pending {
            return Err(TxError::rule("not_pending", format!("request {} was already decided", r.id)));
        }
        let fields = match a.fields {
            Some(f) => {
                idents("field", &f, MAX_FIELDS)?;
                subset("granted fields", &f, &r.fields)?;
                f
            }
            None => r.fields.clone(),
        };
        let days = a.duration_days.unwrap_or(r.duration_days);
        if days == 0 || days > r.duration_days {
            return Err(TxError::invalid_args(format!("a grant lasts 1-{} days (as asked)", r.duration_days)));
        }
        if !write {
            return Ok(());
        }
        if a.approve {
            self.grant(ctx, &mut r, fields, days, Decider::Officer { address: acct.address })?;
        } else {
            r.status = RequestStatus::Rejected { reason: a.reason.clone(), by: acct.address, height: ctx.height() };
            ctx.emit(Event::new(MODULE, "rejected", &[("request", r.id.clone()), ("reason", a.reason)]))?;
        }
        ctx.put_as(keys::request(&r.id), &r)
    }

    fn withdraw(&self, ctx: &mut TxContext<'_>, a: Withdraw, write: bool) -> Result<(), TxError> {
        validate::path_id("request id", &a.request)?;
        let (_, org) = require_permission(ctx, "datashare.request")?;
        let mut r = load_request(ctx, &a.request)?;
        if r.requester != org.id {
            return Err(TxError::unauthorized(format!("request {} is from {}", r.id, r.requester)));
        }
        if r.status != RequestStatus::Pending {
            return Err(TxError::rule("not_pending", format!("request {} was already decided", r.id)));
        }
        if !write {
            return Ok(());
        }
        r.status = RequestStatus::Withdrawn { height: ctx.height() };
        ctx.put_as(keys::request(&r.id), &r)?;
        ctx.emit(Event::new(MODULE, "withdrawn", &[("request", r.id)]))
    }

    /// The signer's account and organisation, if it holds `datashare.approve` or
    /// `datashare.request`.
    fn party(ctx: &mut TxContext<'_>) -> Result<(Account, Organisation, &'static str), TxError> {
        match require_permission(ctx, "datashare.approve") {
            Ok((a, o)) => Ok((a, o, "datashare.approve")),
            Err(_) => require_permission(ctx, "datashare.request").map(|(a, o)| (a, o, "datashare.request")),
        }
    }

    fn revoke(&self, ctx: &mut TxContext<'_>, a: RevokeGrant, write: bool) -> Result<(), TxError> {
        validate::path_id("grant id", &a.grant)?;
        validate::reason(&a.reason)?;
        let mut g = load_grant(ctx, &a.grant)?;
        let (_, org, perm) = Self::party(ctx)?;
        let allowed = (org.id == g.owner && perm == "datashare.approve") || org.id == g.grantee;
        if !allowed {
            return Err(TxError::unauthorized(format!("only {} or {} may end grant {}", g.owner, g.grantee, g.id)));
        }
        if let GrantStatus::Revoked { .. } = g.status {
            return Err(TxError::rule("grant_revoked", format!("grant {} is already revoked", g.id)));
        }
        if !write {
            return Ok(());
        }
        g.status = GrantStatus::Revoked { by_org: org.id.clone(), reason: a.reason.clone(), height: ctx.height() };
        ctx.put_as(keys::grant(&g.id), &g)?;
        ctx.emit(Event::new(MODULE, "revoked", &[("grant", g.id), ("by", org.id), ("reason", a.reason)]))
    }

    fn record(&self, ctx: &mut TxContext<'_>, a: RecordAccess, write: bool) -> Result<(), TxError> {
        validate::ident("data set", &a.dataset)?;
        validate::ident("purpose code", &a.purpose_code)?;
        validate::count("fields", a.fields.len(), MAX_FIELDS)?;
        for f in &a.fields {
            validate::ident("field", f)?;
        }
        validate::count("details bytes", a.details.len(), MAX_DETAILS)?;
        match &a.outcome {
            Outcome::Refused { code } if !REFUSAL_CODES.contains(&code.as_str()) => {
                return Err(TxError::invalid_args(format!("unknown refusal code {code}")));
            }
            Outcome::Erased { what } if what != "subject" && what != "delivery" => {
                return Err(TxError::invalid_args("an erasure is of a subject or a delivery"));
            }
            Outcome::Erased { .. } if !a.requester.is_empty() || a.grant.is_some() || a.key_version == 0 => {
                return Err(TxError::invalid_args("an erasure names no requester or grant, and a subject tag"));
            }
            Outcome::Delivered { bytes, .. } if *bytes == 0 || a.grant.is_none() || a.fields.is_empty() => {
                return Err(TxError::invalid_args("a delivery has a grant, fields and a payload"));
            }
            _ => {}
        }
        let (_, org) = require_permission(ctx, "datashare.deliver")?;
        let ds = load_dataset(ctx, &a.dataset)?;
        if ds.owner != org.id {
            return Err(TxError::unauthorized(format!("data set {} belongs to {}", ds.id, ds.owner)));
        }
        if a.key_version > 0 && ctx.get(&keys::profile_version(&org.id, a.key_version))?.is_none() {
            return Err(TxError::not_found(format!("{} has no profile version {}", org.id, a.key_version)));
        }
        if !a.requester.is_empty() {
            load_org(ctx, &a.requester)?;
        }
        if let Outcome::Delivered { .. } = &a.outcome {
            if !ds.active {
                return Err(TxError::rule("dataset_withdrawn", format!("data set {} is withdrawn", ds.id)));
            }
            if ds.concerns_citizens && a.key_version == 0 {
                return Err(TxError::invalid_args("a delivery about a citizen carries the citizen's tag"));
            }
            let g = load_grant(ctx, a.grant.as_deref().unwrap_or_default())?;
            if g.dataset != ds.id || g.grantee != a.requester || g.purpose_code != a.purpose_code {
                return Err(TxError::rule("wrong_grantee", format!("grant {} is not for this access", g.id)));
            }
            g.in_force(ctx.time_ms()).map_err(|code| TxError::rule(code, format!("grant {} is not in force", g.id)))?;
            subset("delivered fields", &a.fields, &g.fields)?;
        } else if let Some(g) = &a.grant {
            load_grant(ctx, g)?;
        }
        if ctx.get(&keys::receipt(&a.tag))?.is_some() {
            return Err(TxError::rule("tag_used", "a receipt already has this tag"));
        }
        if ctx.get(&keys::access(&a.access_id))?.is_some() {
            return Err(TxError::already_exists(format!("access {} is already recorded", a.access_id.to_hex())));
        }
        if !write {
            return Ok(());
        }
        let seq: u64 = ctx.get_as(keys::RECEIPTS)?.unwrap_or(0);
        let next = seq.checked_add(1).ok_or_else(|| TxError::invalid_args("receipt count overflow"))?;
        let r = Receipt {
            tag: a.tag,
            seq,
            key_version: a.key_version,
            access_id: a.access_id,
            dataset: ds.id,
            owner: org.id,
            requester: a.requester,
            grant: a.grant,
            purpose_code: a.purpose_code,
            fields: a.fields,
            outcome: a.outcome,
            details: a.details,
            height: ctx.height(),
            time_ms: ctx.time_ms(),
        };
        ctx.put_as(keys::receipt(&r.tag), &r)?;
        ctx.put_as(keys::seq(seq), &r.tag)?;
        ctx.put_as(keys::RECEIPTS.to_vec(), &next)?;
        ctx.put_as(keys::access(&r.access_id), &r.tag)?;
        let outcome = match &r.outcome {
            Outcome::Delivered { .. } => "delivered",
            Outcome::Refused { code } => code.as_str(),
            Outcome::Erased { .. } => "erased",
        };
        if !matches!(r.outcome, Outcome::Erased { .. }) {
            let month = month_of(r.time_ms);
            let key = keys::stat(&month, &r.dataset, &r.requester, &r.purpose_code);
            let previous: Option<Stat> = ctx.get_as(&key)?;
            if previous.is_none() {
                let index = keys::stat_index(&month, &r.dataset, &r.requester, &r.purpose_code);
                ctx.index(IndexOp::Put(index, key.clone()));
            }
            let mut s = previous.unwrap_or_default();
            match r.outcome {
                Outcome::Delivered { .. } => s.delivered = s.delivered.saturating_add(1),
                _ => s.refused = s.refused.saturating_add(1),
            }
            ctx.put_as(key, &s)?;
        }
        ctx.emit(Event::new(
            MODULE,
            if matches!(r.outcome, Outcome::Erased { .. }) { "erased" } else { "accessed" },
            &[
                ("receipt", r.tag.to_hex()),
                ("dataset", r.dataset.clone()),
                ("requester", r.requester.clone()),
                ("outcome", outcome.to_string()),
            ],
        ))
    }

    fn shred(&self, ctx: &mut TxContext<'_>, a: Shred, write: bool) -> Result<(), TxError> {
        validate::path_id("grant id", &a.grant)?;
        if !SHRED_REASONS.contains(&a.reason.as_str()) {
            return Err(TxError::invalid_args(format!("reason must be one of {}", SHRED_REASONS.join(", "))));
        }
        if a.whole_grant != a.access_ids.is_empty() || a.access_ids.len() > MAX_SHRED {
            return Err(TxError::invalid_args(format!("name 1-{MAX_SHRED} deliveries, or none with whole_grant")));
        }
        let (_, org) = require_permission(ctx, "datashare.request")?;
        let g = load_grant(ctx, &a.grant)?;
        if g.grantee != org.id {
            return Err(TxError::unauthorized(format!("grant {} is held by {}", g.id, g.grantee)));
        }
        for id in &a.access_ids {
            let tag: govchain_types::Hash32 = ctx
                .get_as(&keys::access(id))?
                .ok_or_else(|| TxError::not_found(format!("no delivery {}", id.to_hex())))?;
            let r: Option<Receipt> = ctx.get_as(&keys::receipt(&tag))?;
            if r.and_then(|r| r.grant).as_deref() != Some(g.id.as_str()) {
                return Err(TxError::invalid_args(format!("delivery {} is not under grant {}", id.to_hex(), g.id)));
            }
        }
        if !write {
            return Ok(());
        }
        let seq: u64 = ctx.get_as(keys::SHREDS)?.unwrap_or(0);
        let next = seq.checked_add(1).ok_or_else(|| TxError::invalid_args("shred count overflow"))?;
        let s = Shredding {
            seq,
            org: org.id,
            grant: g.id,
            access_ids: a.access_ids,
            whole_grant: a.whole_grant,
            reason: a.reason,
            height: ctx.height(),
        };
        ctx.put_as(keys::shred(seq), &s)?;
        ctx.put_as(keys::SHREDS.to_vec(), &next)?;
        ctx.emit(Event::new(
            MODULE,
            "shredded",
            &[("grant", s.grant), ("deliveries", s.access_ids.len().to_string()), ("reason", s.reason)],
        ))
    }
}

impl Module for DatashareModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            SetProfile::METHOD => self.set_profile(ctx, decode_args(args)?, write),
            PublishDataset::METHOD => self.publish_dataset(ctx, decode_args(args)?, write),
            SetPolicy::METHOD => self.set_policy(ctx, decode_args(args)?, write),
            FileRequest::METHOD => self.request(ctx, decode_args(args)?, write),
            Decide::METHOD => self.decide(ctx, decode_args(args)?, write),
            Withdraw::METHOD => self.withdraw(ctx, decode_args(args)?, write),
            RevokeGrant::METHOD => self.revoke(ctx, decode_args(args)?, write),
            RecordAccess::METHOD => self.record(ctx, decode_args(args)?, write),
            Shred::METHOD => self.shred(ctx, decode_args(args)?, write),
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("datashare has no method {m}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::month_of;

    #[test]
    fn months_are_utc_calendar_months() {
        assert_eq!(month_of(0), "1970-01");
        assert_eq!(month_of(1_796_083_199_999), "2026-11"); // 2026-11-30T23:59:59.999Z
        assert_eq!(month_of(1_796_083_200_000), "2026-12");
        assert_eq!(month_of(u64::MAX), "9999-12");
    }
}
