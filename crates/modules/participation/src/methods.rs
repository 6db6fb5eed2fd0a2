//! The `vote` module's methods.

use govchain_execution::{Module, Phase, TxContext, TxError, decode_args};
use govchain_identity::require_permission;
use govchain_types::{Event, IndexOp, Method, validate};

use crate::keys::{self, MODULE};
use crate::model::*;
use crate::tally;
use crate::{board, eligibility};

/// Permission to create a vote.
pub const CREATE_PERMISSION: &str = "vote.create";
/// Ballots opened per vote per block while counting.
pub const OPEN_PER_BLOCK: usize = 500;
/// Votes counted at once (others wait their turn).
pub const MAX_COUNTING: usize = 8;
/// Longest voting period, in blocks.
pub const MAX_PERIOD: u64 = 10_000_000;

fn load(ctx: &mut TxContext<'_>, id: &str) -> Result<Vote, TxError> {
    ctx.get_as(&keys::vote(id))?.ok_or_else(|| TxError::not_found(format!("no vote {id}")))
}

fn load_box(ctx: &mut TxContext<'_>, id: &str) -> Result<BallotBox, TxError> {
    Ok(ctx.get_as(&keys::ballot_box(id))?.unwrap_or_default())
}

/// The vote module.
#[derive(Default)]
pub struct VoteModule;

impl VoteModule {
    fn create(&self, ctx: &mut TxContext<'_>, a: CreateVote, write: bool) -> Result<(), TxError> {
        validate::slug("vote id", &a.id)?;
        validate::name("title", &a.title)?;
        validate::text("title", &a.title, MAX_TITLE)?;
        validate::count("options", a.options.len(), MAX_OPTIONS)?;
        if a.options.len() < 2 {
            return Err(TxError::invalid_args("a vote has at least two options"));
        }
        for (i, o) in a.options.iter().enumerate() {
            validate::text("option", o, MAX_OPTION)?;
            if o.trim().is_empty() || a.options[..i].contains(o) {
                return Err(TxError::invalid_args(format!("empty or repeated option {o:?}")));
            }
        }
        eligibility::check(&a.eligibility)?;
        crate::sealing::check_threshold(a.k as usize, a.trustees.len())
            .map_err(|e| TxError::invalid_args(e.to_string()))?;
        if a.opens_height <= ctx.height() || a.closes_height < a.opens_height {
            return Err(TxError::invalid_args(format!(
                "need {} < opening height <= closing height (the trustees deal before the opening)",
                ctx.height()
            )));
        }
        if a.closes_height - a.opens_height > MAX_PERIOD {
            return Err(TxError::invalid_args(format!("a vote is open at most {MAX_PERIOD} blocks")));
        }
        let (acct, org) = require_permission(ctx, CREATE_PERMISSION)?;
        if ctx.get(&keys::vote(&a.id))?.is_some() {
            return Err(TxError::already_exists(format!("vote {} exists", a.id)));
        }
        let authority = govchain_identity::account(ctx, &a.eligibility.authority)?
            .filter(|x| x.active)
            .ok_or_else(|| TxError::not_found(format!("no active authority account {}", a.eligibility.authority)))?;
        let sealing = board::new_sealing(
            ctx,
            a.k,
            a.trustees,
            Some((&authority.org, "the eligibility authority's organisation: the authority is never a trustee")),
        )?;
        if !write {
            return Ok(());
        }
        let v = Vote {
            id: a.id.clone(),
            org: org.id,
            creator: acct.address,
            title: a.title,
            text_hash: a.text_hash,
            options: a.options,
            eligibility: a.eligibility,
            opens_height: a.opens_height,
            closes_height: a.closes_height,
            sealing,
            status: VoteStatus::Keying,
            height: ctx.height(),
        };
        ctx.put_as(keys::vote(&v.id), &v)?;
        ctx.index(IndexOp::Put(keys::idx_vote(&v.id), vec![]));
        ctx.emit(Event::new(MODULE, "created", &[("vote", v.id.clone()), ("org", v.org.clone())]))
    }

    fn deal(&self, ctx: &mut TxContext<'_>, a: Deal, write: bool) -> Result<(), TxError> {
        let mut v = load(ctx, &a.vote)?;
        let t = board::trustee_index(&v.sealing, ctx, &format!("vote {}", v.id))?;
        if ctx.height() >= v.opens_height {
            return Err(TxError::rule("too_late", "dealings are made before the opening height"));
        }
        if board::add_dealing(&mut v.sealing, t, a.dealing)? {
            v.status = VoteStatus::Ready;
        }
        if !write {
            return Ok(());
        }
        ctx.put_as(keys::vote(&v.id), &v)?;
        ctx.emit(Event::new(MODULE, "dealt", &[("vote", v.id.clone()), ("trustee", t.to_string())]))
    }

    fn issue_token(&self, ctx: &mut TxContext<'_>, a: IssueToken, write: bool) -> Result<(), TxError> {
        let v = load(ctx, &a.vote)?;
        if ctx.height() > v.closes_height {
            return Err(TxError::rule("closed", format!("vote {} closed at height {}", v.id, v.closes_height)));
        }
        let holder = eligibility::issuable(ctx, &v.eligibility, &a.certificate)?;
        let key = keys::issued(&v.id, &holder);
        if ctx.get(&key)?.is_some() {
            return Err(TxError::rule("already_issued", "this certificate holder already has a token for this vote"));
        }
        if !write {
            return Ok(());
        }
        ctx.put_as(key, &Issuance { certificate: a.certificate, blinded_hash: a.blinded_hash, height: ctx.height() })?;
        let mut bx = load_box(ctx, &v.id)?;
        bx.tokens_issued += 1;
        ctx.put_as(keys::ballot_box(&v.id), &bx)?;
        ctx.emit(Event::new(MODULE, "token_issued", &[("vote", v.id), ("issued", bx.tokens_issued.to_string())]))
    }

    fn cast(&self, ctx: &mut TxContext<'_>, a: Cast, write: bool) -> Result<(), TxError> {
        if a.sealed.len() > MAX_SEALED_BALLOT {
            return Err(TxError::invalid_args(format!("a sealed ballot is at most {MAX_SEALED_BALLOT} bytes")));
        }
        let v = load(ctx, &a.vote)?;
        let h = ctx.height();
        if v.status == VoteStatus::Keying || h < v.opens_height {
            return Err(TxError::rule("not_open", format!("vote {} opens at height {}", v.id, v.opens_height)));
        }
        if h > v.closes_height {
            return Err(TxError::rule("closed", format!("vote {} closed at height {}", v.id, v.closes_height)));
        }
        let ballot_key = ctx.signer_key.clone();
        let spent = eligibility::token_hash(ctx, MODULE, &v.id, &v.eligibility, &ballot_key, &a.token)?;
        let spent = keys::spent(&v.id, &spent);
        if ctx.get(&spent)?.is_some() {
            return Err(TxError::rule("token_spent", "this token has already cast a ballot"));
        }
        let mut bx = load_box(ctx, &v.id)?;
        if bx.ballots >= bx.tokens_issued {
            return Err(TxError::rule("token_spent", "more ballots than tokens issued"));
        }
        if !write {
            return Ok(());
        }
        let b = Ballot { n: bx.ballots, key: ballot_key, token: a.token, sealed: a.sealed, height: h };
        bx.ballot_chain = tally::chain_next(ctx.env().suite, &bx.ballot_chain, &b);
        bx.ballots += 1;
        ctx.put_as(spent, &b.n)?;
        ctx.put_as(keys::ballot(&v.id, b.n), &b)?;
        ctx.put_as(keys::ballot_box(&v.id), &bx)?;
        ctx.emit(Event::new(MODULE, "ballot", &[("vote", v.id), ("n", b.n.to_string())]))
    }

    fn release(&self, ctx: &mut TxContext<'_>, a: Release, write: bool) -> Result<(), TxError> {
        let mut v = load(ctx, &a.vote)?;
        let t = board::trustee_index(&v.sealing, ctx, &format!("vote {}", v.id))?;
        if ctx.height() <= v.closes_height {
            return Err(TxError::rule("not_closed", format!("parts are released after height {}", v.closes_height)));
        }
        board::add_part(&mut v.sealing, t, a.part)?;
        if !write {
            return Ok(());
        }
        if v.status == VoteStatus::Ready {
            v.status = VoteStatus::Counting;
        }
        if v.sealing.released().len() == v.sealing.k as usize {
            let mut counting: Vec<String> = ctx.get_as(keys::COUNTING)?.unwrap_or_default();
            counting.push(v.id.clone());
            ctx.put_as(keys::COUNTING.to_vec(), &counting)?;
        }
        ctx.put_as(keys::vote(&v.id), &v)?;
        ctx.emit(Event::new(MODULE, "part_released", &[("vote", v.id.clone()), ("trustee", t.to_string())]))
    }

    /// Opens up to [`OPEN_PER_BLOCK`] more ballots of a vote being counted.
    fn count(&self, ctx: &mut TxContext<'_>, id: &str) -> Result<(), TxError> {
        let mut v = load(ctx, id)?;
        let mut t: Tally = ctx.get_as(&keys::tally(id))?.unwrap_or_default();
        let key = tally::opening_key(&v).map_err(|e| TxError::rule("bad_part", e))?;
        t.opening_key = key.secret().to_vec();
        let ballots = load_box(ctx, id)?.ballots;
        let end = ballots.min(t.opened + OPEN_PER_BLOCK as u64);
        let mut batch = Vec::with_capacity((end - t.opened) as usize);
        for n in t.opened..end {
            let b: Ballot = ctx
                .get_as(&keys::ballot(id, n))?
                .ok_or_else(|| TxError::storage(format!("ballot {n} of {id} missing")))?;
            batch.push(b);
        }
        // Opened on every core; counted in ballot order, so the result is the same everywhere.
        for r in tally::open_all(&key, id, v.options.len(), &batch) {
            tally::count(&mut t, v.options.len(), r);
        }
        t.counts.resize(v.options.len(), 0);
        t.height = ctx.height();
        if t.opened == ballots {
            t.complete = true;
            v.status = VoteStatus::Final;
            ctx.put_as(keys::vote(id), &v)?;
            let mut counting: Vec<String> = ctx.get_as(keys::COUNTING)?.unwrap_or_default();
            counting.retain(|x| x != id);
            ctx.put_as(keys::COUNTING.to_vec(), &counting)?;
        }
        ctx.put_as(keys::tally(id), &t)
    }
}

impl Module for VoteModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn anonymous(&self, method: &str) -> bool {
        method == Cast::METHOD
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            CreateVote::METHOD => self.create(ctx, decode_args(args)?, write),
            Deal::METHOD => self.deal(ctx, decode_args(args)?, write),
            IssueToken::METHOD => self.issue_token(ctx, decode_args(args)?, write),
            Cast::METHOD => self.cast(ctx, decode_args(args)?, write),
            Release::METHOD => self.release(ctx, decode_args(args)?, write),
            _ => Err(TxError::new(govchain_execution::TxErrorKind::UnknownMethod, format!("vote.{method}"))),
        }
    }

    fn begin_block(&self, ctx: &mut TxContext<'_>) -> Result<Vec<Vec<u8>>, TxError> {
        let counting: Vec<String> = ctx.get_as(keys::COUNTING)?.unwrap_or_default();
        Ok(counting.into_iter().take(MAX_COUNTING).map(String::into_bytes).collect())
    }

    fn block_task(&self, ctx: &mut TxContext<'_>, task: &[u8]) -> Result<(), TxError> {
        self.count(ctx, &String::from_utf8_lossy(task))
    }
}
