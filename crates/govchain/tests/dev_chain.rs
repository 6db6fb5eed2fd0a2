//! The development chain as a user meets it: a real `govchain` process, the CLI, the API, and
//! offline verification of proofs, for both crypto suites.

mod support;

use std::time::Duration;

use support::{Node, text};

async fn publish_prove_verify(suite: &str, ip: &str) {
    let mut node = Node::init(ip, suite);
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;

    let out = node.cli_ok(&[
        "records",
        "publish",
        "--key",
        "finance-officer",
        "--category",
        "budget",
        "--title",
        "2027年预算 Budget 2027",
        "--body",
        "教育支出 education",
        "--tag",
        "预算",
    ]);
    assert!(out.contains("published finance-000001 version 1"), "{out}");
    let out = node.cli_ok(&[
        "records",
        "amend",
        "finance-000001",
        "--key",
        "finance-officer",
        "--reason",
        "corrected figure",
        "--category",
        "budget",
        "--title",
        "2027年预算 Budget 2027 (rev.)",
        "--body",
        "教育支出 education 3.2",
    ]);
    assert!(out.contains("amended finance-000001 version 2"), "{out}");

    let shown: serde_json::Value =
        serde_json::from_str(&node.cli_ok(&["records", "show", "finance-000001"])).expect("json");
    assert_eq!(shown["latest"]["version"], 2);
    assert_eq!(shown["versions"].as_array().map(|v| v.len()), Some(2));
    assert_eq!(shown["versions"][0]["title"], "2027年预算 Budget 2027");
    let list: serde_json::Value =
        serde_json::from_str(&node.cli_ok(&["records", "list", "--org", "finance", "--category", "budget"]))
            .expect("json");
    assert_eq!(list["items"][0]["id"], "finance-000001");
    let none: serde_json::Value =
        serde_json::from_str(&node.cli_ok(&["records", "list", "--org", "market"])).expect("json");
    assert_eq!(none["items"].as_array().map(|v| v.len()), Some(0));

    let dir = tempfile::tempdir().expect("tempdir");
    let proof = dir.path().join("record-v1.proof");
    let proof_s = proof.to_string_lossy().to_string();
    node.cli_ok(&["records", "proof", "finance-000001", "--version", "1", "-o", &proof_s]);
    let verified = node.cli_ok(&["verify", &proof_s, "--genesis", &node.genesis().to_string_lossy()]);
    assert!(verified.contains("VERIFIED") && verified.contains("records/v/finance-000001/1 is PRESENT"), "{verified}");
    assert!(verified.contains("2027年预算 Budget 2027"), "the proven content is shown: {verified}");

    let mut bytes = std::fs::read(&proof).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let tampered = dir.path().join("tampered.proof");
    std::fs::write(&tampered, &bytes).expect("write");
    let o = node.cli(&["verify", &tampered.to_string_lossy()]);
    assert!(!o.status.success(), "a tampered bundle must not verify: {}", text(&o));
    assert!(text(&o).contains("NOT VERIFIED"));

    let absent = dir.path().join("absent.proof");
    node.cli_ok(&["state", "proof", "records/head/finance-999999", "-o", &absent.to_string_lossy()]);
    let out = node.cli_ok(&["verify", &absent.to_string_lossy()]);
    assert!(out.contains("is ABSENT"), "{out}");

    let hash = shown["latest"]["tx_hash"].as_str().expect("tx hash").to_string();
    let txp = dir.path().join("tx.proof");
    node.cli_ok(&["tx", "proof", &hash, "-o", &txp.to_string_lossy()]);
    let out = node.cli_ok(&["verify", &txp.to_string_lossy()]);
    assert!(out.contains(&format!("transaction {hash}")) && out.contains("records.amended"), "{out}");

    // Search finds the record's latest version by a Chinese and by an English word, and the index
    // is rebuilt from the chain when it is lost.
    let height = shown["latest"]["height"].as_u64().expect("height");
    for word in ["教育", "education", "预算"] {
        let r = search(&node, word, height).await;
        assert_eq!(r["hits"][0]["id"], "finance-000001", "{word}: {r}");
        assert_eq!(r["hits"][0]["version"], 2, "{word}: {r}");
    }
    let r = search(&node, "education", height).await;
    let snippet = &r["hits"][0]["snippet"];
    let [a, b] = [0, 1].map(|i| snippet["highlights"][0][i].as_u64().expect("range") as usize);
    let marked: String = snippet["text"].as_str().expect("text").chars().skip(a).take(b - a).collect();
    assert_eq!(marked, "education");
    assert_eq!(search(&node, "火箭", height).await["total"], 0);
    node.kill9();
    std::fs::remove_dir_all(node.home.join("data").join("search")).expect("lose the index");
    node.start();
    assert_eq!(search(&node, "教育", height).await["hits"][0]["id"], "finance-000001", "rebuilt from the chain");

    let status = node.client().status().await.expect("status");
    assert_eq!(status.suite, if suite == "sm2" { "sm2-sm3" } else { "ed25519-sha256" });
    assert!(node.client().status().await.expect("status").validators[0].public_key.starts_with(if suite == "sm2" {
        "sm2:"
    } else {
        "ed25519:"
    }));
}

/// Searches records once the index has caught up with `height`.
async fn search(node: &Node, word: &str, height: u64) -> serde_json::Value {
    let http = reqwest::Client::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = http.get(format!("{}/v1/search/records", node.api)).query(&[("q", word)]).send().await
            && r.status().is_success()
        {
            let v: serde_json::Value = r.json().await.expect("json");
            if v["indexed_height"].as_u64().is_some_and(|h| h >= height) {
                return v;
            }
        }
        assert!(std::time::Instant::now() < deadline, "the search index did not reach height {height}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ed25519_chain_publish_query_prove_verify() {
    publish_prove_verify("ed25519", "127.0.0.2").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sm2_sm3_chain_publish_query_prove_verify() {
    publish_prove_verify("sm2", "127.0.0.3").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_serves_health_openapi_metrics_and_events() {
    let mut node = Node::init("127.0.0.4", "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    let health: serde_json::Value =
        http.get(format!("{}/health", node.api)).send().await.expect("health").json().await.expect("json");
    assert_eq!(health["status"], "ok");
    let doc: serde_json::Value =
        http.get(format!("{}/openapi.json", node.api)).send().await.expect("doc").json().await.expect("json");
    for path in [
        "/v1/txs",
        "/v1/txs/batch",
        "/v1/records",
        "/v1/search/records",
        "/v1/certificates/{id}/status",
        "/v1/certificates/verify",
        "/v1/governance/proposals",
        "/v1/proofs/state",
        "/status",
        "/v1/events",
        "/v1/genesis",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI documents {path}");
    }
    // The genesis is served byte for byte, and its hash is the one /status reports.
    let served =
        http.get(format!("{}/v1/genesis", node.api)).send().await.expect("genesis").bytes().await.expect("bytes");
    assert_eq!(&served[..], &std::fs::read(node.genesis()).expect("genesis file")[..]);
    let status = node.client().status().await.expect("status");
    assert_eq!(govchain_types::Suite::Ed25519Sha256.hash(&served).to_hex(), status.genesis_hash);
    let missing = http.get(format!("{}/v1/nothing", node.api)).send().await.expect("404");
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "route_not_found");

    let mut events = node.client().events(false).await.expect("subscribe");
    let first = tokio::time::timeout(Duration::from_secs(10), events.next()).await.expect("an event within 10 s");
    assert!(matches!(first, Some(Ok(govchain_sdk::StreamEvent::Block(_)))), "{first:?}");
    let metrics = node.client().metrics().await.expect("metrics");
    assert!(metrics.contains("govchain_height"), "{metrics}");
    // Every metric the shipped Grafana dashboard queries is exported.
    let dashboard = include_str!("../../../deploy/grafana-dashboard.json");
    let mut names: Vec<&str> = dashboard
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("govchain_") || w.starts_with("malachitebft_"))
        .map(|w| w.trim_end_matches("_bucket").trim_end_matches("_sum").trim_end_matches("_count"))
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() >= 10, "{names:?}");
    for n in names {
        assert!(metrics.lines().any(|l| l.starts_with(n)), "dashboard metric {n} is not exported");
    }
}
