//! `govchain dev` and `govchain node`.

use std::path::Path;
use std::time::Duration;

use clap::Args;
use eyre::{Result, WrapErr, eyre};
use govchain_node::{RawConfig, RunningNode};
use govchain_records::Publish;
use govchain_sdk::cli::Ctx;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::Suite;

use crate::devnet;

/// `govchain dev` options.
#[derive(Args)]
pub struct DevArgs {
    /// Crypto suite of a new chain: `ed25519` (Ed25519 + SHA-256) or `sm2` (SM2 + SM3).
    #[arg(long, default_value = "ed25519")]
    suite: String,
    /// API listen address.
    #[arg(long = "listen", default_value = "127.0.0.1:8080")]
    listen: String,
    /// P2P listen multiaddr.
    #[arg(long, default_value = "/ip4/127.0.0.1/tcp/26656")]
    p2p: String,
    /// Delete the chain data (keeps keys and genesis) before starting.
    #[arg(long)]
    reset: bool,
    /// Do not publish the demo records on a fresh chain.
    #[arg(long)]
    no_demo_records: bool,
    /// Only create the home directory (genesis, config, keys), then exit.
    #[arg(long)]
    init_only: bool,
}

/// `govchain node` options.
#[derive(Args)]
pub struct NodeArgs {
    /// Override the API listen address of config.toml.
    #[arg(long = "listen")]
    listen: Option<String>,
    /// Start a new node from a state snapshot instead of replaying the chain from genesis: a
    /// snapshot file, or a peer's API URL (`http://host:port`). The snapshot is verified against
    /// this home's genesis (docs/snapshots.md); a home that already has blocks ignores this.
    #[arg(long = "state-sync", value_name = "FILE|URL")]
    state_sync: Option<String>,
}

pub fn load_config(home: &Path, listen: Option<String>) -> Result<govchain_node::NodeConfig> {
    let mut raw = RawConfig::load(&home.join("config.toml"))?;
    if let Some(l) = listen {
        raw.api.listen = l;
    }
    raw.check(home)
}

/// Waits for SIGINT (Ctrl-C) or SIGTERM (systemd, `kill`); returns the signal's name.
pub async fn stop_signal() -> Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    })
}

async fn run_until_stopped(node: RunningNode) -> Result<()> {
    let chain = node.chain.clone();
    tokio::select! {
        r = node.wait() => r,
        s = stop_signal() => {
            let s = s?;
            // A decided block whose write is in flight lands first (a crash instead would leave
            // it to the decision record on restart).
            if tokio::time::timeout(std::time::Duration::from_secs(10), chain.flush()).await.is_err() {
                eprintln!("{s}: the last decided block is still being written; it is committed on restart");
            }
            eprintln!("{s}: stopping (committed blocks are durable)");
            Ok(())
        }
    }
}

/// Runs a node from its home.
pub async fn node(ctx: &Ctx, a: NodeArgs) -> Result<()> {
    let cfg = load_config(&ctx.home, a.listen)?;
    if let Some(source) = &a.state_sync {
        if govchain_node::snapshot::has_chain(&cfg)? {
            tracing::info!("the store already has blocks: --state-sync is not needed and is ignored");
        } else {
            let started = std::time::Instant::now();
            let info = crate::cmd::snapshot::import(&cfg, source).await?;
            tracing::info!(
                height = info.height,
                leaves = info.leaves,
                bytes = info.bytes,
                seconds = started.elapsed().as_secs_f64(),
                "state sync: snapshot verified against the genesis and imported"
            );
        }
    }
    let node = govchain_node::start(cfg).await?;
    println!("node API and portal listening on http://{}/", node.api_addr);
    run_until_stopped(node).await
}

/// Creates (on first run) and starts the development chain.
pub async fn dev(ctx: &Ctx, a: DevArgs) -> Result<()> {
    let suite = Suite::from_name(&a.suite).ok_or_else(|| eyre!("--suite must be ed25519 or sm2"))?;
    let created = devnet::create(&ctx.home, suite, &a.listen, &a.p2p)?;
    if created {
        let citizen = ctx.load_key("citizen-demo")?;
        crate::devshare::write_database(&ctx.home, &citizen).await?;
    }
    if a.init_only {
        println!("{} {}", if created { "created" } else { "kept existing" }, ctx.home.display());
        return Ok(());
    }
    if a.reset && !created {
        let data = ctx.home.join("data");
        if data.exists() {
            std::fs::remove_dir_all(&data).wrap_err("removing chain data")?;
        }
    }
    let cfg = load_config(&ctx.home, Some(a.listen.clone()))?;
    let node = govchain_node::start(cfg).await?;
    let fresh = node.chain.tip().height == 0;
    let url = format!("http://{}", node.api_addr);
    let home = ctx.home.display();
    println!("GovChain development chain is running");
    println!("  chain id   {} ({})", node.chain.chain_id, node.chain.suite.name());
    println!("  portal     {url}/   (explorer, record search, certificate verification)");
    println!("  API        {url}   (OpenAPI {url}/openapi.json, events {url}/v1/events)");
    println!(
        "  Ethereum   {url}/rpc   (JSON-RPC for ethers, viem, Foundry; dev key in {home}/{})",
        crate::devevm::DEV_ETH_KEY_FILE
    );
    println!("  home       {home}");
    println!("  demo keys  {home}/keys: {}", devnet::ACCOUNTS.iter().map(|a| a.name).collect::<Vec<_>>().join(", "));
    println!("  WARNING    development keystores have an EMPTY passphrase: never use them outside development");
    println!(
        "  try        govchain records publish --key finance-officer --category notice --title \"Hello\" --body \"你好\""
    );
    if fresh && !a.no_demo_records {
        let home = ctx.home.clone();
        let listen = a.listen.clone();
        tokio::spawn(async move {
            if let Err(e) = seed_demo_records(&url, &home).await {
                tracing::warn!(error = %e, "could not publish demo records");
            }
            if let Err(e) = crate::devshare::seed(&url, &home, &listen).await {
                tracing::warn!(error = %e, "could not publish the data-sharing demo");
            }
            if let Err(e) = crate::devflow::seed(&url, &home).await {
                tracing::warn!(error = %e, "could not deploy the workflow demo");
            }
            if let Err(e) = crate::devevm::seed(&url, &home).await {
                tracing::warn!(error = %e, "could not bind the development Ethereum key");
            }
        });
    }
    run_until_stopped(node).await
}

async fn seed_demo_records(url: &str, home: &Path) -> Result<()> {
    let client = Client::new(url);
    let ctx = Ctx { home: home.to_path_buf(), api: url.to_string() };
    let status = client.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let mut nonces = std::collections::BTreeMap::new();
    for (key_name, category, title, body, tags) in devnet::DEMO_RECORDS {
        let key = ctx.load_key(key_name)?;
        let nonce = nonces.entry(*key_name).or_insert(0u64);
        let args = Publish::text(category, title, body, tags.iter().map(|t| t.to_string()).collect());
        let tx = builder.call(&key, *nonce, status.height + 1000, &args)?;
        *nonce += 1;
        let hash = client.submit(&tx).await?;
        client.wait_tx(&hash, Duration::from_secs(30)).await?;
    }
    for t in devnet::DEMO_TYPES {
        let key = ctx.load_key(t.key)?;
        let nonce = nonces.entry(t.key).or_insert(0u64);
        let fields = t
            .fields
            .iter()
            .map(|f| {
                let p: Vec<&str> = f.split(':').collect();
                let kind = p.get(1).and_then(|k| govchain_certificates::FieldKind::parse(k));
                let kind = kind.unwrap_or(govchain_certificates::FieldKind::Text);
                govchain_certificates::Field { name: p[0].into(), kind, required: p.get(2).is_some() }
            })
            .collect();
        let args = govchain_certificates::DefineType {
            id: t.id.to_string(),
            name: t.name.to_string(),
            fields,
            issuers: t.issuers.iter().map(|s| s.to_string()).collect(),
            default_validity_days: t.days,
        };
        let tx = builder.call(&key, *nonce, status.height + 1000, &args)?;
        *nonce += 1;
        let hash = client.submit(&tx).await?;
        client.wait_tx(&hash, Duration::from_secs(30)).await?;
    }
    tracing::info!(
        "published {} demo records and {} certificate types",
        devnet::DEMO_RECORDS.len(),
        devnet::DEMO_TYPES.len()
    );
    Ok(())
}
