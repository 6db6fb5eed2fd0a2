use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args};
use govchain_identity::{load_org, require_permission};
use govchain_types::{Event, IndexOp, Method, validate};

use crate::keys;
use crate::model::*;

const DAY_MS: u64 = 86_400_000;
const MAX_VALIDITY_DAYS: u32 = 100 * 366;
/// Longest reason of a status change, in bytes.
pub const MAX_STATUS_REASON: usize = 512;

fn check_reason(r: &str) -> Result<(), TxError> {
    Ok(validate::text("reason", r, MAX_STATUS_REASON)?)
}

fn load_cert(ctx: &mut TxContext<'_>, id: &str) -> Result<Certificate, TxError> {
    ctx.get_as(&keys::cert(id))?.ok_or_else(|| TxError::not_found(format!("no certificate {id}")))
}

/// The certificates module.
#[derive(Default)]
pub struct CertificatesModule;

impl CertificatesModule {
    fn define_type(&self, ctx: &mut TxContext<'_>, d: DefineType, write: bool) -> Result<(), TxError> {
        validate::ident("type id", &d.id)?;
        validate::name("name", &d.name)?;
        if d.fields.is_empty() || d.fields.len() > MAX_FIELDS {
            return Err(TxError::invalid_args(format!("a type has 1-{MAX_FIELDS} fields")));
        }
        for (i, f) in d.fields.iter().enumerate() {
            if validate::ident("field name", &f.name).is_err() || d.fields[..i].iter().any(|g| g.name == f.name) {
                return Err(TxError::invalid_args(format!("bad or repeated field name {:?}", f.name)));
            }
        }
        if d.issuers.is_empty() || d.issuers.len() > 32 {
            return Err(TxError::invalid_args("a type names 1-32 issuing organisations"));
        }
        if d.default_validity_days == 0 || d.default_validity_days > MAX_VALIDITY_DAYS {
            return Err(TxError::invalid_args("default validity must be 1-36600 days"));
        }
        let (_, org) = require_permission(ctx, "certificates.define_type")?;
        for o in &d.issuers {
            load_org(ctx, o)?;
        }
        let previous: Option<CertType> = ctx.get_as(&keys::cert_type(&d.id))?;
        if let Some(p) = &previous
            && p.owner != org.id
        {
            return Err(TxError::unauthorized(format!("type {} belongs to {}", d.id, p.owner)));
        }
        if !write {
            return Ok(());
        }
        let t = CertType {
            id: d.id.clone(),
            name: d.name,
            version: previous.map(|p| p.version.saturating_add(1)).unwrap_or(1),
            owner: org.id,
            fields: d.fields,
            issuers: d.issuers,
            default_validity_days: d.default_validity_days,
            height: ctx.height(),
        };
        ctx.put_as(keys::cert_type(&t.id), &t)?;
        ctx.put_as(keys::type_version(&t.id, t.version), &t)?;
        ctx.index(IndexOp::Put(keys::type_index(&t.id), vec![]));
        ctx.emit(Event::new(MODULE, "type_defined", &[("type", t.id), ("version", t.version.to_string())]))
    }

    fn issue(&self, ctx: &mut TxContext<'_>, a: Issue, write: bool) -> Result<(), TxError> {
        validate::hex_id("certificate id", &a.id, 64)?;
        let (acct, org) = require_permission(ctx, "certificates.issue")?;
        let t: CertType = ctx
            .get_as(&keys::cert_type(&a.type_id))?
            .ok_or_else(|| TxError::not_found(format!("no certificate type {}", a.type_id)))?;
        if !t.issuers.contains(&org.id) {
            return Err(TxError::unauthorized(format!("{} may not issue {}", org.id, t.id)));
        }
        let valid_from = if a.valid_from_ms == 0 { ctx.time_ms() } else { a.valid_from_ms };
        let out_of_range = || TxError::invalid_args("valid_until must be after valid_from, within 100 years");
        let valid_until = match a.valid_until_ms {
            0 => valid_from.checked_add(t.default_validity_days as u64 * DAY_MS).ok_or_else(out_of_range)?,
            v => v,
        };
        if valid_until <= valid_from || valid_until - valid_from > MAX_VALIDITY_DAYS as u64 * DAY_MS {
            return Err(out_of_range());
        }
        if !write {
            return Ok(());
        }
        if ctx.get(&keys::cert(&a.id))?.is_some() {
            return Err(TxError::already_exists(format!("certificate {} exists", a.id)));
        }
        if let Some(prev) = &a.previous {
            let mut p = load_cert(ctx, prev)?;
            if p.type_id != a.type_id || p.holder != a.holder || p.issuer_org != org.id {
                return Err(TxError::invalid_args("a renewal must keep the type, holder and issuing organisation"));
            }
            if p.successor.is_some() {
                return Err(TxError::rule("already_renewed", format!("certificate {prev} was already renewed")));
            }
            p.successor = Some(a.id.clone());
            ctx.put_as(keys::cert(prev), &p)?;
        }
        let c = Certificate {
            id: a.id.clone(),
            type_id: t.id.clone(),
            type_version: t.version,
            issuer_org: org.id.clone(),
            issuer: acct.address,
            issuer_key: ctx.signer_key.clone(),
            holder: a.holder,
            commitment: a.commitment,
            valid_from_ms: valid_from,
            valid_until_ms: valid_until,
            issued_height: ctx.height(),
            status: CertStatus::Active,
            previous: a.previous,
            successor: None,
        };
        ctx.put_as(keys::cert(&c.id), &c)?;
        crate::facts::note_issued(ctx, &c)?;
        // The offline bundle proves the type version and the issuer's account as they were at
        // issuance (`query::proofs`): promised even on pruned nodes.
        govchain_execution::system::keep_proof(ctx, &keys::type_version(&c.type_id, c.type_version));
        govchain_execution::system::keep_proof(ctx, &govchain_identity::keys::account(&c.issuer));
        ctx.emit(Event::new(MODULE, "issued", &[("id", c.id), ("type", c.type_id), ("issuer", org.id)]))
    }

    fn change_status(&self, ctx: &mut TxContext<'_>, s: Revoke, to: &str, write: bool) -> Result<(), TxError> {
        check_reason(&s.reason)?;
        let (_, org) = require_permission(ctx, "certificates.revoke")?;
        let mut c = load_cert(ctx, &s.id)?;
        if c.issuer_org != org.id {
            return Err(TxError::unauthorized(format!("certificate {} was issued by {}", s.id, c.issuer_org)));
        }
        if !write {
            return Ok(());
        }
        let height = ctx.height();
        c.status = match (to, &c.status) {
            (_, CertStatus::Revoked { .. }) => {
                return Err(TxError::rule("revoked", "a revoked certificate cannot change"));
            }
            ("revoke", _) => CertStatus::Revoked { reason: s.reason.clone(), height },
            ("suspend", CertStatus::Active) => CertStatus::Suspended { reason: s.reason.clone(), height },
            ("reinstate", CertStatus::Suspended { .. }) => CertStatus::Active,
            (op, st) => {
                return Err(TxError::rule("invalid_status", format!("cannot {op} a certificate that is {st:?}")));
            }
        };
        ctx.put_as(keys::cert(&s.id), &c)?;
        let kind = match to {
            "revoke" => "revoked",
            "suspend" => "suspended",
            _ => "reinstated",
        };
        ctx.emit(Event::new(MODULE, kind, &[("id", s.id), ("reason", s.reason)]))
    }
}

impl Module for CertificatesModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            DefineType::METHOD => self.define_type(ctx, decode_args(args)?, write),
            Issue::METHOD => self.issue(ctx, decode_args(args)?, write),
            // The three status changes share one encoding ([`Revoke`]'s).
            Revoke::METHOD | Suspend::METHOD | Reinstate::METHOD => {
                self.change_status(ctx, decode_args(args)?, method, write)
            }
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("certificates has no method {m}"))),
        }
    }
}
