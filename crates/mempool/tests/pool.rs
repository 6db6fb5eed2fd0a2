//! The pool on its own, with a fake ledger: admission errors, capacity, nonce ordering in
//! reaping, and the fate of every accepted transaction.

use std::collections::HashMap;

use govchain_crypto::{Algorithm, SecretKey};
use govchain_mempool::{AdmitError, ErrorClass, Ledger, Mempool, MempoolConfig, TxStatus};
use govchain_types::bounded::BoundedString;
use govchain_types::{Address, Call, Hash32, Payload, SignedTransaction, Suite, Transaction};

const SUITE: Suite = Suite::Ed25519Sha256;

struct FakeLedger {
    height: u64,
    nonces: HashMap<Address, u64>,
    max_tx_bytes: usize,
}

impl Ledger for FakeLedger {
    fn next_height(&self) -> u64 {
        self.height + 1
    }
    fn account_nonce(&self, addr: &Address) -> Result<u64, AdmitError> {
        Ok(*self.nonces.get(addr).unwrap_or(&0))
    }
    fn is_committed(&self, _: &Hash32) -> bool {
        false
    }
    fn max_tx_bytes(&self) -> usize {
        self.max_tx_bytes
    }
    fn check(&self, tx: &SignedTransaction, _: Hash32) -> Result<(), AdmitError> {
        if tx.call().method.as_str() == "forbidden" {
            return Err(AdmitError::new(ErrorClass::Forbidden, "unauthorized", "no"));
        }
        Ok(())
    }
}

fn tx(k: &SecretKey, nonce: u64, expires: u64, method: &str) -> (SignedTransaction, usize) {
    let t = Transaction {
        chain_id: BoundedString::new("pool-chain").expect("short"),
        signer: k.public_key(),
        nonce,
        expires_at_height: expires,
        payload: Payload::Call(Call::new("records", method, vec![1, 2, 3]).expect("bounded")),
    };
    let s = SignedTransaction { signature: k.sign(&t.sign_bytes()), tx: t };
    let n = s.encode().len();
    (s, n)
}

fn pool(max_txs: usize) -> Mempool {
    Mempool::new(MempoolConfig { max_txs, nonce_window: 8, max_ttl: 100, ..Default::default() }, "pool-chain", SUITE)
}

fn codes(r: &[Result<Hash32, AdmitError>]) -> Vec<String> {
    r.iter().map(|x| x.as_ref().err().map(|e| e.code.to_string()).unwrap_or_else(|| "ok".into())).collect()
}

#[test]
fn admission_errors_have_codes() {
    let k = SecretKey::from_seed(Algorithm::Ed25519, [1; 32]);
    let ledger = FakeLedger { height: 10, nonces: HashMap::new(), max_tx_bytes: 64 * 1024 };
    let p = pool(100);
    let good = tx(&k, 0, 50, "publish");
    let mut bad_sig = tx(&k, 1, 50, "publish");
    bad_sig.0.signature.sig_bytes_mut()[3] ^= 1;
    let mut other_chain = tx(&k, 1, 50, "publish");
    other_chain.0.tx.chain_id = BoundedString::new("elsewhere").expect("short");
    let results = p.admit(
        vec![
            good.clone(),
            good.clone(),
            bad_sig,
            other_chain,
            tx(&k, 1, 5, "publish"),
            tx(&k, 1, 500, "publish"),
            tx(&k, 20, 50, "publish"),
            tx(&k, 1, 50, "forbidden"),
        ],
        &ledger,
    );
    assert_eq!(
        codes(&results),
        vec![
            "ok",
            "duplicate",
            "bad_signature",
            "wrong_chain_id",
            "expired",
            "expiry_too_far",
            "nonce_too_high",
            "unauthorized"
        ]
    );
    let again = p.admit(vec![tx(&k, 0, 51, "publish")], &ledger);
    assert_eq!(codes(&again), vec!["nonce_in_use"]);
    let low = FakeLedger { height: 10, nonces: [(k.public_key().address(SUITE), 3)].into(), max_tx_bytes: 64 * 1024 };
    assert_eq!(codes(&p.admit(vec![tx(&k, 2, 50, "publish")], &low)), vec!["nonce_too_low"]);
}

#[test]
fn full_pool_pushes_back_and_nothing_accepted_vanishes() {
    let keys: Vec<SecretKey> = (0..30u8).map(|i| SecretKey::from_seed(Algorithm::Ed25519, [i + 1; 32])).collect();
    let ledger = FakeLedger { height: 1, nonces: HashMap::new(), max_tx_bytes: 64 * 1024 };
    let p = pool(10);
    let batch: Vec<_> = keys.iter().map(|k| tx(k, 0, 3, "publish")).collect();
    let results = p.admit(batch, &ledger);
    let accepted: Vec<Hash32> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(accepted.len(), 10);
    assert!(results.iter().skip(10).all(|r| r.as_ref().err().map(|e| e.code) == Some("mempool_full")));
    // A block commits four of them; the rest expire.
    let reaped = p.reap(4, usize::MAX, &|_| Ok(0)).expect("reap");
    let committed: Vec<Hash32> = reaped.iter().map(|(h, _)| *h).collect();
    let with_senders: Vec<(Hash32, Address)> = reaped.iter().map(|(h, t)| (*h, t.tx.signer.address(SUITE))).collect();
    p.on_commit(3, &with_senders, &|a| Ok(u64::from(with_senders.iter().any(|(_, s)| s == a)))).expect("commit");
    for h in &accepted {
        match p.status(h) {
            None => assert!(committed.contains(h), "accepted {h} vanished"),
            Some(TxStatus::Dropped { code, .. }) => assert_eq!(code, "expired"),
            Some(TxStatus::Pending) => panic!("{h} should have expired at height 3"),
        }
    }
    assert_eq!(p.stats().txs, 0);
}

#[test]
fn reaping_keeps_each_senders_nonces_consecutive() {
    let a = SecretKey::from_seed(Algorithm::Ed25519, [1; 32]);
    let b = SecretKey::from_seed(Algorithm::Ed25519, [2; 32]);
    let ledger = FakeLedger { height: 1, nonces: HashMap::new(), max_tx_bytes: 64 * 1024 };
    let p = pool(100);
    // Arrival order: a2, b0, a0, a1, b2 (b1 missing).
    p.admit(
        vec![tx(&a, 2, 50, "x"), tx(&b, 0, 50, "x"), tx(&a, 0, 50, "x"), tx(&a, 1, 50, "x"), tx(&b, 2, 50, "x")],
        &ledger,
    );
    let got: Vec<(Address, u64)> = p
        .reap(10, usize::MAX, &|_| Ok(0))
        .expect("reap")
        .iter()
        .map(|(_, t)| (t.tx.signer.address(SUITE), t.tx.nonce))
        .collect();
    let (aa, bb) = (a.public_key().address(SUITE), b.public_key().address(SUITE));
    assert_eq!(got, vec![(bb, 0), (aa, 0), (aa, 1), (aa, 2)], "b2 waits for b1");
    assert_eq!(p.pending_next_nonce(&aa, 0), 3);
    assert_eq!(p.pending_next_nonce(&bb, 0), 1);
}

#[test]
fn a_committed_nonce_supersedes_pending_duplicates() {
    let a = SecretKey::from_seed(Algorithm::Ed25519, [1; 32]);
    let ledger = FakeLedger { height: 1, nonces: HashMap::new(), max_tx_bytes: 64 * 1024 };
    let p = pool(100);
    let r = p.admit(vec![tx(&a, 0, 50, "x"), tx(&a, 1, 50, "x")], &ledger);
    let h1 = *r[1].as_ref().expect("ok");
    // Another node's block carried a different transaction with nonces 0 and 1.
    let other = tx(&a, 0, 50, "y").0;
    p.on_commit(2, &[(other.hash(SUITE), a.public_key().address(SUITE))], &|_| Ok(2)).expect("commit");
    assert!(matches!(p.status(&h1), Some(TxStatus::Dropped { code, .. }) if code == "nonce_superseded"));
}

/// One account flooding nonces n+1 … n+1023 (never n) takes at most its quota, leaves room for
/// everyone else, and is dropped (`nonce_gap`) once it has waited `gap_ttl` blocks.
#[test]
fn one_senders_flood_leaves_room_for_everyone_else() {
    let cfg = MempoolConfig { max_txs: 300, max_per_sender: 64, gap_ttl: 10, ..Default::default() };
    let p = Mempool::new(cfg, "pool-chain", SUITE);
    let ledger = FakeLedger { height: 1, nonces: HashMap::new(), max_tx_bytes: 64 * 1024 };
    let flooder = SecretKey::from_seed(Algorithm::Ed25519, [66; 32]);
    let flood: Vec<_> = (1..1024).map(|n| tx(&flooder, n, 1000, "publish")).collect();
    let results = codes(&p.admit(flood, &ledger));
    assert_eq!(results.iter().filter(|c| *c == "ok").count(), 64, "the quota caps one account");
    assert!(results.iter().skip(64).all(|c| c == "sender_quota"), "{:?}", &results[60..70]);
    let others: Vec<SecretKey> = (0..4u8).map(|i| SecretKey::from_seed(Algorithm::Ed25519, [i + 1; 32])).collect();
    for k in &others {
        let txs: Vec<_> = (0..50).map(|n| tx(k, n, 1000, "publish")).collect();
        assert!(codes(&p.admit(txs, &ledger)).iter().all(|c| c == "ok"), "room is left for everyone else");
    }
    assert_eq!(p.stats().txs, 64 + 200);
    // Blocks pass; the others' transactions are executable, the flood is stuck behind nonce 0.
    let none = |_: &Address| Ok(0);
    for h in 2..=10 {
        p.on_commit(h, &[], &none).expect("commit");
    }
    assert_eq!(p.stats().txs, 264, "not yet gap_ttl blocks");
    p.on_commit(11, &[], &none).expect("commit");
    assert_eq!(p.stats().txs, 200, "the stuck flood is dropped, the rest stays");
    let stuck = tx(&flooder, 1, 1000, "publish").0.hash(SUITE);
    assert!(matches!(p.status(&stuck), Some(TxStatus::Dropped { code, .. }) if code == "nonce_gap"));
    let waiting = tx(&others[0], 0, 1000, "publish").0.hash(SUITE);
    assert_eq!(p.status(&waiting), Some(TxStatus::Pending));
}
