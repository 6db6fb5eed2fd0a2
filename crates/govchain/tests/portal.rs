//! The public portal in a real browser: a real node serves it, the CLI publishes, amends,
//! issues and revokes through the API, then `portal/tests/e2e/portal.e2e.mjs` drives Debian's
//! headless Chromium through playwright-core against it. Screenshots land in
//! `target/portal-screenshots/` (artefacts of the run).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{Node, scan_qr, text};

const ZH_WORD: &str = "采购";
const EN_WORD: &str = "procurement";
const REVOKE_REASON: &str = "学位撤销 degree withdrawn";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn issue(node: &Node, dir: &std::path::Path, name: &str, qr: Option<&str>) -> String {
    let cred = dir.join(format!("{name}.json")).to_string_lossy().to_string();
    let id_file = dir.join(format!("{name}.id"));
    std::fs::write(&id_file, "110101199003070011\n").expect("id file");
    let id_file = id_file.to_string_lossy().to_string();
    let mut args = vec![
        "cert",
        "issue",
        "--key",
        "education-officer",
        "--type",
        "diploma",
        "--holder-id-file",
        &id_file,
        "--claim",
        "holder_name=张伟明",
        "--claim",
        "degree=工学学士 Bachelor of Engineering",
        "-o",
        &cred,
    ];
    if let Some(q) = qr {
        args.extend(["--qr", q]);
    }
    node.cli_ok(&args);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cred).expect("read")).expect("json");
    v["core"]["certificate_id"].as_str().expect("certificate id").to_string()
}

/// Publishes a procurement record and amends it once; returns its id.
fn publish_and_amend(node: &Node) -> String {
    let out = node.cli_ok(&[
            "records",
            "publish",
            "--key",
            "finance-officer",
            "--category",
            "procurement",
            "--title",
            "2026年第三季度政府采购合同公示 Government Procurement Contracts Q3 2026",
            "--body",
            "本季度市财政局共签订政府采购合同12份，合计金额3,460万元。This quarter the Finance Bureau signed 12 procurement contracts worth 34.6 million yuan.",
            "--tag",
            "政府采购",
        ],
    );
    let record_id =
        out.split_whitespace().skip_while(|w| *w != "published").nth(1).expect("record id in the output").to_string();
    node.cli_ok(&[
            "records",
            "amend",
            &record_id,
            "--key",
            "finance-officer",
            "--reason",
            "更正金额 corrected amount",
            "--category",
            "procurement",
            "--title",
            "2026年第三季度政府采购合同公示 Government Procurement Contracts Q3 2026",
            "--body",
            "本季度市财政局共签订政府采购合同12份，合计金额3,640万元。This quarter the Finance Bureau signed 12 procurement contracts worth 36.4 million yuan.",
            "--tag",
            "政府采购",
        ],
    );
    record_id
}

/// Runs the browser tests (`env` names the chain's data; `ONLY` may select steps) and asserts
/// that they pass.
fn run_browser_tests(node: &Node, env: &[(&str, &str)]) {
    let root = workspace();
    let portal = root.join("portal");
    assert!(
        portal.join("node_modules/playwright-core").is_dir(),
        "portal/node_modules is missing: run ./scripts/test.sh (it installs Chromium, Node.js and the npm packages)"
    );
    let shots = root.join("target/portal-screenshots");
    let run = Command::new("node")
        .arg("tests/e2e/portal.e2e.mjs")
        .current_dir(&portal)
        .env("PORTAL_URL", &node.api)
        .env("SCREENSHOTS", &shots)
        .envs(env.iter().copied())
        .output()
        .expect("run node (Node.js): ./scripts/test.sh installs it");
    let report = text(&run);
    println!("{report}");
    assert!(run.status.success(), "portal tests failed:\n{report}\nscreenshots: {}\n{}", shots.display(), node.logs());
}

/// The search index follows commits asynchronously: waits until it holds version 2 of `id`.
async fn wait_indexed(node: &Node, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = format!("{}/v1/search/records?q={EN_WORD}", node.api);
    loop {
        let v: serde_json::Value = reqwest::get(&url).await.expect("search").json().await.expect("json");
        if v["hits"].as_array().is_some_and(|h| h.iter().any(|x| x["id"] == id && x["version"] == 2)) {
            return;
        }
        assert!(Instant::now() < deadline, "the index did not catch up: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn portal_in_headless_chromium() {
    let mut node = Node::init("127.0.0.50", "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let record_id = publish_and_amend(&node);

    node.cli_ok(&[
        "cert",
        "type",
        "create",
        "--key",
        "education-admin",
        "--id",
        "diploma",
        "--name",
        "毕业证书 Diploma",
        "--field",
        "holder_name:text:required",
        "--field",
        "degree:text:required",
        "--issuer",
        "education",
        "--validity-days",
        "3650",
    ]);
    let qr = dir.path().join("valid.png").to_string_lossy().to_string();
    let valid = issue(&node, dir.path(), "valid", Some(&qr));
    let qr_link = scan_qr(&qr);
    assert!(qr_link.ends_with(&format!("/verify?cert={valid}")), "{qr_link}");
    let revoked = issue(&node, dir.path(), "revoked", None);
    // Presentations as holders hand them over, with their proofs; the second one is made
    // before its certificate is revoked, so its own proofs still say "active".
    let path = |n: &str| dir.path().join(n).to_string_lossy().to_string();
    node.cli_ok(&[
        "cert",
        "present",
        &path("valid.json"),
        "--reveal",
        "degree",
        "--offline",
        "-o",
        &path("pres-valid.json"),
    ]);
    node.cli_ok(&[
        "cert",
        "present",
        &path("revoked.json"),
        "--reveal",
        "degree",
        "--offline",
        "-o",
        &path("pres-revoked.json"),
    ]);
    node.cli_ok(&["cert", "revoke", "--key", "education-admin", &revoked, "--reason", REVOKE_REASON]);

    // An open governance proposal (one department's approval so far).
    node.cli_ok(&[
        "governance",
        "set-param",
        "--key",
        "finance-admin",
        "--name",
        "max_block_txs",
        "--value",
        "8000",
        "--reason",
        "capacity review",
    ]);
    wait_indexed(&node, &record_id).await;

    // Data sharing: a grant by policy, one delivery and one refusal about the demo citizen.
    let ds = support::datashare::Bureaus::publish(node, "127.0.0.50");
    let granted = support::datashare::request(&ds, "subsidy", &["insured", "months_paid"], None);
    assert_eq!(granted["status"], "granted", "{granted}");
    support::datashare::fetch(&ds, "subsidy", "110101199003074512", &[]).expect("delivered");
    support::datashare::fetch(&ds, "subsidy", "110101199003074512", &["monthly_salary"]).expect_err("refused");
    let keystore = ds.node.home.join("keys/citizen-demo.json").to_string_lossy().to_string();
    let node = ds.node;

    // Workflows: the business-licence process, a resident id for the demo citizen, and one
    // application (a founder without a certificate) waiting for the licensing officer.
    let founder = support::workflow::resident_id(&node, dir.path());
    node.cli_ok(&[
        "workflow",
        "deploy",
        &support::workflow::examples("business-licence/process.yaml"),
        "--key",
        "market-admin",
    ]);
    let (waiting, state) = support::workflow::apply(&node, "Waiting Tea Ltd", &"0".repeat(64));
    assert!(state.starts_with("review"), "{state}");
    let officer = node.home.join("keys/market-officer.json").to_string_lossy().to_string();

    // A smart contract (the token example) deployed with the development Ethereum key.
    node.cli_ok(&[
        "identity",
        "bind-eth-key",
        "--key",
        "market-admin",
        "--eth-key-file",
        &support::evm::key_file(dir.path()),
    ]);
    let contract = support::evm::deploy_token(&node.api).await;
    let abi = support::evm::contracts().join("out/Token.json").to_string_lossy().to_string();

    // Public participation: a vote and a consultation open in the browser with kit files, a
    // tender with one sealed bid (support/participation.rs).
    let mut node = node;
    let pa = support::participation::open(&mut node, dir.path()).await;
    let pa_env = [
        ("VOTE_ID", support::participation::VOTE),
        ("CONSULTATION_ID", support::participation::CONSULTATION),
        ("TENDER_ID", support::participation::TENDER),
        ("VOTE_KIT", pa.vote_kit.as_str()),
        ("CONSULT_KIT", pa.consult_kit.as_str()),
        ("CONSULT_ANSWER", support::participation::ANSWER),
    ];
    run_browser_tests(&node, &[&pa_env[..], &[("RECORD_ID", &record_id), ("ONLY", "participation (open)")]].concat());

    run_browser_tests(
        &node,
        &[
            ("SKIP", "participation ("),
            ("VOTE_ID", support::participation::VOTE),
            ("CONSULTATION_ID", support::participation::CONSULTATION),
            ("TENDER_ID", support::participation::TENDER),
            ("RECORD_ID", &record_id),
            ("ZH_WORD", ZH_WORD),
            ("EN_WORD", EN_WORD),
            ("OTHER_ORG", "police"),
            ("CERT_QR_LINK", &qr_link),
            ("CERT_REVOKED", &revoked),
            ("REVOKE_REASON", REVOKE_REASON),
            ("PRES_VALID", &path("pres-valid.json")),
            ("PRES_REVOKED", &path("pres-revoked.json")),
            ("DATA_REQUEST", "subsidy"),
            ("CITIZEN_KEYSTORE", &keystore),
            ("WF_FOUNDER", &founder),
            ("WF_INSTANCE", &waiting),
            ("OFFICER_KEYSTORE", &officer),
            ("EVM_CONTRACT", &contract),
            ("EVM_ABI", &abi),
        ],
    );
    // After the close: parts released, the comment answered, both recounts checked by the CLI;
    // then the browser recounts the vote itself and shows the award.
    support::participation::close(&mut node, &pa).await;
    run_browser_tests(&node, &[&pa_env[..], &[("RECORD_ID", &record_id), ("ONLY", "participation (closed)")]].concat());
    let shots = workspace().join("target/portal-screenshots");
    for name in [
        "vote-recounted",
        "tender-awarded",
        "home-zh",
        "search-zh",
        "search-en",
        "verify-record",
        "verify-certificate-revoked",
        "mobile-home",
    ] {
        assert!(shots.join(format!("{name}.png")).is_file(), "screenshot {name} saved");
    }
}

/// On a chain of the Chinese national suite (SM2 signatures, SM3 hashes) the browser verifies
/// the same way.
#[tokio::test(flavor = "multi_thread")]
async fn portal_verifies_an_sm2_sm3_chain_in_the_browser() {
    let mut node = Node::init("127.0.0.51", "sm2");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let record_id = publish_and_amend(&node);
    run_browser_tests(&node, &[("RECORD_ID", &record_id), ("ONLY", "a record verifies"), ("SHOT_PREFIX", "sm2-")]);
    assert!(workspace().join("target/portal-screenshots/sm2-verify-record.png").is_file());
}

/// `[api] portal = false` gives an API-only node: pages answer the API's JSON 404.
#[tokio::test(flavor = "multi_thread")]
async fn an_api_only_node_serves_no_portal() {
    let mut node = Node::init("127.0.0.52", "ed25519");
    node.edit_config("portal = true", "portal = false");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let http = reqwest::Client::new();
    for path in ["/", "/search", "/assets/app.js"] {
        let r = http.get(format!("{}{path}", node.api)).header("accept", "text/html").send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
        let body: serde_json::Value = r.json().await.expect("JSON error");
        assert_eq!(body["error"]["code"], "route_not_found");
    }
    let status = http.get(format!("{}/status", node.api)).send().await.expect("status");
    assert!(status.status().is_success(), "the API still answers");
}
