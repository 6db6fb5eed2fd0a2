//! `govchain bench-data`: the data-sharing access round trip and "who used my data" at scale,
//! on an in-process development node with both demo bureaus' exchanges (real consensus engine,
//! real SQLite connector, real HTTP).
//!
//! 1. Round trip: `--clients` concurrent caseworker requests under a grant, each one request →
//!    receipt committed → payload sealed to the grant's key → opened and kept by the grantee's
//!    node; p50/p99 and receipts committed per second.
//! 2. Records beside it, in the same run: `govchain bench`'s record publications.
//! 3. Who used my data: `--receipts` receipts in state, `--citizen-receipts` of them about one
//!    citizen; the time the node takes to answer the citizen's walk and the time the citizen
//!    takes to verify every proof bundle of it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use eyre::{Result, bail, eyre};
use govchain_crypto::{SecretKey, exchange};
use govchain_datashare::subject::{SubjectKey, random_tag};
use govchain_datashare::views::LookupResponse;
use govchain_datashare::wire::*;
use govchain_datashare::{FileRequest, Outcome, RecordAccess, Scope};
use govchain_identity::{AccountKind, RegisterAccount};
use govchain_sdk::cli::Ctx;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{SignedTransaction, Suite};
use hdrhistogram::Histogram;
use rayon::prelude::*;

/// `govchain bench-data` options.
#[derive(Args)]
pub struct BenchDataArgs {
    /// Access requests in the round-trip phase.
    #[arg(long, default_value_t = 2_000)]
    accesses: usize,
    /// Concurrent requests.
    #[arg(long, default_value_t = 100)]
    clients: usize,
    /// Enrolled demo citizens the accesses are spread over.
    #[arg(long, default_value_t = 1_000)]
    citizens: usize,
    /// Record publications in the records phase (0: skip).
    #[arg(long, default_value_t = 20_000)]
    records: usize,
    /// Receipts in state for the who-used phase.
    #[arg(long, default_value_t = 1_000_000)]
    receipts: usize,
    /// Of which about the measured citizen.
    #[arg(long, default_value_t = 1_000)]
    citizen_receipts: usize,
    /// Keep the chain here (default: a temporary directory).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

const SIGNERS: usize = 64;

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

async fn send_wait(c: &Client, txs: &[SignedTransaction], suite: Suite) -> Result<()> {
    for chunk in txs.chunks(500) {
        let mut pending: Vec<SignedTransaction> = chunk.to_vec();
        while !pending.is_empty() {
            let r = c.submit_batch(&pending).await?;
            let mut retry = Vec::new();
            for (item, tx) in r.results.iter().zip(pending) {
                match &item.error {
                    None => {}
                    // A full pool or a full per-sender quota drains as blocks commit.
                    Some(e) if e.code == "mempool_full" || e.code == "sender_quota" => retry.push(tx),
                    Some(e) => bail!("a bench transaction was refused: {} {}", e.code, e.message),
                }
            }
            if let Some(t) = retry.first() {
                let _ = c.wait_tx(&t.hash(suite), Duration::from_millis(200)).await;
            }
            pending = retry;
        }
    }
    // The last transaction of each signer: when it is committed, all of that signer's are.
    let mut last: std::collections::BTreeMap<Vec<u8>, &SignedTransaction> = std::collections::BTreeMap::new();
    for t in txs {
        last.insert(t.tx.signer.key_bytes().to_vec(), t);
    }
    for t in last.values() {
        let v = c.wait_tx(&t.hash(suite), Duration::from_secs(600)).await?;
        if v.status != "committed" {
            bail!("bench transaction {}: {}", v.status, v.reason.unwrap_or_default());
        }
    }
    Ok(())
}

/// Runs the benchmark.
pub async fn run(_: &Ctx, a: BenchDataArgs) -> Result<()> {
    if a.clients == 0 || a.accesses == 0 || a.citizens == 0 || a.citizen_receipts > a.receipts {
        bail!("--clients, --accesses, --citizens must be positive and --citizen-receipts at most --receipts");
    }
    let tmp = match &a.dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("govchain-bench-data-{}", std::process::id())),
    };
    let home = tmp.join("node");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let p2p_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    crate::devnet::create(&home, Suite::Ed25519Sha256, &listen, &format!("/ip4/127.0.0.1/tcp/{p2p_port}"))?;
    let ctx = Ctx { home: home.clone(), api: format!("http://{listen}") };
    crate::devshare::write_database(&home, &ctx.load_key("citizen-demo")?).await?;
    let citizens: Vec<(String, SecretKey)> = (0..a.citizens)
        .into_par_iter()
        .map(|i| {
            let mut seed = [9u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            (format!("9{i:017}"), SecretKey::from_seed(govchain_types::Algorithm::Ed25519, seed))
        })
        .collect();
    enrol(&home, &citizens).await?;
    let mut raw = govchain_node::RawConfig::load(&home.join("config.toml"))?;
    raw.mempool.max_txs = 50_000;
    raw.mempool.max_bytes = 256 << 20;
    raw.mempool.max_per_sender = 50_000;
    raw.mempool.max_bytes_per_sender = 256 << 20;
    let cfg = raw.check(&home)?;
    let node = govchain_node::start(cfg).await?;
    let url = format!("http://{}", node.api_addr);
    let c = Client::new(&url);
    crate::devshare::seed(&url, &home, &listen).await?;
    let status = c.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let (_, civil) = crate::devshare::endpoints(&listen);

    // A grant (by the demo policy).
    let caseworker = ctx.load_key("civil-caseworker")?;
    let kb = KeyBody { chain_id: status.chain_id.clone(), request: "bench".into() };
    let dk: serde_json::Value = Client::new(&civil)
        .post_json("/exchange/v1/local/delivery-key", &Signed::sign(KEY_DOMAIN, &kb, &caseworker))
        .await?;
    let request = FileRequest {
        id: "bench".into(),
        dataset: crate::devshare::DATASET.into(),
        fields: vec!["insured".into(), "months_paid".into()],
        purpose_code: "subsidy-eligibility".into(),
        purpose: "benchmark".into(),
        legal_basis: "benchmark".into(),
        scope: Scope::All,
        duration_days: 30,
        case_ref: "bench".into(),
        delivery_key: govchain_types::PublicKey::from_text(dk["delivery_key"].as_str().unwrap_or_default())?,
    };
    let nonce = c.nonces(&caseworker.public_key().address(suite)).await?.pending_nonce;
    send_wait(&c, &[builder.call(&caseworker, nonce, status.height + 1000, &request)?], suite).await?;
    let profile: serde_json::Value = c.get_json("/v1/datashare/profiles/hrss").await?;
    let owner_key =
        govchain_types::PublicKey::from_text(profile["latest"]["exchange_key"].as_str().unwrap_or_default())?;

    // 1. Round trips.
    eprintln!("round trip: {} accesses by {} concurrent clients over {} citizens …", a.accesses, a.clients, a.citizens);
    let reqs: Vec<Signed> = (0..a.accesses)
        .into_par_iter()
        .map(|i| {
            let access_id = random_tag();
            let sref = borsh::to_vec(&SubjectRef { id: citizens[i % citizens.len()].0.clone(), salt: None })
                .map_err(|e| eyre!(e))?;
            let body = AccessBody {
                chain_id: status.chain_id.clone(),
                access_id,
                grant: "bench".into(),
                dataset: crate::devshare::DATASET.into(),
                fields: vec!["insured".into(), "months_paid".into()],
                subject: exchange::seal(&owner_key, SUBJECT_INFO, &access_id.0, &sref)?,
                case_ref: format!("bench-{i}"),
                issued_ms: now_ms(),
            };
            Ok(Signed::sign(ACCESS_DOMAIN, &body, &caseworker))
        })
        .collect::<Result<_>>()?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(a.clients).build()?;
    let sem = Arc::new(tokio::sync::Semaphore::new(a.clients));
    let started = Instant::now();
    let mut tasks = Vec::new();
    let fetch_url = format!("{civil}/exchange/v1/local/fetch");
    for r in reqs {
        let permit = sem.clone().acquire_owned().await?;
        let (http, fetch_url) = (http.clone(), fetch_url.clone());
        tasks.push(tokio::spawn(async move {
            let _p = permit;
            let t = Instant::now();
            let resp = http.post(&fetch_url).json(&r).send().await?;
            let ok = resp.status().is_success();
            let body: serde_json::Value = resp.json().await?;
            if !ok || body["fields"]["months_paid"].is_null() {
                return Err(eyre!("an access failed: {body}"));
            }
            Ok::<u64, eyre::Report>(t.elapsed().as_micros() as u64)
        }));
    }
    let mut hist = Histogram::<u64>::new(3)?;
    for t in tasks {
        hist.record(t.await??)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let receipts_per_s = a.accesses as f64 / elapsed;
    let (p50, p99) = (hist.value_at_quantile(0.5) as f64 / 1000.0, hist.value_at_quantile(0.99) as f64 / 1000.0);
    eprintln!(
        "  {} accesses in {elapsed:.2} s: p50 {p50:.1} ms, p99 {p99:.1} ms, {receipts_per_s:.0} receipts/s",
        a.accesses
    );

    // 2. Records on the same node, the same run.
    let records_tps = if a.records > 0 {
        eprintln!("records: {} publications (govchain bench) …", a.records);
        crate::cmd::bench::run(&ctx, crate::cmd::bench::BenchArgs::with_txs(a.records)).await?
    } else {
        0.0
    };

    // 3. Who used my data at scale.
    let citizen = ctx.load_key("citizen-demo")?;
    let exch = ctx.load_key("hrss-exchange-key")?;
    let sk = SubjectKey::subject_side(suite, &citizen, &exch.public_key(), "hrss", 1)?;
    let already = node_count(&c).await?;
    let mine_before = walk_count(&c, &home, &citizen, &exch).await?;
    let filler = a.receipts.saturating_sub(already as usize);
    eprintln!(
        "who-used: seeding {filler} receipts ({} about the measured citizen) through the normal path …",
        a.citizen_receipts
    );
    let admin = ctx.load_key("hrss-admin")?;
    let signers: Vec<SecretKey> = (0..SIGNERS)
        .map(|i| {
            let mut seed = [77u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            SecretKey::from_seed(suite.default_algorithm(), seed)
        })
        .collect();
    let h = c.status().await?.height;
    let mut n = c.nonces(&admin.public_key().address(suite)).await?.pending_nonce;
    let mut setup = Vec::new();
    for k in &signers {
        let args = RegisterAccount {
            public_key: k.public_key(),
            kind: AccountKind::Official,
            org: "hrss".into(),
            roles: vec!["data-exchange".into()],
        };
        setup.push(builder.call(&admin, n, h + 5_000, &args)?);
        n += 1;
    }
    send_wait(&c, &setup, suite).await?;
    let seeding = Instant::now();
    let every = (filler / a.citizen_receipts.max(1)).max(1);
    let mut mine = mine_before;
    let step = 50_000;
    let mut done = 0;
    let mut nonces = vec![0u64; SIGNERS];
    let mut sample = Vec::new();
    while done < filler {
        let count = step.min(filler - done);
        let h = c.status().await?.height;
        let jobs: Vec<(usize, u64, Option<u64>)> = (0..count)
            .map(|i| {
                let g = done + i;
                let who = g % SIGNERS;
                let nonce = nonces[who];
                nonces[who] += 1;
                let about =
                    (g % every == 0 && (mine as usize) < a.citizen_receipts + mine_before as usize).then(|| {
                        mine += 1;
                        mine - 1
                    });
                (who, nonce, about)
            })
            .collect();
        let txs: Vec<SignedTransaction> = jobs
            .par_iter()
            .map(|(who, nonce, about)| {
                let (tag, kv, details) = match about {
                    Some(pos) => (sk.tag(*pos), 1, Vec::new()),
                    None => (random_tag(), 0, Vec::new()),
                };
                let args = RecordAccess {
                    tag,
                    key_version: kv,
                    access_id: random_tag(),
                    dataset: crate::devshare::DATASET.into(),
                    requester: "civil-affairs".into(),
                    grant: None,
                    purpose_code: "subsidy-eligibility".into(),
                    fields: vec!["insured".into()],
                    outcome: Outcome::Refused { code: "subject_not_found".into() },
                    details,
                };
                builder.call(&signers[*who], *nonce, h + 10_000, &args).map_err(|e| eyre!(e))
            })
            .collect::<Result<_>>()?;
        send_wait(&c, &txs, suite).await?;
        sample.extend(txs.iter().step_by(97).map(|t| t.hash(suite)));
        done += count;
        eprintln!("  {done}/{filler} receipts ({:.0}/s)", done as f64 / seeding.elapsed().as_secs_f64());
    }
    let total = node_count(&c).await?;
    if total < (already as usize + filler) as u64 {
        // Every seeding transaction should have become a receipt: say what became of a sample.
        let mut fates = std::collections::BTreeMap::<String, usize>::new();
        for h in &sample {
            let v = c.tx(h).await?;
            let fate = match (&v.status[..], &v.receipt) {
                ("committed", Some(r)) => format!("committed:{}", r.code.clone().unwrap_or_else(|| r.outcome.clone())),
                (s, _) => format!("{s}:{}", v.reason_code.unwrap_or_default()),
            };
            *fates.entry(fate).or_default() += 1;
        }
        eprintln!(
            "  WARNING: {} of {} receipts in state; a sample of the seeding transactions: {fates:?}",
            total,
            already as usize + filler
        );
    }
    let height = c.status().await?.height;
    let (g, _) = govchain_node::Genesis::load(&home.join("genesis.json"))?;
    let trust = g.trust_root()?;
    let owners = vec![("hrss".to_string(), 1u32, exch.public_key())];
    let answer_us = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let t = Instant::now();
    let report = govchain_datashare::who::walk(&trust, &citizen, &owners, height, |req| {
        let (c, answer_us) = (c.clone(), answer_us.clone());
        async move {
            let t = Instant::now();
            let r = c
                .post_json::<LookupResponse, _>("/v1/datashare/receipts/lookup", &req)
                .await
                .map_err(|e| e.to_string());
            answer_us.fetch_add(t.elapsed().as_micros() as u64, std::sync::atomic::Ordering::Relaxed);
            r
        }
    })
    .await
    .map_err(|e| eyre!("{e}"))?;
    let walk_ms = t.elapsed().as_secs_f64() * 1000.0;
    let answer_ms = answer_us.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1000.0;
    let verify_ms = walk_ms - answer_ms;
    eprintln!(
        "  the citizen has {} receipts among {total}, proven complete with {} bundles",
        report.counts[0].receipts, report.bundles_verified
    );
    drop(node);
    if a.dir.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    println!(
        "roundtrip_p50_ms={p50:.1} roundtrip_p99_ms={p99:.1} receipts_per_s={receipts_per_s:.0} records_tps={records_tps:.0} who_used_answer_ms={answer_ms:.0} who_used_verify_ms={verify_ms:.0}"
    );
    Ok(())
}

async fn node_count(c: &Client) -> Result<u64> {
    let page: serde_json::Value = c.get_json("/v1/datashare/receipts?limit=1").await?;
    Ok(page["total"].as_u64().unwrap_or(0))
}

/// Receipts already about the demo citizen (the round trips include them).
async fn walk_count(c: &Client, home: &std::path::Path, citizen: &SecretKey, exch: &SecretKey) -> Result<u64> {
    let (g, _) = govchain_node::Genesis::load(&home.join("genesis.json"))?;
    let owners = vec![("hrss".to_string(), 1u32, exch.public_key())];
    let height = c.status().await?.height;
    let r = govchain_datashare::who::walk(&g.trust_root()?, citizen, &owners, height, |req| {
        let c = c.clone();
        async move {
            c.post_json::<LookupResponse, _>("/v1/datashare/receipts/lookup", &req).await.map_err(|e| e.to_string())
        }
    })
    .await
    .map_err(|e| eyre!("{e}"))?;
    Ok(r.counts[0].receipts)
}

async fn enrol(home: &std::path::Path, citizens: &[(String, SecretKey)]) -> Result<()> {
    use sqlx::ConnectOptions as _;
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(home.join("hrss-social-insurance.db"));
    let mut conn = opts.connect().await?;
    sqlx::query("BEGIN").execute(&mut conn).await?;
    for (i, (id, k)) in citizens.iter().enumerate() {
        sqlx::query("INSERT OR REPLACE INTO insured_persons VALUES ($1, $2, 1, $3, 5000, $4)")
            .bind(id)
            .bind(format!("bench citizen {i}"))
            .bind((i % 200) as i64)
            .bind(k.public_key().to_text())
            .execute(&mut conn)
            .await?;
    }
    sqlx::query("COMMIT").execute(&mut conn).await?;
    Ok(())
}
