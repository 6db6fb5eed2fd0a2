//! State sync: a running observer of a four-validator network exports a snapshot
//! (`govchain snapshot export`); a new node's import refuses a snapshot with one byte changed,
//! one leaf changed (the file's digest recomputed), or a wrong commit certificate, and leaves
//! no store behind; a new observer started with `--state-sync FILE` and another with
//! `--state-sync http://peer` serve verified proofs of records published before the snapshot,
//! answer 410 `pruned` for blocks before it, find those records by search, follow the chain by
//! consensus sync, and end on the same blocks (so the same state roots) as the validators; the
//! peer-synced one prunes its window past the snapshot's height.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use govchain_node::snapshot::{Item, SnapshotHead, SnapshotReader, SnapshotWriter};
use govchain_proofs::ProofBundle;
use govchain_types::Suite;
use support::net::Net;

/// Reads a snapshot, lets `edit` change its head or items, and writes it back with a correct
/// digest (what someone forging a snapshot would do).
fn rewrite(from: &Path, to: &Path, edit: impl Fn(&mut SnapshotHead, &mut Vec<Item>)) {
    let file = std::fs::File::open(from).expect("open");
    let (mut r, mut head) = SnapshotReader::open(std::io::BufReader::new(file), Suite::Ed25519Sha256).expect("head");
    let mut items = Vec::new();
    loop {
        let item = r.next_item().expect("item");
        let end = matches!(item, Item::End { .. });
        items.push(item);
        if end {
            break;
        }
    }
    edit(&mut head, &mut items);
    let out = std::fs::File::create(to).expect("create");
    let mut w = SnapshotWriter::new(out, Suite::Ed25519Sha256, &head).expect("writer");
    for i in &items {
        w.item(i).expect("item");
    }
    w.finish().expect("finish");
}

fn refused(net: &Net, node: usize, file: &Path, expect: &str) {
    let (ok, out) = net.run_in_home(node, &["snapshot", "import", &file.to_string_lossy()]);
    assert!(!ok, "a bad snapshot must be refused: {out}");
    assert!(out.contains(expect), "expected {expect:?} in: {out}");
    let data = net.home(node).join("data");
    assert!(!data.join("chain.redb").exists() && !data.join("chain.redb.importing").exists(), "nothing is left behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_observers_start_from_a_verified_snapshot_and_follow_the_chain() {
    let mut net = Net::init("127.0.1.", 170, 4, 3);
    for i in 0..5 {
        net.start(i);
    }
    net.wait_height(&[0, 1, 2, 3, 4], 2, Duration::from_secs(90)).await;
    for i in 0..3 {
        net.publish_budget(&format!("Snapshot budget {i}"));
    }
    // A certificate: its issuance marks proofs as promised at that height (docs/proofs.md §8).
    net.cli(
        &["cert", "type", "create", "--key", "education-admin", "--id", "diploma", "--name", "Diploma"]
            .into_iter()
            .chain(["--field", "holder_name:text:required", "--issuer", "education"])
            .collect::<Vec<_>>(),
    );
    let cred = net.dir.join("diploma.json");
    net.cli_stdin(
        "110101198801019999",
        &[
            "cert",
            "issue",
            "--key",
            "education-admin",
            "--type",
            "diploma",
            "--holder-id-file",
            "-",
            "--claim",
            "holder_name=Sun Li",
            "-o",
            &cred.to_string_lossy(),
        ],
    );
    let credential: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cred).expect("read")).expect("json");
    let cert_id = credential["core"]["certificate_id"].as_str().expect("id").to_string();
    // Past the certificate's height, so its issuance-height proofs predate the snapshot.
    let before = net.height(0).await.expect("height") + 1;
    net.wait_height(&[4], before, Duration::from_secs(60)).await;

    let (ok, out) = net.run_in_home(4, &["snapshot", "export"]);
    assert!(ok, "{out}");
    let height: u64 = out.split_whitespace().nth(3).and_then(|h| h.parse().ok()).unwrap_or_else(|| panic!("{out}"));
    let path = out.split(" written to ").nth(1).and_then(|r| r.split(" (").next()).expect("path").to_string();
    let snapshot = Path::new(&path).to_path_buf();
    assert!(height >= before, "{out}");
    net.publish_budget("After the snapshot");

    // Tampered snapshots are refused, and leave node 5's home empty.
    let dir = net.dir.join("tampered");
    std::fs::create_dir_all(&dir).expect("dir");
    let mut bytes = std::fs::read(&snapshot).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(dir.join("byte"), &bytes).expect("write");
    refused(&net, 5, &dir.join("byte"), "not a valid snapshot");

    rewrite(&snapshot, &dir.join("leaf"), |_, items| {
        let leaf =
            items.iter_mut().find_map(|i| if let Item::Leaf(_, v) = i { Some(v) } else { None }).expect("a leaf");
        leaf[0] ^= 0x01;
    });
    refused(&net, 5, &dir.join("leaf"), "does not match the certified state root");

    rewrite(&snapshot, &dir.join("cert"), |head, _| {
        let mut anchor = ProofBundle::from_bytes(&head.anchor).expect("anchor");
        let mut sigs = anchor.certificate.signatures.to_vec();
        for s in &mut sigs {
            s.signature.sig_bytes_mut()[5] ^= 0x01;
        }
        anchor.certificate.signatures = govchain_types::bounded::BoundedVec::new(sigs).expect("bounded");
        head.anchor = anchor.to_bytes();
    });
    refused(&net, 5, &dir.join("cert"), "anchor does not verify");

    // A valid one, from the file and from a peer (that node prunes, keeping four heights).
    let config = net.home(6).join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    let text = text.replace("[api]", "[storage]\nretention = \"pruned\"\nkeep_recent = 4\nprune_every = 2\n\n[api]");
    std::fs::write(&config, text).expect("config");
    net.start_with(5, &["--state-sync", &path]);
    let peer = net.apis[4].clone();
    net.start_with(6, &["--state-sync", &peer]);
    let tip = net.height(0).await.expect("height") + 2;
    net.wait_height(&[0, 5, 6], tip, Duration::from_secs(120)).await;
    for n in [5, 6] {
        let status: serde_json::Value =
            reqwest::get(format!("{}/v1/blocks/1", net.apis[n])).await.expect("get").json().await.expect("json");
        assert_eq!(status["error"]["code"], "pruned", "node {n}: {status}");
    }
    // Same blocks (so the same state roots) as the validators from the snapshot on.
    let from_file = net.client(5).status().await.expect("status").earliest_block;
    assert_eq!(from_file, height + 1);
    let from_peer = net.client(6).status().await.expect("status").earliest_block;
    assert!(from_peer > height, "the peer's snapshot is of its tip when asked");
    for h in height + 1..=tip {
        let a = net.client(0).block(Some(h)).await.expect("block");
        for n in [5, 6].into_iter().filter(|&n| n == 5 || h >= from_peer) {
            let b = net.client(n).block(Some(h)).await.expect("block");
            assert_eq!(
                (a.hash.clone(), a.header.state_root.clone()),
                (b.hash, b.header.state_root),
                "node {n} height {h}"
            );
        }
    }

    // The certificate issued before the snapshot is active on the synced node; its offline
    // bundle at the issuance height is an archive node's to give.
    let status: serde_json::Value = reqwest::get(format!("{}/v1/certificates/{cert_id}/status", net.apis[5]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(status["status"], "active", "{status}");
    let offline = reqwest::get(format!("{}/v1/certificates/{cert_id}/proofs", net.apis[5])).await.expect("get");
    assert_eq!(offline.status(), 410, "{}", offline.text().await.unwrap_or_default());

    // The pruned one prunes past the snapshot's height (the markers of older heights it holds
    // are an archive node's to serve): a proof at its first height is gone by name.
    let key = hex::encode(b"sys/validators");
    let mut waited = 0;
    let gone = loop {
        waited += 1;
        assert!(waited < 40, "node 6 never pruned past height {from_peer}\n{}", net.logs());
        let r =
            reqwest::get(format!("{}/v1/proofs/state?key={key}&height={from_peer}", net.apis[6])).await.expect("get");
        if r.status() == 410 {
            break r.json::<serde_json::Value>().await.expect("json");
        }
        assert!(r.status().is_success(), "{}", r.text().await.unwrap_or_default());
        let h = net.height(6).await.expect("height");
        net.wait_height(&[6], h + 1, Duration::from_secs(60)).await;
    };
    assert_eq!(gone["error"]["code"], "pruned", "{gone}");

    // Records from before the snapshot: listed, searchable, proven and verified offline.
    let list: serde_json::Value = reqwest::get(format!("{}/v1/records?category=budget", net.apis[5]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let early = items.iter().find(|r| r["title"] == "Snapshot budget 0").unwrap_or_else(|| panic!("{list}"));
    assert!(items.iter().any(|r| r["title"] == "After the snapshot"), "{list}");
    let id = early["id"].as_str().expect("id").to_string();
    let search: serde_json::Value = reqwest::get(format!("{}/v1/search/records?q=Snapshot", net.apis[6]))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(search["hits"].as_array().is_some_and(|h| h.iter().any(|x| x["id"] == id.as_str())), "{search}");
    let proof = net.dir.join("early.proof");
    let o = Command::new(support::bin())
        .args(["records", "proof", &id, "--version", "1", "-o", &proof.to_string_lossy()])
        .env("GOVCHAIN_HOME", &net.dir)
        .env("GOVCHAIN_API", &net.apis[5])
        .output()
        .expect("govchain");
    assert!(o.status.success(), "{}", support::text(&o));
    let genesis = net.dir.join("genesis.json");
    let (ok, out) = net.run_in_home(0, &["verify", &proof.to_string_lossy(), "--genesis", &genesis.to_string_lossy()]);
    assert!(ok && out.contains("VERIFIED"), "{out}");

    // The synced store checks, stopped, and the node resumes from it.
    net.kill9(5);
    let (ok, out) = net.run_in_home(5, &["db", "check"]);
    assert!(ok && out.contains("store OK"), "{out}");
    net.start_with(5, &["--state-sync", &path]);
    let tip = net.height(0).await.expect("height") + 2;
    net.wait_height(&[5], tip, Duration::from_secs(120)).await;
}
