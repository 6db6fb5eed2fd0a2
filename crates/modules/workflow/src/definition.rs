//! Checking a process definition at deploy: structure, bounds, and every expression
//! ([`crate::expr::check`]). A definition that passes can always be run.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use govchain_types::{Hash32, Suite};

use crate::expr::{self, Checked, ExprError, Scope};
use crate::model::*;

/// Why a definition is refused, naming the part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct DefinitionError {
    /// Where: `states[review].transitions[approve].when`.
    pub place: String,
    /// What is wrong.
    pub problem: String,
}

fn err(place: impl Into<String>, problem: impl Into<String>) -> DefinitionError {
    DefinitionError { place: place.into(), problem: problem.into() }
}

/// A CEL-friendly name: `[a-z][a-z0-9_]*`, at most 32 bytes.
pub fn is_name(s: &str) -> bool {
    s.len() <= 32
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn slug(place: &str, s: &str) -> Result<(), DefinitionError> {
    govchain_types::validate::slug(place, s).map_err(|e| err(place, e.to_string()))
}

fn label(place: &str, s: &str, max: usize) -> Result<(), DefinitionError> {
    if s.len() > max { Err(err(place, format!("at most {max} bytes"))) } else { Ok(()) }
}

/// The content address of a definition: the suite's hash of its canonical (borsh) encoding.
pub fn hash(suite: Suite, def: &Definition) -> Hash32 {
    let bytes = borsh::to_vec(def).unwrap_or_default();
    suite.hash_parts(&[b"GOVCHAIN/WORKFLOW-DEFINITION/v1\0", &bytes])
}

fn expression(place: &str, src: &str, scope: &Scope<'_>) -> Result<Checked, DefinitionError> {
    expr::check(src, scope).map_err(|e| err(place, e.to_string()))
}

/// Reads a definition written as JSON or YAML (YAML is read as its JSON data model, so both
/// spell variants the same way: `by: {role: {org: market, role: licensing}}`). Unknown keys are
/// refused.
pub fn from_text(text: &str) -> Result<Definition, DefinitionError> {
    if text.len() > MAX_DEFINITION_BYTES * 4 {
        return Err(err("definition", "the file is too large"));
    }
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => serde_yaml_ng::from_str(text).map_err(|e| err("definition", format!("not JSON or YAML: {e}")))?,
    };
    serde_json::from_value(value).map_err(|e| err("definition", e.to_string()))
}

/// The largest span a deadline may have (ten years).
pub const MAX_SPAN_DAYS: u64 = 3650;

/// Checks `def`. On success every expression of it checks and fits the budget.
pub fn check(def: &Definition) -> Result<(), DefinitionError> {
    let size = borsh::to_vec(def).map(|b| b.len()).unwrap_or(usize::MAX);
    if size > MAX_DEFINITION_BYTES {
        return Err(err("definition", format!("{size} bytes encoded; at most {MAX_DEFINITION_BYTES}")));
    }
    slug("id", &def.id)?;
    if def.name.trim().is_empty() {
        return Err(err("name", "must not be blank"));
    }
    label("name", &def.name, MAX_LABEL)?;
    label("description", &def.description, 4096)?;
    let kinds: BTreeSet<_> = def.applicants.iter().collect();
    if def.applicants.is_empty() || kinds.len() != def.applicants.len() {
        return Err(err("applicants", "one or more account kinds, each once"));
    }
    check_fields(def)?;
    if def.states.is_empty() || def.states.len() > MAX_STATES {
        return Err(err("states", format!("1-{MAX_STATES} states")));
    }
    let mut ids = BTreeSet::new();
    for s in &def.states {
        slug(&format!("states[{}]", s.id), &s.id)?;
        if !ids.insert(s.id.as_str()) {
            return Err(err(format!("states[{}]", s.id), "repeated state id"));
        }
    }
    if def.state(&def.start).is_none() {
        return Err(err("start", format!("no state {}", def.start)));
    }
    let scope = Scope::new(def);
    let mut job_ids = BTreeSet::new();
    for s in &def.states {
        check_state(def, s, &scope, &mut job_ids)?;
    }
    check_auto_acyclic(def)
}

fn check_fields(def: &Definition) -> Result<(), DefinitionError> {
    if def.fields.len() > MAX_FIELDS {
        return Err(err("fields", format!("at most {MAX_FIELDS}")));
    }
    let mut names = BTreeSet::new();
    for f in &def.fields {
        let place = format!("fields[{}]", f.name);
        if !is_name(&f.name) {
            return Err(err(place, "a field name is [a-z][a-z0-9_]*, at most 32 bytes"));
        }
        if !names.insert(f.name.as_str()) {
            return Err(err(place, "repeated field"));
        }
        label(&place, &f.label, MAX_LABEL)?;
        if f.max_len > MAX_TEXT || f.max_items > MAX_ITEMS {
            return Err(err(place, format!("max_len at most {MAX_TEXT}, max_items at most {MAX_ITEMS}")));
        }
    }
    Ok(())
}

fn check_actor(def: &Definition, place: &str, a: &Actor) -> Result<(), DefinitionError> {
    match a {
        Actor::Role { org, role } => {
            slug(place, org)?;
            govchain_types::validate::ident(place, role).map_err(|e| err(place, e.to_string()))
        }
        Actor::Org(org) => slug(place, org),
        Actor::Field(field) => match def.field(field) {
            Some(f) if f.kind == FieldKind::Account => Ok(()),
            _ => Err(err(place, format!("{field} is not an account field"))),
        },
        Actor::Auto | Actor::Applicant => Ok(()),
    }
}

fn check_state(
    def: &Definition,
    s: &State,
    scope: &Scope<'_>,
    job_ids: &mut BTreeSet<String>,
) -> Result<(), DefinitionError> {
    let sp = format!("states[{}]", s.id);
    label(&sp, &s.label, MAX_LABEL)?;
    if s.outcome.is_some() && (!s.transitions.is_empty() || s.deadline.is_some()) {
        return Err(err(&sp, "a final state (with an outcome) has no transitions or deadline"));
    }
    if s.outcome.is_none() && s.transitions.is_empty() {
        return Err(err(&sp, "a state without an outcome needs a transition out"));
    }
    if s.transitions.len() > MAX_TRANSITIONS {
        return Err(err(&sp, format!("at most {MAX_TRANSITIONS} transitions")));
    }
    let mut tids = BTreeSet::new();
    for t in &s.transitions {
        let tp = format!("{sp}.transitions[{}]", t.id);
        slug(&tp, &t.id)?;
        if !tids.insert(t.id.as_str()) {
            return Err(err(&tp, "repeated transition id"));
        }
        label(&tp, &t.label, MAX_LABEL)?;
        if def.state(&t.to).is_none() {
            return Err(err(&tp, format!("no state {}", t.to)));
        }
        check_actor(def, &format!("{tp}.by"), &t.by)?;
        if let Some(w) = &t.when {
            expression(&format!("{tp}.when"), w, scope)?;
        }
        if t.by == Actor::Auto && (!t.edits.is_empty() || t.reason_required) {
            return Err(err(&tp, "an automatic transition has no edits or reason"));
        }
        if let Some(f) = t.edits.iter().find(|f| def.field(f).is_none()) {
            return Err(err(&tp, format!("edits: no field {f}")));
        }
    }
    if let Some(d) = &s.deadline {
        let dp = format!("{sp}.deadline");
        let span = &d.after;
        let days = span.seconds / 86_400 + span.days as u64 + span.working_days as u64 * 2;
        if (span.seconds == 0 && span.days == 0 && span.working_days == 0) || days > MAX_SPAN_DAYS {
            return Err(err(&dp, format!("after: more than nothing, at most {MAX_SPAN_DAYS} days")));
        }
        match (&d.take, d.remind) {
            (Some(t), 0) if tids.contains(t.as_str()) => {}
            (Some(t), 0) => return Err(err(&dp, format!("take: the state has no transition {t}"))),
            (None, 1..=100) => {}
            _ => return Err(err(&dp, "either take (a transition of the state) or remind (1-100 times)")),
        }
    }
    if s.actions.len() > MAX_ACTIONS {
        return Err(err(&sp, format!("at most {MAX_ACTIONS} actions")));
    }
    for (i, a) in s.actions.iter().enumerate() {
        let ap = format!("{sp}.actions[{i}]");
        match a {
            Action::Emit { name } if is_name(name) => {}
            Action::Emit { .. } => return Err(err(ap, "an event name is [a-z][a-z0-9_]*")),
            Action::Register { register, key, set } => {
                slug(&ap, register)?;
                expression(&format!("{ap}.key"), key, scope)?;
                values(&ap, set, scope)?;
            }
            Action::Job { id, kind, params, max_attempts } => {
                if !is_name(id) || !job_ids.insert(id.clone()) {
                    return Err(err(&ap, format!("job id {id}: [a-z][a-z0-9_]*, unique in the definition")));
                }
                slug(&ap, kind)?;
                if *max_attempts > 10 {
                    return Err(err(&ap, "max_attempts at most 10"));
                }
                values(&ap, params, scope)?;
            }
        }
    }
    Ok(())
}

fn values(place: &str, set: &BTreeMap<String, String>, scope: &Scope<'_>) -> Result<(), DefinitionError> {
    if set.len() > 16 {
        return Err(err(place, "at most 16 values"));
    }
    for (k, v) in set {
        if !is_name(k) {
            return Err(err(place, format!("{k}: a name is [a-z][a-z0-9_]*")));
        }
        expression(&format!("{place}.{k}"), v, scope)?;
    }
    Ok(())
}

/// Automatic transitions must not form a cycle, so the engine's chain of automatic steps in one
/// transaction ends within the number of states.
fn check_auto_acyclic(def: &Definition) -> Result<(), DefinitionError> {
    fn visit<'a>(
        def: &'a Definition,
        s: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Result<(), DefinitionError> {
        if done.contains(s) {
            return Ok(());
        }
        if path.contains(&s) {
            return Err(err(format!("states[{s}]"), format!("automatic transitions loop: {} → {s}", path.join(" → "))));
        }
        path.push(s);
        if let Some(st) = def.state(s) {
            for t in st.transitions.iter().filter(|t| t.by == Actor::Auto) {
                visit(def, &t.to, path, done)?;
            }
        }
        path.pop();
        done.insert(s);
        Ok(())
    }
    let mut done = BTreeSet::new();
    for s in &def.states {
        visit(def, &s.id, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

type Cache = BTreeMap<(Hash32, String), Checked>;
static CACHE: Mutex<Cache> = Mutex::new(BTreeMap::new());
const CACHE_ENTRIES: usize = 4096;

/// The checked form of an expression of a deployed definition. Checking is a pure function of
/// (definition, source), so a cache keyed by the definition's hash changes no result.
pub fn compiled(def: &Deployed, src: &str) -> Result<Checked, ExprError> {
    let key = (def.hash, src.to_string());
    if let Ok(cache) = CACHE.lock()
        && let Some(c) = cache.get(&key)
    {
        return Ok(c.clone());
    }
    let c = expr::check(src, &Scope::new(&def.definition))?;
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, c.clone());
    }
    Ok(c)
}

/// Shared handle, for views that show a definition.
pub type Shared = Arc<Deployed>;

const DAY_MS: u64 = 86_400_000;
/// China Standard Time offset, ms.
const CST_MS: u64 = 8 * 3_600_000;

fn is_weekend(ms: u64) -> bool {
    // 1970-01-01 (local day 0) was a Thursday: weekday 0 = Monday.
    let weekday = ((ms + CST_MS) / DAY_MS + 3) % 7;
    weekday >= 5
}

/// When a span starting at `start_ms` ends: seconds and days added, then working days counted
/// from there (Monday to Friday in UTC+8; a weekend does not count).
pub fn span_end(start_ms: u64, span: &Span) -> u64 {
    let mut t = start_ms.saturating_add(span.seconds.saturating_mul(1000)).saturating_add(span.days as u64 * DAY_MS);
    for _ in 0..span.working_days {
        t = t.saturating_add(DAY_MS);
        while is_weekend(t) {
            t = t.saturating_add(DAY_MS);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends_in_china_time() {
        // Friday 2026-12-04 10:00 CST = 02:00 UTC.
        let fri = 1_796_349_600_000;
        assert!(!is_weekend(fri));
        assert!(is_weekend(fri + DAY_MS));
        let span = Span { working_days: 1, ..Span::default() };
        // One working day after Friday 10:00 is Monday 10:00.
        assert_eq!(span_end(fri, &span), fri + 3 * DAY_MS);
        let five = Span { working_days: 5, ..Span::default() };
        assert_eq!(span_end(fri, &five), fri + 7 * DAY_MS);
        assert_eq!(span_end(fri, &Span { seconds: 30, days: 1, working_days: 0 }), fri + DAY_MS + 30_000);
    }
}
