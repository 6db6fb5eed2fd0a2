//! Overload: submitting far faster than the chain commits. The API pushes back with 503
//! `mempool_full` (and `Retry-After`), and every transaction it accepted is later committed or
//! reported dropped with a reason; none vanish.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::{Node, load};
use tokio::sync::Mutex;

#[tokio::test(flavor = "multi_thread")]
async fn overload_pushes_back_and_accounts_for_every_accepted_transaction() {
    let mut node = Node::init("127.0.0.31", "ed25519");
    // A small chain: 40 transactions per block, 300 in the pool.
    node.edit_genesis(|g| g["params"]["max_block_txs"] = serde_json::json!(40));
    node.edit_config("[mempool]\n", "[mempool]\nmax_txs = 300\nmax_bytes = 67108864\n");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let (builder, suite, _) = node.builder().await;
    let keys = load::PUBLISHERS.iter().map(|k| node.key(k)).collect();

    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(load::LoadLog::default()));
    // One transaction in four expires two blocks after submission, the rest after thirty.
    let l = load::Load { client: node.client(), builder, suite, keys, batch: 200 };
    let loader = tokio::spawn(load::run(l, |i| if i % 4 == 0 { 2 } else { 30 }, stop.clone(), log.clone()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let (acc, full) = {
            let g = log.lock().await;
            (g.accepted.len(), g.backpressure + g.refused.get("mempool_full").copied().unwrap_or(0))
        };
        if acc >= 1500 && full >= 20 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "accepted {acc}, pushed back {full}; logs:\n{}", node.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    loader.await.expect("loader");

    let log = log.lock().await;
    assert!(log.backpressure + log.refused.get("mempool_full").copied().unwrap_or(0) >= 20);
    let client = node.client();
    let (mut committed, mut dropped) = (0, 0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    for h in &log.accepted {
        loop {
            let v = client.tx(h).await.unwrap_or_else(|e| panic!("accepted transaction {h} vanished: {e}"));
            match v.status.as_str() {
                "committed" => {
                    committed += 1;
                    break;
                }
                "dropped" => {
                    assert!(v.reason_code.as_deref().is_some_and(|c| !c.is_empty()) && v.reason.is_some(), "{v:?}");
                    dropped += 1;
                    break;
                }
                _ => {
                    assert!(tokio::time::Instant::now() < deadline, "{h} still pending");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
    assert_eq!(committed + dropped, log.accepted.len());
    assert!(committed > 0 && dropped > 0, "committed {committed}, dropped {dropped}");
    eprintln!(
        "accepted {}, committed {committed}, dropped with a reason {dropped}, refusals {:?}",
        log.accepted.len(),
        log.refused
    );
}
