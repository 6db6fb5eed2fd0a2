//! BPMN 2.0 import: converts the subset of a process drawn in bpmn.io or Camunda Modeler that the
//! engine runs into a [`Definition`], refusing every other element by name.
//!
//! | BPMN | Definition |
//! |---|---|
//! | `startEvent` | `start` is the state its flow leads to |
//! | `endEvent` | a final state; outcome from `govchain:outcome`, else from its name/id (`approve…`, `reject…`, `withdraw…`), else `done` |
//! | `userTask` + candidate groups (`zeebe:assignmentDefinition candidateGroups`, or `camunda:candidateGroups`; `org:role`, or a role of `--org`) | a state whose transitions are taken by that role; when its flow leads to an exclusive gateway, the gateway's flows become the officer's choices, each with its condition |
//! | `exclusiveGateway` + `conditionExpression` (CEL; a leading FEEL `=` is dropped); `default` flow last | a state with automatic transitions |
//! | `boundaryEvent` + `timerEventDefinition/timeDuration` (ISO 8601 `P…DT…H…M…S`; `P…WD` for working days) on a user task | a deadline: interrupting takes the boundary's flow; `cancelActivity="false"` reminds once |
//! | `serviceTask` (`zeebe:taskDefinition type`, or `camunda:topic`/`camunda:type`) + `zeebe:input source target` | a state with a job; it moves on when the job is done |
//! | `govchain:field name kind required max_len max_items` and `govchain:applicants value` under the process's `extensionElements` | the form and who may apply |
//!
//! Input is bounded: at most 1 MiB, 64 levels deep, 10,000 elements.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::model::*;

/// Largest BPMN file, bytes.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest element nesting.
pub const MAX_DEPTH: usize = 64;
/// Most elements.
pub const MAX_ELEMENTS: usize = 10_000;

/// Why a BPMN file cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BpmnError {
    /// Not well-formed XML, or over a bound.
    #[error("not a readable BPMN file: {0}")]
    Xml(String),
    /// Elements the engine does not run (their names, with ids).
    #[error("unsupported BPMN elements: {}", .0.join(", "))]
    Unsupported(Vec<String>),
    /// The process is incomplete or ambiguous.
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    children: Vec<usize>,
    text: String,
}

fn local(raw: &str) -> String {
    raw.rsplit(':').next().unwrap_or_default().to_string()
}

fn element(e: &BytesStart<'_>) -> Result<El, BpmnError> {
    let mut el = El { name: local(e.name().as_ref()), ..El::default() };
    for a in e.attributes() {
        let a = a.map_err(|e| BpmnError::Xml(e.to_string()))?;
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| BpmnError::Xml(e.to_string()))?
            .to_string();
        el.attrs.insert(local(a.key.as_ref()), v);
    }
    Ok(el)
}

fn parse(xml: &str) -> Result<Vec<El>, BpmnError> {
    if xml.len() > MAX_BYTES {
        return Err(BpmnError::Xml(format!("larger than {MAX_BYTES} bytes")));
    }
    let mut reader = Reader::from_str(xml);
    let mut els: Vec<El> = vec![El { name: "#document".into(), ..El::default() }];
    let mut stack = vec![0usize];
    loop {
        let ev = reader.read_event().map_err(|e| BpmnError::Xml(e.to_string()))?;
        let top = *stack.last().unwrap_or(&0);
        match ev {
            Event::Start(e) | Event::Empty(e) if els.len() >= MAX_ELEMENTS => {
                let _ = e;
                return Err(BpmnError::Xml(format!("more than {MAX_ELEMENTS} elements")));
            }
            Event::Start(e) => {
                let el = element(&e)?;
                els.push(el);
                let i = els.len() - 1;
                els[top].children.push(i);
                stack.push(i);
                if stack.len() > MAX_DEPTH {
                    return Err(BpmnError::Xml(format!("nested deeper than {MAX_DEPTH}")));
                }
            }
            Event::Empty(e) => {
                let el = element(&e)?;
                els.push(el);
                let i = els.len() - 1;
                els[top].children.push(i);
            }
            Event::End(_) => {
                stack.pop();
                if stack.is_empty() {
                    return Err(BpmnError::Xml("unbalanced end tag".into()));
                }
            }
            Event::Text(t) => els[top].text.push_str(&t.xml10_content()),
            Event::CData(t) => els[top].text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| BpmnError::Xml(e.to_string()))? {
                    Some(c) => c,
                    None => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(BpmnError::Xml(format!("unknown entity &{other};"))),
                    },
                };
                els[top].text.push(c);
            }
            Event::DocType(_) => return Err(BpmnError::Xml("a DOCTYPE is not accepted".into())),
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(BpmnError::Xml("unclosed elements".into()));
    }
    Ok(els)
}

const IGNORED: &[&str] = &[
    "documentation",
    "extensionElements",
    "incoming",
    "outgoing",
    "laneSet",
    "lane",
    "flowNodeRef",
    "textAnnotation",
    "association",
    "text",
];

/// A BPMN id or flow name as a slug (lower-case, `-` for anything else).
fn slug(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    out.truncate(64);
    out
}

fn name_of(s: &str) -> String {
    let mut n: String = slug(s).replace('-', "_");
    if !n.starts_with(|c: char| c.is_ascii_lowercase()) {
        n.insert_str(0, "j_");
    }
    n.truncate(32);
    n
}

/// Parses an ISO 8601 duration (`P3D`, `PT2H30M`, `P1W`) or `P5WD` (working days).
pub fn duration(s: &str) -> Option<Span> {
    let s = s.trim();
    if let Some(wd) = s.strip_prefix('P').and_then(|r| r.strip_suffix("WD")) {
        return wd.parse().ok().filter(|n| *n > 0).map(|n| Span { working_days: n, ..Span::default() });
    }
    let rest = s.strip_prefix('P')?;
    let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
    let mut span = Span::default();
    let mut num = String::new();
    for c in date.chars() {
        match c {
            '0'..='9' => num.push(c),
            'D' => span.days = span.days.checked_add(num.parse().ok()?)?,
            'W' => span.days = span.days.checked_add(num.parse::<u32>().ok()?.checked_mul(7)?)?,
            _ => return None,
        }
        if !c.is_ascii_digit() {
            num.clear();
        }
    }
    for c in time.chars() {
        let unit = match c {
            '0'..='9' => {
                num.push(c);
                continue;
            }
            'H' => 3600,
            'M' => 60,
            'S' => 1,
            _ => return None,
        };
        span.seconds = span.seconds.checked_add(num.parse::<u64>().ok()?.checked_mul(unit)?)?;
        num.clear();
    }
    (num.is_empty() && (span.days > 0 || span.seconds > 0)).then_some(span)
}

struct Doc<'a> {
    els: &'a [El],
    process: usize,
    org: &'a str,
}

impl Doc<'_> {
    fn nodes(&self) -> impl Iterator<Item = &El> {
        self.els[self.process].children.iter().map(|i| &self.els[*i])
    }
    fn descendants<'b>(&'b self, el: &'b El, name: &'b str) -> Vec<&'b El> {
        let mut out = Vec::new();
        let mut todo: Vec<usize> = el.children.clone();
        while let Some(i) = todo.pop() {
            let e = &self.els[i];
            if e.name == name {
                out.push(e);
            }
            todo.extend(e.children.iter().copied());
        }
        out.reverse();
        out
    }
    fn by_id(&self, id: &str) -> Option<&El> {
        self.nodes().find(|e| e.attrs.get("id").map(String::as_str) == Some(id))
    }
    fn flows_from(&self, id: &str) -> Vec<&El> {
        self.nodes()
            .filter(|e| e.name == "sequenceFlow" && e.attrs.get("sourceRef").map(String::as_str) == Some(id))
            .collect()
    }
    fn id(e: &El) -> &str {
        e.attrs.get("id").map(String::as_str).unwrap_or_default()
    }
    fn label(e: &El) -> String {
        e.attrs.get("name").cloned().unwrap_or_default()
    }
    fn state_id(&self, node_id: &str) -> String {
        slug(node_id)
    }
    /// A gateway reached only from user tasks: its flows are the officers' choices there.
    fn inlined(&self, gateway: &str) -> bool {
        let incoming: Vec<&El> = self
            .nodes()
            .filter(|e| e.name == "sequenceFlow" && e.attrs.get("targetRef").map(String::as_str) == Some(gateway))
            .collect();
        !incoming.is_empty()
            && incoming
                .iter()
                .all(|f| f.attrs.get("sourceRef").and_then(|s| self.by_id(s)).is_some_and(|n| n.name == "userTask"))
    }

    fn condition(&self, flow: &El) -> Option<String> {
        let c = self.descendants(flow, "conditionExpression").first().map(|c| c.text.trim().to_string())?;
        Some(c.strip_prefix('=').map(str::trim).unwrap_or(&c).to_string()).filter(|c| !c.is_empty())
    }
    fn actor(&self, task: &El) -> Result<Actor, BpmnError> {
        let groups = self
            .descendants(task, "assignmentDefinition")
            .first()
            .and_then(|a| a.attrs.get("candidateGroups").cloned())
            .or_else(|| task.attrs.get("candidateGroups").cloned())
            .ok_or_else(|| BpmnError::Invalid(format!("userTask {} has no candidate group", Doc::id(task))))?;
        let first = groups.split(',').map(str::trim).find(|g| !g.is_empty()).unwrap_or_default();
        Ok(match first.split_once([':', '/']) {
            Some((org, role)) => Actor::Role { org: org.into(), role: role.into() },
            None if first == "applicant" => Actor::Applicant,
            None => Actor::Role { org: self.org.into(), role: first.into() },
        })
    }
}

/// Converts BPMN XML into a definition owned by `org` (the organisation that will deploy it:
/// candidate groups without an organisation are its roles). The result still has to pass
/// [`crate::definition::check`] (done at deploy).
pub fn import(xml: &str, org: &str) -> Result<Definition, BpmnError> {
    let els = parse(xml)?;
    let processes: Vec<usize> = (0..els.len()).filter(|i| els[*i].name == "process").collect();
    let [process] = processes[..] else {
        return Err(BpmnError::Invalid(format!("expected one process, found {}", processes.len())));
    };
    let doc = Doc { els: &els, process, org };
    let supported =
        ["startEvent", "endEvent", "userTask", "serviceTask", "exclusiveGateway", "sequenceFlow", "boundaryEvent"];
    let unsupported: Vec<String> = doc
        .nodes()
        .filter(|e| !supported.contains(&e.name.as_str()) && !IGNORED.contains(&e.name.as_str()))
        .map(|e| format!("{} ({})", e.name, Doc::id(e)))
        .collect();
    let bad_boundaries: Vec<String> = doc
        .nodes()
        .filter(|e| e.name == "boundaryEvent" && doc.descendants(e, "timerEventDefinition").is_empty())
        .map(|e| format!("boundaryEvent without a timer ({})", Doc::id(e)))
        .collect();
    if !unsupported.is_empty() || !bad_boundaries.is_empty() {
        return Err(BpmnError::Unsupported([unsupported, bad_boundaries].concat()));
    }
    let pel = &els[process];
    let pid = pel.attrs.get("id").cloned().unwrap_or_default();
    let mut def = Definition {
        id: slug(&pid),
        name: pel.attrs.get("name").cloned().unwrap_or_else(|| pid.clone()),
        description: doc
            .descendants(pel, "documentation")
            .first()
            .map(|d| d.text.trim().to_string())
            .unwrap_or_default(),
        applicants: vec![ApplicantKind::Citizen, ApplicantKind::Business],
        fields: Vec::new(),
        start: String::new(),
        states: Vec::new(),
    };
    for ext in pel.children.iter().map(|i| &els[*i]).filter(|e| e.name == "extensionElements") {
        for f in doc.descendants(ext, "field") {
            let kind = match f.attrs.get("kind").map(String::as_str).unwrap_or("text") {
                "text" => FieldKind::Text,
                "int" => FieldKind::Int,
                "bool" => FieldKind::Bool,
                "text_list" => FieldKind::TextList,
                "account" => FieldKind::Account,
                "digest" => FieldKind::Digest,
                other => return Err(BpmnError::Invalid(format!("field kind {other}"))),
            };
            let num = |k: &str| f.attrs.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
            def.fields.push(FieldDef {
                name: f.attrs.get("name").cloned().unwrap_or_default(),
                label: f.attrs.get("label").cloned().unwrap_or_default(),
                kind,
                required: f.attrs.get("required").is_some_and(|v| v == "true"),
                max_len: num("max_len"),
                max_items: num("max_items"),
            });
        }
        if let Some(a) = doc.descendants(ext, "applicants").first().and_then(|a| a.attrs.get("value")) {
            def.applicants = a
                .split(',')
                .map(|k| match k.trim() {
                    "citizen" => Ok(ApplicantKind::Citizen),
                    "business" => Ok(ApplicantKind::Business),
                    "official" => Ok(ApplicantKind::Official),
                    other => Err(BpmnError::Invalid(format!("applicant kind {other}"))),
                })
                .collect::<Result<_, _>>()?;
        }
    }
    let starts: Vec<&El> = doc.nodes().filter(|e| e.name == "startEvent").collect();
    let [start] = starts[..] else { return Err(BpmnError::Invalid("expected exactly one startEvent".into())) };
    let first = doc.flows_from(Doc::id(start));
    let [flow] = first[..] else {
        return Err(BpmnError::Invalid("the startEvent needs exactly one outgoing flow".into()));
    };
    def.start = doc.state_id(flow.attrs.get("targetRef").map(String::as_str).unwrap_or_default());

    for node in doc.nodes() {
        let id = Doc::id(node);
        let mut state = State {
            id: doc.state_id(id),
            label: Doc::label(node),
            outcome: None,
            transitions: Vec::new(),
            deadline: None,
            actions: Vec::new(),
        };
        let target = |f: &El| doc.state_id(f.attrs.get("targetRef").map(String::as_str).unwrap_or_default());
        let transition = |f: &El, by: Actor, when: Option<String>| Transition {
            id: slug(Doc::id(f)),
            label: Doc::label(f),
            to: target(f),
            by,
            when,
            reason_required: false,
            edits: Vec::new(),
        };
        match node.name.as_str() {
            "endEvent" => {
                let hint = format!("{} {}", Doc::label(node), id).to_lowercase();
                state.outcome = Some(match node.attrs.get("outcome").map(String::as_str) {
                    Some("approved") => Outcome::Approved,
                    Some("rejected") => Outcome::Rejected,
                    Some("withdrawn") => Outcome::Withdrawn,
                    Some(_) => Outcome::Done,
                    None if hint.contains("approve") => Outcome::Approved,
                    None if hint.contains("reject") || hint.contains("refuse") => Outcome::Rejected,
                    None if hint.contains("withdraw") => Outcome::Withdrawn,
                    None => Outcome::Done,
                });
            }
            "exclusiveGateway" if doc.inlined(id) => continue,
            "exclusiveGateway" => {
                let default = node.attrs.get("default").cloned();
                let flows = doc.flows_from(id);
                let (dflt, conditional): (Vec<&El>, Vec<&El>) =
                    flows.into_iter().partition(|f| Some(Doc::id(f)) == default.as_deref());
                for f in conditional {
                    let when = doc.condition(f).ok_or_else(|| {
                        BpmnError::Invalid(format!("flow {} out of gateway {id} has no condition", Doc::id(f)))
                    })?;
                    state.transitions.push(transition(f, Actor::Auto, Some(when)));
                }
                state.transitions.extend(dflt.into_iter().map(|f| transition(f, Actor::Auto, None)));
            }
            "userTask" => {
                let by = doc.actor(node)?;
                for f in doc.flows_from(id) {
                    let next = f.attrs.get("targetRef").and_then(|t| doc.by_id(t));
                    match next.filter(|n| n.name == "exclusiveGateway") {
                        Some(gw) => {
                            for g in doc.flows_from(Doc::id(gw)) {
                                state.transitions.push(transition(g, by.clone(), doc.condition(g)));
                            }
                        }
                        None => state.transitions.push(transition(f, by.clone(), None)),
                    }
                }
                for b in doc.nodes().filter(|b| {
                    b.name == "boundaryEvent" && b.attrs.get("attachedToRef").map(String::as_str) == Some(id)
                }) {
                    let dur = doc.descendants(b, "timeDuration").first().map(|d| d.text.clone()).unwrap_or_default();
                    let after = duration(&dur).ok_or_else(|| {
                        BpmnError::Invalid(format!("timer {} needs a timeDuration such as P5D or P5WD", Doc::id(b)))
                    })?;
                    let interrupting = b.attrs.get("cancelActivity").is_none_or(|v| v != "false");
                    if interrupting {
                        let out = doc.flows_from(Doc::id(b));
                        let [f] = out[..] else {
                            return Err(BpmnError::Invalid(format!("timer {} needs one outgoing flow", Doc::id(b))));
                        };
                        let t = transition(f, by.clone(), None);
                        state.deadline = Some(Deadline { after, take: Some(t.id.clone()), remind: 0 });
                        state.transitions.push(t);
                    } else {
                        state.deadline = Some(Deadline { after, take: None, remind: 1 });
                    }
                }
            }
            "serviceTask" => {
                let kind = doc
                    .descendants(node, "taskDefinition")
                    .first()
                    .and_then(|t| t.attrs.get("type").cloned())
                    .or_else(|| node.attrs.get("topic").cloned())
                    .or_else(|| node.attrs.get("type").cloned())
                    .ok_or_else(|| BpmnError::Invalid(format!("serviceTask {id} has no job type")))?;
                let job = name_of(id);
                let params = doc
                    .descendants(node, "input")
                    .iter()
                    .filter_map(|i| {
                        let src = i.attrs.get("source")?;
                        Some((name_of(i.attrs.get("target")?), src.strip_prefix('=').unwrap_or(src).trim().to_string()))
                    })
                    .collect();
                state.actions.push(Action::Job { id: job.clone(), kind: slug(&kind), params, max_attempts: 0 });
                for f in doc.flows_from(id) {
                    state.transitions.push(transition(f, Actor::Auto, Some(format!("jobs.{job}.status == \"done\""))));
                }
            }
            _ => continue,
        }
        def.states.push(state);
    }
    Ok(def)
}
