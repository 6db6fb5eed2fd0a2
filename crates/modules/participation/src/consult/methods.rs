//! The `consult` module's methods.

use govchain_execution::{Module, Phase, TxContext, TxError, decode_args};
use govchain_identity::require_permission;
use govchain_types::{Event, IndexOp, Method, validate};

use super::keys::{self, MODULE};
use super::model::*;
use crate::eligibility;
use crate::model::MAX_TITLE;

/// Permission to open a consultation.
pub const CREATE_PERMISSION: &str = "consult.create";
/// Permission to answer and moderate comments (of one's own department's consultations).
pub const RESPOND_PERMISSION: &str = "consult.respond";

fn load(ctx: &mut TxContext<'_>, id: &str) -> Result<Consultation, TxError> {
    ctx.get_as(&keys::consultation(id))?.ok_or_else(|| TxError::not_found(format!("no consultation {id}")))
}

fn load_comment(ctx: &mut TxContext<'_>, c: &Consultation, n: u64) -> Result<Comment, TxError> {
    ctx.get_as(&keys::comment(&c.id, n))?
        .ok_or_else(|| TxError::not_found(format!("consultation {} has no comment {n}", c.id)))
}

/// The signer, when an official of the consulting department holding the respond permission.
fn responder(ctx: &mut TxContext<'_>, c: &Consultation) -> Result<govchain_types::Address, TxError> {
    let (acct, org) = require_permission(ctx, RESPOND_PERMISSION)?;
    if org.id != c.org {
        return Err(TxError::unauthorized(format!("only {} answers and moderates consultation {}", c.org, c.id)));
    }
    Ok(acct.address)
}

/// The consultation module.
#[derive(Default)]
pub struct ConsultModule;

impl ConsultModule {
    fn create(&self, ctx: &mut TxContext<'_>, a: CreateConsultation, write: bool) -> Result<(), TxError> {
        validate::slug("consultation id", &a.id)?;
        validate::text("title", &a.title, MAX_TITLE)?;
        validate::count("documents", a.documents.len(), MAX_DOCUMENTS)?;
        eligibility::check(&a.eligibility)?;
        if a.opens_height <= ctx.height() || a.closes_height < a.opens_height {
            return Err(TxError::invalid_args(format!("need {} < opening height <= closing height", ctx.height())));
        }
        if a.closes_height - a.opens_height > MAX_PERIOD {
            return Err(TxError::invalid_args(format!("a consultation is open at most {MAX_PERIOD} blocks")));
        }
        let (acct, org) = require_permission(ctx, CREATE_PERMISSION)?;
        if ctx.get(&keys::consultation(&a.id))?.is_some() {
            return Err(TxError::already_exists(format!("consultation {} exists", a.id)));
        }
        govchain_identity::account(ctx, &a.eligibility.authority)?
            .filter(|x| x.active)
            .ok_or_else(|| TxError::not_found(format!("no active authority account {}", a.eligibility.authority)))?;
        if !write {
            return Ok(());
        }
        let c = Consultation {
            id: a.id,
            org: org.id,
            creator: acct.address,
            title: a.title,
            text_hash: a.text_hash,
            documents: a.documents,
            eligibility: a.eligibility,
            opens_height: a.opens_height,
            closes_height: a.closes_height,
            tokens_issued: 0,
            comments: 0,
            height: ctx.height(),
        };
        ctx.put_as(keys::consultation(&c.id), &c)?;
        ctx.index(IndexOp::Put(keys::idx_consultation(&c.id), vec![]));
        ctx.emit(Event::new(MODULE, "created", &[("consultation", c.id.clone()), ("org", c.org.clone())]))
    }

    fn issue_token(&self, ctx: &mut TxContext<'_>, a: IssueCommentToken, write: bool) -> Result<(), TxError> {
        let mut c = load(ctx, &a.consultation)?;
        if ctx.height() > c.closes_height {
            return Err(TxError::rule("closed", format!("consultation {} closed at height {}", c.id, c.closes_height)));
        }
        let holder = eligibility::issuable(ctx, &c.eligibility, &a.certificate)?;
        let key = keys::issued(&c.id, &holder);
        if ctx.get(&key)?.is_some() {
            return Err(TxError::rule(
                "already_issued",
                "this certificate holder already has a token for this consultation",
            ));
        }
        if !write {
            return Ok(());
        }
        ctx.put_as(key, &ctx.height())?;
        c.tokens_issued += 1;
        ctx.put_as(keys::consultation(&c.id), &c)?;
        ctx.emit(Event::new(MODULE, "token_issued", &[("consultation", c.id), ("issued", c.tokens_issued.to_string())]))
    }

    fn comment(&self, ctx: &mut TxContext<'_>, a: PostComment, write: bool) -> Result<(), TxError> {
        validate::text("comment", &a.text, MAX_COMMENT)?;
        let mut c = load(ctx, &a.consultation)?;
        let h = ctx.height();
        if h < c.opens_height {
            return Err(TxError::rule("not_open", format!("consultation {} opens at height {}", c.id, c.opens_height)));
        }
        if h > c.closes_height {
            return Err(TxError::rule("closed", format!("consultation {} closed at height {}", c.id, c.closes_height)));
        }
        let key = ctx.signer_key.clone();
        let spent = eligibility::token_hash(ctx, MODULE, &c.id, &c.eligibility, &key, &a.token)?;
        let spent = keys::spent(&c.id, &spent);
        if ctx.get(&spent)?.is_some() {
            return Err(TxError::rule("token_spent", "this token has already posted a comment"));
        }
        if c.comments >= c.tokens_issued {
            return Err(TxError::rule("token_spent", "more comments than tokens issued"));
        }
        if !write {
            return Ok(());
        }
        let text_hash = ctx.env().suite.hash(a.text.as_bytes());
        let m = Comment {
            n: c.comments,
            pseudonym: ctx.signer,
            key,
            token: a.token,
            text: a.text,
            text_hash,
            height: h,
            answer: None,
            moderation: None,
        };
        c.comments += 1;
        ctx.put_as(spent, &m.n)?;
        ctx.put_as(keys::comment(&c.id, m.n), &m)?;
        ctx.put_as(keys::consultation(&c.id), &c)?;
        ctx.emit(Event::new(MODULE, "comment", &[("consultation", c.id), ("n", m.n.to_string())]))
    }

    fn answer(&self, ctx: &mut TxContext<'_>, a: AnswerComment, write: bool) -> Result<(), TxError> {
        validate::text("answer", &a.text, MAX_COMMENT)?;
        let c = load(ctx, &a.consultation)?;
        let by = responder(ctx, &c)?;
        let mut m = load_comment(ctx, &c, a.comment)?;
        if m.answer.is_some() {
            return Err(TxError::already_exists(format!("comment {} is answered", m.n)));
        }
        if !write {
            return Ok(());
        }
        m.answer = Some(Answer { by, text: a.text, height: ctx.height() });
        ctx.put_as(keys::comment(&c.id, m.n), &m)?;
        ctx.emit(Event::new(MODULE, "answered", &[("consultation", c.id), ("n", m.n.to_string())]))
    }

    fn moderate(&self, ctx: &mut TxContext<'_>, a: ModerateComment, write: bool) -> Result<(), TxError> {
        validate::text("reason", &a.reason, MAX_REASON)?;
        let c = load(ctx, &a.consultation)?;
        let by = responder(ctx, &c)?;
        let mut m = load_comment(ctx, &c, a.comment)?;
        if m.moderation.is_some() {
            return Err(TxError::already_exists(format!("comment {} is moderated", m.n)));
        }
        if !write {
            return Ok(());
        }
        m.text.clear();
        m.moderation = Some(Moderation { by, reason: a.reason, height: ctx.height() });
        ctx.put_as(keys::comment(&c.id, m.n), &m)?;
        ctx.emit(Event::new(MODULE, "moderated", &[("consultation", c.id), ("n", m.n.to_string())]))
    }
}

impl Module for ConsultModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn anonymous(&self, method: &str) -> bool {
        method == PostComment::METHOD
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        let write = phase == Phase::Execute;
        match method {
            CreateConsultation::METHOD => self.create(ctx, decode_args(args)?, write),
            IssueCommentToken::METHOD => self.issue_token(ctx, decode_args(args)?, write),
            PostComment::METHOD => self.comment(ctx, decode_args(args)?, write),
            AnswerComment::METHOD => self.answer(ctx, decode_args(args)?, write),
            ModerateComment::METHOD => self.moderate(ctx, decode_args(args)?, write),
            _ => Err(TxError::new(govchain_execution::TxErrorKind::UnknownMethod, format!("consult.{method}"))),
        }
    }
}
