//! Golden fixtures freeze the encoding and hashes of transactions, headers and vote sign-bytes.
//! A format change must be a deliberate, reviewed diff of `tests/fixtures/golden.json`:
//! regenerate it with `GOVCHAIN_BLESS=1 cargo test -p govchain-types`.

use std::collections::BTreeMap;

use govchain_crypto::{Algorithm, SecretKey};
use govchain_types::bounded::{BoundedString, BoundedVec};
use govchain_types::{
    Address, Call, Hash32, Header, Payload, SignedTransaction, Suite, Transaction, VoteKind, vote_sign_bytes,
};

fn fixture_tx(alg: Algorithm) -> SignedTransaction {
    let key = SecretKey::from_seed(alg, [0x11; 32]);
    let tx = Transaction {
        chain_id: BoundedString::new("govchain-golden").expect("short"),
        signer: key.public_key(),
        nonce: 7,
        expires_at_height: 1000,
        payload: Payload::Call(Call::new("records", "publish", b"\x01\x02\x03".to_vec()).expect("bounded")),
    };
    let signature = key.sign(&tx.sign_bytes());
    SignedTransaction { tx, signature }
}

fn fixture_header() -> Header {
    Header {
        chain_id: BoundedString::new("govchain-golden").expect("short"),
        height: 42,
        time_ms: 1_795_000_000_000,
        prev_hash: Hash32([1; 32]),
        tx_root: Hash32([2; 32]),
        receipts_root: Hash32([3; 32]),
        state_root: Hash32([4; 32]),
        validator_set_hash: Hash32([5; 32]),
        proposer: Address([6; 20]),
    }
}

fn compute() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (name, alg, suite) in
        [("ed25519", Algorithm::Ed25519, Suite::Ed25519Sha256), ("sm2", Algorithm::Sm2, Suite::Sm2Sm3)]
    {
        let t = fixture_tx(alg);
        m.insert(format!("tx_{name}_encoding"), hex::encode(t.encode()));
        m.insert(format!("tx_{name}_id"), t.hash(suite).to_hex());
        m.insert(format!("tx_{name}_signer_address"), t.tx.signer.address(suite).to_text());
    }
    let h = fixture_header();
    m.insert("header_encoding".into(), hex::encode(govchain_types::codec::encode(&h)));
    m.insert("header_hash_sha256".into(), h.hash(Suite::Ed25519Sha256).to_hex());
    m.insert("header_hash_sm3".into(), h.hash(Suite::Sm2Sm3).to_hex());
    m.insert(
        "vote_precommit_sign_bytes".into(),
        hex::encode(vote_sign_bytes("govchain-golden", 42, 1, VoteKind::Precommit, Some(Hash32([9; 32])))),
    );
    m.insert(
        "vote_nil_prevote_sign_bytes".into(),
        hex::encode(vote_sign_bytes("govchain-golden", 42, 0, VoteKind::Prevote, None)),
    );
    let empty: BoundedVec<SignedTransaction, 1> = BoundedVec::default();
    m.insert("empty_tx_list_encoding".into(), hex::encode(govchain_types::codec::encode(&empty)));
    m
}

#[test]
fn encodings_and_hashes_match_the_golden_fixture() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden.json");
    let actual = compute();
    if std::env::var("GOVCHAIN_BLESS").is_ok() {
        std::fs::write(&path, serde_json::to_string_pretty(&actual).expect("json") + "\n").expect("write fixture");
    }
    let text = std::fs::read_to_string(&path).expect("fixture exists (regenerate deliberately with GOVCHAIN_BLESS=1)");
    let expected: BTreeMap<String, String> = serde_json::from_str(&text).expect("fixture is JSON");
    for (k, v) in &expected {
        assert_eq!(actual.get(k), Some(v), "fixture field {k} changed: the encoding or a hash is no longer frozen");
    }
    assert_eq!(actual.len(), expected.len(), "fields were added or removed");
}

#[test]
fn golden_transactions_still_verify() {
    for alg in [Algorithm::Ed25519, Algorithm::Sm2] {
        let t = fixture_tx(alg);
        t.tx.signer.verify(&t.tx.sign_bytes(), &t.signature).expect("fixture signature verifies");
    }
}
