//! `kill -9` under load: every transaction acknowledged as committed before the crash is still
//! committed after the restart, the height never goes back, and the chain continues. And a
//! `SIGTERM` (systemd, `kill`) stops a node promptly and cleanly.

mod support;

use std::time::Duration;

use support::{Node, load};

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_under_load_loses_no_committed_transaction() {
    let mut node = Node::init("127.0.0.30", "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let (builder, suite, _) = node.builder().await;
    let keys = load::PUBLISHERS.iter().map(|k| node.key(k)).collect();

    // Acknowledgements: committed blocks as the node announces them.
    let (acked, follower) = load::follow_acks(&node.client()).await;

    let l = load::Load { client: node.client(), builder, suite, keys, batch: 100 };
    let loader = load::spawn(l);

    // Crash once a good number of transactions is acknowledged, with load still running.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        if acked.lock().await.0.len() >= 1500 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "load did not commit; logs:\n{}", node.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    node.kill9();
    let log = loader.stop().await;
    follower.abort();
    let (acked_hashes, acked_height) = acked.lock().await.clone();
    assert!(log.lock().await.accepted.len() > acked_hashes.len(), "the crash happened with transactions in flight");

    node.start();
    let height = node.wait_height(acked_height, Duration::from_secs(60)).await;
    assert!(height >= acked_height, "height went back from {acked_height} to {height}");
    let client = node.client();
    for h in &acked_hashes {
        let v = client.tx(h).await.unwrap_or_else(|e| panic!("acknowledged {h} lost after the crash: {e}"));
        assert_eq!(v.status, "committed", "{h}");
        assert!(v.height.is_some_and(|x| x <= acked_height));
    }
    // The chain continues.
    node.wait_height(height + 3, Duration::from_secs(60)).await;
    let (b, _, h) = node.builder().await;
    let key = node.key("market-officer");
    let nonce = client.nonces(&key.public_key().address(suite)).await.expect("account").pending_nonce;
    let t = b
        .call(&key, nonce, h + 100, &govchain_records::Publish::text("notice", "after the crash", "", vec![]))
        .expect("sign");
    let hash = client.submit(&t).await.expect("submit after restart");
    assert_eq!(client.wait_tx(&hash, Duration::from_secs(30)).await.expect("wait").status, "committed");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_node_promptly_and_it_resumes_where_it_was() {
    let mut node = Node::init("127.0.0.32", "ed25519");
    node.start();
    let before = node.wait_height(3, Duration::from_secs(60)).await;
    let status = node.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status}; logs:\n{}", node.logs());
    assert!(node.logs().contains("SIGTERM: stopping"), "{}", node.logs());
    node.start();
    let after = node.wait_height(before, Duration::from_secs(60)).await;
    assert!(after >= before, "height went back from {before} to {after}");
}
