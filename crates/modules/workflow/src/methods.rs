//! The workflow transaction methods and the engine that moves instances.

use std::collections::BTreeMap;

use govchain_execution::{Module, Phase, TxContext, TxError, TxErrorKind, decode_args};
use govchain_identity::{Account, AccountKind, require_permission};
use govchain_types::{Address, Event, IndexOp, validate};

use crate::definition::{self, compiled, span_end};
use crate::expr::{self, Inputs};
use crate::facts::StateFacts;
use crate::keys::{self, MODULE};
use crate::model::*;

/// Longest reason, bytes.
pub const MAX_REASON: usize = 1024;
/// Largest sealed job result, bytes.
pub const MAX_SEALED: usize = 8 * 1024;
/// Most deadlines fired in one block; the rest fire in the next blocks.
pub const MAX_FIRES_PER_BLOCK: usize = 32;
/// Most hour buckets the deadline cursor walks in one block (85 days of a stopped chain; a
/// running chain walks one or two).
pub const MAX_BUCKETS_PER_BLOCK: u64 = 2048;
const HOUR_MS: u64 = 3_600_000;

/// The id of the instance an `apply` transaction creates: hex of
/// `H("GOVCHAIN/WORKFLOW-INSTANCE/v1\0" || transaction id)`.
pub fn instance_id(suite: govchain_types::Suite, tx_hash: &govchain_types::Hash32) -> String {
    hex::encode(suite.hash_parts(&[b"GOVCHAIN/WORKFLOW-INSTANCE/v1\0", &tx_hash.0]).0)
}

fn load_deployed(ctx: &mut TxContext<'_>, org: &str, process: &str, version: u32) -> Result<Deployed, TxError> {
    let version = match version {
        0 => {
            let head: ProcessHead = ctx
                .get_as(&keys::process(org, process))?
                .ok_or_else(|| TxError::not_found(format!("no process {org}/{process}")))?;
            head.version
        }
        v => v,
    };
    ctx.get_as(&keys::definition(org, process, version))?
        .ok_or_else(|| TxError::not_found(format!("no version {version} of process {org}/{process}")))
}

fn load_instance(ctx: &mut TxContext<'_>, id: &str) -> Result<Instance, TxError> {
    ctx.get_as(&keys::instance(id))?.ok_or_else(|| TxError::not_found(format!("no instance {id}")))
}

fn signer_account(ctx: &mut TxContext<'_>) -> Result<Account, TxError> {
    let signer = ctx.signer;
    match govchain_identity::account(ctx, &signer)? {
        Some(a) if a.active => Ok(a),
        Some(_) => Err(TxError::unauthorized("account is suspended")),
        None => Err(TxError::unauthorized(format!("no account {signer}"))),
    }
}

fn applicant_kind(k: AccountKind) -> ApplicantKind {
    match k {
        AccountKind::Citizen => ApplicantKind::Citizen,
        AccountKind::Business => ApplicantKind::Business,
        AccountKind::Official => ApplicantKind::Official,
    }
}

fn kind_name(k: ApplicantKind) -> &'static str {
    match k {
        ApplicantKind::Citizen => "citizen",
        ApplicantKind::Business => "business",
        ApplicantKind::Official => "official",
    }
}

/// Checks one field value against its declaration.
pub fn check_value(f: &FieldDef, v: &Value) -> Result<(), TxError> {
    let bad = |why: String| Err(TxError::invalid_args(format!("field {}: {why}", f.name)));
    let max = f.text_bound() as usize;
    match (f.kind, v) {
        (FieldKind::Text, Value::Text(s)) if s.len() <= max && !s.trim().is_empty() => Ok(()),
        (FieldKind::Text, Value::Text(_)) => bad(format!("1-{max} bytes of text, not blank")),
        (FieldKind::Int, Value::Int(_)) | (FieldKind::Bool, Value::Bool(_)) => Ok(()),
        (FieldKind::TextList, Value::List(l)) => {
            let items = f.items_bound() as usize;
            if l.len() > items || l.iter().any(|s| s.is_empty() || s.len() > max) {
                bad(format!("at most {items} items of 1-{max} bytes"))
            } else {
                Ok(())
            }
        }
        (FieldKind::Account, Value::Text(s)) if Address::from_text(s).is_ok() => Ok(()),
        (FieldKind::Account, _) => bad("an account address, 0x + 40 hex".into()),
        (FieldKind::Digest, Value::Text(s)) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(()),
        (FieldKind::Digest, _) => bad("64 hex characters".into()),
        (kind, _) => bad(format!("expected {kind:?}")),
    }
}

fn check_fields(def: &Definition, fields: &BTreeMap<String, Value>, all: bool) -> Result<(), TxError> {
    for (name, v) in fields {
        let f = def.field(name).ok_or_else(|| TxError::invalid_args(format!("the process has no field {name}")))?;
        check_value(f, v)?;
    }
    if all && let Some(f) = def.fields.iter().find(|f| f.required && !fields.contains_key(&f.name)) {
        return Err(TxError::invalid_args(format!("field {} is required", f.name)));
    }
    Ok(())
}

/// The task-list keys of the people who may act in `state`.
fn assignees(def: &Definition, inst: &Instance, state: &str) -> Vec<String> {
    let mut out: Vec<String> = def
        .state(state)
        .map(|s| s.transitions.iter().filter_map(|t| assignee(&t.by, inst)).collect())
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// The task-list key of an actor (None for the engine).
pub fn assignee(a: &Actor, inst: &Instance) -> Option<String> {
    match a {
        Actor::Auto => None,
        Actor::Applicant => Some(format!("acct:{}", hex::encode(inst.applicant.0))),
        Actor::Role { org, role } => Some(format!("role:{org}:{role}")),
        Actor::Org(org) => Some(format!("org:{org}")),
        Actor::Field(field) => match inst.fields.get(field) {
            Some(Value::Text(s)) => Address::from_text(s).ok().map(|a| format!("acct:{}", hex::encode(a.0))),
            _ => None,
        },
    }
}

fn may_act(a: &Actor, inst: &Instance, acct: &Account) -> Result<(), TxError> {
    let official_of = |org: &str| acct.kind == AccountKind::Official && acct.org == org;
    let ok = match a {
        Actor::Auto => return Err(TxError::rule("automatic", "this transition is taken by the engine, not a person")),
        Actor::Applicant => acct.address == inst.applicant,
        Actor::Role { org, role } => official_of(org) && acct.roles.contains(role),
        Actor::Org(org) => official_of(org),
        Actor::Field(field) => {
            matches!(inst.fields.get(field), Some(Value::Text(s)) if Address::from_text(s).ok() == Some(acct.address))
        }
    };
    if ok {
        Ok(())
    } else {
        let who = match a {
            Actor::Applicant => "the applicant".to_string(),
            Actor::Role { org, role } => format!("an official of {org} with role {role}"),
            Actor::Org(org) => format!("an official of {org}"),
            Actor::Field(field) => format!("the account named in field {field}"),
            Actor::Auto => "the engine".to_string(),
        };
        Err(TxError::unauthorized(format!("only {who} may take this transition")))
    }
}

/// An instance being moved by one transaction or block task.
struct Run {
    dep: Deployed,
    inst: Instance,
    moved_from: String,
}

impl Run {
    fn def(&self) -> &Definition {
        &self.dep.definition
    }

    fn inputs(&self, ctx: &TxContext<'_>) -> Inputs<'_> {
        let jobs = self
            .inst
            .jobs
            .values()
            .map(|j| {
                let status = match j.status {
                    JobStatus::Pending => "pending",
                    JobStatus::Done => "done",
                    JobStatus::Failed => "failed",
                };
                (j.id.clone(), status.to_string(), j.attempts, &j.output)
            })
            .collect();
        let applicant = [
            ("address", self.inst.applicant.to_text()),
            ("kind", kind_name(self.inst.applicant_kind).to_string()),
            ("org", self.inst.applicant_org.clone()),
        ];
        Inputs { fields: &self.inst.fields, applicant, jobs, now_ms: ctx.time_ms(), height: ctx.height() }
    }

    /// Evaluates an expression of this instance's definition.
    fn eval(&self, ctx: &mut TxContext<'_>, src: &str) -> Result<Result<cel::Value, expr::ExprError>, TxError> {
        let checked = match compiled(&self.dep, src) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let inputs = self.inputs(ctx);
        let mut facts = StateFacts { ctx, storage: None };
        let r = expr::evaluate(&checked, &inputs, &mut facts);
        if let Some(e) = facts.storage {
            return Err(e);
        }
        Ok(r)
    }

    fn condition(&self, ctx: &mut TxContext<'_>, src: &str) -> Result<Result<bool, expr::ExprError>, TxError> {
        Ok(self.eval(ctx, src)?.and_then(|v| match v {
            cel::Value::Bool(b) => Ok(b),
            other => {
                Err(expr::ExprError::Eval(format!("a condition must be true or false, not {:?}", other.type_of())))
            }
        }))
    }

    fn value(&self, ctx: &mut TxContext<'_>, what: &str, src: &str) -> Result<Value, TxError> {
        self.eval(ctx, src)?
            .and_then(|v| expr::from_cel(&v))
            .map_err(|e| TxError::rule("expression_failed", format!("{what}: {e}")))
    }

    fn step(
        &mut self,
        ctx: &mut TxContext<'_>,
        kind: StepKind,
        actor: Option<Address>,
        what: &str,
        to: &str,
        note: &str,
    ) -> Result<(), TxError> {
        self.inst.steps += 1;
        let step = Step {
            n: self.inst.steps,
            kind,
            height: ctx.height(),
            time_ms: ctx.time_ms(),
            tx_hash: ctx.tx_hash,
            actor,
            what: what.to_string(),
            from: self.inst.state.clone(),
            to: to.to_string(),
            note: note.to_string(),
        };
        self.inst.updated_height = ctx.height();
        ctx.put_as(keys::step(&self.inst.id, step.n), &step)
    }

    /// Leaves the current state for `to` through transition `what`.
    fn take(
        &mut self,
        ctx: &mut TxContext<'_>,
        kind: StepKind,
        actor: Option<Address>,
        what: &str,
        to: &str,
        note: &str,
    ) -> Result<(), TxError> {
        for a in assignees(self.def(), &self.inst, &self.inst.state) {
            ctx.index(IndexOp::Delete(keys::idx_task(&a, &self.inst.id)));
        }
        self.step(ctx, kind, actor, what, to, note)?;
        self.enter(ctx, to)
    }

    /// Enters `state`: its deadline, its actions, its task-list entries.
    fn enter(&mut self, ctx: &mut TxContext<'_>, state: &str) -> Result<(), TxError> {
        let st = self
            .def()
            .state(state)
            .cloned()
            .ok_or_else(|| TxError::storage(format!("definition has no state {state}")))?;
        self.inst.state = st.id.clone();
        self.inst.entered_ms = ctx.time_ms();
        self.inst.reminders = 0;
        self.inst.outcome = st.outcome;
        self.inst.due_ms = None;
        if let Some(d) = &st.deadline {
            let due = span_end(ctx.time_ms(), &d.after);
            self.inst.due_ms = Some(due);
            schedule(ctx, due, &self.inst.id)?;
        }
        for a in &st.actions {
            self.action(ctx, a)?;
        }
        for a in assignees(self.def(), &self.inst, &st.id) {
            ctx.index(IndexOp::Put(keys::idx_task(&a, &self.inst.id), st.id.as_bytes().to_vec()));
        }
        Ok(())
    }

    fn action(&mut self, ctx: &mut TxContext<'_>, a: &Action) -> Result<(), TxError> {
        match a {
            Action::Emit { name } => ctx.emit(Event::new(
                MODULE,
                name,
                &[("instance", self.inst.id.clone()), ("process", format!("{}/{}", self.inst.org, self.inst.process))],
            )),
            Action::Register { register, key, set } => {
                let k = match self.value(ctx, "register key", key)? {
                    Value::Text(s) if !s.is_empty() && s.len() <= 256 => s,
                    _ => return Err(TxError::rule("expression_failed", "a register key is 1-256 bytes of text")),
                };
                let mut values = BTreeMap::new();
                for (name, src) in set {
                    values.insert(name.clone(), self.value(ctx, name, src)?);
                }
                let org = self.inst.org.clone();
                let old = crate::facts::register_entry(ctx, &org, register, &k)?;
                let entry = RegisterEntry {
                    org: org.clone(),
                    register: register.clone(),
                    key: k.clone(),
                    version: old.map_or(1, |o| o.version + 1),
                    values,
                    instance: self.inst.id.clone(),
                    height: ctx.height(),
                    time_ms: ctx.time_ms(),
                };
                ctx.put_as(keys::register_version(&org, register, &k, entry.version), &entry)?;
                ctx.put_as(keys::register(&org, register, &k), &entry)?;
                let mut ik = keys::idx_register(&org, register);
                ik.extend(k.as_bytes());
                ctx.index(IndexOp::Put(ik, Vec::new()));
                Ok(())
            }
            Action::Job { id, kind, params, max_attempts } => {
                let mut values = BTreeMap::new();
                for (name, src) in params {
                    values.insert(name.clone(), self.value(ctx, name, src)?);
                }
                let job = Job {
                    id: id.clone(),
                    kind: kind.clone(),
                    org: self.inst.org.clone(),
                    params: values,
                    status: JobStatus::Pending,
                    attempts: 0,
                    max_attempts: if *max_attempts == 0 { 3 } else { *max_attempts },
                    output: BTreeMap::new(),
                    error: String::new(),
                    sealed: Vec::new(),
                    created_height: ctx.height(),
                    created_ms: ctx.time_ms(),
                };
                ctx.index(IndexOp::Put(keys::idx_job(&job.org, &self.inst.id, id), Vec::new()));
                self.inst.jobs.insert(id.clone(), job);
                Ok(())
            }
        }
    }

    /// Takes automatic transitions while one holds (the definition has no automatic cycle, so
    /// this ends within the number of states).
    fn advance(&mut self, ctx: &mut TxContext<'_>) -> Result<(), TxError> {
        self.inst.last_error.clear();
        for _ in 0..=MAX_STATES {
            if self.inst.outcome.is_some() {
                return Ok(());
            }
            let Some(st) = self.def().state(&self.inst.state).cloned() else { return Ok(()) };
            let mut next = None;
            for t in st.transitions.iter().filter(|t| t.by == Actor::Auto) {
                let holds = match &t.when {
                    None => Ok(true),
                    Some(w) => self.condition(ctx, w)?,
                };
                match holds {
                    Ok(true) => {
                        next = Some(t.clone());
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => self.inst.last_error = format!("{}: {e}", t.id),
                }
            }
            let Some(t) = next else { return Ok(()) };
            self.take(ctx, StepKind::Auto, None, &t.id, &t.to, "")?;
        }
        Ok(())
    }

    fn save(self, ctx: &mut TxContext<'_>) -> Result<(), TxError> {
        let inst = self.inst;
        if inst.state != self.moved_from {
            let outcome = inst.outcome.map(|o| format!("{o:?}").to_lowercase()).unwrap_or_default();
            ctx.emit(Event::new(
                MODULE,
                "moved",
                &[
                    ("instance", inst.id.clone()),
                    ("process", format!("{}/{}", inst.org, inst.process)),
                    ("from", self.moved_from.clone()),
                    ("to", inst.state.clone()),
                    ("outcome", outcome),
                ],
            ))?;
        }
        ctx.put_as(keys::instance(&inst.id), &inst)
    }
}

/// Adds a deadline to its hour bucket.
fn schedule(ctx: &mut TxContext<'_>, due_ms: u64, id: &str) -> Result<(), TxError> {
    let key = keys::due(due_ms / HOUR_MS);
    let mut bucket: Vec<(u64, String)> = ctx.get_as(&key)?.unwrap_or_default();
    let entry = (due_ms, id.to_string());
    if let Err(pos) = bucket.binary_search(&entry) {
        bucket.insert(pos, entry);
    }
    ctx.put_as(key, &bucket)
}

/// The workflow module.
#[derive(Default)]
pub struct WorkflowModule;

impl WorkflowModule {
    fn deploy(&self, ctx: &mut TxContext<'_>, d: Deploy, write: bool) -> Result<(), TxError> {
        let (acct, org) = require_permission(ctx, "workflow.deploy")?;
        definition::check(&d.definition).map_err(|e| TxError::rule("invalid_definition", e.to_string()))?;
        if !write {
            return Ok(());
        }
        let def = d.definition;
        let hash = definition::hash(ctx.env().suite, &def);
        let head: Option<ProcessHead> = ctx.get_as(&keys::process(&org.id, &def.id))?;
        if head.as_ref().is_some_and(|h| h.hash == hash) {
            return Err(TxError::already_exists(format!(
                "this definition is already version {} of {}/{}",
                head.map_or(0, |h| h.version),
                org.id,
                def.id
            )));
        }
        let version = head.map_or(1, |h| h.version + 1);
        let dep = Deployed {
            org: org.id.clone(),
            version,
            hash,
            engine: expr::ENGINE.to_string(),
            deployer: acct.address,
            height: ctx.height(),
            definition: def.clone(),
        };
        ctx.put_as(keys::definition(&org.id, &def.id, version), &dep)?;
        ctx.put_as(keys::process(&org.id, &def.id), &ProcessHead { version, hash, name: def.name.clone() })?;
        ctx.index(IndexOp::Put(keys::idx_process(&org.id, &def.id), Vec::new()));
        ctx.emit(Event::new(
            MODULE,
            "deployed",
            &[
                ("process", format!("{}/{}", org.id, def.id)),
                ("version", version.to_string()),
                ("hash", hash.to_string()),
            ],
        ))
    }

    fn apply(&self, ctx: &mut TxContext<'_>, a: Apply, write: bool) -> Result<(), TxError> {
        let acct = signer_account(ctx)?;
        let dep = load_deployed(ctx, &a.org, &a.process, a.version)?;
        let kind = applicant_kind(acct.kind);
        if !dep.definition.applicants.contains(&kind) {
            return Err(TxError::unauthorized(format!(
                "a {} account may not apply for {}",
                kind_name(kind),
                a.process
            )));
        }
        if dep.engine != expr::ENGINE {
            return Err(TxError::rule(
                "engine_mismatch",
                format!("version {} needs engine {}", dep.version, dep.engine),
            ));
        }
        check_fields(&dep.definition, &a.fields, true)?;
        if !write {
            return Ok(());
        }
        let suite = ctx.env().suite;
        let id = instance_id(suite, &ctx.tx_hash);
        if ctx.get(&keys::instance(&id))?.is_some() {
            return Err(TxError::already_exists(format!("instance {id} exists")));
        }
        let inst = Instance {
            id: id.clone(),
            org: dep.org.clone(),
            process: dep.definition.id.clone(),
            version: dep.version,
            definition: dep.hash,
            applicant: acct.address,
            applicant_kind: kind,
            applicant_org: acct.org.clone(),
            fields: a.fields,
            state: String::new(),
            outcome: None,
            entered_ms: ctx.time_ms(),
            due_ms: None,
            reminders: 0,
            jobs: BTreeMap::new(),
            last_error: String::new(),
            steps: 0,
            created_height: ctx.height(),
            created_ms: ctx.time_ms(),
            updated_height: ctx.height(),
        };
        let start = dep.definition.start.clone();
        ctx.index(IndexOp::Put(
            keys::timed(&keys::idx_instances(&inst.org, &inst.process), inst.created_ms, &id),
            Vec::new(),
        ));
        ctx.index(IndexOp::Put(
            keys::timed(&keys::idx_mine(&hex::encode(acct.address.0)), inst.created_ms, &id),
            Vec::new(),
        ));
        let mut run = Run { dep, inst, moved_from: String::new() };
        run.step(ctx, StepKind::Applied, Some(acct.address), "apply", &start, "")?;
        run.enter(ctx, &start)?;
        run.advance(ctx)?;
        run.save(ctx)
    }

    fn act(&self, ctx: &mut TxContext<'_>, a: Act, write: bool) -> Result<(), TxError> {
        let acct = signer_account(ctx)?;
        let inst = load_instance(ctx, &a.instance)?;
        if inst.outcome.is_some() {
            return Err(TxError::rule("finished", format!("instance {} has ended in {}", inst.id, inst.state)));
        }
        let dep = load_deployed(ctx, &inst.org, &inst.process, inst.version)?;
        let st = dep
            .definition
            .state(&inst.state)
            .cloned()
            .ok_or_else(|| TxError::storage("instance in an unknown state"))?;
        let t = st.transitions.iter().find(|t| t.id == a.transition).cloned().ok_or_else(|| {
            TxError::rule("no_such_transition", format!("state {} has no transition {}", st.id, a.transition))
        })?;
        may_act(&t.by, &inst, &acct)?;
        if t.reason_required {
            validate::text("reason", &a.reason, MAX_REASON)?;
        } else if a.reason.len() > MAX_REASON {
            return Err(TxError::invalid_args(format!("reason: at most {MAX_REASON} bytes")));
        }
        if let Some(f) = a.edits.keys().find(|f| !t.edits.contains(f)) {
            return Err(TxError::rule("not_editable", format!("transition {} does not let you change {f}", t.id)));
        }
        check_fields(&dep.definition, &a.edits, false)?;
        let from = inst.state.clone();
        let mut run = Run { dep, inst, moved_from: from };
        run.inst.fields.extend(a.edits);
        if let Some(w) = &t.when {
            match run.condition(ctx, w)? {
                Ok(true) => {}
                Ok(false) => {
                    return Err(TxError::rule(
                        "condition_false",
                        format!("the condition of {} does not hold: {w}", t.id),
                    ));
                }
                Err(e) => return Err(TxError::rule("condition_failed", format!("{}: {e}", t.id))),
            }
        }
        if !write {
            return Ok(());
        }
        run.take(ctx, StepKind::Manual, Some(acct.address), &t.id, &t.to, &a.reason)?;
        run.advance(ctx)?;
        run.save(ctx)
    }

    fn report(&self, ctx: &mut TxContext<'_>, r: Report, write: bool) -> Result<(), TxError> {
        let (_acct, org) = require_permission(ctx, "workflow.report")?;
        let inst = load_instance(ctx, &r.instance)?;
        let job = inst
            .jobs
            .get(&r.job)
            .ok_or_else(|| TxError::not_found(format!("instance {} has no job {}", inst.id, r.job)))?;
        if job.org != org.id {
            return Err(TxError::unauthorized(format!("job {} is for {}'s worker", job.id, job.org)));
        }
        if job.status != JobStatus::Pending {
            return Err(TxError::rule("job_not_pending", format!("job {} is already {:?}", job.id, job.status)));
        }
        if r.sealed.len() > MAX_SEALED || r.output.len() > 16 || r.error.len() > MAX_REASON {
            return Err(TxError::invalid_args(format!(
                "at most 16 outputs, {MAX_SEALED} sealed bytes, {MAX_REASON} bytes of error"
            )));
        }
        for (k, v) in &r.output {
            let ok = definition::is_name(k)
                && match v {
                    Value::Text(s) => s.len() <= MAX_TEXT as usize,
                    Value::List(l) => l.len() <= MAX_ITEMS as usize && l.iter().all(|s| s.len() <= MAX_TEXT as usize),
                    _ => true,
                };
            if !ok {
                return Err(TxError::invalid_args(format!("output {k}: a name [a-z][a-z0-9_]* and a bounded value")));
            }
        }
        if !r.ok && r.error.trim().is_empty() {
            return Err(TxError::invalid_args("a failed attempt needs an error message"));
        }
        if !write {
            return Ok(());
        }
        let dep = load_deployed(ctx, &inst.org, &inst.process, inst.version)?;
        let from = inst.state.clone();
        let mut run = Run { dep, inst, moved_from: from };
        let signer = ctx.signer;
        let (note, done) = {
            let job = run.inst.jobs.get_mut(&r.job).ok_or_else(|| TxError::storage("job vanished"))?;
            job.attempts += 1;
            if r.ok {
                job.status = JobStatus::Done;
                job.output = r.output;
                job.sealed = r.sealed;
                job.error.clear();
                ("done".to_string(), true)
            } else {
                job.error = r.error.clone();
                if job.attempts >= job.max_attempts {
                    job.status = JobStatus::Failed;
                }
                (
                    format!("attempt {} of {} failed: {}", job.attempts, job.max_attempts, r.error),
                    job.status == JobStatus::Failed,
                )
            }
        };
        if done {
            ctx.index(IndexOp::Delete(keys::idx_job(&run.inst.org, &run.inst.id, &r.job)));
        }
        let state = run.inst.state.clone();
        run.step(ctx, StepKind::Job, Some(signer), &r.job, &state, &note)?;
        run.advance(ctx)?;
        run.save(ctx)
    }

    fn dispatch(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], write: bool) -> Result<(), TxError> {
        match method {
            "deploy" => self.deploy(ctx, decode_args(args)?, write),
            "apply" => self.apply(ctx, decode_args(args)?, write),
            "act" => self.act(ctx, decode_args(args)?, write),
            "report" => self.report(ctx, decode_args(args)?, write),
            other => Err(TxError::new(TxErrorKind::UnknownMethod, format!("workflow has no method {other}"))),
        }
    }

    /// Fires one deadline (a block task).
    fn fire(&self, ctx: &mut TxContext<'_>, due_ms: u64, id: &str) -> Result<(), TxError> {
        let Some(inst) = ctx.get_as::<Instance>(&keys::instance(id))? else { return Ok(()) };
        if inst.outcome.is_some() || inst.due_ms != Some(due_ms) {
            return Ok(());
        }
        let dep = load_deployed(ctx, &inst.org, &inst.process, inst.version)?;
        let Some(d) = dep.definition.state(&inst.state).and_then(|s| s.deadline.clone()) else { return Ok(()) };
        let from = inst.state.clone();
        let mut run = Run { dep, inst, moved_from: from };
        match &d.take {
            Some(tid) => {
                let to = run
                    .def()
                    .state(&run.inst.state)
                    .and_then(|s| s.transitions.iter().find(|t| &t.id == tid))
                    .map(|t| t.to.clone())
                    .ok_or_else(|| TxError::storage("deadline names a missing transition"))?;
                run.take(ctx, StepKind::Deadline, None, tid, &to, "deadline passed")?;
                run.advance(ctx)?;
            }
            None => {
                run.inst.reminders += 1;
                let state = run.inst.state.clone();
                let note = format!("reminder {} of {}", run.inst.reminders, d.remind);
                run.step(ctx, StepKind::Reminder, None, "remind", &state, &note)?;
                run.inst.due_ms = None;
                if run.inst.reminders < d.remind {
                    let next = span_end(due_ms, &d.after);
                    run.inst.due_ms = Some(next);
                    schedule(ctx, next, id)?;
                }
            }
        }
        run.save(ctx)
    }
}

impl Module for WorkflowModule {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn call(&self, ctx: &mut TxContext<'_>, method: &str, args: &[u8], phase: Phase) -> Result<(), TxError> {
        self.dispatch(ctx, method, args, phase == Phase::Execute)
    }

    /// Collects the deadlines that have passed by this block's time, oldest first, at most
    /// [`MAX_FIRES_PER_BLOCK`], walking at most [`MAX_BUCKETS_PER_BLOCK`] hour buckets.
    fn begin_block(&self, ctx: &mut TxContext<'_>) -> Result<Vec<Vec<u8>>, TxError> {
        let now = ctx.time_ms();
        let now_hour = now / HOUR_MS;
        let mut cursor: u64 = ctx.get_as(keys::DUE_CURSOR)?.unwrap_or(now_hour);
        let start = cursor;
        let mut tasks = Vec::new();
        while cursor <= now_hour && cursor - start < MAX_BUCKETS_PER_BLOCK && tasks.len() < MAX_FIRES_PER_BLOCK {
            let key = keys::due(cursor);
            let bucket: Vec<(u64, String)> = ctx.get_as(&key)?.unwrap_or_default();
            let ripe = bucket.iter().take_while(|(due, _)| *due < now).count().min(MAX_FIRES_PER_BLOCK - tasks.len());
            tasks.extend(bucket[..ripe].iter().map(|t| borsh::to_vec(t).unwrap_or_default()));
            let rest = &bucket[ripe..];
            if ripe > 0 {
                if rest.is_empty() { ctx.delete(key)? } else { ctx.put_as(key, &rest.to_vec())? }
            }
            if !rest.is_empty() || cursor == now_hour {
                break;
            }
            cursor += 1;
        }
        if ctx.get_as::<u64>(keys::DUE_CURSOR)? != Some(cursor) {
            ctx.put_as(keys::DUE_CURSOR.to_vec(), &cursor)?;
        }
        Ok(tasks)
    }

    fn block_task(&self, ctx: &mut TxContext<'_>, task: &[u8]) -> Result<(), TxError> {
        let (due, id): (u64, String) = decode_args(task)?;
        self.fire(ctx, due, &id)
    }
}
