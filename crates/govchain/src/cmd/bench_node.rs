//! The in-process development node a load benchmark runs against: a fresh home under the temp
//! directory, a pool large enough for the offered load, no job worker and no data exchanges
//! (the real consensus engine, storage and HTTP).

use std::path::PathBuf;

use eyre::Result;
use govchain_sdk::Client;
use govchain_sdk::cli::Ctx;
use govchain_types::Suite;

/// A running benchmark node.
pub struct BenchNode {
    /// The node (dropped by [`BenchNode::finish`]).
    pub node: govchain_node::RunningNode,
    /// CLI context over its home (the demo keys).
    pub ctx: Ctx,
    /// API client.
    pub client: Client,
    tmp: PathBuf,
}

impl BenchNode {
    /// Starts a node for benchmark `name` whose pool holds `pool_txs` transactions.
    pub async fn start(name: &str, pool_txs: usize) -> Result<BenchNode> {
        let tmp = std::env::temp_dir().join(format!("govchain-{name}-{}", std::process::id()));
        let home = tmp.join("node");
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let p2p_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let listen = format!("127.0.0.1:{port}");
        crate::devnet::create(&home, Suite::Ed25519Sha256, &listen, &format!("/ip4/127.0.0.1/tcp/{p2p_port}"))?;
        let ctx = Ctx { home: home.clone(), api: format!("http://{listen}") };
        let mut raw = govchain_node::RawConfig::load(&home.join("config.toml"))?;
        raw.mempool.max_txs = pool_txs;
        raw.mempool.max_bytes = 256 << 20;
        raw.mempool.max_per_sender = pool_txs;
        raw.mempool.max_bytes_per_sender = 256 << 20;
        raw.workflow_worker.clear();
        raw.datashare.clear();
        let node = govchain_node::start(raw.check(&home)?).await?;
        let client = Client::new(&format!("http://{}", node.api_addr));
        client.status().await?;
        Ok(BenchNode { node, ctx, client, tmp })
    }

    /// Stops the node and deletes its home.
    pub fn finish(self) {
        drop(self.node);
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

/// Waits (at most five minutes) until every submitted transaction id is in `seen`, the map a
/// block watcher fills; `what` names them in the error.
pub async fn wait_all_seen<V>(
    seen: &tokio::sync::Mutex<std::collections::BTreeMap<String, V>>,
    submitted: &[(String, std::time::Instant)],
    what: &str,
) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    loop {
        let done = {
            let s = seen.lock().await;
            submitted.iter().all(|(h, _)| s.contains_key(h))
        };
        if done {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            eyre::bail!("not every {what} was committed within 5 minutes");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Submit → first-seen latencies (µs) of the submitted transactions, and the last time one
/// was seen (`started` if none).
pub fn latencies<V>(
    seen: &std::collections::BTreeMap<String, V>,
    submitted: &[(String, std::time::Instant)],
    seen_at: impl Fn(&V) -> std::time::Instant,
    started: std::time::Instant,
) -> Result<(hdrhistogram::Histogram<u64>, std::time::Instant)> {
    let mut us = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut last = started;
    for (h, at) in submitted {
        if let Some(v) = seen.get(h) {
            let t = seen_at(v);
            us.record(t.duration_since(*at).as_micros() as u64)?;
            last = last.max(t);
        }
    }
    Ok((us, last))
}
