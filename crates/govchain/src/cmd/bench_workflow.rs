//! `govchain bench-workflow`: business-licence applications at a sustained offered rate on an
//! in-process development node (real consensus engine, real storage, real HTTP), each decided by
//! the process's CEL rules against chain facts (a valid resident-id certificate, no open penalty
//! record, the name free in the business register).
//!
//! Reports decisions per second, submit → decision latency (ms, as a client sees the deciding
//! block, and in blocks from the block that carries the application), and the records bench in
//! the same run. The job worker is off: the licences' issuance is not part of the figure.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use eyre::{Result, bail, eyre};
use govchain_crypto::SecretKey;
use govchain_identity::{AccountKind, RegisterAccount};
use govchain_sdk::cli::Ctx;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Hash32, Suite};
use govchain_workflow::{Apply, Deploy, Value};
use hdrhistogram::Histogram;
use tokio::sync::Mutex;

/// `govchain bench-workflow` options.
#[derive(Args)]
pub struct BenchWorkflowArgs {
    /// Applications to submit.
    #[arg(long, default_value_t = 5_000)]
    applications: usize,
    /// Offered rate, applications per second.
    #[arg(long, default_value_t = 500)]
    rate: usize,
    /// Applicant accounts (each with a resident-id certificate).
    #[arg(long, default_value_t = 200)]
    applicants: usize,
    /// Record publications in the records phase (0: skip).
    #[arg(long, default_value_t = 20_000)]
    records: usize,
}

fn applicant_key(i: usize) -> SecretKey {
    let mut seed = [31u8; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    SecretKey::from_seed(govchain_types::Algorithm::Ed25519, seed)
}

fn holder(i: usize) -> Hash32 {
    Suite::Ed25519Sha256.hash(format!("bench applicant {i}").as_bytes())
}

async fn commit_all(c: &Client, txs: &[govchain_types::SignedTransaction], suite: Suite) -> Result<()> {
    for chunk in txs.chunks(500) {
        let r = c.submit_batch(chunk).await?;
        if let Some(e) = r.results.iter().find_map(|i| i.error.as_ref()) {
            bail!("a set-up transaction was refused: {} {}", e.code, e.message);
        }
    }
    for t in txs {
        let v = c.wait_tx(&t.hash(suite), Duration::from_secs(120)).await?;
        if v.receipt.as_ref().is_some_and(|r| r.outcome != "success") {
            bail!("set-up transaction failed: {:?}", v.receipt.and_then(|r| r.code));
        }
    }
    Ok(())
}

/// Runs the benchmark.
pub async fn run(_: &Ctx, a: BenchWorkflowArgs) -> Result<()> {
    if a.applications == 0 || a.rate == 0 || a.applicants == 0 {
        bail!("--applications, --rate and --applicants must be positive");
    }
    let bench = crate::cmd::bench_node::BenchNode::start("bench-workflow", 50_000).await?;
    let (ctx, c) = (&bench.ctx, bench.client.clone());
    let status = c.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let builder = TxBuilder::new(&status.chain_id, suite);

    // Set-up: the certificate types, applicants with resident-id certificates, the process.
    eprintln!("set-up: {} applicants with resident-id certificates, the business-licence process …", a.applicants);
    let police = ctx.load_key("police-admin")?;
    let resident = govchain_certificates::DefineType {
        id: "resident-id".into(),
        name: "Resident identity".into(),
        fields: vec![govchain_certificates::Field {
            name: "name".into(),
            kind: govchain_certificates::FieldKind::Text,
            required: true,
        }],
        issuers: vec!["police".into()],
        default_validity_days: 3650,
    };
    crate::devflow::send(&c, suite, &police, &resident).await?;
    let definition = govchain_workflow::definition::from_text(crate::devflow::BUSINESS_LICENCE)?;
    crate::devflow::send(&c, suite, &ctx.load_key("market-admin")?, &Deploy { definition }).await?;
    let h = c.status().await?.height;
    let mut n = c.nonces(&police.public_key().address(suite)).await?.pending_nonce;
    let mut setup = Vec::new();
    for i in 0..a.applicants {
        let args = RegisterAccount {
            public_key: applicant_key(i).public_key(),
            kind: AccountKind::Citizen,
            org: "police".into(),
            roles: vec![],
        };
        setup.push(builder.call(&police, n, h + 5_000, &args)?);
        n += 1;
        let issue = govchain_certificates::Issue {
            id: hex::encode(holder(i).0),
            type_id: "resident-id".into(),
            holder: holder(i),
            commitment: Hash32([7; 32]),
            valid_from_ms: 0,
            valid_until_ms: 0,
            previous: None,
        };
        setup.push(builder.call(&police, n, h + 5_000, &issue)?);
        n += 1;
    }
    commit_all(&c, &setup, suite).await?;

    // Sign every application first (one applicant's applications are nonce-ordered).
    let h = c.status().await?.height;
    let mut nonces = vec![0u64; a.applicants];
    let txs: Vec<_> = (0..a.applications)
        .map(|i| {
            let who = i % a.applicants;
            let fields = BTreeMap::from([
                ("business_name".to_string(), Value::Text(format!("Bench Trading {i} Ltd"))),
                ("representative".to_string(), Value::Text(format!("Applicant {who}"))),
                ("address".to_string(), Value::Text(format!("{i} Bench Road"))),
                ("capital".to_string(), Value::Int(100_000)),
                ("scope".to_string(), Value::List(vec!["retail".into()])),
                ("founder".to_string(), Value::Text(hex::encode(holder(who).0))),
            ]);
            let args = Apply { org: "market".into(), process: "business-licence".into(), version: 0, fields };
            let tx = builder.call(&applicant_key(who), nonces[who], h + 10_000, &args);
            nonces[who] += 1;
            tx
        })
        .collect::<Result<_, _>>()?;

    // A watcher notes when each transaction's block is first seen.
    let seen: Arc<Mutex<BTreeMap<String, (Instant, u64)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (c, seen, stop) = (c.clone(), seen.clone(), stop.clone());
        let mut next = c.status().await?.height + 1;
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                match c.block(Some(next)).await {
                    Ok(b) => {
                        let now = Instant::now();
                        let mut s = seen.lock().await;
                        for t in b.tx_hashes {
                            s.insert(t, (now, b.height));
                        }
                        next += 1;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        })
    };

    eprintln!("offering {} applications at {}/s …", a.applications, a.rate);
    let tick = Duration::from_millis(100);
    let per_tick = (a.rate / 10).max(1);
    let started = Instant::now();
    let mut submitted: Vec<(String, Instant)> = Vec::with_capacity(txs.len());
    for (k, chunk) in txs.chunks(per_tick).enumerate() {
        let at = started + tick * k as u32;
        tokio::time::sleep_until(at.into()).await;
        let now = Instant::now();
        let r = c.submit_batch(chunk).await?;
        if let Some(e) = r.results.iter().find_map(|i| i.error.as_ref()) {
            bail!("an application was refused at admission: {} {}", e.code, e.message);
        }
        submitted.extend(chunk.iter().map(|t| (t.hash(suite).to_hex(), now)));
    }
    let offered_for = started.elapsed();
    crate::cmd::bench_node::wait_all_seen(&seen, &submitted, "application").await?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watcher.await;
    let seen = seen.lock().await;
    let (ms, last) = crate::cmd::bench_node::latencies(&seen, &submitted, |s| s.0, started)?;

    // Every application must have been decided, and in which block.
    eprintln!("checking every instance's decision …");
    let mut blocks = Histogram::<u64>::new(3)?;
    let mut approved = 0usize;
    for (h, _) in &submitted {
        let hash = Hash32::from_hex(h).ok_or_else(|| eyre!("hash"))?;
        let id = govchain_workflow::instance_id(suite, &hash);
        let v = govchain_workflow::client::instance(&c, &id, false).await?;
        if v.instance.state == "approved" {
            approved += 1;
        }
        let decided = v.steps.iter().find(|s| s.kind == govchain_workflow::StepKind::Auto && s.to != "review");
        let decided = decided.map(|s| s.height).unwrap_or(u64::MAX);
        blocks.record(decided.saturating_sub(v.instance.created_height).min(1_000_000))?;
    }
    if approved != submitted.len() {
        bail!("{approved} of {} applications were approved automatically", submitted.len());
    }
    let span = last.duration_since(started).as_secs_f64().max(offered_for.as_secs_f64());
    let decisions_per_s = approved as f64 / span;
    let (p50, p99) = (ms.value_at_quantile(0.5) as f64 / 1000.0, ms.value_at_quantile(0.99) as f64 / 1000.0);
    let (b50, b99) = (blocks.value_at_quantile(0.5), blocks.value_at_quantile(0.99));
    eprintln!(
        "decisions: {approved} approved in {span:.1} s ({decisions_per_s:.0}/s at an offered {}/s); submit → decision p50 {p50:.1} ms, p99 {p99:.1} ms; {b50}/{b99} blocks after the carrying block",
        a.rate
    );
    drop(seen);
    let records_tps = if a.records > 0 {
        eprintln!("records: {} publications (govchain bench) …", a.records);
        crate::cmd::bench::run(ctx, crate::cmd::bench::BenchArgs::with_txs(a.records)).await?
    } else {
        0.0
    };
    println!(
        "decisions_per_s={decisions_per_s:.0} p50_ms={p50:.1} p99_ms={p99:.1} p50_blocks={b50} p99_blocks={b99} records_tps={records_tps:.0}"
    );
    bench.finish();
    Ok(())
}
