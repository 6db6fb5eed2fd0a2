//! Fault tolerance of a 4-validator network of real processes on 127.0.1.x.

mod support;

use std::io::Write;
use std::time::Duration;

use govchain_sdk::TxBuilder;
use govchain_types::Suite;
use support::net::Net;
use support::{load, load_key};

const MIN: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn one_validator_down_the_rest_commit_and_it_catches_up_on_the_same_chain() {
    let mut net = Net::init("127.0.1.", 10, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 2, MIN).await;
    net.kill9(3);
    let h = net.height(0).await.expect("node 0 up");
    net.wait_height(&[0, 1, 2], h + 5, MIN).await;
    net.start(3);
    let target = net.height(0).await.expect("up");
    let started = std::time::Instant::now();
    net.wait_height(&[3], target, Duration::from_secs(20)).await;
    eprintln!("node 3 caught up {target} heights in {:?}", started.elapsed());
    net.assert_same_chain(&[0, 1, 2, 3], target).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_of_four_down_halts_without_forking_and_resumes() {
    let mut net = Net::init("127.0.1.", 20, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 2, MIN).await;
    net.kill9(2);
    net.kill9(3);
    // At most the block already in flight may complete; after that there is no quorum.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let stalled = net.height(0).await.expect("up");
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(net.height(0).await, Some(stalled), "no quorum, no new block");
    assert_eq!(net.height(1).await, Some(stalled));
    net.start(2);
    net.start(3);
    net.wait_height(&[0, 1, 2, 3], stalled + 3, MIN).await;
    net.assert_same_chain(&[0, 1, 2, 3], stalled + 3).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn all_four_killed_under_load_lose_no_acknowledged_transaction() {
    let mut net = Net::init("127.0.1.", 30, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 1, MIN).await;

    let (acked, follower) = load::follow_acks(&net.client(0)).await;
    let l = net.load_on(0, 100).await;
    let loader = load::spawn(l);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while acked.lock().await.0.len() < 600 {
        assert!(tokio::time::Instant::now() < deadline, "no load committed\n{}", net.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for i in 0..4 {
        net.kill9(i);
    }
    loader.stop().await;
    follower.abort();
    let (hashes, height) = acked.lock().await.clone();

    net.start_all();
    net.wait_height(&[0, 1, 2, 3], height + 2, MIN).await;
    for i in 0..4 {
        let c = net.client(i);
        for h in &hashes {
            let v = c.tx(h).await.unwrap_or_else(|e| panic!("node {i} lost acknowledged {h}: {e}"));
            assert_eq!(v.status, "committed");
        }
    }
    net.assert_same_chain(&[0, 1, 2, 3], height + 2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_peers_cannot_join_and_garbage_does_not_crash_a_node() {
    let mut net = Net::init("127.0.1.", 40, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 2, MIN).await;

    // A node with the right genesis and the validators as peers, but a p2p key nobody knows.
    let stranger = net.dir.join("stranger");
    std::fs::create_dir_all(stranger.join("keys")).expect("dir");
    std::fs::copy(net.home(0).join("genesis.json"), stranger.join("genesis.json")).expect("genesis");
    std::fs::write(stranger.join("keys/p2p.key"), hex::encode([0x5au8; 32])).expect("key");
    let cfg = std::fs::read_to_string(net.home(3).join("config.toml")).expect("config");
    let cfg = cfg
        .replace("127.0.1.43:18600", "127.0.1.49:18600")
        .replace("/ip4/127.0.1.43/tcp/36600\"", "/ip4/127.0.1.49/tcp/36600\"");
    let cfg = cfg.replace("validator = \"keys/validator.json\"", "validator = \"\"");
    std::fs::write(stranger.join("config.toml"), cfg).expect("config");
    let log = std::fs::File::create(stranger.join("node.log")).expect("log");
    let mut child = std::process::Command::new(support::bin())
        .args(["node"])
        .env("GOVCHAIN_HOME", &stranger)
        .stderr(log)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn stranger");

    // Garbage and an oversized frame at a validator's p2p port.
    for payload in
        [vec![0xffu8; 64 * 1024], (0..4 * 1024 * 1024).map(|i: u32| (i.wrapping_mul(7919) % 251) as u8).collect()]
    {
        if let Ok(mut s) = std::net::TcpStream::connect("127.0.1.40:36600") {
            let _ = s.write_all(&payload);
        }
    }
    let h = net.height(0).await.expect("up");
    net.wait_height(&[0, 1, 2, 3], h + 5, MIN).await;
    let stranger_client = govchain_sdk::Client::new("http://127.0.1.49:18600");
    let stranger_height = stranger_client.status().await.map(|s| s.height).unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(stranger_height, 0, "a node with an unknown key must not receive blocks");
    net.assert_same_chain(&[0, 1, 2, 3], h + 5).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_observer_syncs_from_genesis_and_serves_the_same_proofs() {
    let mut net = Net::init("127.0.1.", 50, 4, 1);
    for i in 0..4 {
        net.start(i);
    }
    net.wait_height(&[0], 1, MIN).await;
    let status = net.client(0).status().await.expect("status");
    let suite = Suite::from_name(&status.suite).expect("suite");
    let b = TxBuilder::new(&status.chain_id, suite);
    let key = load_key(&net.dir, "finance-officer");
    let t = b
        .call(&key, 0, status.height + 100, &govchain_records::Publish::text("notice", "观察 observed", "", vec![]))
        .expect("sign");
    let hash = net.client(0).submit(&t).await.expect("submit");
    net.client(0).wait_tx(&hash, Duration::from_secs(30)).await.expect("committed");
    let h = net.height(0).await.expect("up") + 3;
    net.wait_height(&[0, 1, 2, 3], h, MIN).await;

    net.start(4);
    net.wait_height(&[4], h, MIN).await;
    net.assert_same_chain(&[0, 4], h).await;
    let key = govchain_records::keys::head("finance-000001");
    let from_validator = net.client(0).state_proof(&key, Some(h)).await.expect("proof");
    let from_observer = net.client(4).state_proof(&key, Some(h)).await.expect("proof");
    let a = govchain_proofs::ProofBundle::from_bytes(&from_validator).expect("bundle");
    let b = govchain_proofs::ProofBundle::from_bytes(&from_observer).expect("bundle");
    assert_eq!(a.header, b.header);
    assert_eq!(a.claim, b.claim);
    let trust = govchain_node::Genesis::load(&net.home(0).join("genesis.json"))
        .expect("genesis")
        .0
        .trust_root()
        .expect("trust");
    a.verify(&trust).expect("validator's proof verifies");
    b.verify(&trust).expect("observer's proof verifies");
    // Certificates are canonical (sorted by address): with the same signers the files are identical.
    if a.certificate == b.certificate {
        assert_eq!(from_validator, from_observer, "the observer serves the validator's proof byte for byte");
    }
    let st = net.client(4).status().await.expect("observer status");
    assert_eq!(st.validators.len(), 4, "the observer is not a validator");
}
