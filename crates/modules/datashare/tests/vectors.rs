//! Conformance vectors for the portal's "who used my data" (portal/tests/datashare.test.mjs): the
//! subject tags, sealed details and an encoded receipt, for both suites, and a keystore the
//! browser must open. The file is checked here; `GOVCHAIN_UPDATE_VECTORS=1` rewrites it.

use std::path::PathBuf;

use govchain_crypto::SecretKey;
use govchain_crypto::keystore::{KdfParams, Keystore};
use govchain_datashare::subject::{ReceiptDetails, SubjectKey};
use govchain_datashare::{Outcome, Receipt};
use govchain_types::{Address, Algorithm, Hash32, Suite};

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../portal/tests/vectors/datashare.json")
}

fn vectors(keystore: serde_json::Value) -> serde_json::Value {
    let mut suites = Vec::new();
    for (suite, alg, name) in
        [(Suite::Ed25519Sha256, Algorithm::Ed25519, "ed25519-sha256"), (Suite::Sm2Sm3, Algorithm::Sm2, "sm2-sm3")]
    {
        let citizen = SecretKey::from_seed(alg, [21; 32]);
        let owner = SecretKey::from_seed(alg, [22; 32]);
        let k = SubjectKey::subject_side(suite, &citizen, &owner.public_key(), "hrss", 1).expect("agree");
        let details = ReceiptDetails {
            official: Address([5; 20]),
            case_ref: "MZ-2026-001/张伟".into(),
            n: 1,
            payload_hash: Some(Hash32([6; 32])),
        };
        let receipt = Receipt {
            tag: k.tag(1),
            seq: 7,
            key_version: 1,
            access_id: Hash32([8; 32]),
            dataset: "social-insurance".into(),
            owner: "hrss".into(),
            requester: "civil-affairs".into(),
            grant: Some("subsidy-2026".into()),
            purpose_code: "subsidy-eligibility".into(),
            fields: vec!["insured".into(), "months_paid".into()],
            outcome: Outcome::Delivered { digest: Hash32([9; 32]), bytes: 321 },
            details: k.seal_details(1, &details),
            height: 42,
            time_ms: 1_800_000_000_000,
        };
        suites.push(serde_json::json!({
            "suite": name,
            "citizen_secret": hex::encode(*citizen.to_bytes()),
            "citizen_public": citizen.public_key().to_text(),
            "exchange_key": owner.public_key().to_text(),
            "owner": "hrss",
            "version": 1,
            "tags": (0..3).map(|n| k.tag(n).to_hex()).collect::<Vec<_>>(),
            "receipt": hex::encode(borsh::to_vec(&receipt).expect("encode")),
            "details": {"official": format!("0x{}", hex::encode([5u8; 20])), "case_ref": details.case_ref, "n": 1, "payload_hash": hex::encode([6u8; 32])},
        }));
    }
    serde_json::json!({"suites": suites, "keystore": keystore})
}

#[test]
fn the_portal_vectors_are_what_the_rust_code_computes() {
    let p = path();
    if std::env::var("GOVCHAIN_UPDATE_VECTORS").is_ok() {
        // A cheap KDF keeps the browser test quick; the format is the real one.
        let k = SecretKey::from_seed(Algorithm::Ed25519, [21; 32]);
        let ks = Keystore::encrypt("citizen-demo", &k, "", KdfParams { m_cost_kib: 256, t_cost: 1, p_cost: 1 })
            .expect("keystore");
        let v = vectors(serde_json::from_str(&ks.to_json()).expect("json"));
        std::fs::write(&p, serde_json::to_string_pretty(&v).expect("json") + "\n").expect("write vectors");
    }
    let on_disk: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).expect("vectors file")).expect("json");
    assert_eq!(on_disk["suites"], vectors(serde_json::Value::Null)["suites"], "rerun with GOVCHAIN_UPDATE_VECTORS=1");
    let ks = Keystore::from_json(&on_disk["keystore"].to_string()).expect("keystore");
    let k = ks.decrypt("").expect("the keystore opens");
    assert_eq!(hex::encode(*k.to_bytes()), on_disk["suites"][0]["citizen_secret"].as_str().expect("secret"));
}
