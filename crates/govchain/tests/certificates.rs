//! Electronic certificates through a real node and the CLI: privileges, the full cycle, offline
//! verification, key rotation, and no personal data anywhere in what the node stores.

mod support;

use std::time::Duration;

use govchain_certificates::{DefineType, Field, FieldKind, Issue, Revoke};
use govchain_types::Hash32;
use support::{Node, scan_qr, text};

const ID_NUMBER: &str = "110101199003070011";
const NAME: &str = "张伟明";
const BIRTH: &str = "1990-03-07";
const ADDRESS: &str = "北京市东城区景山前街4号";

fn fails(node: &Node, args: &[&str]) -> String {
    let o = node.cli(args);
    assert!(!o.status.success(), "govchain {args:?} should fail");
    text(&o)
}

async fn root(node: &Node) -> (u64, String) {
    let b = node.client().block(None).await.expect("latest");
    (b.height, b.header.state_root)
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_end_to_end() {
    let mut node = Node::init("127.0.0.40", "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |n: &str| dir.path().join(n).to_string_lossy().to_string();

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
        "birth_date:date:required",
        "--field",
        "degree:text:required",
        "--field",
        "address:text",
        "--issuer",
        "education",
        "--validity-days",
        "36500",
    ]);

    // Privileges: refused at admission with a typed error; the state root does not move.
    let (h0, root0) = root(&node).await;
    let (b, suite, h) = node.builder().await;
    let issue_args = Issue {
        id: "ab".repeat(32),
        type_id: "diploma".into(),
        holder: Hash32([1; 32]),
        commitment: Hash32([2; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous: None,
    };
    let define_args = DefineType {
        id: "fake".into(),
        name: "fake".into(),
        fields: vec![Field { name: "x".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 1,
    };
    for (who, method, expected) in [
        ("citizen-demo", "issue", "unauthorized"),
        ("finance-clerk", "issue", "unauthorized"),
        ("finance-officer", "issue", "unauthorized"),
        ("citizen-demo", "define_type", "unauthorized"),
        ("finance-clerk", "define_type", "unauthorized"),
    ] {
        let key = node.key(who);
        let t = match method {
            "issue" => b.call(&key, 0, h + 100, &issue_args),
            _ => b.call(&key, 0, h + 100, &define_args),
        }
        .expect("sign");
        let err = node.client().submit(&t).await.expect_err("refused");
        assert_eq!(err.code(), Some(expected), "{who} {method}: {err}");
        assert!(node.client().tx(&t.hash(suite)).await.is_err(), "nothing of it is kept");
    }

    // Issue a diploma to a holder known only by a pseudonym.
    let cred = path("diploma.json");
    node.cli_ok_stdin(
        ID_NUMBER,
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
            &format!("holder_name={NAME}"),
            "--claim",
            &format!("birth_date={BIRTH}"),
            "--claim",
            "degree=工学学士 Bachelor of Engineering",
            "--claim",
            &format!("address={ADDRESS}"),
            "-o",
            &cred,
            "--qr",
            &path("diploma.png"),
        ],
    );
    let credential: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cred).expect("read")).expect("json");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&cred).expect("credential").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the credential holds every claim: readable by its holder only");
    let id = credential["core"]["certificate_id"].as_str().expect("id").to_string();
    assert_eq!(
        scan_qr(&path("diploma.png")),
        format!("{}/verify?cert={id}", node.api),
        "the holder's QR code scans to the verification link"
    );

    // Another department's certifier may not revoke it: refused at admission, no state change.
    let (_, root1) = root(&node).await;
    let (b, _, h) = node.builder().await;
    let police = node.key("police-officer");
    let t = b.call(&police, 0, h + 100, &Revoke { id: id.clone(), reason: "x".into() }).expect("sign");
    assert_eq!(node.client().submit(&t).await.expect_err("refused").code(), Some("unauthorized"));
    let before = node.client().status().await.expect("status").height;
    node.wait_height(before + 2, Duration::from_secs(30)).await;
    assert_eq!(root(&node).await.1, root1, "refused attempts leave the state root unchanged");
    assert!(h0 > 0 && !root0.is_empty());

    // Present only the degree; verify online and offline.
    let pres = path("pres.json");
    node.cli_ok(&["cert", "present", &cred, "--reveal", "degree", "-o", &pres]);
    let out = node.cli_ok(&["cert", "verify", &pres]);
    assert!(out.starts_with("VALID") && out.contains("工学学士") && out.contains("hidden       3 claim(s)"), "{out}");
    let p_text = std::fs::read_to_string(&pres).expect("read");
    assert!(!p_text.contains(NAME) && !p_text.contains(BIRTH), "hidden claims are not in the presentation");
    let offline = path("offline.json");
    node.cli_ok(&["cert", "present", &cred, "--reveal", "degree,holder_name", "--offline", "-o", &offline]);
    let out = node.cli_ok(&["cert", "verify", &offline, "--offline", "--genesis", &node.genesis().to_string_lossy()]);
    assert!(out.starts_with("VALID"), "{out}");
    // A flipped byte in an embedded proof fails offline.
    let mut p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&offline).expect("read")).expect("json");
    let bundle = p["proofs"][0].as_str().expect("proof").to_string();
    let mut raw = base64_decode(&bundle);
    let mid = raw.len() / 2;
    raw[mid] ^= 1;
    p["proofs"][0] = serde_json::Value::String(base64_encode(&raw));
    std::fs::write(path("bad-proof.json"), p.to_string()).expect("write");
    assert!(fails(&node, &["cert", "verify", &path("bad-proof.json"), "--offline"]).contains("proof"));
    // A tampered claim fails with its reason.
    let mut p: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&pres).expect("read")).expect("json");
    p["disclosed"][0]["value"] = serde_json::Value::String("工学博士 Doctor of Engineering".into());
    std::fs::write(path("tampered.json"), p.to_string()).expect("write");
    assert!(fails(&node, &["cert", "verify", &path("tampered.json")]).contains("tampered_claim"));

    // The issuer rotates its key: the diploma stays valid; new issuance uses the new key.
    node.cli_ok(&["keys", "new", "education-officer-2026", "--insecure-empty-passphrase"]);
    node.cli_ok(&["identity", "rotate-key", "--key", "education-officer", "--new-key", "education-officer-2026"]);
    assert!(
        node.cli_ok(&["cert", "verify", &pres]).starts_with("VALID"),
        "old certificates verify after a key rotation"
    );
    fails(&node, &["records", "publish", "--key", "education-officer", "--category", "notice", "--title", "old key"]);

    // Renewal links the certificates; revocation is visible at once, with reason and height.
    let renewed = path("renewed.json");
    let svg = path("renewed.svg");
    node.cli_ok(&[
        "cert",
        "renew",
        "--key",
        "education-officer-2026",
        "--credential",
        &cred,
        "-o",
        &renewed,
        "--qr",
        &svg,
    ]);
    assert!(std::fs::read_to_string(&svg).expect("qr").starts_with("<?xml"), "SVG unless the name ends in .png");
    let show: serde_json::Value = serde_json::from_str(&node.cli_ok(&["cert", "show", &id])).expect("json");
    let successor = show["record"]["successor"].as_str().expect("successor").to_string();
    let new: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&renewed).expect("read")).expect("json");
    assert_eq!(new["core"]["certificate_id"].as_str(), Some(successor.as_str()));
    assert_eq!(new["core"]["previous"].as_str(), Some(id.as_str()));
    node.cli_ok(&["cert", "revoke", "--key", "education-admin", &id, "--reason", "学位撤销 degree withdrawn"]);
    let out = fails(&node, &["cert", "verify", &pres, "--json"]);
    let v: serde_json::Value =
        serde_json::from_str(&out[..out.rfind('}').map(|i| i + 1).unwrap_or(out.len())]).expect("json");
    assert_eq!(v["reason"]["code"], "revoked");
    assert_eq!(v["reason"]["reason"], "学位撤销 degree withdrawn");
    assert!(v["reason"]["height"].as_u64().is_some());

    // No personal value appears anywhere the node stored anything.
    node.kill9();
    let mut files = vec![node.home.join("data")];
    let mut scanned = 0u64;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).expect("dir").flatten().map(|e| e.path()));
            continue;
        }
        let bytes = std::fs::read(&p).expect("read");
        scanned += bytes.len() as u64;
        for needle in [ID_NUMBER, NAME, BIRTH, ADDRESS] {
            assert!(!contains(&bytes, needle.as_bytes()), "{needle} found in {}", p.display());
        }
    }
    assert!(scanned > 100_000, "the scan read the database ({scanned} bytes)");
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).expect("base64")
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Decodes the QR code in a PNG file, as a phone camera would.
/// `govchain bench-certs` seeds certificates through the normal execution path, then measures
/// status checks with proofs at each size; every figure it reports is a real measurement.
#[test]
fn bench_certs_reports_each_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(support::bin())
        .args(["bench-certs", "--sizes", "300,600", "--seconds", "1", "--block", "200", "--dir"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for size in ["300", "600"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("certificates={size} ")))
            .unwrap_or_else(|| panic!("a line for {size}: {stdout}"));
        let rate: f64 = line
            .split_whitespace()
            .find_map(|f| f.strip_prefix("status_with_proof_per_s="))
            .and_then(|v| v.parse().ok())
            .expect("rate");
        assert!(rate > 0.0, "status checks succeeded: {line}");
    }
    assert!(stdout.contains("slowdown_from_300_to_600="), "{stdout}");
}
