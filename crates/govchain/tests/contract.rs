//! The API contract: schemathesis (property-based, from PyPI) reads the node's own
//! `/openapi.json` and sends every operation requests generated from its schemas — valid ones,
//! invalid ones (each schema rule broken in turn), unsupported methods — against a real node
//! holding real data (a record with two versions, a certificate, a governance proposal). It
//! checks that no answer is a 5xx, that every status, content type, header and body is the one
//! the document states, that every request the schemas reject is refused with a 4xx, and that
//! every request they accept is accepted (except signed bodies: `scripts/contract/schemathesis.toml`).
//!
//! schemathesis is installed by `scripts/ensure-deps.sh` (which `scripts/test.sh` runs) into
//! `target/tools/schemathesis`; `GOVCHAIN_SCHEMATHESIS` names another one. The generation is
//! seeded (`--seed`); `GOVCHAIN_CONTRACT_EXAMPLES` sets the examples per operation (a longer
//! run: `scripts/fuzz.sh`).

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use support::Node;

fn schemathesis() -> PathBuf {
    let path = std::env::var_os("GOVCHAIN_SCHEMATHESIS").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/schemathesis/bin/schemathesis")
    });
    assert!(
        path.exists(),
        "schemathesis is not installed at {}: run scripts/ensure-deps.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// A TOML array of strings, or of integers where every value is one.
fn toml_list(values: &[String]) -> String {
    let numbers = values.iter().all(|v| v.parse::<u64>().is_ok());
    let items: Vec<String> = values.iter().map(|v| if numbers { v.clone() } else { format!("{v:?}") }).collect();
    format!("[{}]", items.join(", "))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_of_the_api_matches_its_openapi_document() {
    let st = schemathesis();
    let mut node = Node::init("127.0.0.33", "ed25519");
    // A block every 100 ms: the event stream's answers come that often.
    node.edit_config("empty_interval_ms = 1000", "empty_interval_ms = 100");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let client = node.client();

    // Data for the operations to find: a record with two versions, a certificate, a proposal.
    node.cli_ok(&[
        "records",
        "publish",
        "--key",
        "finance-officer",
        "--category",
        "budget",
        "--title",
        "2027 年度预算 Budget 2027",
        "--body",
        "市政道路维修 road repairs",
    ]);
    let page = client.get_json("/v1/records").await.expect("records");
    let record = page["items"][0].clone();
    let record_id = record["id"].as_str().expect("record id").to_string();
    node.cli_ok(&[
        "records",
        "amend",
        &record_id,
        "--key",
        "finance-officer",
        "--reason",
        "更正金额 corrected amount",
        "--category",
        "budget",
        "--title",
        "2027 年度预算 Budget 2027 (amended)",
    ]);
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
        "degree:text:required",
        "--issuer",
        "education",
        "--validity-days",
        "3650",
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cred = dir.path().join("diploma.json").to_string_lossy().to_string();
    node.cli_ok_stdin(
        "110101199003070011",
        &[
            "cert",
            "issue",
            "--key",
            "education-officer",
            "--type",
            "diploma",
            "--holder-id-file",
            "-",
            "--claim",
            "degree=工学学士 Bachelor of Engineering",
            "-o",
            &cred,
        ],
    );
    let credential: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cred).expect("credential")).expect("json");
    let cert_id = credential["core"]["certificate_id"].as_str().expect("certificate id").to_string();
    node.cli_ok(&[
        "governance",
        "set-param",
        "--key",
        "finance-admin",
        "--name",
        "max_block_txs",
        "--value",
        "4000",
        "--reason",
        "更大的区块 larger blocks",
    ]);

    // The identifiers the operations' parameters may take besides generated ones.
    let orgs = client.get_json("/v1/organisations").await.expect("organisations");
    let org_ids: Vec<String> =
        orgs.as_array().expect("list").iter().filter_map(|o| o["id"].as_str()).map(String::from).collect();
    let addresses: Vec<String> = orgs.as_array().expect("list").iter().flat_map(|o| strings(&o["admins"])).collect();
    let history = client.get_json(&format!("/v1/records/{record_id}")).await.expect("record");
    let tx_hashes: Vec<String> = history["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["tx_hash"].as_str())
        .map(String::from)
        .collect();
    let proposals = client.get_json("/v1/governance/proposals").await.expect("proposals");
    let proposal_ids: Vec<String> =
        proposals.as_array().expect("list").iter().filter_map(|p| p["id"].as_u64()).map(|i| i.to_string()).collect();
    assert!(!org_ids.is_empty() && !addresses.is_empty() && tx_hashes.len() == 2 && !proposal_ids.is_empty());

    let mut config =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/contract/schemathesis.toml"))
            .expect("scripts/contract/schemathesis.toml");
    for (name, values) in [
        ("record_ids", vec![record_id.clone()]),
        ("cert_ids", vec![cert_id.clone()]),
        ("type_ids", vec!["diploma".to_string()]),
        ("org_ids", org_ids),
        ("addresses", addresses),
        ("tx_hashes", tx_hashes),
        ("proposal_ids", proposal_ids),
    ] {
        config.push_str(&format!("\n[dictionaries.{name}]\nvalues = {}\n", toml_list(&values)));
    }
    for (path, param, dictionary) in [
        ("^/v1/records/\\\\{id\\\\}$", "path.id", "record_ids"),
        ("^/v1/proofs/records/\\\\{id\\\\}$", "path.id", "record_ids"),
        ("^/v1/certificates/\\\\{id\\\\}", "path.id", "cert_ids"),
        ("^/v1/certificate-types/\\\\{id\\\\}$", "path.id", "type_ids"),
        ("^/v1/organisations/\\\\{id\\\\}$", "path.id", "org_ids"),
        ("^/v1/accounts/\\\\{address\\\\}$", "path.address", "addresses"),
        ("^/v1/(txs|proofs/txs)/\\\\{hash\\\\}$", "path.hash", "tx_hashes"),
        ("^/v1/governance/proposals/\\\\{id\\\\}$", "path.id", "proposal_ids"),
    ] {
        config.push_str(&format!(
            "\n[[operations]]\ninclude-path-regex = \"{path}\"\nparameters = {{ \"{param}\" = {{ dictionary = \"{dictionary}\", probability = 0.5 }} }}\n"
        ));
    }
    let config_path = dir.path().join("schemathesis.toml");
    std::fs::write(&config_path, config).expect("config");

    let examples = std::env::var("GOVCHAIN_CONTRACT_EXAMPLES").unwrap_or_else(|_| "100".into());
    let out = Command::new(&st)
        .arg("--no-color")
        .arg("--config-file")
        .arg(&config_path)
        .args(["run", &format!("{}/openapi.json", node.api), "--seed", "20261201", "--max-examples", &examples])
        // One worker: with two, Hypothesis parses lambda sources from two threads at once and
        // CPython 3.11's `ast.parse` is not thread-safe ("AST constructor recursion depth
        // mismatch"), which failed runs at random with a runtime error, not an API finding.
        .args(["--workers", "1", "--request-timeout", "30"])
        .current_dir(dir.path())
        .output()
        .expect("run schemathesis");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let summary: Vec<&str> = report.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
    eprintln!("{}", summary.join("\n"));
    assert!(
        out.status.success(),
        "the API does not match its OpenAPI document:\n{report}\nnode logs:\n{}",
        node.logs()
    );
    let doc = client.get_json("/openapi.json").await.expect("openapi");
    let operations: usize =
        doc["paths"].as_object().expect("paths").values().map(|p| p.as_object().map_or(0, |m| m.len())).sum();
    assert!(report.contains(&format!("Tested: {operations}")), "all {operations} operations were tested:\n{report}");
}
