//! `govchain bench`: end-to-end throughput and commit latency of signed record publications
//! against a running chain, beside the raw Ed25519 verification rate of one core measured in
//! the same run.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use eyre::{Result, bail, eyre};
use govchain_crypto::{Algorithm, SecretKey};
use govchain_identity::{AccountKind, RegisterAccount};
use govchain_records::Publish;
use govchain_sdk::{Client, StreamEvent, TxBuilder};
use govchain_types::{Hash32, SignedTransaction, Suite};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use rand::RngCore;
use rayon::prelude::*;
use std::sync::Mutex;

use govchain_sdk::cli::Ctx;

/// `govchain bench` options.
#[derive(Args)]
pub struct BenchArgs {
    /// Number of signing accounts to register.
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    /// Number of record publications.
    #[arg(long, default_value_t = 40_000)]
    txs: usize,
    /// Transactions per HTTP batch.
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Batches in flight.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Admin key that registers the bench accounts (an admin of --org).
    #[arg(long, default_value = "finance-admin")]
    admin_key: String,
    /// Organisation the accounts join with the `publisher` role.
    #[arg(long, default_value = "finance")]
    org: String,
    /// Seconds to spend measuring raw Ed25519 verification.
    #[arg(long, default_value_t = 2)]
    verify_seconds: u64,
    /// Offered load in transactions per second (0: as fast as the node accepts). Below
    /// saturation the latency figures show commit latency rather than queueing.
    #[arg(long, default_value_t = 0)]
    rate: u64,
}

impl BenchArgs {
    /// The defaults with `txs` publications (for `govchain bench-data`'s records phase).
    pub fn with_txs(txs: usize) -> BenchArgs {
        BenchArgs {
            accounts: 200,
            txs,
            batch: 500,
            concurrency: 4,
            admin_key: "finance-admin".into(),
            org: "finance".into(),
            verify_seconds: 1,
            rate: 0,
        }
    }
}

/// One core verifying single Ed25519 signatures one after another (the GovChain rule).
pub fn ed25519_verify_rate(seconds: u64) -> f64 {
    let key = SecretKey::from_seed(Algorithm::Ed25519, [7u8; 32]);
    let pk = key.public_key();
    let msgs: Vec<Vec<u8>> =
        (0..256u32).map(|i| format!("bench message {i} {}", "x".repeat(200)).into_bytes()).collect();
    let sigs: Vec<_> = msgs.iter().map(|m| key.sign(m)).collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut n = 0u64;
    while Instant::now() < deadline {
        for (m, s) in msgs.iter().zip(&sigs) {
            if pk.verify(m, s).is_ok() {
                n += 1;
            }
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn wait_all(client: &Client, hashes: &[Hash32]) -> Result<()> {
    for h in hashes {
        let v = client.wait_tx(h, Duration::from_secs(120)).await?;
        if v.status != "committed" || v.receipt.as_ref().is_some_and(|r| r.outcome != "success") {
            bail!("setup transaction {h} was not committed successfully: {v:?}");
        }
    }
    Ok(())
}

fn stage_breakdown(metrics: &str) -> Vec<(String, f64, f64)> {
    let mut sums: HashMap<String, (f64, f64)> = HashMap::new();
    for line in metrics.lines() {
        for (suffix, idx) in [("_sum", 0), ("_count", 1)] {
            let prefix = format!("govchain_stage_seconds{suffix}{{stage=\"");
            if let Some(rest) = line.strip_prefix(&prefix)
                && let Some((stage, value)) = rest.split_once("\"} ")
            {
                let v: f64 = value.trim().parse().unwrap_or(0.0);
                let e = sums.entry(stage.to_string()).or_default();
                if idx == 0 { e.0 = v } else { e.1 = v }
            }
        }
    }
    let mut v: Vec<_> = sums.into_iter().map(|(k, (s, c))| (k, s, c)).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Runs the benchmark.
/// Runs the benchmark; returns the committed transactions per second.
pub async fn run(ctx: &Ctx, a: BenchArgs) -> Result<f64> {
    if a.accounts == 0 || a.txs == 0 || a.batch == 0 || a.concurrency == 0 {
        bail!("--accounts, --txs, --batch and --concurrency must be positive");
    }
    eprintln!("measuring single-core Ed25519 verification for {} s …", a.verify_seconds);
    let verify_rate = ed25519_verify_rate(a.verify_seconds);
    eprintln!("ed25519 verify: {verify_rate:.0}/s on one core");

    let client = ctx.client();
    let status = client.status().await.map_err(|e| eyre!("cannot reach {}: {e}", ctx.api))?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite"))?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let alg = suite.default_algorithm();

    // Register the accounts.
    let admin = ctx.load_key(&a.admin_key)?;
    let admin_addr = admin.public_key().address(suite);
    let mut nonce = client.nonces(&admin_addr).await?.pending_nonce;
    let mut base = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut base);
    let keys: Vec<SecretKey> = (0..a.accounts)
        .into_par_iter()
        .map(|i| {
            let mut seed = base;
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            SecretKey::from_seed(alg, seed)
        })
        .collect();
    eprintln!("registering {} accounts …", a.accounts);
    let mut setup = Vec::new();
    for k in &keys {
        let args = RegisterAccount {
            public_key: k.public_key(),
            kind: AccountKind::Official,
            org: a.org.clone(),
            roles: vec!["publisher".into()],
        };
        setup.push(builder.call(&admin, nonce, status.height + 5_000, &args)?);
        nonce += 1;
    }
    let mut setup_hashes = Vec::new();
    for chunk in setup.chunks(500) {
        let r = client.submit_batch(chunk).await?;
        if r.rejected > 0 {
            bail!("account registration rejected: {:?}", r.results.iter().find(|x| x.error.is_some()));
        }
        setup_hashes.extend(chunk.iter().map(|t| t.hash(suite)));
    }
    wait_all(&client, &setup_hashes).await?;
    let height = client.status().await?.height;

    // Pre-sign the load.
    let pb = ProgressBar::new(a.txs as u64).with_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message("signing");
    let n_acc = a.accounts;
    let txs: Vec<SignedTransaction> = (0..a.txs)
        .into_par_iter()
        .map(|i| {
            let k = &keys[i % n_acc];
            let args = Publish::text(
                "notice",
                &format!("Bench notice {i}"),
                &format!(
                    "Load-test record number {i}. 这是压力测试记录，编号{i}。{}",
                    "Lorem ipsum dolor sit amet. ".repeat(4)
                ),
                vec!["bench".into()],
            );
            let t = builder.call(k, (i / n_acc) as u64, height + 5_000, &args);
            pb.inc(1);
            t
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| eyre!(e))?;
    pb.finish_and_clear();
    let hashes: Vec<Hash32> = txs.par_iter().map(|t| t.hash(suite)).collect();

    // Follow commits.
    let committed: Arc<Mutex<HashMap<Hash32, Instant>>> = Arc::default();
    let mut events = client.events(true).await?;
    let committed_w = committed.clone();
    let follower = tokio::spawn(async move {
        while let Some(ev) = events.next().await {
            if let Ok(StreamEvent::Block(b)) = ev {
                let now = Instant::now();
                if let Ok(mut m) = committed_w.lock() {
                    for h in b.tx_hashes.unwrap_or_default() {
                        if let Some(h) = Hash32::from_hex(&h) {
                            m.insert(h, now);
                        }
                    }
                }
            }
        }
    });

    // Submit with back-pressure.
    let pb = ProgressBar::new(a.txs as u64).with_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message("submitting");
    let submitted: Arc<Mutex<HashMap<Hash32, Instant>>> = Arc::default();
    let start = Instant::now();
    let chunks: Vec<Vec<(Hash32, SignedTransaction)>> =
        hashes.iter().copied().zip(txs).collect::<Vec<_>>().chunks(a.batch).map(|c| c.to_vec()).collect();
    let sem = Arc::new(tokio::sync::Semaphore::new(a.concurrency));
    let mut tasks = Vec::new();
    let rejected = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for (ci, chunk) in chunks.into_iter().enumerate() {
        if a.rate > 0 {
            let due = start + Duration::from_secs_f64((ci * a.batch) as f64 / a.rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
        let permit = sem.clone().acquire_owned().await?;
        let client = client.clone();
        let submitted = submitted.clone();
        let pb = pb.clone();
        let rejected = rejected.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let mut pending: Vec<(Hash32, SignedTransaction)> = chunk;
            while !pending.is_empty() {
                let body: Vec<SignedTransaction> = pending.iter().map(|(_, t)| t.clone()).collect();
                let sent_at = Instant::now();
                match client.submit_batch(&body).await {
                    Ok(r) => {
                        let mut retry = Vec::new();
                        for (item, p) in r.results.iter().zip(pending) {
                            match &item.error {
                                None => {
                                    if let Ok(mut m) = submitted.lock() {
                                        m.insert(p.0, sent_at);
                                    }
                                    pb.inc(1);
                                }
                                Some(e) if e.code == "mempool_full" => retry.push(p),
                                Some(_) => {
                                    rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                    pb.inc(1);
                                }
                            }
                        }
                        pending = retry;
                    }
                    Err(e) if e.code() == Some("mempool_full") => {}
                    Err(e) => return Err(eyre!("submit failed: {e}")),
                }
                if !pending.is_empty() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            Ok::<(), eyre::Report>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    pb.finish_and_clear();

    // Wait for the commits.
    let expected: Vec<Hash32> = submitted.lock().map_err(|_| eyre!("lock"))?.keys().copied().collect();
    let wait_pb = ProgressBar::new(expected.len() as u64).with_message("committing");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let done = {
            let m = committed.lock().map_err(|_| eyre!("lock"))?;
            expected.iter().filter(|h| m.contains_key(h)).count()
        };
        wait_pb.set_position(done as u64);
        if done == expected.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_pb.finish_and_clear();
    follower.abort();

    let (n_submitted, n_committed, hist, elapsed) = {
        let sub = submitted.lock().map_err(|_| eyre!("lock"))?;
        let com = committed.lock().map_err(|_| eyre!("lock"))?;
        let mut hist = Histogram::<u64>::new(3)?;
        let mut last_commit = start;
        let mut n_committed = 0u64;
        for (h, sent) in sub.iter() {
            if let Some(c) = com.get(h) {
                n_committed += 1;
                hist.record(c.saturating_duration_since(*sent).as_millis() as u64)?;
                last_commit = last_commit.max(*c);
            }
        }
        let elapsed = last_commit.saturating_duration_since(start).as_secs_f64().max(1e-9);
        (sub.len() as u64, n_committed, hist, elapsed)
    };
    let tps = n_committed as f64 / elapsed;
    eprintln!(
        "{} submitted, {} rejected, {} committed in {:.2} s",
        n_submitted,
        rejected.load(std::sync::atomic::Ordering::Relaxed),
        n_committed,
        elapsed
    );
    if let Ok(m) = client.metrics().await {
        eprintln!("where the time goes (node-side stage totals):");
        for (stage, sum, count) in stage_breakdown(&m) {
            eprintln!(
                "  {stage:<9} {sum:>8.3} s over {count:>7.0} calls ({:.3} ms each)",
                1000.0 * sum / count.max(1.0)
            );
        }
    }
    if n_committed < n_submitted {
        eprintln!("WARNING: {} accepted transactions were not seen committed", n_submitted - n_committed);
    }
    println!(
        "tps={:.0} p50_ms={} p99_ms={} ed25519_verify_per_s={:.0} ratio={:.3}",
        tps,
        hist.value_at_quantile(0.5),
        hist.value_at_quantile(0.99),
        verify_rate,
        tps / verify_rate
    );
    Ok(tps)
}
