//! Approval workflows on real `govchain` node processes: the business-licence example pack end
//! to end through the CLI (deploy, apply, approved in the applying block, the market bureau's
//! job worker issues the licence and seals the credential to the applicant, who opens and
//! verifies it); the job repeated after the worker's node is killed half-way, without issuing
//! twice; and a deadline firing at the first block after it on every one of four validators.

mod support;

use std::time::Duration;

use support::datashare::json;
use support::net::Net;
use support::workflow::{apply, examples, resident_id};
use support::{Node, text};

async fn job_done(node: &mut Node, id: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let v: serde_json::Value =
            node.client().get_json(&format!("/v1/workflow/instances/{id}")).await.expect("instance");
        if v["instance"]["jobs"]["licence"]["status"] == "done" {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "the licence job was not done: {v}\n{}", node.logs());
        let h = node.client().status().await.expect("status").height;
        node.wait_height(h + 1, Duration::from_secs(30)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_business_licence_is_decided_in_one_block_and_issued_once_even_if_the_worker_dies() {
    let mut node = Node::init("127.0.0.81", "ed25519");
    // The worker's node dies right after issuing the certificate, before reporting.
    node.start_with_env(&[("GOVCHAIN_TEST_FAILPOINT", "workflow_after_issue")]);
    node.wait_height(1, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().expect("tmp");
    let founder = resident_id(&node, dir.path());
    let out = node.cli_ok(&["workflow", "deploy", &examples("business-licence/process.yaml"), "--key", "market-admin"]);
    assert!(out.contains("deployed") && out.contains("version=1"), "{out}");
    // Nobody but a process designer may deploy.
    let refused =
        node.cli(&["workflow", "deploy", &examples("business-licence/process.yaml"), "--key", "market-officer"]);
    assert!(!refused.status.success() && text(&refused).contains("unauthorized"), "{}", text(&refused));

    let (id, state) = apply(&node, "Zhang Tea Ltd", &founder);
    assert!(state.starts_with("approved"), "{state}");
    let v: serde_json::Value =
        node.client().get_json(&format!("/v1/workflow/instances/{id}?proof=true")).await.expect("instance");
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(steps[1]["kind"], "auto");
    assert_eq!(steps[1]["height"], v["instance"]["created_height"], "decided in the block that carried it");
    assert!(v["proof"].as_str().is_some_and(|p| !p.is_empty()));
    // The register shows the business at once.
    let reg = json(&node.cli_ok(&["workflow", "register", "market/business", "Zhang Tea Ltd"]));
    assert_eq!(reg["entry"]["values"]["representative"], "张伟");

    // The worker issues the licence, and its node aborts before reporting.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let issued = loop {
        if let Some(line) = node.logs().lines().find(|l| l.contains("failpoint workflow_after_issue")) {
            break line.rsplit(' ').next().expect("id").to_string();
        }
        assert!(std::time::Instant::now() < deadline, "the worker did not issue:\n{}", node.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    node.kill9();
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let v = job_done(&mut node, &id).await;
    let job = &v["instance"]["jobs"]["licence"];
    assert_eq!(job["output"]["certificate"], issued.as_str(), "the retry found the certificate it had issued");
    assert_eq!(job["attempts"], 1, "one reported attempt");
    let cert: serde_json::Value = node.client().get_json(&format!("/v1/certificates/{issued}")).await.expect("cert");
    assert_eq!(cert["holder"], founder.as_str());

    // The applicant opens the sealed credential and it verifies against the chain.
    let cred = dir.path().join("licence.json").display().to_string();
    let out = node.cli_ok(&["workflow", "credential", &id, "--key", "citizen-demo", "--out", &cred]);
    assert!(out.contains(&issued), "{out}");
    let pres = dir.path().join("pres.json").display().to_string();
    node.cli_ok(&["cert", "present", &cred, "--reveal", "company_name", "-o", &pres]);
    let out = node.cli_ok(&["cert", "verify", &pres]);
    assert!(out.starts_with("VALID") && out.contains("Zhang Tea Ltd"), "{out}");
    // Another key cannot open it.
    let other = node.cli(&["workflow", "credential", &id, "--key", "market-officer", "--out", &cred]);
    assert!(!other.status.success() && text(&other).contains("cannot open"), "{}", text(&other));

    // The same name again goes to the licensing officer's task list; a clerk cannot act.
    let (again, state) = apply(&node, "Zhang Tea Ltd", &founder);
    assert!(state.starts_with("review"), "{state}");
    let officer = node.key("market-officer").public_key().address(govchain_types::Suite::Ed25519Sha256).to_text();
    let tasks = json(&node.cli_ok(&["workflow", "tasks", "--account", &officer]));
    assert!(tasks.as_array().expect("tasks").iter().any(|t| t["instance"]["id"] == again.as_str()), "{tasks}");
    let out = node.cli(&["workflow", "act", &again, "reject", "--key", "citizen-demo", "--reason", "no"]);
    assert!(!out.status.success() && text(&out).contains("unauthorized"), "{}", text(&out));
    let out =
        node.cli_ok(&["workflow", "act", &again, "reject", "--key", "market-officer", "--reason", "The name is taken"]);
    assert!(out.contains("state rejected"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_fires_at_the_first_block_after_it_on_every_validator() {
    let mut net = Net::init("127.0.1.", 120, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 1, Duration::from_secs(90)).await;
    // A one-step process whose review lapses 3 seconds after it starts.
    let def = r#"{"id":"quick-review","name":"Quick review","applicants":["citizen"],"start":"review",
        "states":[{"id":"review","deadline":{"after":{"seconds":3},"take":"lapse"},
          "transitions":[{"id":"lapse","to":"lapsed","by":{"org":"market"}},{"id":"approve","to":"approved","by":{"org":"market"}}]},
          {"id":"lapsed","outcome":"rejected"},{"id":"approved","outcome":"approved"}]}"#;
    let file = net.dir.join("quick.json");
    std::fs::write(&file, def).expect("write");
    net.cli(&["workflow", "deploy", &file.display().to_string(), "--key", "market-admin"]);
    let out = net.cli(&["workflow", "apply", "market/quick-review", "--key", "citizen-demo"]);
    let id = out.lines().find_map(|l| l.strip_prefix("instance ")).expect("instance").to_string();
    let path = format!("/v1/workflow/instances/{id}");
    let first: serde_json::Value = net.client(0).get_json(&path).await.expect("instance");
    let due = first["instance"]["due_ms"].as_u64().expect("due");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let h = loop {
        let v: serde_json::Value = net.client(0).get_json(&path).await.expect("instance");
        if v["instance"]["state"] == "lapsed" {
            let step = v["steps"].as_array().and_then(|s| s.last()).expect("step").clone();
            assert_eq!(step["kind"], "deadline");
            break step["height"].as_u64().expect("height");
        }
        assert!(std::time::Instant::now() < deadline, "the deadline did not fire: {v}\n{}", net.logs());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // The step's block is the first block whose time is past the deadline.
    let block = net.client(0).block(Some(h)).await.expect("block");
    let prev = net.client(0).block(Some(h - 1)).await.expect("block");
    assert!(
        block.header.time_ms > due && prev.header.time_ms <= due,
        "due {due}: {} then {}",
        prev.header.time_ms,
        block.header.time_ms
    );
    // Every validator fired it in that same block: same block hash, same state root.
    net.wait_height(&[0, 1, 2, 3], h, Duration::from_secs(60)).await;
    net.assert_same_chain(&[0, 1, 2, 3], h).await;
    for i in 0..4 {
        let v: serde_json::Value = net.client(i).get_json(&path).await.expect("instance");
        assert_eq!(v["instance"]["state"], "lapsed", "node {i}");
        assert_eq!(
            v["steps"].as_array().and_then(|s| s.last()).map(|s| s["height"].clone()),
            Some(h.into()),
            "node {i}"
        );
    }
}
