//! The condition language: Google's CEL (the `cel` crate), restricted so that it can run inside
//! block execution (docs/adr/009-workflow-expressions.md).
//!
//! At deploy, [`check`] parses an expression and refuses it unless every part is allowed: no
//! floating point, no map literals or struct construction, no timestamps, durations or regular
//! expressions, only declared variables and fields, chain facts only outside comprehensions and
//! with fact-free arguments, comprehensions only over bounded lists. It then computes a cost from
//! the declared bounds and refuses anything over [`COST_BUDGET`]. At run time, [`evaluate`]
//! recomputes the cost from the actual input sizes (never above the estimate), resolves the
//! chain facts in source order through a [`Facts`] source, and runs the interpreter. Maps are
//! only ever looked up, never iterated, so the interpreter's hash maps cannot make results
//! depend on iteration order.

use std::collections::BTreeMap;
use std::sync::Arc;

use cel::common::ast::{CallExpr, ComprehensionExpr, Expr, IdedExpr, LiteralValue};
use cel::objects::{Key, Map};
use cel::{Context, Value as CelValue};

use crate::model::{Action, Definition, FieldKind, Value};

/// The evaluator's identity. A definition records the engine it was checked with; a chain
/// changes it only by a governed upgrade (every validator must run the same one).
pub const ENGINE: &str = "govchain-cel/1 (cel 0.15.0, restricted)";
/// Most cost units one expression may need.
pub const COST_BUDGET: u64 = 10_000;
/// Longest expression source, bytes.
pub const MAX_SOURCE: usize = 1024;
/// Deepest bracket nesting in a source.
pub const MAX_NESTING: usize = 24;
/// Cost of one chain fact (it reads state).
pub const FACT_COST: u64 = 100;
/// Cost of a string function (its work grows with the strings, bounded by [`crate::model::MAX_TEXT`]).
pub const STRING_OP_COST: u64 = 8;

/// The chain facts conditions may ask, with their argument counts.
pub const FACTS: &[(&str, usize)] = &[
    ("has_valid_certificate", 2),
    ("certificate_valid", 2),
    ("record_exists", 3),
    ("register_has", 3),
    ("register_get", 4),
];

const OPERATORS: &[&str] = &[
    "_?_:_",
    "_&&_",
    "_||_",
    "!_",
    "_-_",
    "_+_",
    "_*_",
    "_/_",
    "_%_",
    "_==_",
    "_!=_",
    "_>=_",
    "_<=_",
    "_>_",
    "_<_",
    "-_",
    "_[_]",
    "@in",
    "@not_strictly_false",
];
const STRING_FUNCTIONS: &[&str] = &["size", "contains", "startsWith", "endsWith"];
const CONVERSIONS: &[&str] = &["int", "string"];

/// Why an expression is refused or failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// It does not parse.
    #[error("does not parse: {0}")]
    Syntax(String),
    /// It uses something the chain does not allow.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// Its cost estimate is over the budget.
    #[error("cost {cost} is over the budget of {budget}")]
    OverBudget {
        /// Estimated cost.
        cost: u64,
        /// Budget.
        budget: u64,
    },
    /// Evaluation failed (a missing field, a division by zero, an overflow, a wrong type).
    #[error("evaluation failed: {0}")]
    Eval(String),
}

/// Where chain facts come from during evaluation (the workflow module reads state).
pub trait Facts {
    /// Answers `name(args)`; `name` is one of [`FACTS`].
    fn fact(&mut self, name: &str, args: &[CelValue]) -> Result<CelValue, ExprError>;
}

/// A checked expression, ready to evaluate.
#[derive(Clone, Debug)]
pub struct Checked {
    expr: Arc<IdedExpr>,
    /// Cost estimate from the declared bounds.
    pub cost: u64,
}

/// What an expression may refer to: the definition's fields and job ids.
pub struct Scope<'a> {
    def: &'a Definition,
    jobs: Vec<&'a str>,
}

impl<'a> Scope<'a> {
    /// The scope of conditions in `def`.
    pub fn new(def: &'a Definition) -> Scope<'a> {
        let jobs = def
            .states
            .iter()
            .flat_map(|s| &s.actions)
            .filter_map(|a| match a {
                Action::Job { id, .. } => Some(id.as_str()),
                _ => None,
            })
            .collect();
        Scope { def, jobs }
    }

    fn list_bound(&self, field: &str) -> Option<u64> {
        self.def.field(field).filter(|f| f.kind == FieldKind::TextList).map(|f| f.items_bound() as u64)
    }
}

fn nesting_ok(src: &str) -> bool {
    let mut depth = 0usize;
    for c in src.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return false;
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

fn parse(src: &str) -> Result<IdedExpr, ExprError> {
    if src.trim().is_empty() || src.len() > MAX_SOURCE {
        return Err(ExprError::NotAllowed(format!("an expression is 1-{MAX_SOURCE} bytes")));
    }
    if !nesting_ok(src) {
        return Err(ExprError::NotAllowed(format!("brackets nest deeper than {MAX_NESTING}")));
    }
    let program = cel::Program::compile(src).map_err(|e| ExprError::Syntax(e.to_string().replace('\n', " ")))?;
    Ok(program.expression().clone())
}

fn is_fact(name: &str) -> Option<usize> {
    FACTS.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

struct Checker<'s, 'a> {
    scope: &'s Scope<'a>,
    bound: Vec<String>,
    in_loop: usize,
}

impl Checker<'_, '_> {
    fn check(&mut self, e: &IdedExpr) -> Result<(), ExprError> {
        match &e.expr {
            Expr::Literal(LiteralValue::Double(_)) => Err(ExprError::NotAllowed("floating-point numbers".into())),
            Expr::Literal(_) => Ok(()),
            Expr::Ident(name) => self.ident(name),
            Expr::Select(s) => {
                self.select(&s.operand, &s.field)?;
                self.check(&s.operand)
            }
            Expr::Call(c) => self.call(c),
            Expr::List(l) => l.elements.iter().try_for_each(|x| self.check(x)),
            Expr::Map(_) => Err(ExprError::NotAllowed("map literals".into())),
            Expr::Struct(_) => Err(ExprError::NotAllowed("message construction".into())),
            Expr::Comprehension(c) => self.comprehension(c),
            Expr::Unspecified => Err(ExprError::NotAllowed("an empty expression".into())),
            #[allow(unreachable_patterns)]
            _ => Err(ExprError::NotAllowed("this kind of expression".into())),
        }
    }

    fn ident(&self, name: &str) -> Result<(), ExprError> {
        if ["app", "applicant", "now", "height", "jobs"].contains(&name) || self.bound.iter().any(|b| b == name) {
            Ok(())
        } else {
            Err(ExprError::NotAllowed(format!("unknown name {name} (use app, applicant, jobs, now, height)")))
        }
    }

    fn select(&self, operand: &IdedExpr, field: &str) -> Result<(), ExprError> {
        let Expr::Ident(base) = &operand.expr else { return Ok(()) };
        if self.bound.iter().any(|b| b == base) {
            return Ok(());
        }
        match base.as_str() {
            "app" if self.scope.def.field(field).is_none() => {
                Err(ExprError::NotAllowed(format!("app.{field}: the definition has no field {field}")))
            }
            "applicant" if !["address", "kind", "org"].contains(&field) => {
                Err(ExprError::NotAllowed(format!("applicant.{field}: use address, kind or org")))
            }
            "jobs" if !self.scope.jobs.contains(&field) => {
                Err(ExprError::NotAllowed(format!("jobs.{field}: the definition has no job {field}")))
            }
            "now" | "height" => Err(ExprError::NotAllowed(format!("{base} is a number"))),
            _ => Ok(()),
        }
    }

    fn call(&mut self, c: &CallExpr) -> Result<(), ExprError> {
        let name = c.func_name.as_str();
        if let Some(arity) = is_fact(name) {
            if self.in_loop > 0 {
                return Err(ExprError::NotAllowed(format!("{name} inside a comprehension")));
            }
            if c.target.is_some() || c.args.len() != arity {
                return Err(ExprError::NotAllowed(format!("{name} takes {arity} arguments")));
            }
            for a in &c.args {
                if contains_fact(a) {
                    return Err(ExprError::NotAllowed(format!("a chain fact inside the arguments of {name}")));
                }
                self.check(a)?;
            }
            return Ok(());
        }
        if !(OPERATORS.contains(&name) || STRING_FUNCTIONS.contains(&name) || CONVERSIONS.contains(&name)) {
            return Err(ExprError::NotAllowed(format!("function {name}")));
        }
        if let Some(t) = &c.target {
            self.check(t)?;
        }
        c.args.iter().try_for_each(|a| self.check(a))
    }

    fn comprehension(&mut self, c: &ComprehensionExpr) -> Result<(), ExprError> {
        if range_len(&c.iter_range, &|f| self.scope.list_bound(f)).is_none() {
            return Err(ExprError::NotAllowed(
                "comprehensions only over a list field (app.<list>) or a list literal".into(),
            ));
        }
        self.check(&c.iter_range)?;
        self.check(&c.accu_init)?;
        let before = self.bound.len();
        self.bound.push(c.iter_var.clone());
        self.bound.extend(c.iter_var2.clone());
        self.bound.push(c.accu_var.clone());
        self.in_loop += 1;
        let r = [&c.loop_cond, &c.loop_step, &c.result].into_iter().try_for_each(|x| self.check(x));
        self.in_loop -= 1;
        self.bound.truncate(before);
        r
    }
}

fn contains_fact(e: &IdedExpr) -> bool {
    match &e.expr {
        Expr::Call(c) => {
            is_fact(&c.func_name).is_some()
                || c.target.as_deref().is_some_and(contains_fact)
                || c.args.iter().any(contains_fact)
        }
        Expr::Select(s) => contains_fact(&s.operand),
        Expr::List(l) => l.elements.iter().any(contains_fact),
        Expr::Comprehension(c) => {
            [&c.iter_range, &c.accu_init, &c.loop_cond, &c.loop_step, &c.result].into_iter().any(contains_fact)
        }
        _ => false,
    }
}

/// The number of items a comprehension range has at most: a list literal's length, or a list
/// field's bound from `len`.
fn range_len(range: &IdedExpr, len: &dyn Fn(&str) -> Option<u64>) -> Option<u64> {
    match &range.expr {
        Expr::List(l) => Some(l.elements.len() as u64),
        Expr::Select(s) if matches!(&s.operand.expr, Expr::Ident(b) if b == "app") && !s.test => len(&s.field),
        _ => None,
    }
}

/// The cost of `e` when list fields have the lengths `len` gives.
fn cost(e: &IdedExpr, len: &dyn Fn(&str) -> Option<u64>) -> u64 {
    match &e.expr {
        Expr::Select(s) => 1 + cost(&s.operand, len),
        Expr::Call(c) => {
            let base = if is_fact(&c.func_name).is_some() {
                FACT_COST
            } else if STRING_FUNCTIONS.contains(&c.func_name.as_str())
                || ["_+_", "_==_", "_!=_", "@in"].contains(&c.func_name.as_str())
            {
                STRING_OP_COST
            } else {
                1
            };
            let target = c.target.as_deref().map_or(0, |t| cost(t, len));
            c.args.iter().fold(base + target, |acc, a| acc.saturating_add(cost(a, len)))
        }
        Expr::List(l) => l.elements.iter().fold(1, |acc, x| acc.saturating_add(cost(x, len))),
        Expr::Comprehension(c) => {
            let n = range_len(&c.iter_range, len).unwrap_or(u64::MAX / 4);
            let body = cost(&c.loop_cond, len).saturating_add(cost(&c.loop_step, len)).saturating_add(1);
            cost(&c.iter_range, len)
                .saturating_add(cost(&c.accu_init, len))
                .saturating_add(cost(&c.result, len))
                .saturating_add(n.saturating_mul(body))
        }
        _ => 1,
    }
}

/// Checks `src` for use in `scope`: see the module documentation.
pub fn check(src: &str, scope: &Scope<'_>) -> Result<Checked, ExprError> {
    let expr = parse(src)?;
    Checker { scope, bound: Vec::new(), in_loop: 0 }.check(&expr)?;
    let cost = cost(&expr, &|f| scope.list_bound(f));
    if cost > COST_BUDGET {
        return Err(ExprError::OverBudget { cost, budget: COST_BUDGET });
    }
    Ok(Checked { expr: Arc::new(expr), cost })
}

/// The inputs of one evaluation.
pub struct Inputs<'a> {
    /// Application fields.
    pub fields: &'a BTreeMap<String, Value>,
    /// The applicant: address (0x hex), kind, organisation.
    pub applicant: [(&'static str, String); 3],
    /// Jobs: id → (status, attempts, output).
    pub jobs: Vec<(String, String, u32, &'a BTreeMap<String, Value>)>,
    /// Block time, ms.
    pub now_ms: u64,
    /// Height.
    pub height: u64,
}

/// Converts a stored value into a CEL value.
pub fn to_cel(v: &Value) -> CelValue {
    match v {
        Value::Text(s) => CelValue::String(Arc::new(s.clone())),
        Value::Int(i) => CelValue::Int(*i),
        Value::Bool(b) => CelValue::Bool(*b),
        Value::List(l) => CelValue::List(Arc::new(l.iter().map(|s| CelValue::String(Arc::new(s.clone()))).collect())),
    }
}

/// Converts a CEL result into a stored value (strings, ints, bools and lists of strings).
pub fn from_cel(v: &CelValue) -> Result<Value, ExprError> {
    match v {
        CelValue::String(s) => Ok(Value::Text(s.to_string())),
        CelValue::Int(i) => Ok(Value::Int(*i)),
        CelValue::UInt(u) => i64::try_from(*u).map(Value::Int).map_err(|_| ExprError::Eval("integer overflow".into())),
        CelValue::Bool(b) => Ok(Value::Bool(*b)),
        CelValue::List(l) => l
            .iter()
            .map(|x| match x {
                CelValue::String(s) => Ok(s.to_string()),
                _ => Err(ExprError::Eval("lists hold only strings".into())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
        other => Err(ExprError::Eval(format!("a {:?} result cannot be stored", other.type_of()))),
    }
}

fn map<I: IntoIterator<Item = (String, CelValue)>>(entries: I) -> CelValue {
    let m: std::collections::HashMap<Key, CelValue> =
        entries.into_iter().map(|(k, v)| (Key::String(Arc::new(k)), v)).collect();
    CelValue::Map(Map { map: Arc::new(m) })
}

fn resolve_facts(
    e: &mut IdedExpr,
    ctx: &Context,
    facts: &mut dyn Facts,
    out: &mut Vec<CelValue>,
) -> Result<(), ExprError> {
    match &mut e.expr {
        Expr::Call(c) if is_fact(&c.func_name).is_some() => {
            let args = c
                .args
                .iter()
                .map(|a| CelValue::resolve(a, ctx).map_err(|err| ExprError::Eval(err.to_string())))
                .collect::<Result<Vec<_>, _>>()?;
            let v = facts.fact(&c.func_name, &args)?;
            e.expr = Expr::Ident(format!("@fact{}", out.len()));
            out.push(v);
            Ok(())
        }
        Expr::Call(c) => {
            if let Some(t) = c.target.as_deref_mut() {
                resolve_facts(t, ctx, facts, out)?;
            }
            c.args.iter_mut().try_for_each(|a| resolve_facts(a, ctx, facts, out))
        }
        Expr::Select(s) => resolve_facts(&mut s.operand, ctx, facts, out),
        Expr::List(l) => l.elements.iter_mut().try_for_each(|a| resolve_facts(a, ctx, facts, out)),
        _ => Ok(()),
    }
}

/// CEL's standard environment, built once (building it is most of a small evaluation's cost).
fn stdlib() -> Arc<cel::Env> {
    static ENV: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| Arc::new(cel::Env::stdlib())).clone()
}

/// Evaluates a checked expression. The run-time cost (the estimate with the actual list
/// lengths) is checked against the budget first; facts are resolved in source order.
pub fn evaluate(c: &Checked, inputs: &Inputs<'_>, facts: &mut dyn Facts) -> Result<CelValue, ExprError> {
    let lens = |f: &str| match inputs.fields.get(f) {
        Some(Value::List(l)) => Some(l.len() as u64),
        _ => Some(0),
    };
    let run_cost = cost(&c.expr, &lens);
    if run_cost > COST_BUDGET {
        return Err(ExprError::OverBudget { cost: run_cost, budget: COST_BUDGET });
    }
    let mut ctx = Context::with_env(stdlib());
    ctx.add_variable_from_value("app", map(inputs.fields.iter().map(|(k, v)| (k.clone(), to_cel(v)))));
    ctx.add_variable_from_value(
        "applicant",
        map(inputs.applicant.iter().map(|(k, v)| (k.to_string(), CelValue::String(Arc::new(v.clone()))))),
    );
    let jobs = inputs.jobs.iter().map(|(id, status, attempts, output)| {
        let out = map(output.iter().map(|(k, v)| (k.clone(), to_cel(v))));
        let job = map([
            ("status".to_string(), CelValue::String(Arc::new(status.clone()))),
            ("attempts".to_string(), CelValue::Int(*attempts as i64)),
            ("output".to_string(), out),
        ]);
        (id.clone(), job)
    });
    ctx.add_variable_from_value("jobs", map(jobs));
    ctx.add_variable_from_value("now", CelValue::Int(i64::try_from(inputs.now_ms).unwrap_or(i64::MAX)));
    ctx.add_variable_from_value("height", CelValue::Int(i64::try_from(inputs.height).unwrap_or(i64::MAX)));
    let mut expr = (*c.expr).clone();
    let mut values = Vec::new();
    resolve_facts(&mut expr, &ctx, facts, &mut values)?;
    for (i, v) in values.into_iter().enumerate() {
        ctx.add_variable_from_value(format!("@fact{i}"), v);
    }
    let v = CelValue::resolve(&expr, &ctx).map_err(|e| ExprError::Eval(e.to_string()))?;
    if matches!(v, CelValue::Float(_)) {
        return Err(ExprError::Eval("a floating-point result".into()));
    }
    Ok(v)
}

/// Evaluates a condition: it must give a boolean.
pub fn condition(c: &Checked, inputs: &Inputs<'_>, facts: &mut dyn Facts) -> Result<bool, ExprError> {
    match evaluate(c, inputs, facts)? {
        CelValue::Bool(b) => Ok(b),
        other => Err(ExprError::Eval(format!("a condition must be true or false, not {:?}", other.type_of()))),
    }
}
