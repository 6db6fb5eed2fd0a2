//! Cross-department data sharing on a real `govchain` node process running both demo bureaus'
//! exchanges (hrss, the owner, with its SQLite table of citizens; civil-affairs, the grantee):
//! every access receipted before delivery, refusals receipted, the citizen's proven-complete
//! list, unlinkable receipts, crash between receipt and delivery, erasure, and no personal data
//! in plaintext anywhere in the chain's store — on both crypto suites.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use govchain_crypto::{SecretKey, exchange};
use govchain_datashare::views::{LookupResponse, ReceiptPage, ReceiptView};
use govchain_datashare::wire::*;
use govchain_types::{Hash32, PublicKey};
use support::datashare::{Bureaus, bureaus, fetch, json, request};
use support::text;

/// The demo citizen (key `citizen-demo`) and a second one the test enrols.
const ZHANG: (&str, &str) = ("110101199003074512", "张伟 Zhang Wei");
const LIU: (&str, &str) = ("110101200108301154", "刘洋 Liu Yang");
const WANG: (&str, &str) = ("110101198511203318", "王芳 Wang Fang");

fn who_used(b: &Bureaus, key: &str) -> serde_json::Value {
    json(&b.node.cli_ok(&["data", "who-used", "--key", key, "--json"]))
}

fn outcomes(report: &serde_json::Value) -> Vec<String> {
    report["found"]
        .as_array()
        .expect("found")
        .iter()
        .map(|f| {
            let o = &f["receipt"]["outcome"];
            match o["outcome"].as_str() {
                Some("refused") => format!("refused:{}", o["code"].as_str().unwrap_or_default()),
                Some(x) => x.to_string(),
                None => "?".into(),
            }
        })
        .collect()
}

/// A signed access request built as a caseworker's CLI builds it.
async fn signed_access(b: &Bureaus, key: &SecretKey, grant: &str, subject: &str, fields: &[&str]) -> Signed {
    let c = b.node.client();
    let status = c.status().await.expect("status");
    let profile: serde_json::Value = c.get_json("/v1/datashare/profiles/hrss").await.expect("profile");
    let owner_key = PublicKey::from_text(profile["latest"]["exchange_key"].as_str().expect("key")).expect("key");
    let access_id = govchain_datashare::subject::random_tag();
    let sref = borsh::to_vec(&SubjectRef { id: subject.into(), salt: None }).expect("encode");
    let body = AccessBody {
        chain_id: status.chain_id,
        access_id,
        grant: grant.into(),
        dataset: "social-insurance".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        subject: exchange::seal(&owner_key, SUBJECT_INFO, &access_id.0, &sref).expect("seal"),
        case_ref: "case-9".into(),
        issued_ms: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis()
            as u64,
    };
    Signed::sign(ACCESS_DOMAIN, &body, key)
}

async fn post(url: &str, body: &Signed) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new().post(url).json(body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

async fn all_receipts(b: &Bureaus) -> Vec<ReceiptView> {
    let page: ReceiptPage = b.node.client().get("/v1/datashare/receipts?limit=100").await.expect("receipts");
    page.receipts
}

async fn enrol(home: &Path, subject: &str, key: &SecretKey) {
    use sqlx::ConnectOptions as _;
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(home.join("hrss-social-insurance.db"));
    let mut c = opts.connect().await.expect("open demo database");
    sqlx::query("UPDATE insured_persons SET subject_key = $1 WHERE national_id = $2")
        .bind(key.public_key().to_text())
        .bind(subject)
        .execute(&mut c)
        .await
        .expect("enrol");
}

fn windows(parts: &[Vec<u8>]) -> std::collections::BTreeSet<[u8; 8]> {
    parts.iter().flat_map(|p| p.windows(8).map(|w| <[u8; 8]>::try_from(w).expect("8"))).collect()
}

/// The encoded state value and transaction of a receipt, each part on its own.
async fn encoded(b: &Bureaus, r: &ReceiptView) -> Vec<Vec<u8>> {
    let c = b.node.client();
    let tag = Hash32::from_hex(&r.tag).expect("tag");
    let bundle = c.state_proof(&govchain_datashare::keys::receipt(&tag), None).await.expect("state proof");
    // The stored value itself (not the proof around it, whose tree siblings depend on where
    // keys happen to fall).
    let mut out = match govchain_proofs::ProofBundle::from_bytes(&bundle).expect("bundle").claim {
        govchain_proofs::Claim::State { value: Some(v), .. } => vec![v.to_vec()],
        _ => panic!("the receipt is in state"),
    };
    let block = c.block(Some(r.height)).await.expect("block");
    for h in &block.tx_hashes {
        let hash = Hash32::from_hex(h).expect("hash");
        let bytes = c.tx_proof(&hash).await.expect("tx proof");
        let p = govchain_proofs::ProofBundle::from_bytes(&bytes).expect("bundle");
        if let govchain_proofs::Claim::Transaction { tx, receipt, .. } = p.claim
            && receipt.events.iter().any(|e| e.attributes.iter().any(|(_, v)| v.as_str() == r.tag.as_str()))
        {
            out.push(tx.encode());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_access_is_receipted_first_and_the_citizen_sees_them_all_proven() {
    let b = bureaus("127.0.0.71", "ed25519").await;
    // The policy grants in the block that carries the request.
    let r = request(&b, "subsidy", &["insured", "months_paid"], None);
    assert_eq!(r["status"], "granted", "{r}");
    assert_eq!(r["grant"]["decided_by"], "policy civil-affairs-subsidy v1");

    let got = fetch(&b, "subsidy", ZHANG.0, &[]).expect("delivered");
    assert_eq!(got["fields"], serde_json::json!({"insured": true, "months_paid": 86}));
    // A field outside the grant is never delivered; the attempt is receipted.
    let err = fetch(&b, "subsidy", ZHANG.0, &["monthly_salary"]).expect_err("outside the grant");
    assert!(err.contains("fields_outside_grant"), "{err}");
    // An official without a grant (the police) asking the owner directly: refused, receipted.
    let police = b.node.key("police-officer");
    let (status, body) = post(
        &format!("{}/exchange/v1/access", b.hrss()),
        &signed_access(&b, &police, "subsidy", ZHANG.0, &["insured"]).await,
    )
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("unauthorized")), "{body}");
    assert!(body["receipt"].is_string(), "the refusal has a receipt: {body}");
    // A grant over listed subjects: the demo citizen is not among them.
    let listed = request(&b, "listed", &["insured"], Some(WANG.0));
    assert_eq!(listed["scope"], "subjects");
    let err = fetch(&b, "listed", ZHANG.0, &["insured"]).expect_err("outside the scope");
    assert!(err.contains("subject_outside_scope"), "{err}");
    // A listed subject who never enrolled a key is refused: their receipts could not reach them.
    let err = fetch(&b, "listed", WANG.0, &["insured"]).expect_err("not enrolled");
    assert!(err.contains("subject_not_enrolled"), "{err}");

    // A second citizen, enrolled by the test, for the unlinkability check.
    let liu = SecretKey::generate(govchain_types::Algorithm::Ed25519);
    enrol(&b.node.home, LIU.0, &liu).await;
    let got = fetch(&b, "subsidy", LIU.0, &["months_paid"]).expect("delivered");
    assert_eq!(got["fields"]["months_paid"], 31);

    // Revoked: refused and receipted.
    b.node.cli_ok(&["data", "revoke", "--key", "hrss-admin", "--grant", "subsidy", "--reason", "programme closed"]);
    let err = fetch(&b, "subsidy", ZHANG.0, &["insured"]).expect_err("revoked");
    assert!(err.contains("grant_revoked"), "{err}");

    // The citizen's list: every attempt about them, in order, proven complete.
    let report = who_used(&b, "citizen-demo");
    assert_eq!(
        outcomes(&report),
        [
            "delivered",
            "refused:fields_outside_grant",
            "refused:unauthorized",
            "refused:subject_outside_scope",
            "refused:grant_revoked"
        ]
    );
    assert_eq!(report["counts"][0]["receipts"], 5, "{report}");
    assert_eq!(report["found"][0]["details"]["case_ref"], "case-7");
    // Every receipt of the chain is one of: the demo citizen's five, Liu's one, Wang's refusal
    // (a random tag: not enrolled).
    let receipts = all_receipts(&b).await;
    assert_eq!(receipts.len(), 7);

    // A node that hides one receipt is caught by the citizen's verification.
    let genesis: govchain_node::Genesis =
        serde_json::from_str(&std::fs::read_to_string(b.node.genesis()).expect("genesis")).expect("genesis");
    let trust = genesis.trust_root().expect("trust");
    let me = b.node.key("citizen-demo");
    let profile: serde_json::Value = b.node.client().get_json("/v1/datashare/profiles/hrss").await.expect("profile");
    let owners = vec![(
        "hrss".to_string(),
        1u32,
        PublicKey::from_text(profile["latest"]["exchange_key"].as_str().expect("key")).expect("key"),
    )];
    let height = b.node.client().status().await.expect("status").height;
    let api = b.node.client();
    let honest = govchain_datashare::who::walk(&trust, &me, &owners, height, |req| {
        let api = api.clone();
        async move {
            api.post_json::<LookupResponse, _>("/v1/datashare/receipts/lookup", &req).await.map_err(|e| e.to_string())
        }
    })
    .await
    .expect("an honest node's answer verifies");
    assert_eq!(honest.counts[0].receipts, 5);
    for tamper in ["hide the value", "hide the value and its proof"] {
        let lying = govchain_datashare::who::walk(&trust, &me, &owners, height, |req| {
            let api = api.clone();
            async move {
                let mut a = api
                    .post_json::<LookupResponse, _>("/v1/datashare/receipts/lookup", &req)
                    .await
                    .map_err(|e| e.to_string())?;
                if a.receipts[2].is_some() {
                    a.receipts[2] = None;
                    if tamper.ends_with("proof") {
                        a.proofs.clear();
                    }
                }
                Ok(a)
            }
        })
        .await;
        assert!(lying.is_err(), "{tamper}: a hidden receipt went unnoticed");
    }

    // Unlinkability: whatever the demo citizen's two receipts share (in state and in their
    // transactions), a receipt about Liu under the same grant shares too.
    let mine: Vec<&ReceiptView> =
        receipts.iter().filter(|r| honest.found.iter().any(|f| f.receipt.tag.to_hex() == r.tag)).collect();
    let theirs =
        receipts.iter().find(|r| r.outcome == "delivered" && mine.iter().all(|m| m.tag != r.tag)).expect("Liu's");
    let (a1, a2, other) = (encoded(&b, mine[0]).await, encoded(&b, mine[1]).await, encoded(&b, theirs).await);
    let (w2, wo) = (windows(&a2), windows(&other));
    let linking = |w: &[u8]| {
        let w = <[u8; 8]>::try_from(w).expect("8");
        w2.contains(&w) && !wo.contains(&w)
    };
    // A link is a run of at least 9 bytes (two overlapping windows) that only the citizen's
    // receipts share. A lone window is chance: the last byte of a random field (the access
    // id) equal in both, followed by 7 bytes every receipt has (1 in 256 per field edge).
    let runs: Vec<String> = a1
        .iter()
        .flat_map(|p| p.windows(9).filter(|r| linking(&r[..8]) && linking(&r[1..])).map(hex::encode))
        .collect();
    assert!(runs.is_empty(), "values only the demo citizen's receipts share: {runs:?}");

    // An auditor with the legal role sees the same list, proven the same way.
    let zf = b.subject_file(ZHANG.0);
    let audit = json(&b.node.cli_ok(&[
        "data",
        "audit",
        "--key",
        "auditor",
        "--dataset",
        "social-insurance",
        "--subject-file",
        &zf,
        "--case-ref",
        "AUD-2026-3",
    ]));
    assert_eq!(audit["counts"][0]["receipts"], 5, "{audit}");
    let denied = b.node.cli(&[
        "data",
        "audit",
        "--key",
        "civil-caseworker",
        "--dataset",
        "social-insurance",
        "--subject-file",
        &zf,
        "--case-ref",
        "x",
    ]);
    assert!(!denied.status.success() && text(&denied).contains("unauthorized"), "{}", text(&denied));

    // Erasure of the demo citizen at hrss: an erasure receipt in their sequence, the owner's and
    // the grantee's copies no longer open.
    let erased = json(&b.node.cli_ok(&[
        "data",
        "erase",
        "--key",
        "hrss-admin",
        "--exchange",
        &b.hrss(),
        "--dataset",
        "social-insurance",
        "--subject-file",
        &zf,
    ]));
    assert_eq!(erased["owner_copies_destroyed"], true, "{erased}");
    assert_eq!(erased["grantees"][0]["ok"], true, "{erased}");
    let delivered_to_zhang = &honest.found[0].receipt;
    let access = delivered_to_zhang.access_id.to_hex();
    let sm = false;
    let grantee =
        govchain_datashare::exchange::Store::open(&b.node.home.join("exchange/civil-affairs"), sm).expect("store");
    let owner = govchain_datashare::exchange::Store::open(&b.node.home.join("exchange/hrss"), sm).expect("store");
    assert!(grantee.sealed_file("received", &access).expect("read").is_some(), "the grantee kept it sealed");
    assert!(grantee.open_file("received", &access).is_err(), "the grantee can no longer open it");
    assert!(owner.open_file("sent", &access).is_err(), "the owner can no longer open its copy");
    let liu_access = theirs.access_id.clone();
    assert!(grantee.open_file("received", &liu_access).expect("open").is_some(), "others' deliveries are untouched");
    let after = who_used(&b, "citizen-demo");
    assert_eq!(outcomes(&after).last().map(String::as_str), Some("erased"));
    assert_eq!(after["counts"][0]["receipts"], 6);
    let page: serde_json::Value = b.node.client().get_json("/v1/datashare/receipts?limit=1").await.expect("page");
    assert_eq!(page["total"], 8, "the erasure is the eighth receipt");

    // No personal data in plaintext anywhere in the chain's store, blocks and indexes, nor in
    // the exchanges' stores (the bureau's own database is, of course, the bureau's).
    let mut node = b.node;
    node.terminate(Duration::from_secs(10));
    let forbidden: Vec<Vec<u8>> = [ZHANG, LIU, WANG]
        .iter()
        .flat_map(|(id, name)| [id.as_bytes().to_vec(), name.as_bytes().to_vec()])
        .chain([b"\"months_paid\":86".to_vec(), b"\"months_paid\":31".to_vec(), b"case-7".to_vec()])
        .collect();
    let mut scanned = 0;
    for dir in ["data", "exchange"] {
        for f in files_under(&node.home.join(dir)) {
            let bytes = std::fs::read(&f).expect("read");
            scanned += bytes.len();
            for needle in &forbidden {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                    "{} holds {:?} in plaintext",
                    f.display(),
                    String::from_utf8_lossy(needle)
                );
            }
        }
    }
    assert!(scanned > 100_000, "the scan read the store ({scanned} bytes)");
    let check = node.cli_ok(&["db", "check"]);
    assert!(check.contains("store OK"), "the chain still verifies from genesis: {check}");
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_receipt_and_delivery_loses_nothing_and_the_retry_delivers_the_receipted_bytes() {
    let mut b = bureaus("127.0.0.72", "ed25519").await;
    let r = request(&b, "subsidy", &["insured", "months_paid"], None);
    assert_eq!(r["status"], "granted");
    // Restart with the failpoint: the owner aborts after committing the receipt.
    b.node.terminate(Duration::from_secs(10));
    b.node.start_with_env(&[("GOVCHAIN_TEST_FAILPOINT", "datashare_after_receipt")]);
    b.node.wait_height(1, Duration::from_secs(60)).await;
    let caseworker = b.node.key("civil-caseworker");
    let req = signed_access(&b, &caseworker, "subsidy", ZHANG.0, &["insured", "months_paid"]).await;
    let fetch_url = format!("{}/exchange/v1/local/fetch", b.civil());
    let crashed = reqwest::Client::new().post(&fetch_url).json(&req).send().await;
    assert!(crashed.is_err() || !crashed.expect("response").status().is_success(), "no delivery before the crash");
    b.node.kill9();
    b.node.start();
    b.node.wait_height(1, Duration::from_secs(60)).await;
    // The receipt was committed before the crash …
    let receipts = all_receipts(&b).await;
    let (_, body) = req.open::<AccessBody>(ACCESS_DOMAIN).expect("own request");
    let receipt =
        receipts.iter().find(|r| r.access_id == body.access_id.to_hex()).expect("receipt committed before the crash");
    assert_eq!(receipt.outcome, "delivered");
    // … and the retry of the same signed request delivers against that same receipt.
    let (status, got) = post(&fetch_url, &req).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["receipt"], receipt.tag);
    assert_eq!(got["fields"], serde_json::json!({"insured": true, "months_paid": 86}));
    assert_eq!(all_receipts(&b).await.len(), 1, "the retry wrote no second receipt");
    // Everything the grantee holds has a committed receipt naming it.
    let store =
        govchain_datashare::exchange::Store::open(&b.node.home.join("exchange/civil-affairs"), false).expect("store");
    for f in files_under(&b.node.home.join("exchange/civil-affairs/received")) {
        let access = f.file_stem().expect("name").to_string_lossy().to_string();
        let sealed = store.sealed_file("received", &access).expect("read").expect("file");
        let on_chain: ReceiptView =
            b.node.client().get(&format!("/v1/datashare/receipts/{}", sealed.receipt)).await.expect("receipt");
        assert_eq!((on_chain.access_id.as_str(), on_chain.outcome.as_str()), (access.as_str(), "delivered"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cycle_runs_on_an_sm2_sm3_chain_with_sm2_and_sm4() {
    let b = bureaus("127.0.0.73", "sm2").await;
    let r = request(&b, "subsidy", &["insured", "months_paid"], None);
    assert_eq!(r["status"], "granted", "{r}");
    assert!(r["delivery_key"].as_str().is_some_and(|k| k.starts_with("sm2:")), "{r}");
    let got = fetch(&b, "subsidy", ZHANG.0, &[]).expect("delivered");
    assert_eq!(got["fields"], serde_json::json!({"insured": true, "months_paid": 86}));
    let err = fetch(&b, "subsidy", ZHANG.0, &["monthly_salary"]).expect_err("outside");
    assert!(err.contains("fields_outside_grant"), "{err}");
    let report = who_used(&b, "citizen-demo");
    assert_eq!(outcomes(&report), ["delivered", "refused:fields_outside_grant"]);
    assert_eq!(report["counts"][0]["receipts"], 2);
    // The grantee's copy is sealed with SM4-GCM and opens only with its key.
    let store =
        govchain_datashare::exchange::Store::open(&b.node.home.join("exchange/civil-affairs"), true).expect("store");
    let access = got["access_id"].as_str().expect("id");
    let plain = store.open_file("received", access).expect("open").expect("file");
    assert!(String::from_utf8_lossy(&plain).contains("\"months_paid\":86"));
}
