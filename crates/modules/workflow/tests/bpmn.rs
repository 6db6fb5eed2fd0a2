//! BPMN import: every supported element of a modeler-drawn process becomes the matching part of
//! a definition that deploys and runs; unsupported elements are refused by name.

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_component::Component;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_types::Outcome as TxOutcome;
use govchain_workflow::bpmn::{self, BpmnError};
use govchain_workflow::*;

fn permit_xml() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples/bpmn/event-permit.bpmn");
    std::fs::read_to_string(p).expect("example file")
}

#[test]
fn each_supported_element_is_converted() {
    let def = bpmn::import(&permit_xml(), "police").expect("imports");
    definition::check(&def).expect("the imported definition passes the deploy checks");
    assert_eq!(def.id, "event-permit");
    assert_eq!(def.applicants, vec![ApplicantKind::Citizen, ApplicantKind::Business]);
    assert_eq!(
        def.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["event_name", "attendance", "venue", "organiser"]
    );
    assert_eq!(def.start, "gateway-size", "the start event's flow leads to the gateway");
    // Exclusive gateway: conditions (FEEL '=' dropped, entities decoded), default flow last.
    let gw = def.state("gateway-size").expect("gateway state");
    let kinds: Vec<_> = gw.transitions.iter().map(|t| (t.to.as_str(), t.by.clone(), t.when.clone())).collect();
    assert_eq!(
        kinds,
        vec![("task-issue", Actor::Auto, Some("app.attendance < 200".into())), ("task-review", Actor::Auto, None)]
    );
    // User task: the candidate group's role takes the following gateway's choices; the timer is
    // an interrupting deadline in working days.
    let review = def.state("task-review").expect("review state");
    let by = Actor::Role { org: "police".into(), role: "permits".into() };
    let choices: Vec<_> = review.transitions.iter().map(|t| (t.label.as_str(), t.to.as_str(), t.by == by)).collect();
    assert_eq!(
        choices,
        vec![("Approve", "task-issue", true), ("Reject", "end-rejected", true), ("Escalate", "task-supervisor", true)]
    );
    let d = review.deadline.as_ref().expect("timer boundary");
    assert_eq!((d.after.working_days, d.take.as_deref()), (5, Some("flow-escalate")));
    // A group without an organisation is a role of the importing organisation.
    let sup = def.state("task-supervisor").expect("supervisor");
    assert_eq!(sup.transitions[0].by, Actor::Role { org: "police".into(), role: "supervisor".into() });
    // Service task: a job with its input mappings; it moves on when done.
    let issue = def.state("task-issue").expect("service task");
    let Action::Job { id, kind, params, .. } = &issue.actions[0] else { panic!("a job") };
    assert_eq!((id.as_str(), kind.as_str()), ("task_issue", "issue-certificate"));
    assert_eq!(params.get("type").map(String::as_str), Some("\"event-permit\""));
    assert_eq!(issue.transitions[0].when.as_deref(), Some("jobs.task_issue.status == \"done\""));
    // End events: outcome attribute, or the name.
    assert_eq!(def.state("end-approved").and_then(|s| s.outcome), Some(Outcome::Approved));
    assert_eq!(def.state("end-rejected").and_then(|s| s.outcome), Some(Outcome::Rejected));
}

#[test]
fn the_imported_process_deploys_and_runs() {
    let components: Vec<Arc<dyn Component>> = vec![Arc::new(IdentityComponent), Arc::new(WorkflowComponent)];
    let roles: &[(&str, &[&str])] =
        &[("designer", &["workflow.deploy"]), ("permits", &[]), ("worker", &["workflow.report"])];
    let mut w = World::builder()
        .org("police", OrgKind::Government, roles)
        .admin("police-admin", "police", &["designer"])
        .official("officer", "police", &["permits"])
        .official("worker", "police", &["worker"])
        .citizen("alice", "police")
        .build(&components);
    let def = bpmn::import(&permit_xml(), "police").expect("imports");
    assert_eq!(w.run("police-admin", &Deploy { definition: def }), TxOutcome::Success);
    let fields = |n: i64| {
        BTreeMap::from([
            ("event_name".to_string(), Value::Text("Lantern festival".into())),
            ("attendance".to_string(), Value::Int(n)),
            ("venue".to_string(), Value::Text("People's Square".into())),
            ("organiser".to_string(), Value::Text(hex::encode([1u8; 32]))),
        ])
    };
    let a = Apply { org: "police".into(), process: "event-permit".into(), version: 0, fields: fields(80) };
    let tx = w.tx("alice", &a);
    let id = hex::encode(w.suite.hash_parts(&[b"GOVCHAIN/WORKFLOW-INSTANCE/v1\0", &tx.hash(w.suite).0]).0);
    assert_eq!(w.block(&[tx]), vec![TxOutcome::Success]);
    let inst: Instance = w.get(&keys::instance(&id)).expect("instance");
    assert_eq!(inst.state, "task-issue", "a small event goes straight to issuing");
    let report = Report {
        instance: id.clone(),
        job: "task_issue".into(),
        ok: true,
        output: BTreeMap::new(),
        error: String::new(),
        sealed: vec![],
    };
    assert_eq!(w.run("worker", &report), TxOutcome::Success);
    let inst: Instance = w.get(&keys::instance(&id)).expect("instance");
    assert_eq!((inst.state.as_str(), inst.outcome), ("end-approved", Some(Outcome::Approved)));
    // A large one waits for the permits officer.
    let big = Apply { fields: fields(5000), ..a };
    let tx = w.tx("alice", &big);
    let id = hex::encode(w.suite.hash_parts(&[b"GOVCHAIN/WORKFLOW-INSTANCE/v1\0", &tx.hash(w.suite).0]).0);
    assert_eq!(w.block(&[tx]), vec![TxOutcome::Success]);
    let act =
        Act { instance: id.clone(), transition: "flow-approve".into(), reason: String::new(), edits: BTreeMap::new() };
    assert_eq!(code(&w.run("alice", &act)).as_deref(), Some("unauthorized"));
    assert_eq!(w.run("officer", &act), TxOutcome::Success);
    let inst: Instance = w.get(&keys::instance(&id)).expect("instance");
    assert_eq!(inst.state, "task-issue");
}

#[test]
fn unsupported_elements_are_refused_by_name() {
    let xml = permit_xml()
        .replace(
            r#"<bpmn:exclusiveGateway id="Gateway_decision" name="Decision" />"#,
            r#"<bpmn:parallelGateway id="Gateway_decision" />"#,
        )
        .replace("</bpmn:process>", r#"<bpmn:scriptTask id="Script_1" /></bpmn:process>"#);
    match bpmn::import(&xml, "police") {
        Err(BpmnError::Unsupported(names)) => {
            assert_eq!(names, vec!["parallelGateway (Gateway_decision)", "scriptTask (Script_1)"]);
        }
        other => panic!("refused by name, got {other:?}"),
    }
    let message = bpmn::import(&xml, "police").expect_err("refused").to_string();
    assert!(message.contains("parallelGateway (Gateway_decision)"), "{message}");
}

#[test]
fn malformed_and_hostile_files_are_refused() {
    assert!(matches!(bpmn::import("<bpmn:definitions><bpmn:process>", "police"), Err(BpmnError::Xml(_))));
    assert!(matches!(bpmn::import("not xml at all <", "police"), Err(BpmnError::Xml(_)) | Err(BpmnError::Invalid(_))));
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(matches!(bpmn::import(&deep, "police"), Err(BpmnError::Xml(m)) if m.contains("deeper")));
    let entity = r#"<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>"#;
    assert!(matches!(bpmn::import(entity, "police"), Err(BpmnError::Xml(_))));
    let huge = "<x>".to_string() + &" ".repeat(bpmn::MAX_BYTES) + "</x>";
    assert!(matches!(bpmn::import(&huge, "police"), Err(BpmnError::Xml(m)) if m.contains("larger")));
    // A float condition imports but is refused by the deploy check.
    let xml = permit_xml().replace("=app.attendance &lt; 200", "=app.attendance &lt; 199.5");
    let def = bpmn::import(&xml, "police").expect("imports");
    let err = definition::check(&def).expect_err("refused");
    assert!(err.to_string().contains("floating-point"), "{err}");
}

#[test]
fn iso_durations() {
    assert_eq!(bpmn::duration("P5WD").map(|s| s.working_days), Some(5));
    let s = bpmn::duration("P1W2DT3H4M5S").expect("parses");
    assert_eq!((s.days, s.seconds), (9, 3 * 3600 + 4 * 60 + 5));
    assert_eq!(bpmn::duration("PT0S"), None);
    assert_eq!(bpmn::duration("5 days"), None);
    assert_eq!(bpmn::duration("P1Y"), None, "years and months have no fixed length: refused");
}
