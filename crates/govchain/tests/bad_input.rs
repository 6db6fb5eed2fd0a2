//! Bad input through the HTTP API, one test per class: each is refused with a 4xx and a stable
//! `code`, and the state root does not change.

mod support;

use std::time::Duration;

use govchain_records::Publish;
use govchain_types::SignedTransaction;
use govchain_types::bounded::BoundedString;
use support::Node;

struct Setup {
    node: Node,
    tx: SignedTransaction,
    root: String,
    height: u64,
}

/// A fresh chain on `ip` with one committed record; returns the state root after it.
async fn setup(ip: &str) -> Setup {
    let mut node = Node::init(ip, "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let (b, _, h) = node.builder().await;
    let key = node.key("finance-officer");
    let tx = b.call(&key, 0, h + 100, &Publish::text("notice", "setup", "", vec![])).expect("sign");
    let hash = node.client().submit(&tx).await.expect("submit");
    let v = node.client().wait_tx(&hash, Duration::from_secs(30)).await.expect("committed");
    assert_eq!(v.status, "committed");
    let height = v.height.expect("height");
    let root = node.client().block(Some(height)).await.expect("block").header.state_root;
    Setup { node, tx, root, height }
}

impl Setup {
    async fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}{path}", self.node.api))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("http");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or_default())
    }

    async fn submit_raw(&self, bytes: Vec<u8>) -> (u16, serde_json::Value) {
        self.post("/v1/txs", "application/octet-stream", bytes).await
    }

    async fn submit_json(&self, tx: &SignedTransaction) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "tx": hex::encode(tx.encode()) }).to_string().into_bytes();
        self.post("/v1/txs", "application/json", body).await
    }

    /// Expects the refusal, then waits for a later block and checks the state root is unchanged.
    async fn expect(&self, (status, body): (u16, serde_json::Value), want_status: u16, want_code: &str) {
        assert_eq!(status, want_status, "body: {body}");
        assert_eq!(body["error"]["code"], want_code, "body: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "a message names the problem");
        let mut node_height = self.height;
        let client = self.node.client();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while node_height < self.height + 2 {
            node_height = client.status().await.expect("status").height;
            assert!(tokio::time::Instant::now() < deadline, "chain stalled");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let latest = client.block(None).await.expect("latest");
        assert_eq!(latest.header.state_root, self.root, "state root changed after a refused input");
        assert!(client.status().await.expect("status").mempool.txs == 0, "nothing was queued");
    }

    fn resign(&self, mut tx: SignedTransaction, key: &str) -> SignedTransaction {
        tx.signature = self.node.key(key).sign(&tx.tx.sign_bytes());
        tx
    }
}

fn next_publish(s: &Setup) -> SignedTransaction {
    let mut t = s.tx.clone();
    t.tx.nonce = 1;
    s.resign(t, "finance-officer")
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_chain_id() {
    let s = setup("127.0.0.10").await;
    let mut t = next_publish(&s);
    t.tx.chain_id = BoundedString::new("some-other-chain").expect("short");
    let t = s.resign(t, "finance-officer");
    s.expect(s.submit_json(&t).await, 400, "wrong_chain_id").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn exact_replay() {
    let s = setup("127.0.0.11").await;
    s.expect(s.submit_json(&s.tx).await, 409, "already_committed").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reused_nonce() {
    let s = setup("127.0.0.12").await;
    let mut t = s.tx.clone();
    t.tx.expires_at_height += 1; // a different transaction with the same nonce 0
    let t = s.resign(t, "finance-officer");
    s.expect(s.submit_json(&t).await, 409, "nonce_too_low").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tampered_signature() {
    let s = setup("127.0.0.13").await;
    let mut t = next_publish(&s);
    t.signature.sig_bytes_mut()[20] ^= 0x04;
    s.expect(s.submit_json(&t).await, 400, "bad_signature").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malleable_signature_s_plus_l() {
    let s = setup("127.0.0.14").await;
    let mut t = next_publish(&s);
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let sig = t.signature.sig_bytes_mut();
    let mut carry = 0u16;
    for i in 0..32 {
        let v = sig[32 + i] as u16 + L[i] as u16 + carry;
        sig[32 + i] = v as u8;
        carry = v >> 8;
    }
    s.expect(s.submit_json(&t).await, 400, "malformed_signature").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_algorithm_tag() {
    let s = setup("127.0.0.15").await;
    let mut bytes = next_publish(&s).encode();
    let chain_id_len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    bytes[4 + chain_id_len] = 7; // the signer key's algorithm tag
    s.expect(s.submit_raw(bytes).await, 400, "unknown_algorithm").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn body_over_the_cap_is_refused_before_decoding() {
    let s = setup("127.0.0.16").await;
    s.expect(s.submit_raw(vec![0u8; 300 * 1024]).await, 413, "body_too_large").await;
}

/// 32 MiB of empty entries (8 million): refused by the count before any entry is read.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_of_millions_of_empty_entries_is_refused_in_bounded_memory() {
    let s = setup("127.0.0.23").await;
    let entries = (32 * 1024 * 1024 - 4) / 4;
    let mut body = (entries as u32).to_le_bytes().to_vec();
    body.resize(4 + 4 * entries, 0);
    let before = s.node.peak_rss_kib();
    let (status, json) = s.post("/v1/txs/batch", "application/octet-stream", body).await;
    let rise_mib = (s.node.peak_rss_kib() - before) / 1024;
    println!("batch of {entries} empty entries: peak RSS rose {rise_mib} MiB");
    assert_eq!((status, json["error"]["code"].as_str()), (400, Some("batch_too_large")), "{json}");
    assert!(rise_mib < 100, "peak RSS rose {rise_mib} MiB");
    let many = format!("{{\"txs\": [{}]}}", vec!["\"\""; 2_000_000].join(","));
    let (status, json) = s.post("/v1/txs/batch", "application/json", many.into_bytes()).await;
    assert_eq!((status, json["error"]["code"].as_str()), (400, Some("batch_too_large")), "{json}");
    let rise_mib = (s.node.peak_rss_kib() - before) / 1024;
    println!("JSON batch of 2 000 000 empty strings: peak RSS rose {rise_mib} MiB");
    assert!(rise_mib < 100, "peak RSS rose {rise_mib} MiB");
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_encoding() {
    let s = setup("127.0.0.17").await;
    let bytes = next_publish(&s).encode();
    s.expect(s.submit_raw(bytes[..bytes.len() - 10].to_vec()).await, 400, "truncated_encoding").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_length_prefix() {
    let s = setup("127.0.0.18").await;
    let mut bytes = next_publish(&s).encode();
    bytes[..4].copy_from_slice(&u32::MAX.to_le_bytes()); // chain id "length"
    s.expect(s.submit_raw(bytes).await, 400, "length_exceeded").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_fields() {
    let s = setup("127.0.0.19").await;
    s.expect(s.post("/v1/txs", "application/json", br#"{"transaction": "00"}"#.to_vec()).await, 400, "missing_field")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_transaction() {
    let s = setup("127.0.0.20").await;
    let mut t = next_publish(&s);
    t.tx.expires_at_height = s.height;
    let t = s.resign(t, "finance-officer");
    s.expect(s.submit_json(&t).await, 400, "expired").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn citizen_publishing_a_record_is_unauthorised() {
    let s = setup("127.0.0.21").await;
    let (b, _, h) = s.node.builder().await;
    let t =
        b.call(&s.node.key("citizen-demo"), 0, h + 100, &Publish::text("notice", "fake", "", vec![])).expect("sign");
    s.expect(s.submit_json(&t).await, 403, "unauthorized").await;
    let st = s.node.client().tx(&t.hash(govchain_types::Suite::Ed25519Sha256)).await;
    assert!(st.is_err(), "the refused transaction is unknown to the node");
}

#[tokio::test(flavor = "multi_thread")]
async fn unregistered_signer() {
    let s = setup("127.0.0.22").await;
    let (b, _, h) = s.node.builder().await;
    let stranger = govchain_crypto::SecretKey::from_seed(govchain_crypto::Algorithm::Ed25519, [42; 32]);
    let t = b.call(&stranger, 0, h + 100, &Publish::text("notice", "x", "", vec![])).expect("sign");
    s.expect(s.submit_json(&t).await, 403, "unknown_signer").await;
}

/// Cheap checks come before signatures: 5 000 transactions from unregistered keys with junk
/// signatures are refused as `unknown_signer` (no verification spent), and SM2 keys on an
/// Ed25519 chain as `wrong_algorithm`.
#[tokio::test(flavor = "multi_thread")]
async fn unregistered_keys_and_foreign_algorithms_cost_no_signature_verification() {
    let s = setup("127.0.0.24").await;
    let (b, _, h) = s.node.builder().await;
    let batch = |alg: govchain_crypto::Algorithm| -> Vec<Vec<u8>> {
        (0..5000u32)
            .map(|i| {
                let mut seed = [7u8; 32];
                seed[..4].copy_from_slice(&i.to_le_bytes());
                let k = govchain_crypto::SecretKey::from_seed(alg, seed);
                let mut t = b.call(&k, 0, h + 100, &Publish::text("notice", "x", "", vec![])).expect("sign");
                let junk = k.sign(b"not the transaction");
                t.signature = junk;
                t.encode()
            })
            .collect()
    };
    for (alg, want) in
        [(govchain_crypto::Algorithm::Ed25519, "unknown_signer"), (govchain_crypto::Algorithm::Sm2, "wrong_algorithm")]
    {
        let body = govchain_types::codec::encode(&batch(alg));
        let started = std::time::Instant::now();
        let (status, json) = s.post("/v1/txs/batch", "application/octet-stream", body).await;
        println!("5000 {alg:?} transactions refused in {:?}", started.elapsed());
        assert_eq!(status, 200, "{json}");
        let codes: std::collections::BTreeSet<&str> =
            json["results"].as_array().expect("results").iter().filter_map(|r| r["error"]["code"].as_str()).collect();
        assert_eq!(codes, [want].into(), "{alg:?}");
    }
}
