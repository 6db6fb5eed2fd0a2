//! What a byzantine proposer could send is refused by an honest validator's block check: a
//! pooled transaction with its signature replaced, an invalid transaction, an oversize block or
//! transaction, a wrong state root. The chain's governed `max_tx_bytes` is enforced at admission,
//! when building and when validating.

mod support;

use govchain_governance::{Action, Propose};
use govchain_records::Publish;
use govchain_types::{Block, Hash32, Header, SignedTransaction};
use support::{Driver, SUITE, genesis, key};

fn driver() -> Driver {
    let mut g = genesis(&["records.publish"]);
    g.set_section("governance", &govchain_governance::GovConfig::default()).expect("section");
    Driver::open(&g, &govchain_node::components())
}

fn publish(title: &str, body_len: usize) -> Publish {
    Publish::text("notice", title, &"x".repeat(body_len), vec![])
}

/// The block with `txs` in place of its own, its transaction root recomputed (receipts and state
/// root stay the proposer's).
fn with_txs(bytes: &[u8], txs: Vec<SignedTransaction>) -> Vec<u8> {
    let mut b = Block::decode(bytes).expect("block");
    let leaves: Vec<Hash32> = txs.iter().map(|t| govchain_proofs::merkle::leaf_hash(SUITE, &t.encode())).collect();
    b.header.tx_root = govchain_proofs::merkle::root(SUITE, &leaves);
    b.txs = govchain_types::BoundedVec::new(txs).expect("bounded");
    b.encode()
}

fn with_header(bytes: &[u8], f: impl FnOnce(&mut Header)) -> Vec<u8> {
    let mut b = Block::decode(bytes).expect("block");
    f(&mut b.header);
    b.encode()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pooled_transaction_with_a_replaced_signature_is_refused() {
    let d = driver();
    let t = d.tx("town-clerk", 0, &publish("honest", 10));
    assert_eq!(d.submit(std::slice::from_ref(&t)), ["ok"]);
    let (_, good) = d.build().await;
    let mut forged = t.clone();
    forged.signature = key("forger").sign(&t.tx.sign_bytes());
    assert_eq!(forged.hash(SUITE), t.hash(SUITE), "the id covers the body, not the signature");
    let verdict = d.check(with_txs(&good, vec![forged])).await;
    let reason = verdict.expect_err("a forged signature is never taken from the pool's verdict");
    assert!(reason.contains("bad signature"), "{reason}");
    assert_eq!(d.check(good).await, Ok(()), "the byte-identical block stays valid");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_transactions_oversize_blocks_and_wrong_roots_are_refused() {
    let d = driver();
    assert_eq!(d.submit(&[d.tx("town-clerk", 0, &publish("one", 10))]), ["ok"]);
    let (_, good) = d.build().await;
    let txs = Block::decode(&good).expect("block").txs.to_vec();

    let stranger = d.builder.call(&key("stranger"), 0, 100, &publish("who", 1)).expect("sign");
    let reason = d.check(with_txs(&good, [txs.clone(), vec![stranger]].concat())).await.expect_err("invalid");
    assert!(reason.contains("unknown_signer"), "{reason}");

    let max = d.chain.tip().params.max_block_txs as usize;
    let many = vec![txs[0].clone(); max + 1];
    let reason = d.check(with_txs(&good, many)).await.expect_err("too many transactions");
    assert!(reason.contains("size limits"), "{reason}");

    let reason = d.check(with_header(&good, |h| h.state_root.0[0] ^= 1)).await.expect_err("wrong state root");
    assert!(reason.contains("state_root"), "{reason}");
    let reason = d.check(with_header(&good, |h| h.receipts_root.0[0] ^= 1)).await.expect_err("wrong receipts root");
    assert!(reason.contains("receipts_root"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_governed_max_tx_bytes_holds_at_admission_building_and_validation() {
    let d = driver();
    let lower = Propose {
        action: Action::SetParam { name: "max_tx_bytes".into(), value: 512 },
        reason: "smaller transactions".into(),
    };
    assert_eq!(d.submit(&[d.tx("town-admin", 0, &lower)]), ["ok"]);
    let (block1, _) = d.build().await;
    // Admitted while the limit was still 64 KiB.
    let big = d.tx("town-clerk", 0, &publish("big", 700));
    assert!(big.encode().len() > 512);
    assert_eq!(d.submit(std::slice::from_ref(&big)), ["ok"]);
    d.commit(block1).await;
    assert_eq!(d.chain.tip().params.max_tx_bytes, 512, "one government department: executed at once");

    let later = d.tx("town-clerk", 1, &publish("big too", 700));
    assert_eq!(d.submit(&[later]), ["tx_too_large"], "admission follows the governed parameter");
    let (_, block2) = d.build().await;
    assert!(Block::decode(&block2).expect("block").txs.is_empty(), "the builder leaves it out");
    match d.chain.mempool.status(&big.hash(SUITE)) {
        Some(govchain_mempool::TxStatus::Dropped { code, .. }) => assert_eq!(code, "tx_too_large"),
        other => panic!("the too-large transaction must be dropped with a reason: {other:?}"),
    }
    let reason = d.check(with_txs(&block2, vec![big])).await.expect_err("validation refuses it too");
    assert!(reason.contains("max_tx_bytes"), "{reason}");
}
