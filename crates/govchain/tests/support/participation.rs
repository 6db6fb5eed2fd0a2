//! A vote, a consultation and a tender on one dev node, through the CLI only, for the portal's
//! browser tests: [`open`] leaves the vote open with a voter's kit for the browser and one
//! ballot cast from the CLI, the consultation open with a commenter's kit, and the tender with
//! one sealed bid; [`close`] releases the trustees' parts after the close and deadline, answers
//! the browser's comment, and checks both recounts from the CLI.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use super::Node;

/// Ids.
pub const VOTE: &str = "park";
/// Consultation id.
pub const CONSULTATION: &str = "zoning-plan";
/// Tender id.
pub const TENDER: &str = "road-repair";
/// The department's answer to the first comment.
pub const ANSWER: &str = "The east entrance stays; see annex 2.";
const TRUSTEES: [&str; 3] = ["finance-admin", "auditor", "education-admin"];
const AUTHORITY: &str = "hrss-admin";

/// What [`open`] made.
pub struct Open {
    /// The browser voter's kit (token finished).
    pub vote_kit: String,
    /// The browser commenter's kit.
    pub consult_kit: String,
    /// Last height accepting ballots.
    pub closes: u64,
    /// Last height accepting bids.
    pub deadline: u64,
}

fn hex_line(out: &str) -> String {
    out.lines()
        .find(|l| l.len() >= 512 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no hex line in {out}"))
        .to_string()
}

fn address(node: &Node, name: &str) -> String {
    let s = govchain_types::Suite::Ed25519Sha256;
    node.key(name).public_key().address(s).to_string()
}

/// A credential of `type_id` for national id `id`, and its presentation.
fn credential(node: &Node, dir: &Path, name: &str, id: &str, issuer: &str, type_id: &str, claims: &[&str]) -> String {
    let cred = dir.join(format!("{name}.json")).display().to_string();
    let mut args = vec!["cert", "issue", "--key", issuer, "--type", type_id, "--holder-id-file", "-", "-o", &cred];
    for c in claims {
        args.extend(["--claim", c]);
    }
    node.cli_ok_stdin(id, &args);
    let pres = dir.join(format!("{name}-pres.json")).display().to_string();
    node.cli_ok(&["cert", "present", &cred, "-o", &pres]);
    pres
}

/// A token round for `kind` (`vote` or `consult`): returns the finished kit.
fn token(node: &Node, dir: &Path, kind: &str, id: &str, presentation: &str, name: &str) -> String {
    let kit = dir.join(format!("{name}.json")).display().to_string();
    let auth = dir.join("authority.pem").display().to_string();
    let blinded = hex_line(&node.cli_ok(&[kind, "request-token", id, "--kit", &kit]));
    let sig = hex_line(&node.cli_ok(&[
        kind,
        "issue-token",
        id,
        "--key",
        AUTHORITY,
        "--authority-secret",
        &auth,
        "--presentation",
        presentation,
        "--blinded",
        &blinded,
    ]));
    node.cli_ok(&[kind, "finish-token", "--kit", &kit, "--blind-signature", &sig]);
    kit
}

async fn height(node: &Node) -> u64 {
    node.client().status().await.expect("status").height
}

/// Sets up the three (needs the diploma type and the business-licence type of the portal test).
pub async fn open(node: &mut Node, dir: &Path) -> Open {
    let voter1 = credential(
        node,
        dir,
        "voter1",
        "110101199101010001",
        "education-admin",
        "diploma",
        &["holder_name=王芳", "degree=理学学士"],
    );
    let voter2 = credential(
        node,
        dir,
        "voter2",
        "110101199202020002",
        "education-admin",
        "diploma",
        &["holder_name=李雷", "degree=文学学士"],
    );
    let licence = credential(
        node,
        dir,
        "licence",
        "91110000MA0000001X",
        "market-officer",
        "business-licence",
        &["company_name=Ring Road Works Ltd", "registration_number=91110000MA0000001X", "legal_representative=赵敏"],
    );
    let auth = dir.join("authority.pem").display().to_string();
    node.cli_ok(&["vote", "authority-key", &auth]);
    let auth_pub = dir.join("authority.pub").display().to_string();
    let trustees: Vec<String> = TRUSTEES.iter().map(|t| address(node, t)).collect();
    let authority = address(node, AUTHORITY);

    // The tender: lowest price (ceiling 5,000,000) weighted 70, warranty months 30.
    let deadline = height(node).await + 40;
    let d = deadline.to_string();
    let mut args = vec![
        "tender",
        "create",
        TENDER,
        "--key",
        "civil-admin",
        "--title",
        "环路路面修复 Ring Road resurfacing",
        "--lot",
        "Lot 1: 2 km asphalt resurfacing",
        "--criterion",
        "price:70:lower:5000000",
        "--criterion",
        "warranty_months:30:higher",
        "--cert-type",
        "business-licence",
        "--authority",
        &authority,
        "--deadline",
        &d,
        "--k",
        "2",
    ];
    for t in &trustees {
        args.extend(["--trustee", t.as_str()]);
    }
    node.cli_ok(&args);
    for t in TRUSTEES {
        node.cli_ok(&["tender", "deal", TENDER, "--key", t]);
    }
    let bidder = address(node, "business-demo");
    node.cli_ok(&["tender", "admit", TENDER, "--key", AUTHORITY, "--bidder", &bidder, "--presentation", &licence]);
    node.cli_ok(&[
        "tender",
        "bid",
        TENDER,
        "--key",
        "business-demo",
        "--value",
        "price=4200000",
        "--value",
        "warranty_months=36",
    ]);

    // The vote: opens once the trustees have dealt and the tokens are out.
    let opens = height(node).await + 12;
    let closes = opens + 30;
    let (o, c) = (opens.to_string(), closes.to_string());
    let mut args = vec![
        "vote",
        "create",
        VOTE,
        "--key",
        "civil-admin",
        "--title",
        "新公园设计 New park design",
        "--option",
        "Lake",
        "--option",
        "Forest",
        "--option",
        "Playground",
        "--cert-type",
        "diploma",
        "--authority",
        &authority,
        "--authority-pub",
        &auth_pub,
        "--opens",
        &o,
        "--closes",
        &c,
        "--k",
        "2",
    ];
    for t in &trustees {
        args.extend(["--trustee", t.as_str()]);
    }
    node.cli_ok(&args);
    for t in TRUSTEES {
        node.cli_ok(&["vote", "deal", VOTE, "--key", t]);
    }
    let vote_kit = token(node, dir, "vote", VOTE, &voter1, "vote-kit1");
    let cli_kit = token(node, dir, "vote", VOTE, &voter2, "vote-kit2");

    // The consultation, open now for a long while.
    let h = height(node).await;
    let (o2, c2) = ((h + 2).to_string(), (h + 100_000).to_string());
    node.cli_ok(&[
        "consult",
        "create",
        CONSULTATION,
        "--key",
        "civil-admin",
        "--title",
        "东区控制性详细规划草案 Draft zoning plan, east district",
        "--cert-type",
        "diploma",
        "--authority",
        &authority,
        "--authority-pub",
        &auth_pub,
        "--opens",
        &o2,
        "--closes",
        &c2,
    ]);
    let consult_kit = token(node, dir, "consult", CONSULTATION, &voter1, "consult-kit1");

    node.wait_height(opens, Duration::from_secs(60)).await;
    node.cli_ok(&["vote", "cast", "--kit", &cli_kit, "--option", "Lake"]);
    Open { vote_kit, consult_kit, closes, deadline }
}

/// After the close and the deadline: two trustees of three release their parts of each; the
/// department answers the first comment; both recounts from the CLI match the chain.
pub async fn close(node: &mut Node, o: &Open) {
    node.wait_height(o.closes.max(o.deadline) + 1, Duration::from_secs(120)).await;
    for t in &TRUSTEES[..2] {
        node.cli_ok(&["vote", "release", VOTE, "--key", t]);
    }
    for t in &TRUSTEES[1..] {
        node.cli_ok(&["tender", "release", TENDER, "--key", t]);
    }
    node.cli_ok(&["consult", "answer", CONSULTATION, "0", "--key", "civil-admin", "--text", ANSWER]);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let v: serde_json::Value =
            reqwest::get(format!("{}/v1/votes/{VOTE}", node.api)).await.expect("vote").json().await.expect("json");
        if v["vote"]["status"] == "final" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the vote was not counted: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tally = node.cli_ok(&["vote", "verify-tally", VOTE]);
    assert!(tally.contains("\"matches\": true"), "{tally}");
    let award = node.cli_ok(&["tender", "verify", TENDER]);
    assert!(award.contains("\"matches\": true"), "{award}");
}
