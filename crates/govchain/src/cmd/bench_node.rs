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
