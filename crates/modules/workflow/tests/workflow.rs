//! The workflow engine through the executor on the shared in-memory harness: deploy checks,
//! automatic decisions in the applying block, who may take each transition, deadlines in block
//! time, versions, jobs with retries, and the example packs' definitions.

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind as CertField, Issue};
use govchain_component::Component;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_records::{Publish, RecordContent, RecordsComponent, Withdraw};
use govchain_types::{Hash32, Outcome as TxOutcome};
use govchain_workflow::*;

const DAY_MS: u64 = 86_400_000;

fn example(path: &str) -> Definition {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../examples").join(path);
    definition::from_text(&std::fs::read_to_string(p).expect("example file")).expect("example parses")
}

fn world() -> World {
    let components: Vec<Arc<dyn Component>> = vec![
        Arc::new(IdentityComponent),
        Arc::new(RecordsComponent),
        Arc::new(CertificatesComponent),
        Arc::new(WorkflowComponent),
    ];
    let market: &[(&str, &[&str])] = &[
        ("designer", &["workflow.deploy"]),
        ("licensing", &[]),
        ("worker", &["workflow.report", "certificates.issue"]),
        ("publisher", &["records.publish", "records.withdraw"]),
    ];
    let police: &[(&str, &[&str])] = &[("certifier", &["certificates.define_type", "certificates.issue"])];
    let mut w = World::builder()
        .org("market", OrgKind::Government, market)
        .org("police", OrgKind::Government, police)
        .admin("market-admin", "market", &["designer", "publisher"])
        .official("licensing-officer", "market", &["licensing"])
        .official("market-clerk", "market", &[])
        .official("market-worker", "market", &["worker"])
        .admin("police-admin", "police", &["certifier"])
        .citizen("alice", "police")
        .citizen("bob", "police")
        .build(&components);
    let t = DefineType {
        id: "resident-id".into(),
        name: "Resident identity".into(),
        fields: vec![Field { name: "name".into(), kind: CertField::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 3650,
    };
    assert_eq!(w.run("police-admin", &t), TxOutcome::Success);
    w
}

fn pseudonym(n: u8) -> Hash32 {
    Hash32([n; 32])
}

fn issue_id(w: &mut World, n: u8) {
    let issue = Issue {
        id: hex::encode([n; 32]),
        type_id: "resident-id".into(),
        holder: pseudonym(n),
        commitment: Hash32([0xcc; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous: None,
    };
    assert_eq!(w.run("police-admin", &issue), TxOutcome::Success);
}

fn deploy(w: &mut World, def: Definition) -> TxOutcome {
    w.run("market-admin", &Deploy { definition: def })
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn licence_fields(name: &str, founder: u8) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("business_name".into(), text(name)),
        ("representative".into(), text("Zhang San")),
        ("address".into(), text("1 Renmin Road")),
        ("capital".into(), Value::Int(100_000)),
        ("scope".into(), Value::List(vec!["retail".into()])),
        ("founder".into(), text(&hex::encode([founder; 32]))),
    ])
}

fn apply(process: &str, fields: BTreeMap<String, Value>) -> Apply {
    Apply { org: "market".into(), process: process.into(), version: 0, fields }
}

/// The id of the instance the last successful `apply` created (the latest in the alice index
/// is not visible here, so derive it from the transaction as the engine does).
fn applied(w: &mut World, who: &str, a: &Apply) -> String {
    let tx = w.tx(who, a);
    let id = hex::encode(w.suite.hash_parts(&[b"GOVCHAIN/WORKFLOW-INSTANCE/v1\0", &tx.hash(w.suite).0]).0);
    assert_eq!(w.block(&[tx]), vec![TxOutcome::Success]);
    id
}

fn instance(w: &World, id: &str) -> Instance {
    w.get(&keys::instance(id)).expect("instance stored")
}

fn step(w: &World, id: &str, n: u32) -> Step {
    w.get(&keys::step(id, n)).expect("step stored")
}

fn act(id: &str, transition: &str, reason: &str) -> Act {
    Act { instance: id.into(), transition: transition.into(), reason: reason.into(), edits: BTreeMap::new() }
}

#[test]
fn a_licence_whose_rules_hold_is_approved_in_the_applying_block() {
    let mut w = world();
    issue_id(&mut w, 1);
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let height_before = w.height;
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Alice Tea Ltd", 1)));
    let inst = instance(&w, &id);
    assert_eq!(inst.state, "approved");
    assert_eq!(inst.outcome, Some(Outcome::Approved));
    assert_eq!(inst.created_height, height_before + 1);
    assert_eq!(inst.updated_height, inst.created_height, "decided in the block that carried it");
    assert_eq!(step(&w, &id, 2).kind, StepKind::Auto);
    assert_eq!(step(&w, &id, 2).what, "auto-approve");
    // The register shows the business; the licence job waits for the market worker.
    let entry: RegisterEntry = w.get(&keys::register("market", "business", "Alice Tea Ltd")).expect("registered");
    assert_eq!(entry.values.get("representative"), Some(&text("Zhang San")));
    let job = &inst.jobs["licence"];
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.params.get("type"), Some(&text("business-licence")));
    assert_eq!(job.params.get("holder"), Some(&text(&hex::encode([1; 32]))));
    // Optional fields may be left out.
    let mut without_scope = licence_fields("Plain Ltd", 1);
    without_scope.remove("scope");
    let plain = applied(&mut w, "bob", &apply("business-licence", without_scope));
    assert_eq!(instance(&w, &plain).state, "approved");
    assert_eq!(instance(&w, &plain).jobs["licence"].params.get("claim_business_scope"), Some(&text("")));
    // The same name again is not free: it goes to an officer instead.
    let again = applied(&mut w, "bob", &apply("business-licence", licence_fields("Alice Tea Ltd", 1)));
    assert_eq!(instance(&w, &again).state, "review");
}

#[test]
fn failing_rules_send_the_application_to_an_officer_who_alone_may_decide() {
    let mut w = world();
    issue_id(&mut w, 2);
    // An open penalty record about the founder.
    let penalty = Publish {
        content: RecordContent {
            category: "penalty".into(),
            title: "Penalty decision".into(),
            body: "Fined".into(),
            attachments: vec![],
            tags: vec![format!("subject:{}", hex::encode([2u8; 32]))],
        },
    };
    assert_eq!(w.run("market-admin", &penalty), TxOutcome::Success);
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Blue Sky Ltd", 2)));
    assert_eq!(instance(&w, &id).state, "review");
    let before = instance(&w, &id);
    // Nobody but a licensing officer of market may approve: typed errors, state unchanged.
    for who in ["alice", "bob", "market-clerk", "police-admin"] {
        let out = w.run(who, &act(&id, "approve", ""));
        assert_eq!(code(&out).as_deref(), Some("unauthorized"), "{who}");
        assert_eq!(instance(&w, &id), before, "{who} changed nothing");
    }
    let out = w.run("licensing-officer", &act(&id, "no-such", ""));
    assert_eq!(code(&out).as_deref(), Some("no_such_transition"));
    // A rejection needs a reason.
    let out = w.run("licensing-officer", &act(&id, "reject", ""));
    assert_eq!(code(&out).as_deref(), Some("invalid_arguments"));
    assert_eq!(instance(&w, &id), before);
    // Ask for information; only the applicant may resubmit, only the allowed fields.
    assert_eq!(w.run("licensing-officer", &act(&id, "ask-info", "Explain the penalty")), TxOutcome::Success);
    assert_eq!(instance(&w, &id).state, "needs-info");
    let mut resubmit = act(&id, "resubmit", "");
    resubmit.edits.insert("founder".into(), text(&hex::encode([9u8; 32])));
    assert_eq!(code(&w.run("alice", &resubmit)).as_deref(), Some("not_editable"));
    assert_eq!(code(&w.run("bob", &act(&id, "resubmit", ""))).as_deref(), Some("unauthorized"));
    // The penalty is withdrawn; the resubmission now passes the rules automatically.
    let withdraw = Withdraw { id: "market-000001".into(), reason: "Paid and closed".into() };
    assert_eq!(w.run("market-admin", &withdraw), TxOutcome::Success);
    assert_eq!(w.run("alice", &act(&id, "resubmit", "")), TxOutcome::Success);
    let inst = instance(&w, &id);
    assert_eq!(inst.state, "approved");
    let kinds: Vec<_> = (1..=inst.steps).map(|n| step(&w, &id, n).kind).collect();
    assert_eq!(
        kinds,
        vec![StepKind::Applied, StepKind::Auto, StepKind::Manual, StepKind::Manual, StepKind::Auto],
        "applied, referred, asked, resubmitted, approved"
    );
    // Finished instances take no more steps.
    assert_eq!(code(&w.run("licensing-officer", &act(&id, "reject", "late"))).as_deref(), Some("finished"));
}

#[test]
fn an_officer_decision_is_refused_when_its_condition_fails() {
    let mut w = world();
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    // No resident certificate: both go to review; the first approved takes the name.
    let a = applied(&mut w, "alice", &apply("business-licence", licence_fields("Same Name Ltd", 3)));
    let b = applied(&mut w, "bob", &apply("business-licence", licence_fields("Same Name Ltd", 4)));
    assert_eq!(w.run("licensing-officer", &act(&a, "approve", "")), TxOutcome::Success);
    let before = instance(&w, &b);
    assert_eq!(code(&w.run("licensing-officer", &act(&b, "approve", ""))).as_deref(), Some("condition_false"));
    assert_eq!(instance(&w, &b), before);
}

#[test]
fn applications_are_checked_against_the_form() {
    let mut w = world();
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let mut missing = licence_fields("X Ltd", 1);
    missing.remove("capital");
    let mut wrong = licence_fields("X Ltd", 1);
    wrong.insert("capital".into(), text("lots"));
    let mut unknown = licence_fields("X Ltd", 1);
    unknown.insert("salary".into(), Value::Int(1));
    let mut long = licence_fields("X Ltd", 1);
    long.insert("business_name".into(), text(&"x".repeat(65)));
    let mut digest = licence_fields("X Ltd", 1);
    digest.insert("founder".into(), text("not hex"));
    for fields in [missing, wrong, unknown, long, digest] {
        let err = w.check("alice", &apply("business-licence", fields)).expect_err("refused");
        assert_eq!(err.code(), "invalid_arguments", "{err:?}");
    }
    // Officials may not apply for a citizens' process; unknown processes are not found.
    let err = w.check("market-clerk", &apply("business-licence", licence_fields("X Ltd", 1))).expect_err("refused");
    assert_eq!(err.code(), "unauthorized");
    let err = w.check("alice", &apply("no-such", licence_fields("X Ltd", 1))).expect_err("refused");
    assert_eq!(err.code(), "not_found");
}

fn minimal(when: &str) -> Definition {
    let mut d = example("business-licence/process.yaml");
    d.states[0].transitions[0].when = Some(when.into());
    d
}

#[test]
fn deploy_refuses_floats_unbounded_and_over_budget_expressions() {
    let mut w = world();
    let cases = [
        ("app.capital > 1.5", "floating-point"),
        ("double(app.capital) > 1", "function double"),
        ("app.scope.all(x, x.matches('a+'))", "function matches"),
        ("[1, 2].map(x, x * 2).all(y, y > 0)", "comprehensions only"),
        ("{'a': 1}.a == 1", "map literals"),
        ("app.salary > 0", "no field salary"),
        ("unknown > 0", "unknown name"),
        ("app.scope.all(x, app.scope.all(y, app.scope.all(z, x + y + z != '')))", "over the budget"),
        ("app.scope.exists(x, record_exists('market', 'penalty', x))", "inside a comprehension"),
        ("app.capital >", "does not parse"),
    ];
    for (when, why) in cases {
        let out = deploy(&mut w, minimal(when));
        assert_eq!(code(&out).as_deref(), Some("invalid_definition"), "{when}");
        let TxOutcome::Failed { message, .. } = out else { unreachable!() };
        assert!(message.as_str().contains(why), "{when}: {message}");
    }
    // A condition within the budget is accepted.
    assert_eq!(deploy(&mut w, minimal("app.scope.all(x, app.scope.exists(y, x == y))")), TxOutcome::Success);
    // Structural mistakes name the place.
    let mut cycle = example("business-licence/process.yaml");
    cycle.states[1].transitions.push(Transition {
        id: "back".into(),
        label: String::new(),
        to: "submitted".into(),
        by: Actor::Auto,
        when: None,
        reason_required: false,
        edits: vec![],
    });
    let out = deploy(&mut w, cycle);
    let TxOutcome::Failed { message, .. } = out else { panic!("a cycle of automatic transitions is refused") };
    assert!(message.as_str().contains("automatic transitions loop"), "{message}");
    // Only a designer may deploy.
    let out = w.run("licensing-officer", &Deploy { definition: example("business-licence/process.yaml") });
    assert_eq!(code(&out).as_deref(), Some("unauthorized"));
}

#[test]
fn a_condition_that_fails_at_run_time_is_false_and_noted() {
    let mut w = world();
    assert_eq!(deploy(&mut w, minimal("100 / (app.capital - 100000) > 0")), TxOutcome::Success);
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Div Ltd", 1)));
    let inst = instance(&w, &id);
    assert_eq!(inst.state, "review", "division by zero does not approve");
    assert!(inst.last_error.contains("auto-approve"), "{}", inst.last_error);
}

#[test]
fn a_new_version_leaves_running_instances_on_theirs() {
    let mut w = world();
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let old = applied(&mut w, "alice", &apply("business-licence", licence_fields("Old Ltd", 7)));
    assert_eq!(instance(&w, &old).state, "review");
    // Version 2: no officer review at all, everything is rejected.
    let mut v2 = example("business-licence/process.yaml");
    v2.states[0].transitions[1].to = "rejected".into();
    assert_eq!(deploy(&mut w, v2.clone()), TxOutcome::Success);
    assert_eq!(code(&deploy(&mut w, v2)).as_deref(), Some("already_exists"), "same content, same address");
    let head: ProcessHead = w.get(&keys::process("market", "business-licence")).expect("head");
    assert_eq!(head.version, 2);
    let new = applied(&mut w, "bob", &apply("business-licence", licence_fields("New Ltd", 8)));
    assert_eq!(instance(&w, &new).state, "rejected");
    assert_eq!(instance(&w, &new).version, 2);
    // The old instance still runs version 1: the officer can approve it.
    assert_eq!(instance(&w, &old).version, 1);
    assert_eq!(w.run("licensing-officer", &act(&old, "approve", "")), TxOutcome::Success);
    assert_eq!(instance(&w, &old).state, "approved");
    // An explicit old version can still be applied for.
    let mut a = apply("business-licence", licence_fields("Older Ltd", 9));
    a.version = 1;
    let v1 = applied(&mut w, "bob", &a);
    assert_eq!(instance(&w, &v1).state, "review");
}

#[test]
fn deadlines_fire_at_the_first_block_after_them() {
    let mut w = world();
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Slow Ltd", 5)));
    let inst = instance(&w, &id);
    let due = inst.due_ms.expect("review has a deadline");
    assert!(due >= inst.entered_ms + 3 * DAY_MS, "three working days");
    // Jump to just before the deadline: nothing happens.
    let next_block_time = |w: &World| w.env().time_ms;
    w.time_offset_ms += due - next_block_time(&w);
    w.block(&[]);
    assert_eq!(instance(&w, &id).reminders, 0, "a block at the deadline itself does not fire");
    w.block(&[]);
    let inst = instance(&w, &id);
    assert_eq!(inst.reminders, 1, "the first block after the deadline reminds");
    let s = step(&w, &id, inst.steps);
    assert_eq!((s.kind, s.height), (StepKind::Reminder, w.height));
    // The second reminder is the last one; the instance stays with the officer.
    let due2 = inst.due_ms.expect("re-armed");
    w.time_offset_ms += due2 - next_block_time(&w) + 1;
    w.block(&[]);
    let inst = instance(&w, &id);
    assert_eq!((inst.reminders, inst.due_ms, inst.state.as_str()), (2, None, "review"));
    // needs-info lapses after 30 days by taking its `lapse` transition.
    assert_eq!(w.run("licensing-officer", &act(&id, "ask-info", "Send the lease")), TxOutcome::Success);
    w.time_offset_ms += 31 * DAY_MS;
    w.block(&[]);
    let inst = instance(&w, &id);
    assert_eq!((inst.state.as_str(), inst.outcome), ("withdrawn", Some(Outcome::Withdrawn)));
    assert_eq!(step(&w, &id, inst.steps).kind, StepKind::Deadline);
}

#[test]
fn an_answered_instance_does_not_fire_its_old_deadline() {
    let mut w = world();
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Quick Ltd", 5)));
    assert_eq!(w.run("licensing-officer", &act(&id, "approve", "")), TxOutcome::Success);
    let steps = instance(&w, &id).steps;
    w.time_offset_ms += 10 * DAY_MS;
    w.block(&[]);
    assert_eq!(instance(&w, &id).steps, steps);
}

fn report(id: &str, ok: bool, error: &str) -> Report {
    Report {
        instance: id.into(),
        job: "licence".into(),
        ok,
        output: BTreeMap::from([("certificate".into(), text("abc"))]),
        error: error.into(),
        sealed: vec![],
    }
}

#[test]
fn jobs_are_reported_by_the_owners_worker_and_retried_until_their_limit() {
    let mut w = world();
    issue_id(&mut w, 6);
    assert_eq!(deploy(&mut w, example("business-licence/process.yaml")), TxOutcome::Success);
    let id = applied(&mut w, "alice", &apply("business-licence", licence_fields("Job Ltd", 6)));
    for who in ["alice", "market-clerk", "police-admin"] {
        assert_eq!(code(&w.run(who, &report(&id, true, ""))).as_deref(), Some("unauthorized"), "{who}");
    }
    assert_eq!(code(&w.run("market-worker", &report(&id, false, ""))).as_deref(), Some("invalid_arguments"));
    assert_eq!(w.run("market-worker", &report(&id, false, "issuer key unavailable")), TxOutcome::Success);
    let job = instance(&w, &id).jobs["licence"].clone();
    assert_eq!((job.status, job.attempts), (JobStatus::Pending, 1), "retried after a failure");
    assert_eq!(w.run("market-worker", &report(&id, true, "")), TxOutcome::Success);
    let job = instance(&w, &id).jobs["licence"].clone();
    assert_eq!((job.status, job.attempts), (JobStatus::Done, 2));
    assert_eq!(job.output.get("certificate"), Some(&text("abc")));
    assert_eq!(code(&w.run("market-worker", &report(&id, true, ""))).as_deref(), Some("job_not_pending"));
    // Three failures fail it for good.
    let other = applied(&mut w, "bob", &apply("business-licence", licence_fields("Fail Ltd", 6)));
    assert_eq!(instance(&w, &other).state, "approved");
    for _ in 0..3 {
        assert_eq!(w.run("market-worker", &report(&other, false, "down")), TxOutcome::Success);
    }
    assert_eq!(instance(&w, &other).jobs["licence"].status, JobStatus::Failed);
}

#[test]
fn a_title_transfer_needs_the_owner_the_buyer_and_a_registrar_or_escalates() {
    let components: Vec<Arc<dyn Component>> = vec![Arc::new(IdentityComponent), Arc::new(WorkflowComponent)];
    let land: &[(&str, &[&str])] = &[("designer", &["workflow.deploy"]), ("registrar", &[]), ("registry-head", &[])];
    let mut w = World::builder()
        .org("natural-resources", OrgKind::Government, land)
        .admin("land-admin", "natural-resources", &["designer"])
        .official("registrar", "natural-resources", &["registrar"])
        .official("head", "natural-resources", &["registry-head"])
        .citizen("seller", "natural-resources")
        .citizen("buyer", "natural-resources")
        .citizen("stranger", "natural-resources")
        .build(&components);
    for f in ["title-transfer/first-registration.yaml", "title-transfer/process.yaml"] {
        assert_eq!(w.run("land-admin", &Deploy { definition: example(f) }), TxOutcome::Success, "{f}");
    }
    let seller = w.address("seller").to_text();
    let buyer = w.address("buyer").to_text();
    let first = Apply {
        org: "natural-resources".into(),
        process: "first-registration".into(),
        version: 0,
        fields: BTreeMap::from([("parcel".into(), text("P-001")), ("owner".into(), text(&seller))]),
    };
    let reg = applied(&mut w, "registrar", &first);
    assert_eq!(instance(&w, &reg).outcome, Some(Outcome::Approved));
    let transfer = |parcel: &str| Apply {
        org: "natural-resources".into(),
        process: "title-transfer".into(),
        version: 0,
        fields: BTreeMap::from([
            ("parcel".into(), text(parcel)),
            ("buyer".into(), text(&buyer)),
            ("buyer_holder".into(), text(&hex::encode([4u8; 32]))),
            ("price".into(), Value::Int(1_200_000)),
            ("contract".into(), text(&hex::encode([5u8; 32]))),
        ]),
    };
    // Someone who does not own the parcel is refused at once.
    let bogus = applied(&mut w, "stranger", &transfer("P-001"));
    assert_eq!(instance(&w, &bogus).outcome, Some(Outcome::Rejected));
    let id = applied(&mut w, "seller", &transfer("P-001"));
    assert_eq!(instance(&w, &id).state, "buyer-consent");
    for who in ["seller", "stranger", "registrar"] {
        assert_eq!(code(&w.run(who, &act(&id, "consent", ""))).as_deref(), Some("unauthorized"), "{who}");
    }
    assert_eq!(w.run("buyer", &act(&id, "consent", "")), TxOutcome::Success);
    assert_eq!(instance(&w, &id).state, "registry-review");
    // Five working days pass: it escalates to the head of the registry.
    let due = instance(&w, &id).due_ms.expect("deadline");
    w.time_offset_ms += due - w.env().time_ms + 1;
    w.block(&[]);
    assert_eq!(instance(&w, &id).state, "head-review");
    assert_eq!(code(&w.run("registrar", &act(&id, "approve", ""))).as_deref(), Some("unauthorized"));
    assert_eq!(w.run("head", &act(&id, "approve", "")), TxOutcome::Success);
    let title: RegisterEntry = w.get(&keys::register("natural-resources", "land-title", "P-001")).expect("title");
    assert_eq!((title.version, title.values.get("owner")), (2, Some(&text(&buyer))));
    let v1: RegisterEntry =
        w.get(&keys::register_version("natural-resources", "land-title", "P-001", 1)).expect("history");
    assert_eq!(v1.values.get("owner"), Some(&text(&seller)));
    assert_eq!(instance(&w, &id).jobs["title"].params.get("holder"), Some(&text(&hex::encode([4u8; 32]))));
}
