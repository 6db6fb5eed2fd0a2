//! `govchain bench-certs`: certificate status checks with proofs through the HTTP API, with
//! 10 000 and then 1 000 000 certificates issued — seeded through the normal path (signature
//! admission, block building and execution, atomic commit with a commit certificate) in bulk
//! blocks, without the consensus engine's timing in the way.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use eyre::{Result, eyre};
use govchain_api::{ApiConfig, NodeApi};
use govchain_certificates::{DefineType, Field, FieldKind, Issue};
use govchain_crypto::SecretKey;
use govchain_identity::{AccountKind, RegisterAccount};
use govchain_node::service::NodeService;
use govchain_node::{Chain, RawConfig};
use govchain_sdk::TxBuilder;
use govchain_types::bounded::BoundedVec;
use govchain_types::{CommitCertificate, CommitSignature, Hash32, SignedTransaction, VoteKind, vote_sign_bytes};
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::devnet::{self, NetworkSpec, NodeSpec};
use govchain_sdk::cli::Ctx;

/// `govchain bench-certs` options.
#[derive(Args)]
pub struct BenchCertsArgs {
    /// Certificate counts to measure at, ascending.
    #[arg(long, value_delimiter = ',', default_value = "10000,1000000")]
    sizes: Vec<u64>,
    /// Seconds of status checks at each size.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// After the last size, prune the state trees older than this many heights and report the
    /// live store size before and after (0: no pruning).
    #[arg(long, default_value_t = 0)]
    prune_keep: u64,
    /// Prune while seeding too (keeping `--prune-keep` heights), as a pruned node does: bounds
    /// the store of a 10,000,000-certificate run. Pruning time is not counted in commit_per_s.
    #[arg(long)]
    prune_while_seeding: bool,
    /// Transactions per seeding block.
    #[arg(long, default_value_t = 10_000)]
    block: usize,
    /// Keep the chain here (default: a temporary directory).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

const ISSUERS: usize = 256;

pub(crate) struct Seeder {
    pub(crate) chain: Arc<Chain>,
    pub(crate) service: Arc<NodeService>,
    builder: TxBuilder,
    validator: SecretKey,
    issuers: Vec<SecretKey>,
    nonces: Vec<u64>,
    pub(crate) issued: Vec<String>,
}

impl Seeder {
    /// Admits `txs` and commits them as blocks.
    pub(crate) async fn run_blocks(&self, txs: Vec<SignedTransaction>, per_block: usize) -> Result<()> {
        for chunk in txs.chunks(per_block) {
            let items: Vec<(SignedTransaction, usize)> = chunk.iter().map(|t| (t.clone(), t.encode().len())).collect();
            let svc = self.service.clone();
            let results = tokio::task::spawn_blocking(move || svc.submit(items, true)).await?;
            if let Some(e) = results.iter().find_map(|r| r.as_ref().err()) {
                return Err(eyre!("admission refused a seeding transaction: {e}"));
            }
            while self.chain.mempool.stats().txs > 0 {
                // Pipelined as a node: block h+1 is built while h is written.
                let height = self.chain.head().height + 1;
                let proposer = self.validator.public_key().address(self.chain.suite);
                let (hash, _) = self.chain.build(height, proposer, Instant::now() + Duration::from_secs(60)).await?;
                let msg = vote_sign_bytes(&self.chain.chain_id, height, 0, VoteKind::Precommit, Some(hash));
                let sig = CommitSignature { validator: proposer, signature: self.validator.sign(&msg) };
                let cert = CommitCertificate {
                    height,
                    round: 0,
                    block_hash: hash,
                    signatures: BoundedVec::new(vec![sig]).map_err(|e| eyre!("{e}"))?,
                };
                self.chain.commit_pipelined(cert).await?;
            }
        }
        self.chain.flush().await
    }

    pub(crate) fn sign_issuances(&mut self, count: usize, height: u64) -> Vec<SignedTransaction> {
        let start = self.issued.len();
        let jobs: Vec<(usize, u64)> = (0..count)
            .map(|i| {
                let who = (start + i) % ISSUERS;
                let n = self.nonces[who];
                self.nonces[who] += 1;
                (who, n)
            })
            .collect();
        let txs: Vec<(String, SignedTransaction)> = jobs
            .par_iter()
            .enumerate()
            .filter_map(|(i, (who, nonce))| {
                let n = (start + i) as u64;
                let id = self.chain.suite.hash(&n.to_le_bytes()).to_hex();
                let args = Issue {
                    id: id.clone(),
                    type_id: "permit".into(),
                    holder: Hash32(self.chain.suite.hash(&n.to_be_bytes()).0),
                    commitment: Hash32(self.chain.suite.hash(id.as_bytes()).0),
                    valid_from_ms: 0,
                    valid_until_ms: 0,
                    previous: None,
                };
                self.builder.call(&self.issuers[*who], *nonce, height + 5_000, &args).ok().map(|t| (id, t))
            })
            .collect();
        let (ids, txs): (Vec<String>, Vec<SignedTransaction>) = txs.into_iter().unzip();
        self.issued.extend(ids);
        txs
    }
}

/// Status checks through HTTP from `clients` keep-alive connections (hyper's HTTP/1.1 client:
/// the lightest well-kept client, so the load generator takes as little as possible of the
/// cores it shares with the node). Returns (checks per second, mean latency in ms).
async fn measure(
    addr: std::net::SocketAddr,
    ids: Arc<Vec<String>>,
    clients: usize,
    seconds: u64,
) -> Result<(f64, f64)> {
    let done = Arc::new(AtomicU64::new(0));
    let total_ns = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (ids, done, total_ns) = (ids.clone(), done.clone(), total_ns.clone());
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        tasks.push(tokio::spawn(async move {
            let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ c as u64;
            while Instant::now() < deadline {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let id = &ids[(x % ids.len() as u64) as usize];
                let req = hyper::Request::get(format!("/v1/certificates/{id}/status?proof=true"))
                    .header(hyper::header::HOST, "127.0.0.1")
                    .body(http_body_util::Empty::<bytes::Bytes>::new())?;
                let t = Instant::now();
                let resp = sender.send_request(req).await?;
                let ok = resp.status().is_success();
                let body = http_body_util::BodyExt::collect(resp.into_body()).await?.to_bytes();
                if !ok || body.is_empty() {
                    return Err(eyre!("status check failed: {}", String::from_utf8_lossy(&body)));
                }
                done.fetch_add(1, Ordering::Relaxed);
                total_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            }
            Ok::<(), eyre::Report>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let n = done.load(Ordering::Relaxed) as f64;
    Ok((n / seconds as f64, total_ns.load(Ordering::Relaxed) as f64 / n.max(1.0) / 1e6))
}

/// The same status check with proof and its JSON encoding, called directly on both cores: the
/// node's cost without HTTP and without a load generator sharing the machine.
fn measure_handler(svc: &NodeService, ids: &[String], n: usize) -> Result<f64> {
    let started = Instant::now();
    (0..n).into_par_iter().try_for_each(|i| {
        let id = &ids[(i.wrapping_mul(2_654_435_761)) % ids.len()];
        let view = govchain_certificates::query::status(svc, id, true).map_err(|e| eyre!("{}", e.message))?;
        serde_json::to_vec(&view).map(|_| ()).map_err(|e| eyre!(e))
    })?;
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// A one-validator bench chain in `home` (written here), opened without consensus, with a
/// certificate type and [`ISSUERS`] issuing officials registered: what `bench-certs` and
/// `bench-sync` seed certificates into.
pub(crate) async fn setup(home: &std::path::Path, block: usize) -> Result<(Seeder, govchain_node::NodeConfig)> {
    devnet::write_network(&NetworkSpec {
        chain_id: "govchain-bench".into(),
        suite: govchain_types::Suite::Ed25519Sha256,
        nodes: vec![NodeSpec {
            name: "bench".into(),
            home: home.to_path_buf(),
            api: "127.0.0.1:0".into(),
            p2p: "/ip4/127.0.0.1/tcp/0".into(),
            validator: true,
            org: "market".into(),
        }],
        account_keys: home.join("keys"),
        passphrase: String::new(),
    })?;
    let mut raw = RawConfig::load(&home.join("config.toml"))?;
    raw.mempool.max_txs = block.max(1000) * 2;
    raw.mempool.max_bytes = 256 << 20;
    // The setup registers every issuer from one admin account in one go.
    raw.mempool.max_per_sender = block.max(ISSUERS + 1) * 2;
    raw.mempool.max_bytes_per_sender = 256 << 20;
    // Blocks as fast as they are built (the seeding drives them; no pacing between them).
    raw.block.min_interval_ms = 0;
    let cfg = raw.check(home)?;
    let (chain, genesis) = govchain_node::open(&cfg)?;
    let service = Arc::new(NodeService::new(chain.clone()));
    let load = |n: &str| govchain_node::load_key(&home.join("keys").join(format!("{n}.json")), "GOVCHAIN_PASSPHRASE");
    let seeder = Seeder {
        chain: chain.clone(),
        service,
        builder: TxBuilder::new(&genesis.chain_id, genesis.suite),
        validator: load("validator")?,
        issuers: (0..ISSUERS)
            .map(|i| SecretKey::from_seed(genesis.suite.default_algorithm(), issuer_seed(i)))
            .collect(),
        nonces: vec![0; ISSUERS],
        issued: Vec::new(),
    };

    eprintln!("setting up: a certificate type and {ISSUERS} issuing officials …");
    let admin = load("market-admin")?;
    let mut setup = vec![seeder.builder.call(
        &admin,
        0,
        5_000,
        &DefineType {
            id: "permit".into(),
            name: "许可证 Permit".into(),
            fields: vec![Field { name: "holder_name".into(), kind: FieldKind::Text, required: true }],
            issuers: vec!["market".into()],
            default_validity_days: 365,
        },
    )?];
    for (i, k) in seeder.issuers.iter().enumerate() {
        let args = RegisterAccount {
            public_key: k.public_key(),
            kind: AccountKind::Official,
            org: "market".into(),
            roles: vec!["certifier".into()],
        };
        setup.push(seeder.builder.call(&admin, i as u64 + 1, 5_000, &args)?);
    }
    seeder.run_blocks(setup, block.max(ISSUERS + 1)).await?;
    Ok((seeder, cfg))
}

/// Runs the benchmark.
pub async fn run(_: &Ctx, a: BenchCertsArgs) -> Result<()> {
    let tmp = tempfile_dir(a.dir.clone())?;
    let home = tmp.join("node");
    let (mut seeder, cfg) = setup(&home, a.block).await?;
    let chain = seeder.chain.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let guards = govchain_api::Guards::new(cfg.api_limits.clone());
    let (router, _) =
        govchain_node::api_router(seeder.service.clone(), ApiConfig::default(), &govchain_node::components(), &guards);
    tokio::spawn(govchain_api::serve(listener, router, guards));

    let verify_rate = crate::cmd::bench::ed25519_verify_rate(2);
    let mut results = Vec::new();
    for &size in &a.sizes {
        let need = size.saturating_sub(seeder.issued.len() as u64) as usize;
        let pb = ProgressBar::new(need as u64).with_message(format!("issuing up to {size}"));
        let started = Instant::now();
        let mut left = need;
        // Commit throughput at this size: the last step of seeding (up to five bulk blocks).
        let mut commit_rate = 0.0;
        while left > 0 {
            let step = left.min(a.block * 5);
            let txs = seeder.sign_issuances(step, chain.tip().height);
            let t = Instant::now();
            seeder.run_blocks(txs, a.block).await?;
            commit_rate = step as f64 / t.elapsed().as_secs_f64();
            left -= step;
            if a.prune_while_seeding && a.prune_keep > 0 {
                let up_to = chain.tip().height.saturating_sub(a.prune_keep);
                while !chain.storage.prune_stale(up_to, 200_000)?.done {}
            }
            pb.inc(step as u64);
        }
        pb.finish_and_clear();
        if need > 0 {
            eprintln!(
                "seeded {need} certificates in {:.1} s ({:.0}/s through admission, execution and commit)",
                started.elapsed().as_secs_f64(),
                need as f64 / started.elapsed().as_secs_f64()
            );
        }
        let ids = Arc::new(seeder.issued.clone());
        let (rate, mean_ms) = measure(addr, ids.clone(), a.clients, a.seconds).await?;
        let svc = seeder.service.clone();
        let handler_rate = tokio::task::spawn_blocking(move || measure_handler(&svc, &ids, 50_000)).await??;
        let store_mb = std::fs::metadata(home.join("data").join("chain.redb")).map(|m| m.len()).unwrap_or(0) >> 20;
        println!(
            "certificates={size} status_with_proof_per_s={rate:.0} mean_latency_ms={mean_ms:.2} handler_only_per_s={handler_rate:.0} ed25519_verify_per_s={verify_rate:.0} ratio={:.3} commit_per_s={commit_rate:.0} store_mb={store_mb}",
            rate / verify_rate
        );
        results.push((size, rate));
    }
    if let (Some(first), Some(last)) = (results.first(), results.last())
        && results.len() > 1
    {
        println!("slowdown_from_{}_to_{}={:.2}x", first.0, last.0, first.1 / last.1.max(1.0));
    }
    if a.prune_keep > 0 {
        let before = chain.storage.space()?;
        let tip = chain.tip().height;
        let up_to = tip.saturating_sub(a.prune_keep);
        let started = Instant::now();
        let mut nodes = 0;
        loop {
            let p = chain.storage.prune_stale(up_to, 200_000)?;
            nodes += p.nodes;
            if p.done {
                break;
            }
        }
        let after = chain.storage.space()?;
        println!(
            "pruned_below={up_to} of {tip} heights: tree_nodes_removed={nodes} in {:.1} s; live_store_mb_before={} live_store_mb_after={} file_mb={} (govchain db compact returns the freed pages)",
            started.elapsed().as_secs_f64(),
            before.stored >> 20,
            after.stored >> 20,
            after.allocated >> 20
        );
    }
    if a.dir.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

fn tempfile_dir(dir: Option<std::path::PathBuf>) -> Result<std::path::PathBuf> {
    let d = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("govchain-bench-certs-{}", std::process::id())),
    };
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// A fixed, distinct seed per benchmark issuer (deterministic runs).
fn issuer_seed(i: usize) -> [u8; 32] {
    let mut seed = [0x5a; 32];
    seed[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
    seed
}
