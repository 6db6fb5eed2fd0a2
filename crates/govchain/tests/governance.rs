//! Governance on a real 4-validator network: a validator added by three departments starts
//! voting at the announced height; a removed one's votes stop counting after it; proofs after both
//! changes verify against the genesis alone.

mod support;

use std::process::Command;
use std::time::Duration;

use support::net::Net;
use support::text;

const MIN: Duration = Duration::from_secs(90);

/// Signers of the certificate at `height`, as seen by node 0.
async fn signers(net: &Net, height: u64) -> Vec<String> {
    let b = net.client(0).block(Some(height)).await.expect("block");
    b.certificate.signatures.into_iter().map(|s| s.validator).collect()
}

fn effective_height(out: &str) -> u64 {
    out.lines()
        .find_map(|l| l.strip_prefix("executed ").and_then(|r| r.split("effective_height=").nth(1)))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no executed event in:\n{out}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn validators_join_and_leave_by_governance() {
    let mut net = Net::init("127.0.1.", 60, 4, 1);
    // Node 4 gets a consensus key that is not in the genesis.
    let node4 = net.home(4);
    let out = Command::new(support::bin())
        .args(["keys", "new", "validator", "--insecure-empty-passphrase"])
        .env("GOVCHAIN_HOME", &node4)
        .output()
        .expect("keys new");
    assert!(out.status.success(), "{}", text(&out));
    let new_key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let cfg = std::fs::read_to_string(node4.join("config.toml")).expect("config");
    std::fs::write(node4.join("config.toml"), cfg.replace("validator = \"\"", "validator = \"keys/validator.json\""))
        .expect("config");
    // Validator 1 is a pruned node: it keeps the state trees of its last three heights only.
    let cfg1 = net.home(1).join("config.toml");
    let cfg = std::fs::read_to_string(&cfg1).expect("config");
    let pruned = "[storage]\nretention = \"pruned\"\nkeep_recent = 3\nprune_every = 1\n\n[api]";
    std::fs::write(&cfg1, cfg.replacen("[api]", pruned, 1)).expect("config");
    net.start_all();
    net.wait_height(&[0, 1, 2, 3, 4], 2, MIN).await;
    let status = net.client(0).status().await.expect("status");
    let new_addr = govchain_types::PublicKey::from_text(&new_key)
        .expect("key")
        .address(govchain_types::Suite::Ed25519Sha256)
        .to_text();
    let removed = status
        .validators
        .iter()
        .find(|v| v.org == "education")
        .expect("validator-3 runs for education")
        .address
        .clone();

    // Add node 4: proposed by finance, approved by market, police, hrss and civil affairs (5 of
    // the 7 government departments: more than two thirds).
    net.cli(&[
        "governance",
        "add-validator",
        "--key",
        "finance-admin",
        "--public-key",
        &new_key,
        "--org",
        "education",
        "--reason",
        "教育局节点 education node",
    ]);
    for admin in ["market-admin", "police-admin", "hrss-admin"] {
        net.cli(&["governance", "approve", "--key", admin, "1"]);
    }
    let e1 = effective_height(&net.cli(&["governance", "approve", "--key", "civil-admin", "1"]));
    net.wait_height(&[0, 4], e1 + 6, MIN).await;
    for h in 1..e1 {
        assert!(!signers(&net, h).await.contains(&new_addr), "node 4 signed height {h} before it joined at {e1}");
    }
    let mut joined = false;
    for h in e1..e1 + 6 {
        joined |= signers(&net, h).await.contains(&new_addr);
    }
    assert!(joined, "node 4 never signed a certificate after joining at {e1}");
    assert_eq!(net.client(0).status().await.expect("status").validators.len(), 5);

    // Remove education's original validator (node 3); it keeps running for a while.
    net.cli(&[
        "governance",
        "remove-validator",
        "--key",
        "education-admin",
        "--address",
        &removed,
        "--reason",
        "retired hardware",
    ]);
    for admin in ["finance-admin", "market-admin", "hrss-admin"] {
        net.cli(&["governance", "approve", "--key", admin, "2"]);
    }
    let e2 = effective_height(&net.cli(&["governance", "approve", "--key", "civil-admin", "2"]));
    net.wait_height(&[0], e2 + 6, MIN).await;
    for h in e2..e2 + 6 {
        assert!(!signers(&net, h).await.contains(&removed), "removed validator counted at height {h}");
    }
    net.kill9(3);
    let h = net.height(0).await.expect("up");
    net.wait_height(&[0, 1, 2, 4], h + 3, MIN).await;
    net.assert_same_chain(&[0, 1, 2, 4], h + 3).await;

    // A proof after both changes verifies offline from the genesis alone.
    let proof = net.dir.join("after-changes.proof");
    net.cli(&["state", "proof", "sys/validators", "-o", &proof.to_string_lossy()]);
    let out =
        net.cli(&["verify", &proof.to_string_lossy(), "--genesis", &net.dir.join("genesis.json").to_string_lossy()]);
    assert!(out.contains("VERIFIED") && out.contains("holding") && out.contains("/4 voting power"), "{out}");
    let bundle = govchain_proofs::ProofBundle::from_bytes(&std::fs::read(&proof).expect("read")).expect("bundle");
    assert_eq!(bundle.valset_changes.len(), 2, "the bundle carries both changes");

    // The pruned validator serves the same: the trees at both change heights are long gone from
    // it, the proofs of the installed sets were kept.
    let pruned_proof = net.dir.join("from-pruned.proof");
    let o = Command::new(support::bin())
        .args(["state", "proof", "sys/validators", "-o", &pruned_proof.to_string_lossy()])
        .env("GOVCHAIN_HOME", &net.dir)
        .env("GOVCHAIN_API", &net.apis[1])
        .output()
        .expect("govchain");
    assert!(o.status.success(), "{}", text(&o));
    let out = net.cli(&[
        "verify",
        &pruned_proof.to_string_lossy(),
        "--genesis",
        &net.dir.join("genesis.json").to_string_lossy(),
    ]);
    assert!(out.contains("VERIFIED"), "{out}");
    let b = govchain_proofs::ProofBundle::from_bytes(&std::fs::read(&pruned_proof).expect("read")).expect("bundle");
    assert_eq!(b.valset_changes.len(), 2, "the pruned node's bundle carries both changes");
    let r = reqwest::get(format!(
        "{}/v1/proofs/state?key={}&height={}",
        net.apis[1],
        hex::encode(b"sys/validators"),
        e1 - 1
    ))
    .await
    .expect("get");
    assert_eq!(r.status(), 410, "the tree at the first change height is pruned on node 1");
}
