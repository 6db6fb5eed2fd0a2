//! A load generator: the dev chain's publishers sign record publications and submit them in
//! batches, keeping each account's nonces consecutive (a nonce is reused when the pool refused
//! the transaction).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use govchain_crypto::SecretKey;
use govchain_records::Publish;
use govchain_sdk::{Client, StreamEvent, TxBuilder};
use govchain_types::{Hash32, Suite};
use tokio::sync::Mutex;

/// Dev accounts holding the publisher role.
pub const PUBLISHERS: [&str; 6] =
    ["finance-admin", "finance-officer", "market-admin", "market-officer", "police-admin", "police-officer"];

/// Results of a load run.
#[derive(Default)]
pub struct LoadLog {
    /// Accepted transaction ids.
    pub accepted: Vec<Hash32>,
    /// Refusals by code.
    pub refused: HashMap<String, usize>,
    /// HTTP 503 answers with `Retry-After`.
    pub backpressure: usize,
}

/// A load to generate.
pub struct Load {
    /// API client.
    pub client: Client,
    /// Transaction builder.
    pub builder: TxBuilder,
    /// Chain suite.
    pub suite: Suite,
    /// Signing accounts.
    pub keys: Vec<SecretKey>,
    /// Transactions per HTTP batch.
    pub batch: usize,
}

/// Submits batches until `stop` is set. `expiry(i)` gives the expiry offset of the i-th transaction.
pub async fn run(
    load: Load,
    expiry: impl Fn(usize) -> u64 + Send + 'static,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<LoadLog>>,
) {
    let Load { client, builder, suite, keys, batch } = load;
    let mut nonces = vec![0u64; keys.len()];
    let mut i = 0usize;
    let http = reqwest::Client::new();
    while !stop.load(Ordering::Relaxed) {
        let Ok(status) = client.status().await else {
            continue;
        };
        let mut txs = Vec::with_capacity(batch);
        let mut owners = Vec::with_capacity(batch);
        let mut planned = nonces.clone();
        for _ in 0..batch {
            let k = i % keys.len();
            let args = Publish::text("notice", &format!("load {i}"), "负载测试 load test", vec![]);
            let Ok(t) = builder.call(&keys[k], planned[k], status.height + expiry(i), &args) else {
                return;
            };
            planned[k] += 1;
            txs.push(t);
            owners.push(k);
            i += 1;
        }
        let raws: Vec<Vec<u8>> = txs.iter().map(|t| t.encode()).collect();
        let resp = http
            .post(format!("{}/v1/txs/batch", client.base()))
            .header("content-type", "application/octet-stream")
            .body(govchain_types::codec::encode(&raws))
            .send()
            .await;
        let Ok(resp) = resp else { continue };
        if resp.status().as_u16() == 503 {
            if resp.headers().contains_key("retry-after") {
                log.lock().await.backpressure += 1;
            }
            tokio::task::yield_now().await;
            continue;
        }
        let Ok(body) = resp.json::<govchain_api_types::dto::BatchResult>().await else {
            continue;
        };
        let mut g = log.lock().await;
        // Advance each account's nonce only over its accepted prefix.
        let mut blocked = vec![false; keys.len()];
        for (item, (t, k)) in body.results.iter().zip(txs.iter().zip(owners)) {
            match &item.error {
                None if !blocked[k] => {
                    nonces[k] = t.tx.nonce + 1;
                    g.accepted.push(t.hash(suite));
                }
                None => g.accepted.push(t.hash(suite)),
                Some(e) => {
                    blocked[k] = true;
                    *g.refused.entry(e.code.clone()).or_default() += 1;
                }
            }
        }
    }
}

/// What a node acknowledged as committed: the transactions of the blocks it announced, and the
/// highest such height.
pub type Acks = Arc<Mutex<(HashSet<Hash32>, u64)>>;

/// Follows `client`'s block events into [`Acks`] until the returned task is aborted.
pub async fn follow_acks(client: &Client) -> (Acks, tokio::task::JoinHandle<()>) {
    let acked: Acks = Arc::default();
    let mut events = client.events(true).await.expect("subscribe");
    let acked_w = acked.clone();
    let follower = tokio::spawn(async move {
        while let Some(Ok(ev)) = events.next().await {
            if let StreamEvent::Block(b) = ev {
                let mut g = acked_w.lock().await;
                g.1 = g.1.max(b.height);
                g.0.extend(b.tx_hashes.unwrap_or_default().iter().filter_map(|h| Hash32::from_hex(h)));
            }
        }
    });
    (acked, follower)
}

/// A load running in the background ([`spawn`]).
pub struct Running {
    stop: Arc<AtomicBool>,
    /// What it submitted so far.
    pub log: Arc<Mutex<LoadLog>>,
    task: tokio::task::JoinHandle<()>,
}

/// Runs `load` in the background, every transaction expiring 1000 blocks ahead.
pub fn spawn(load: Load) -> Running {
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(LoadLog::default()));
    let task = tokio::spawn(run(load, |_| 1000, stop.clone(), log.clone()));
    Running { stop, log, task }
}

impl Running {
    /// Stops submitting and waits for the batch in flight.
    pub async fn stop(self) -> Arc<Mutex<LoadLog>> {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        self.log
    }
}
