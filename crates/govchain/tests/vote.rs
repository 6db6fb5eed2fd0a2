//! A vote end to end on four validator processes, through the `govchain vote` commands only:
//! the organiser creates it, three trustee departments deal the sealing key, residents take
//! presentations of their resident-id certificates to the eligibility authority for blind
//! tokens and cast sealed ballots from one-time keys, two trustees release their parts, and
//! every node holds the same count, which `verify-tally` recomputes from chain data alone.

mod support;

use std::time::Duration;

use support::load_key;
use support::net::Net;

const RESIDENTS: [(&str, &str); 3] =
    [("110101199001011234", "Wang Fang"), ("110101199202022345", "Li Lei"), ("110101199303033456", "Zhao Min")];

fn address(net: &Net, name: &str) -> String {
    load_key(&net.dir, name).public_key().address(govchain_types::Suite::Ed25519Sha256).to_string()
}

/// The hex line (a blinded message or a blind signature) a command printed.
fn hex_line(out: &str) -> String {
    out.lines()
        .find(|l| l.len() >= 512 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no hex line in {out}"))
        .to_string()
}

fn failing(net: &Net, args: &[&str]) -> String {
    let o = std::process::Command::new(support::bin())
        .args(args)
        .env("GOVCHAIN_HOME", &net.dir)
        .env("GOVCHAIN_API", &net.apis[0])
        .output()
        .expect("govchain");
    assert!(!o.status.success(), "govchain {args:?} should fail");
    support::text(&o)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_on_four_validators_gives_one_verified_count_everywhere() {
    let mut net = Net::init("127.0.1.", 150, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 1, Duration::from_secs(90)).await;
    let dir = tempfile::tempdir().expect("tmp");
    let path = |n: &str| dir.path().join(n).display().to_string();

    // Residents' certificates and presentations; a diploma holder is not a resident.
    net.cli(&[
        "cert",
        "type",
        "create",
        "--key",
        "police-admin",
        "--id",
        "resident-id",
        "--name",
        "Resident identity",
        "--field",
        "name:text:required",
        "--field",
        "birth_date:date:required",
        "--issuer",
        "police",
    ]);
    net.cli(&[
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
        "holder_name:text:required",
        "--issuer",
        "education",
    ]);
    let mut presentations = Vec::new();
    for (i, (id, name)) in RESIDENTS.iter().enumerate() {
        let cred = path(&format!("resident{i}.json"));
        let claims = [format!("name={name}"), "birth_date=1990-01-01".to_string()];
        net.cli_stdin(
            id,
            &[
                "cert",
                "issue",
                "--key",
                "police-admin",
                "--type",
                "resident-id",
                "--holder-id-file",
                "-",
                "--claim",
                &claims[0],
                "--claim",
                &claims[1],
                "-o",
                &cred,
            ],
        );
        let pres = path(&format!("pres{i}.json"));
        net.cli(&["cert", "present", &cred, "-o", &pres]);
        presentations.push(pres);
    }
    let diploma = path("diploma.json");
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
            &diploma,
        ],
    );
    let diploma_pres = path("diploma-pres.json");
    net.cli(&["cert", "present", &diploma, "-o", &diploma_pres]);

    // The organiser creates the vote; three departments are trustees, 2 of 3 open it; the human
    // resources bureau is the eligibility authority.
    let auth = path("authority.pem");
    net.cli(&["vote", "authority-key", &auth]);
    let h = net.height(0).await.expect("height");
    let (opens, closes) = (h + 20, h + 40);
    let trustees = ["finance-admin", "auditor", "education-admin"];
    let mut create = vec![
        "vote",
        "create",
        "park",
        "--key",
        "civil-admin",
        "--title",
        "New park design",
        "--option",
        "Lake",
        "--option",
        "Forest",
        "--cert-type",
        "resident-id",
        "--k",
        "2",
    ];
    let (authority, pub_file, opens_s, closes_s) =
        (address(&net, "hrss-admin"), path("authority.pub"), opens.to_string(), closes.to_string());
    create.extend([
        "--authority",
        &authority,
        "--authority-pub",
        &pub_file,
        "--opens",
        &opens_s,
        "--closes",
        &closes_s,
    ]);
    let trustee_addrs: Vec<String> = trustees.iter().map(|t| address(&net, t)).collect();
    for a in &trustee_addrs {
        create.extend(["--trustee", a.as_str()]);
    }
    net.cli(&create);
    for t in trustees {
        net.cli(&["vote", "deal", "park", "--key", t]);
    }

    // Tokens: each resident's blinded request, the authority's check and blind signature.
    let mut kits = Vec::new();
    for (i, pres) in presentations.iter().enumerate() {
        let kit = path(&format!("kit{i}.json"));
        let blinded = hex_line(&net.cli(&["vote", "request-token", "park", "--kit", &kit]));
        let sig = net.cli(&[
            "vote",
            "issue-token",
            "park",
            "--key",
            "hrss-admin",
            "--authority-secret",
            &auth,
            "--presentation",
            pres,
            "--blinded",
            &blinded,
        ]);
        let sig = hex_line(&sig);
        net.cli(&["vote", "finish-token", "--kit", &kit, "--blind-signature", &sig]);
        kits.push(kit);
    }
    // The same resident again, and a diploma, get no token.
    let again = path("again.json");
    let blinded = hex_line(&net.cli(&["vote", "request-token", "park", "--kit", &again]));
    let out = failing(
        &net,
        &[
            "vote",
            "issue-token",
            "park",
            "--key",
            "hrss-admin",
            "--authority-secret",
            &auth,
            "--presentation",
            &presentations[0],
            "--blinded",
            &blinded,
        ],
    );
    assert!(out.contains("already_issued"), "{out}");
    let out = failing(
        &net,
        &[
            "vote",
            "issue-token",
            "park",
            "--key",
            "hrss-admin",
            "--authority-secret",
            &auth,
            "--presentation",
            &diploma_pres,
            "--blinded",
            &blinded,
        ],
    );
    assert!(out.contains("not eligible"), "{out}");

    net.wait_height(&[0], opens, Duration::from_secs(120)).await;
    for (kit, option) in kits.iter().zip(["Forest", "Lake", "Forest"]) {
        net.cli(&["vote", "cast", "--kit", kit, "--option", option]);
    }
    let out = failing(&net, &["vote", "cast", "--kit", &kits[0], "--option", "Lake"]);
    assert!(out.contains("token_spent"), "a second ballot with the same token: {out}");

    net.wait_height(&[0], closes + 1, Duration::from_secs(120)).await;
    let out = failing(&net, &["vote", "cast", "--kit", &kits[1], "--option", "Lake"]);
    assert!(out.contains("closed") || out.contains("token_spent"), "{out}");
    net.cli(&["vote", "release", "park", "--key", "auditor"]);
    let out = failing(&net, &["vote", "verify-tally", "park"]);
    assert!(out.contains("no count yet"), "one part of two opens nothing: {out}");
    net.cli(&["vote", "release", "park", "--key", "education-admin"]);
    let h = net.height(0).await.expect("height") + 2;
    net.wait_height(&[0, 1, 2, 3], h, Duration::from_secs(60)).await;
    net.assert_same_chain(&[0, 1, 2, 3], h).await;
    for i in 0..4 {
        let v: serde_json::Value = net.client(i).get_json("/v1/votes/park").await.expect("vote");
        assert_eq!(v["tally"]["counts"], serde_json::json!([1, 2]), "node {i}");
        assert_eq!(v["tally"]["complete"], true, "node {i}");
    }
    let report = net.cli(&["--api", &net.apis[3], "vote", "verify-tally", "park"]);
    assert!(report.contains("\"matches\": true") && report.contains("\"signed_power\""), "{report}");
}
