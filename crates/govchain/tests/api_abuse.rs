//! The public API under attack while the chain commits: 1,000 slow connections that never
//! finish their headers (slowloris, from 20 addresses), a flood of the most expensive reads
//! (record search, record lists, the OpenAPI document, metrics) from 8 addresses, and an
//! address that opens more connections than it may. Loopback clients are not rate limited (the
//! default), so the flood is answered as fast as the node can: the chain is kept going by the
//! API's own runtime and thread pools alone. Another client is still answered every time, the
//! chain's block interval stays within twice its idle interval, and the node's memory stays
//! bounded. (Rate limits and load shedding are tested in `govchain-api`'s `limits`.)

mod support;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use support::{Node, load};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const SLOW_CONNECTIONS: usize = 1000;
const SLOW_ADDRESSES: u8 = 20;
const FLOOD_ADDRESSES: u8 = 8;
const FLOOD_CONNECTIONS_PER_ADDRESS: usize = 16;
const HEADER_TIMEOUT_MS: u64 = 2000;

/// Mean block interval (ms) between heights `from` and `to`, from the blocks' own times.
async fn mean_interval(client: &govchain_sdk::Client, from: u64, to: u64) -> u64 {
    let a = client.block(Some(from)).await.expect("block").header.time_ms;
    let b = client.block(Some(to)).await.expect("block").header.time_ms;
    (b - a) / (to - from)
}

async fn connect_from(source: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let s = TcpSocket::new_v4()?;
    s.bind(SocketAddr::new(source, 0))?;
    s.connect(to).await
}

/// A slowloris connection: a request line and one header, then another header line every
/// 500 ms, never the blank line. Reconnects when the node closes it; counts the closes.
async fn slow_client(source: IpAddr, to: SocketAddr, stop: Arc<AtomicBool>, closed: Arc<AtomicU64>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = connect_from(source, to).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if s.write_all(b"GET /status HTTP/1.1\r\nHost: node\r\n").await.is_err() {
            closed.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let mut buf = [0u8; 512];
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            tokio::select! {
                r = s.read(&mut buf) => {
                    // The node answered (408 or nothing) and closed the connection.
                    if matches!(r, Ok(0) | Err(_)) { closed.fetch_add(1, Ordering::Relaxed); break; }
                }
                _ = tokio::time::sleep(Duration::from_millis(500)) => {
                    if s.write_all(b"X-Slow: still-here\r\n").await.is_err() {
                        closed.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
            }
        }
    }
}

/// Expensive reads as fast as the node answers; counts answers by status.
async fn flooder(http: reqwest::Client, base: String, stop: Arc<AtomicBool>, ok: Arc<AtomicU64>, shed: Arc<AtomicU64>) {
    let paths = [
        "/v1/search/records?q=budget&limit=100",
        "/v1/records?limit=100",
        "/openapi.json",
        "/v1/organisations",
        "/v1/blocks/latest",
        "/metrics",
    ];
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let Ok(r) = http.get(format!("{base}{}", paths[i % paths.len()])).send().await else { continue };
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap_or_default();
        match status {
            200 => ok.fetch_add(1, Ordering::Relaxed),
            503 => {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                assert_eq!(v["error"]["code"], "overloaded", "load is shed with a named reason: {v}");
                shed.fetch_add(1, Ordering::Relaxed)
            }
            s => panic!("flood read answered {s}"),
        };
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_connections_and_a_read_flood_neither_stall_the_chain_nor_shut_out_other_clients() {
    let mut node = Node::init("127.0.0.41", "ed25519");
    node.edit_config("empty_interval_ms = 1000", "empty_interval_ms = 100");
    node.edit_config(
        "portal = true\n",
        &format!("portal = true\nheader_timeout_ms = {HEADER_TIMEOUT_MS}\nmax_event_streams = 4\n"),
    );
    node.start();
    node.wait_height(2, Duration::from_secs(60)).await;
    let addr: SocketAddr = node.listen.parse().expect("api address");
    let client = node.client();

    // Something for the expensive reads to go through: a few hundred records.
    let (builder, suite, _) = node.builder().await;
    let keys = load::PUBLISHERS.iter().map(|k| node.key(k)).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(tokio::sync::Mutex::new(load::LoadLog::default()));
    let l = load::Load { client: node.client(), builder, suite, keys, batch: 100 };
    let seeding = tokio::spawn(load::run(l, |_| 50, stop.clone(), log.clone()));
    while log.lock().await.accepted.len() < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    seeding.await.expect("seeding");
    let last = *log.lock().await.accepted.last().expect("seeded");
    client.wait_tx(&last, Duration::from_secs(60)).await.expect("seed committed");

    // Idle: the chain's own block times over 3 seconds.
    let h0 = client.status().await.expect("status").height;
    let idle_from = node.wait_height(h0 + 1, Duration::from_secs(30)).await;
    let idle_to = node.wait_height(idle_from + 30, Duration::from_secs(30)).await;
    let idle = mean_interval(&client, idle_from, idle_to).await;
    let rss_before = node.peak_rss_kib();

    // Event streams are capped: the fifth subscriber is refused by name, and a slot comes back
    // when a subscriber leaves.
    let http = reqwest::Client::new();
    let events = format!("{}/v1/events", node.api);
    let mut streams = Vec::new();
    for _ in 0..4 {
        let r = http.get(&events).send().await.expect("subscribe");
        assert_eq!(r.status(), 200);
        streams.push(r);
    }
    let refused = http.get(&events).send().await.expect("answer");
    assert_eq!(refused.status(), 503);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "too_many_subscribers", "{body}");
    drop(streams.pop());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The node notices the departure at its next event (a block every ~100 ms).
        let r = http.get(&events).send().await.expect("answer");
        if r.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the slot was never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(streams);

    // One address may hold 64 connections; its 65th is closed at once, unanswered.
    let greedy: IpAddr = "127.0.7.10".parse().expect("ip");
    let mut held = Vec::new();
    for _ in 0..64 {
        held.push(connect_from(greedy, addr).await.expect("within the limit"));
    }
    let mut extra = connect_from(greedy, addr).await.expect("tcp accepts");
    let _ = extra.write_all(b"GET /health HTTP/1.1\r\nHost: node\r\n\r\n").await;
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_millis(HEADER_TIMEOUT_MS / 2), extra.read_to_end(&mut buf))
        .await
        .expect("the 65th connection is closed before any timeout")
        .unwrap_or(0);
    assert_eq!(n, 0, "the 65th connection got an answer: {:?}", String::from_utf8_lossy(&buf));
    // A connection that sends nothing at all is closed at the header deadline too.
    let mut silent = held.remove(0);
    let n = tokio::time::timeout(Duration::from_millis(3 * HEADER_TIMEOUT_MS), silent.read_to_end(&mut buf))
        .await
        .expect("a silent connection is closed at the header deadline")
        .unwrap_or(0);
    assert_eq!(n, 0, "nothing was asked, nothing is answered");
    drop(held);

    // The attack.
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicU64::new(0));
    let mut attackers = Vec::new();
    for i in 0..SLOW_CONNECTIONS {
        let source: IpAddr = format!("127.0.9.{}", 10 + (i as u8 % SLOW_ADDRESSES)).parse().expect("ip");
        attackers.push(tokio::spawn(slow_client(source, addr, stop.clone(), closed.clone())));
    }
    let (ok, shed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    for a in 0..FLOOD_ADDRESSES {
        let source: IpAddr = format!("127.0.8.{}", 10 + a).parse().expect("ip");
        let http = reqwest::Client::builder().local_address(source).build().expect("client");
        for _ in 0..FLOOD_CONNECTIONS_PER_ADDRESS {
            attackers.push(tokio::spawn(flooder(
                http.clone(),
                node.api.clone(),
                stop.clone(),
                ok.clone(),
                shed.clone(),
            )));
        }
    }

    // Another client, from its own address, during the attack: always answered.
    let attack_from = client.status().await.expect("status").height;
    let started = Instant::now();
    let honest =
        reqwest::Client::builder().local_address("127.0.6.10".parse::<IpAddr>().expect("ip")).build().expect("client");
    let mut slowest = Duration::ZERO;
    let mut answered = 0;
    // A person's pace: ten requests a second, well under the per-address rate.
    let mut pace = tokio::time::interval(Duration::from_millis(100));
    while started.elapsed() < Duration::from_millis(3 * HEADER_TIMEOUT_MS + 1000) {
        pace.tick().await;
        for path in ["/status", "/v1/records?limit=10"] {
            let t = Instant::now();
            let r = honest.get(format!("{}{path}", node.api)).send().await.expect("the other client is answered");
            assert_eq!(r.status(), 200, "{path} during the attack");
            r.bytes().await.expect("body");
            slowest = slowest.max(t.elapsed());
            answered += 1;
        }
    }
    let attack_to = client.status().await.expect("status").height;
    let rss_after = node.peak_rss_kib();
    stop.store(true, Ordering::Relaxed);
    for a in attackers {
        // A flood read's unexpected answer fails the test here.
        tokio::time::timeout(Duration::from_secs(30), a).await.expect("attackers stop").expect("attacker");
    }

    assert!(attack_to > attack_from + 5, "the chain kept committing: {attack_from} → {attack_to}");
    let attacked = mean_interval(&client, attack_from, attack_to).await;
    let closes = closed.load(Ordering::Relaxed);
    eprintln!(
        "idle block interval {idle} ms; under attack {attacked} ms ({attack_from}→{attack_to}); \
         other client: {answered} answers, slowest {slowest:?}; slow connections closed by the node: {closes}; \
         flood: {} answered, {} shed (503); node peak RSS {} → {} MiB",
        ok.load(Ordering::Relaxed),
        shed.load(Ordering::Relaxed),
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(attacked <= 2 * idle, "block interval {attacked} ms under attack, {idle} ms idle");
    assert!(closes >= SLOW_CONNECTIONS as u64, "every slow connection was cut off at the header deadline: {closes}");
    assert!(ok.load(Ordering::Relaxed) > 1000, "the flood ran: {} answers", ok.load(Ordering::Relaxed));
    assert!(rss_after - rss_before < 256 * 1024, "memory rose by {} MiB", (rss_after - rss_before) / 1024);
}
