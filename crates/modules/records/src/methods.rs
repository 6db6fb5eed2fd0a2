use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args};
use govchain_identity::require_permission;
use govchain_types::{Method, validate};

use crate::model::*;
use crate::{events, index, keys};

fn check_content(c: &RecordContent) -> Result<(), TxError> {
    validate::slug("category", &c.category)?;
    if c.title.trim().is_empty() || c.title.len() > MAX_TITLE {
        return Err(TxError::invalid_args(format!("title must be 1-{MAX_TITLE} bytes")));
    }
    if c.body.len() > MAX_BODY {
        return Err(TxError::invalid_args(format!("body must be at most {MAX_BODY} bytes")));
    }
    if c.tags.len() > MAX_TAGS || c.tags.iter().any(|t| t.is_empty() || t.len() > MAX_TAG_LEN) {
        return Err(TxError::invalid_args(format!("at most {MAX_TAGS} tags of 1-{MAX_TAG_LEN} bytes")));
    }
    if c.attachments.len() > MAX_ATTACHMENTS || c.attachments.iter().any(|a| a.name.is_empty() || a.name.len() > 128) {
        return Err(TxError::invalid_args(format!("at most {MAX_ATTACHMENTS} attachments with names of 1-128 bytes")));
    }
    Ok(())
}

fn check_reason(r: &str) -> Result<(), TxError> {
    Ok(validate::reason(r)?)
}

fn load_head(ctx: &mut TxContext<'_>, id: &str) -> Result<Record, TxError> {
    let v: u32 = ctx.get_as(&keys::head(id))?.ok_or_else(|| TxError::not_found(format!("no record {id}")))?;
    ctx.get_as(&keys::version(id, v))?.ok_or_else(|| TxError::storage(format!("record {id} version {v} missing")))
}

/// The records module.
#[derive(Default)]
pub struct RecordsModule;

impl RecordsModule {
    fn write_version(&self, ctx: &mut TxContext<'_>, old: Option<&Record>, rec: Record) -> Result<(), TxError> {
        for op in index::ops(old, &rec) {
            ctx.index(op);
        }
        crate::facts::note_version(ctx, old, &rec)?;
        ctx.put_as(keys::head(&rec.id), &rec.version)?;
        ctx.put_as(keys::version(&rec.id, rec.version), &rec)?;
        ctx.emit(events::version_written(&rec))
    }

    fn publish(&self, ctx: &mut TxContext<'_>, p: Publish, write: bool) -> Result<(), TxError> {
        check_content(&p.content)?;
        let (acct, org) = require_permission(ctx, "records.publish")?;
        if !write {
            return Ok(());
        }
        let seq: u64 = ctx.get_as(&keys::seq(&org.id))?.unwrap_or(0) + 1;
        ctx.put_as(keys::seq(&org.id), &seq)?;
        let rec = Record {
            id: record_id(&org.id, seq),
            org: org.id,
            version: 1,
            content: p.content,
            status: RecordStatus::Active,
            reason: String::new(),
            previous: None,
            author: acct.address,
            height: ctx.height(),
            time_ms: ctx.time_ms(),
            published_ms: ctx.time_ms(),
            tx_hash: ctx.tx_hash,
        };
        self.write_version(ctx, None, rec)
    }

    fn next_version(
        &self,
        ctx: &mut TxContext<'_>,
        id: &str,
        permission: &str,
        reason: String,
        change: impl FnOnce(&mut Record),
    ) -> Result<(), TxError> {
        let (acct, org) = require_permission(ctx, permission)?;
        let old = load_head(ctx, id)?;
        if old.org != org.id {
            return Err(TxError::unauthorized(format!("record {id} belongs to {}, not {}", old.org, org.id)));
        }
        if old.status == RecordStatus::Withdrawn {
            return Err(TxError::rule("withdrawn", format!("record {id} is withdrawn")));
        }
        let mut rec = old.clone();
        rec.version = old.version.checked_add(1).ok_or_else(|| TxError::invalid_args("too many versions"))?;
        rec.previous = Some(old.hash(ctx.env().suite));
        rec.reason = reason;
        rec.author = acct.address;
        rec.height = ctx.height();
        rec.time_ms = ctx.time_ms();
        rec.tx_hash = ctx.tx_hash;
        change(&mut rec);
        self.write_version(ctx, Some(&old), rec)
    }

    fn dispatch(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], write: bool) -> Result<(), TxError> {
        match method {
            Publish::METHOD => self.publish(ctx, decode_args(args)?, write),
            Amend::METHOD => {
                let a: Amend = decode_args(args)?;
                check_content(&a.content)?;
                check_reason(&a.reason)?;
                if !write {
                    return require_permission(ctx, "records.amend").map(|_| ());
                }
                self.next_version(ctx, &a.id, "records.amend", a.reason, |r| r.content = a.content)
            }
            Withdraw::METHOD => {
                let w: Withdraw = decode_args(args)?;
                check_reason(&w.reason)?;
                if !write {
                    return require_permission(ctx, "records.withdraw").map(|_| ());
                }
                self.next_version(ctx, &w.id, "records.withdraw", w.reason, |r| r.status = RecordStatus::Withdrawn)
            }
            m => Err(TxError::new(TxErrorKind::UnknownMethod, format!("records has no method {m}"))),
        }
    }
}

impl Module for RecordsModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        self.dispatch(ctx, method, args, phase == Phase::Execute)
    }
}
