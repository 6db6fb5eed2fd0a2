//! The `tender` module's methods.

use govchain_execution::{Module, Phase, TxContext, TxError, decode_args};
use govchain_identity::{AccountKind, require_permission};
use govchain_types::{Event, IndexOp, Method, validate};

use super::award;
use super::keys::{self, MODULE};
use super::model::*;
use crate::board;
use crate::model::{MAX_CONDITION, MAX_TITLE};

/// Permission to publish a tender.
pub const CREATE_PERMISSION: &str = "tender.create";

fn load(ctx: &mut TxContext<'_>, id: &str) -> Result<Tender, TxError> {
    ctx.get_as(&keys::tender(id))?.ok_or_else(|| TxError::not_found(format!("no tender {id}")))
}

fn check_criteria(criteria: &[Criterion]) -> Result<(), TxError> {
    validate::count("criteria", criteria.len(), MAX_CRITERIA)?;
    if criteria.is_empty() {
        return Err(TxError::invalid_args("a tender has at least one award criterion"));
    }
    for (i, c) in criteria.iter().enumerate() {
        validate::ident("criterion", &c.name)?;
        if criteria[..i].iter().any(|x| x.name == c.name) {
            return Err(TxError::invalid_args(format!("criterion {} appears twice", c.name)));
        }
        if c.weight == 0 || c.weight > MAX_WEIGHT {
            return Err(TxError::invalid_args(format!("weight of {} is 1-{MAX_WEIGHT}", c.name)));
        }
    }
    Ok(())
}

/// The tender module.
#[derive(Default)]
pub struct TenderModule;

impl TenderModule {
    fn create(&self, ctx: &mut TxContext<'_>, a: CreateTender, write: bool) -> Result<(), TxError> {
        validate::slug("tender id", &a.id)?;
        validate::name("title", &a.title)?;
        validate::text("title", &a.title, MAX_TITLE)?;
        validate::text("lot", &a.lot, MAX_LOT)?;
        check_criteria(&a.criteria)?;
        validate::ident("certificate type", &a.eligibility.cert_type)?;
        if !a.eligibility.condition.is_empty() {
            validate::text("condition", &a.eligibility.condition, MAX_CONDITION)?;
        }
        if a.deadline_height <= ctx.height() || a.deadline_height - ctx.height() > MAX_PERIOD {
            return Err(TxError::invalid_args(format!(
                "the deadline is after height {} and at most {MAX_PERIOD} blocks away",
                ctx.height()
            )));
        }
        let (acct, org) = require_permission(ctx, CREATE_PERMISSION)?;
        if ctx.get(&keys::tender(&a.id))?.is_some() {
            return Err(TxError::already_exists(format!("tender {} exists", a.id)));
        }
        govchain_identity::account(ctx, &a.eligibility.authority)?
            .filter(|x| x.active)
            .ok_or_else(|| TxError::not_found(format!("no active authority account {}", a.eligibility.authority)))?;
        // k >= 2 trustees of distinct organisations: no single department, the tendering one
        // included, can open a bid.
        let sealing = board::new_sealing(ctx, a.k, a.trustees, None)?;
        if !write {
            return Ok(());
        }
        let t = Tender {
            id: a.id,
            org: org.id,
            creator: acct.address,
            title: a.title,
            lot: a.lot,
            documents_hash: a.documents_hash,
            criteria: a.criteria,
            eligibility: a.eligibility,
            deadline_height: a.deadline_height,
            sealing,
            status: TenderStatus::Keying,
            admitted: 0,
            bids: 0,
            height: ctx.height(),
        };
        ctx.put_as(keys::tender(&t.id), &t)?;
        ctx.index(IndexOp::Put(keys::idx_tender(&t.id), vec![]));
        ctx.emit(Event::new(MODULE, "created", &[("tender", t.id.clone()), ("org", t.org.clone())]))
    }

    fn deal(&self, ctx: &mut TxContext<'_>, a: DealTender, write: bool) -> Result<(), TxError> {
        let mut t = load(ctx, &a.tender)?;
        let i = board::trustee_index(&t.sealing, ctx, &format!("tender {}", t.id))?;
        if ctx.height() > t.deadline_height {
            return Err(TxError::rule("too_late", "dealings are made before the deadline"));
        }
        if board::add_dealing(&mut t.sealing, i, a.dealing)? {
            t.status = TenderStatus::Open;
        }
        if !write {
            return Ok(());
        }
        ctx.put_as(keys::tender(&t.id), &t)?;
        ctx.emit(Event::new(MODULE, "dealt", &[("tender", t.id.clone()), ("trustee", i.to_string())]))
    }

    fn admit(&self, ctx: &mut TxContext<'_>, a: Admit, write: bool) -> Result<(), TxError> {
        let mut t = load(ctx, &a.tender)?;
        if ctx.signer != t.eligibility.authority {
            return Err(TxError::unauthorized("only the tender's eligibility authority admits bidders"));
        }
        if ctx.height() > t.deadline_height {
            return Err(TxError::rule("closed", format!("tender {} closed at height {}", t.id, t.deadline_height)));
        }
        govchain_identity::account(ctx, &a.bidder)?
            .filter(|x| x.active && x.kind == AccountKind::Business)
            .ok_or_else(|| TxError::rule("not_eligible", format!("{} is not an active business account", a.bidder)))?;
        let (type_id, holder, in_force) = govchain_certificates::facts::holder_of(ctx, &a.certificate)?
            .ok_or_else(|| TxError::rule("not_eligible", format!("no certificate {}", a.certificate)))?;
        if type_id != t.eligibility.cert_type || !in_force {
            return Err(TxError::rule(
                "not_eligible",
                format!("certificate {} is not a {} in force", a.certificate, t.eligibility.cert_type),
            ));
        }
        if ctx.get(&keys::admission(&t.id, &a.bidder))?.is_some() || ctx.get(&keys::holder(&t.id, &holder))?.is_some() {
            return Err(TxError::rule("already_admitted", "this bidder or certificate holder is already admitted"));
        }
        if !write {
            return Ok(());
        }
        let adm = Admission { certificate: a.certificate, holder, height: ctx.height(), bid: None };
        ctx.put_as(keys::admission(&t.id, &a.bidder), &adm)?;
        ctx.put_as(keys::holder(&t.id, &holder), &a.bidder)?;
        t.admitted += 1;
        ctx.put_as(keys::tender(&t.id), &t)?;
        ctx.emit(Event::new(MODULE, "admitted", &[("tender", t.id), ("bidder", a.bidder.to_text())]))
    }

    fn bid(&self, ctx: &mut TxContext<'_>, a: PlaceBid, write: bool) -> Result<(), TxError> {
        if a.sealed.len() > MAX_SEALED_BID {
            return Err(TxError::invalid_args(format!("a sealed bid is at most {MAX_SEALED_BID} bytes")));
        }
        let mut t = load(ctx, &a.tender)?;
        let h = ctx.height();
        if h > t.deadline_height {
            return Err(TxError::rule("closed", format!("tender {} closed at height {}", t.id, t.deadline_height)));
        }
        if t.status != TenderStatus::Open {
            return Err(TxError::rule("not_open", format!("tender {} is waiting for its trustees' key", t.id)));
        }
        let bidder = ctx.signer;
        let akey = keys::admission(&t.id, &bidder);
        let mut adm: Admission =
            ctx.get_as(&akey)?.ok_or_else(|| TxError::rule("not_admitted", "this account is not admitted to bid"))?;
        if adm.bid.is_some() {
            return Err(TxError::rule("already_bid", "one bid per bidder"));
        }
        if !govchain_certificates::facts::holder_of(ctx, &adm.certificate)?.is_some_and(|(_, _, ok)| ok) {
            return Err(TxError::rule(
                "not_eligible",
                format!("certificate {} is no longer in force", adm.certificate),
            ));
        }
        if t.bids >= MAX_BIDS {
            return Err(TxError::rule("full", format!("a tender takes at most {MAX_BIDS} bids")));
        }
        if !write {
            return Ok(());
        }
        let b = Bid { n: t.bids, bidder, sealed: a.sealed, height: h };
        adm.bid = Some(b.n);
        t.bids += 1;
        ctx.put_as(keys::bid(&t.id, b.n), &b)?;
        ctx.put_as(akey, &adm)?;
        ctx.put_as(keys::tender(&t.id), &t)?;
        ctx.emit(Event::new(MODULE, "bid", &[("tender", t.id), ("n", b.n.to_string())]))
    }

    fn release(&self, ctx: &mut TxContext<'_>, a: ReleaseTender, write: bool) -> Result<(), TxError> {
        let mut t = load(ctx, &a.tender)?;
        let i = board::trustee_index(&t.sealing, ctx, &format!("tender {}", t.id))?;
        if ctx.height() <= t.deadline_height {
            return Err(TxError::rule("not_closed", format!("parts are released after height {}", t.deadline_height)));
        }
        let released = board::add_part(&mut t.sealing, i, a.part)?;
        if !write {
            return Ok(());
        }
        if t.status == TenderStatus::Open {
            t.status = TenderStatus::Opening;
        }
        if released == t.sealing.k as usize {
            // The k-th part: open every bid (at most MAX_BIDS) and award in this transaction.
            let key = board::opening_key(&t.sealing).map_err(|e| TxError::rule("bad_part", e))?;
            let mut bids = Vec::with_capacity(t.bids as usize);
            for n in 0..t.bids {
                let b: Bid = ctx
                    .get_as(&keys::bid(&t.id, n))?
                    .ok_or_else(|| TxError::storage(format!("bid {n} of {} missing", t.id)))?;
                bids.push(b);
            }
            let aw = award::award(&key, &t, &bids, ctx.height());
            t.status = if aw.winner.is_some() { TenderStatus::Awarded } else { TenderStatus::NoAward };
            let mut attrs = vec![("tender", t.id.clone())];
            if let Some(w) = aw.winner {
                attrs.push(("winner", bids[w as usize].bidder.to_text()));
            }
            ctx.put_as(keys::award(&t.id), &aw)?;
            ctx.emit(Event::new(MODULE, "awarded", &attrs))?;
        }
        ctx.put_as(keys::tender(&t.id), &t)?;
        ctx.emit(Event::new(MODULE, "part_released", &[("tender", t.id.clone()), ("trustee", i.to_string())]))
    }
}

impl Module for TenderModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            CreateTender::METHOD => self.create(ctx, decode_args(args)?, write),
            DealTender::METHOD => self.deal(ctx, decode_args(args)?, write),
            Admit::METHOD => self.admit(ctx, decode_args(args)?, write),
            PlaceBid::METHOD => self.bid(ctx, decode_args(args)?, write),
            ReleaseTender::METHOD => self.release(ctx, decode_args(args)?, write),
            _ => Err(TxError::new(govchain_execution::TxErrorKind::UnknownMethod, format!("tender.{method}"))),
        }
    }
}
