//! A pruned node keeps its promises (docs/proofs.md, "What a pruned node keeps"): with
//! `retention = "pruned"` and a window of four heights, after a record is amended many times and
//! the window has moved on, every version of the record, the first version's transaction and a
//! certificate issued before the window (online, and offline from the proofs kept of its type
//! and issuer at issuance) still verify against the genesis; a state proof at a height below the
//! window answers 410 `pruned` naming the heights kept; `govchain db check` passes on the
//! pruned store, `govchain db compact` shrinks it; and the node restarts on it.

mod support;

use std::time::Duration;

use support::Node;

fn amend(node: &Node, n: u32) {
    let title = format!("2027年预算 Budget 2027 rev. {n}");
    let out = node.cli_ok(&[
        "records",
        "amend",
        "finance-000001",
        "--key",
        "finance-officer",
        "--reason",
        "revision",
        "--category",
        "budget",
        "--title",
        &title,
        "--body",
        "…",
    ]);
    assert!(out.contains(&format!("version {}", n + 1)), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pruned_node_still_proves_what_it_promises_and_refuses_the_rest_by_name() {
    let mut node = Node::init("127.0.0.87", "ed25519");
    node.edit_config("[api]", "[storage]\nretention = \"pruned\"\nkeep_recent = 4\nprune_every = 2\n\n[api]");
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
        "…",
    ]);
    assert!(out.contains("published finance-000001 version 1"), "{out}");
    // A certificate issued before the window moves on.
    node.cli_ok(&[
        "cert",
        "type",
        "create",
        "--key",
        "education-admin",
        "--id",
        "diploma",
        "--name",
        "Diploma",
        "--field",
        "degree:text:required",
        "--issuer",
        "education",
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
            "degree=工学学士",
            "-o",
            &cred,
        ],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&node.cli_ok(&["records", "show", "finance-000001"])).expect("json");
    let first_tx = shown["latest"]["tx_hash"].as_str().expect("tx").to_string();
    let first_height = shown["latest"]["height"].as_u64().expect("height");
    for n in 1..=6 {
        amend(&node, n);
    }
    let last = node.client().status().await.expect("status").height;
    node.wait_height(last + 12, Duration::from_secs(60)).await;

    // Below the window: a typed refusal that says what this node keeps.
    let r = reqwest::get(format!(
        "{}/v1/proofs/state?key={}&height={first_height}",
        node.api,
        hex::encode(b"records/v/finance-000001/1")
    ))
    .await
    .expect("get");
    assert_eq!(r.status(), 410);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "pruned", "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("archive node")), "{body}");

    // Promised: every version of the record, at the current height; the first transaction; the
    // certificate's status, presented with its proofs and checked offline.
    let genesis = node.genesis().to_string_lossy().to_string();
    for v in ["1", "4", "7"] {
        let p = dir.path().join(format!("v{v}.proof")).to_string_lossy().to_string();
        node.cli_ok(&["records", "proof", "finance-000001", "--version", v, "-o", &p]);
        let out = node.cli_ok(&["verify", &p, "--genesis", &genesis]);
        assert!(out.contains("VERIFIED") && out.contains(&format!("records/v/finance-000001/{v} is PRESENT")), "{out}");
    }
    let txp = dir.path().join("tx.proof").to_string_lossy().to_string();
    node.cli_ok(&["tx", "proof", &first_tx, "-o", &txp]);
    let out = node.cli_ok(&["verify", &txp, "--genesis", &genesis]);
    assert!(out.contains(&format!("transaction {first_tx}")), "{out}");
    let pres = dir.path().join("pres.json").to_string_lossy().to_string();
    node.cli_ok(&["cert", "present", &cred, "--reveal", "degree", "-o", &pres]);
    let out = node.cli_ok(&["cert", "verify", &pres]);
    assert!(out.starts_with("VALID"), "online verification needs only the current state: {out}");
    // Its offline bundles prove the type and the issuer *as at its issuance height*, below the
    // window: the chain promised those proofs at issuance, and the pruner kept them.
    node.cli_ok(&["cert", "present", &cred, "--reveal", "degree", "--offline", "-o", &pres]);
    let out = node.cli_ok(&["cert", "verify", &pres, "--offline", "--genesis", &genesis]);
    assert!(out.starts_with("VALID"), "offline, from the kept proofs: {out}");

    // The pruned store checks out, and the node starts again on it.
    node.terminate(Duration::from_secs(30));
    let out = node.cli_ok(&["db", "check"]);
    assert!(out.contains("store OK"), "{out}");
    let out = node.cli_ok(&["db", "compact"]);
    assert!(out.contains("compacted"), "{out}");
    node.start();
    let h = node.wait_height(last + 13, Duration::from_secs(60)).await;
    let p = dir.path().join("again.proof").to_string_lossy().to_string();
    node.cli_ok(&["records", "proof", "finance-000001", "--version", "7", "-o", &p]);
    assert!(node.cli_ok(&["verify", &p, "--genesis", &genesis]).contains("VERIFIED"), "after the restart at {h}");
}
