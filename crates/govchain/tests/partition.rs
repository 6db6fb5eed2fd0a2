//! Partitions and restarts of a 4-validator network: an isolated validator rejoins without a
//! fork; a validator killed right after voting never signs a conflicting vote after restarting.

mod support;

use std::time::Duration;

use support::net::{Net, equivocations};
use support::proxy::Proxy;

const MIN: Duration = Duration::from_secs(90);

/// Points every link of node `victim` at proxies on `<prefix><proxy_start + i>`.
fn route_through_proxies(net: &Net, n: usize, victim: usize, base: u8, proxy_base: u8) {
    for i in 0..n {
        let path = net.home(i).join("config.toml");
        let mut cfg = std::fs::read_to_string(&path).expect("config");
        for j in 0..n {
            if (i == victim) != (j == victim) {
                let direct = format!("/ip4/127.0.1.{}/tcp/36600/p2p/", base as usize + j);
                let proxied = format!("/ip4/127.0.1.{}/tcp/36600/p2p/", proxy_base as usize + j);
                cfg = cfg.replace(&direct, &proxied);
            }
        }
        std::fs::write(&path, cfg).expect("config");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_isolated_validator_rejoins_without_a_fork() {
    let mut net = Net::init("127.0.1.", 70, 4, 0);
    route_through_proxies(&net, 4, 3, 70, 80);
    let mut proxies = Vec::new();
    for j in 0..4u8 {
        proxies.push(Proxy::start(&format!("127.0.1.{}:36600", 80 + j), &format!("127.0.1.{}:36600", 70 + j)).await);
    }
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 3, MIN).await;

    for p in &proxies {
        p.cut().await;
    }
    let cut_at = net.height(3).await.expect("up");
    let h = net.height(0).await.expect("up");
    net.wait_height(&[0, 1, 2], h + 6, MIN).await;
    let isolated = net.height(3).await.expect("node 3 still serves its API");
    assert!(isolated <= cut_at + 1, "the isolated validator must not advance alone ({cut_at} -> {isolated})");

    for p in &proxies {
        p.heal();
    }
    let target = net.height(0).await.expect("up");
    net.wait_height(&[3], target, MIN).await;
    net.assert_same_chain(&[0, 1, 2, 3], target).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_validator_restarted_right_after_voting_never_signs_a_conflicting_vote() {
    let mut net = Net::init("127.0.1.", 90, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 2, MIN).await;
    let victim =
        net.client(3).status().await.expect("status").validators.iter().map(|v| v.address.clone()).collect::<Vec<_>>();
    let genesis = govchain_node::Genesis::load(&net.home(0).join("genesis.json")).expect("genesis").0;
    let key = govchain_node::load_key(&net.home(3).join("keys/validator.json"), "GOVCHAIN_PASSPHRASE").expect("key");
    let me = key.public_key().address(genesis.suite).to_text();
    assert!(victim.contains(&me));

    for round in 0..5 {
        // Wait for a certificate carrying node 3's precommit, then kill it at once.
        let deadline = tokio::time::Instant::now() + MIN;
        loop {
            let latest = net.client(0).block(None).await.expect("latest");
            if latest.certificate.signatures.iter().any(|s| s.validator == me) {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "node 3 never voted\n{}", net.logs());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        net.kill9(3);
        let h = net.height(0).await.expect("up");
        net.start(3);
        net.wait_height(&[3], h + 1, MIN).await;
        eprintln!("restart {round} at height {h}");
    }
    let h = net.height(0).await.expect("up");
    net.wait_height(&[0, 1, 2, 3], h + 3, MIN).await;
    for i in 0..4 {
        let m = net.client(i).metrics().await.expect("metrics");
        assert!(m.contains("malachitebft_core_consensus_equivocation_votes_total"), "the engine counts equivocations");
        assert_eq!(equivocations(&m), 0.0, "node {i} saw equivocating votes or proposals");
    }
    net.assert_same_chain(&[0, 1, 2, 3], h + 3).await;
}
