//! `govchain bench-evm`: ERC-20-style token transfers signed with secp256k1 and sent with
//! `eth_sendRawTransaction` in JSON-RPC batches, at a sustained offered rate, on an in-process
//! development node (real consensus engine, real storage, real HTTP, revm).
//!
//! Reports transfers per second, submit → receipt latency (the first time the transfer's block
//! is visible over JSON-RPC), one core's secp256k1 recovery rate, and the records bench in the
//! same run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy_sol_types::{SolCall as _, SolValue as _, sol};
use clap::Args;
use eyre::{Result, bail, eyre};
use govchain_crypto::{Algorithm, SecretKey, secp256k1};
use govchain_sdk::Client;
use govchain_sdk::cli::Ctx;
use govchain_types::{Address, Suite};
use serde_json::{Value, json};
use tokio::sync::Mutex;

sol! {
    interface IToken {
        function transfer(address to, uint256 value) external returns (bool);
    }
}

/// `govchain bench-evm` options.
#[derive(Args)]
pub struct BenchEvmArgs {
    /// Transfers to send.
    #[arg(long, default_value_t = 10_000)]
    transfers: usize,
    /// Offered rate, transfers per second.
    #[arg(long, default_value_t = 1_000)]
    rate: usize,
    /// Sending accounts (Ethereum keys, each bound and funded with tokens).
    #[arg(long, default_value_t = 100)]
    senders: usize,
    /// Record publications in the records phase (0: skip).
    #[arg(long, default_value_t = 20_000)]
    records: usize,
}

fn sender_key(i: usize) -> SecretKey {
    let mut seed = [47u8; 32];
    seed[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
    SecretKey::from_seed(Algorithm::Secp256k1, seed)
}

fn eth(k: &SecretKey) -> Address {
    k.public_key().address(Suite::Ed25519Sha256)
}

fn tx(chain_id: u64, k: &SecretKey, nonce: u64, to: Option<Address>, input: Vec<u8>, gas: u64) -> Result<String> {
    let t = alloy_consensus::TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        to: match to {
            Some(a) => alloy_primitives::TxKind::Call(alloy_primitives::Address::from(a.0)),
            None => alloy_primitives::TxKind::Create,
        },
        input: input.into(),
        ..Default::default()
    };
    let raw = govchain_evm::ethtx::sign_1559(k, t).ok_or_else(|| eyre!("not a secp256k1 key"))?;
    Ok(format!("0x{}", hex::encode(raw)))
}

async fn rpc_batch(c: &Client, calls: Vec<(&str, Value)>) -> Result<Vec<Value>> {
    let body: Vec<Value> = calls
        .into_iter()
        .enumerate()
        .map(|(i, (m, p))| json!({"jsonrpc": "2.0", "id": i, "method": m, "params": p}))
        .collect();
    let v: Value = c.post_json("/rpc", &body).await?;
    let arr = v.as_array().ok_or_else(|| eyre!("batch answer is not an array: {v}"))?;
    arr.iter()
        .map(|r| match r.get("error") {
            Some(e) => Err(eyre!("{e}")),
            None => Ok(r["result"].clone()),
        })
        .collect()
}

async fn wait_receipt(c: &Client, hash: &str) -> Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let r = rpc_batch(c, vec![("eth_getTransactionReceipt", json!([hash]))]).await?.remove(0);
        if !r.is_null() {
            return Ok(r);
        }
        if Instant::now() > deadline {
            bail!("no receipt for {hash}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One core's secp256k1 public-key recoveries per second (what admitting an Ethereum
/// transaction costs at least once).
fn recover_rate() -> f64 {
    let k = sender_key(0);
    let digest = secp256k1::keccak256(b"bench");
    let (rs, odd) = k.sign_digest_recoverable(&digest).unwrap_or(([0; 64], false));
    let n = 2_000;
    let started = Instant::now();
    for _ in 0..n {
        let _ = secp256k1::recover(&digest, &rs, odd);
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Runs the benchmark.
pub async fn run(_: &Ctx, a: BenchEvmArgs) -> Result<()> {
    if a.transfers == 0 || a.rate == 0 || a.senders == 0 {
        bail!("--transfers, --rate and --senders must be positive");
    }
    let bench = crate::cmd::bench_node::BenchNode::start("bench-evm", 100_000).await?;
    let (ctx, c) = (&bench.ctx, bench.client.clone());
    let status = c.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let chain_id = u64::from_str_radix(
        rpc_batch(&c, vec![("eth_chainId", json!([]))]).await?[0].as_str().unwrap_or("0x0").trim_start_matches("0x"),
        16,
    )?;

    // Set-up: bind every sender's key to market-admin (a contract developer), deploy the token
    // from sender 0, and give every sender tokens.
    eprintln!("set-up: {} bound Ethereum senders, the token contract …", a.senders);
    let market = ctx.load_key("market-admin")?;
    let account = market.public_key().address(suite);
    let keys: Vec<SecretKey> = (0..a.senders).map(sender_key).collect();
    for k in &keys {
        let msg =
            secp256k1::personal_message(govchain_identity::eth::bind_message(&status.chain_id, &account).as_bytes());
        let args = govchain_identity::eth::BindEthKey { public_key: k.public_key(), proof: k.sign(&msg) };
        crate::devflow::send(&c, suite, &market, &args).await?;
    }
    let mut init = govchain_evm_bench_artifact()?;
    init.extend(("BenchCoin".to_string(), alloy_primitives::U256::from(u64::MAX)).abi_encode_params());
    let deploy = tx(chain_id, &keys[0], 0, None, init, 3_000_000)?;
    let h = rpc_batch(&c, vec![("eth_sendRawTransaction", json!([deploy]))]).await?.remove(0);
    let r = wait_receipt(&c, h.as_str().unwrap_or_default()).await?;
    let token = Address::from_text(r["contractAddress"].as_str().ok_or_else(|| eyre!("no contract: {r}"))?)?;
    let share = u64::MAX / (a.senders as u64 + 1);
    let mut last = String::new();
    for chunk in (1..a.senders).collect::<Vec<_>>().chunks(100) {
        let calls = chunk
            .iter()
            .map(|i| {
                let input = IToken::transferCall {
                    to: alloy_primitives::Address::from(eth(&keys[*i]).0),
                    value: alloy_primitives::U256::from(share),
                }
                .abi_encode();
                tx(chain_id, &keys[0], *i as u64, Some(token), input, 100_000)
                    .map(|t| ("eth_sendRawTransaction", json!([t])))
            })
            .collect::<Result<Vec<_>>>()?;
        let hashes = rpc_batch(&c, calls).await?;
        last = hashes.last().and_then(Value::as_str).unwrap_or_default().to_string();
    }
    if !last.is_empty() {
        wait_receipt(&c, &last).await?;
    }

    // Sign every transfer first (each sender's in nonce order).
    let mut nonces: Vec<u64> = (0..a.senders).map(|i| if i == 0 { a.senders as u64 } else { 0 }).collect();
    let signed: Vec<String> = (0..a.transfers)
        .map(|n| {
            let i = n % a.senders;
            let to = alloy_primitives::Address::from([((n % 250) + 1) as u8; 20]);
            let input = IToken::transferCall { to, value: alloy_primitives::U256::from(1) }.abi_encode();
            let t = tx(chain_id, &keys[i], nonces[i], Some(token), input, 100_000);
            nonces[i] += 1;
            t
        })
        .collect::<Result<_>>()?;

    // A watcher notes when each transaction's block is first visible over JSON-RPC.
    let seen: Arc<Mutex<BTreeMap<String, Instant>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (c, seen, stop) = (c.clone(), seen.clone(), stop.clone());
        let mut next = c.status().await?.height + 1;
        tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let b = rpc_batch(&c, vec![("eth_getBlockByNumber", json!([format!("0x{next:x}"), false]))]).await;
                match b.ok().and_then(|mut v| v.pop()).filter(|v| !v.is_null()) {
                    Some(b) => {
                        let now = Instant::now();
                        let mut s = seen.lock().await;
                        for t in b["transactions"].as_array().into_iter().flatten() {
                            s.insert(t.as_str().unwrap_or_default().to_string(), now);
                        }
                        next += 1;
                    }
                    None => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        })
    };

    eprintln!("offering {} transfers at {}/s (JSON-RPC batches of up to 100) …", a.transfers, a.rate);
    let tick = Duration::from_millis(100);
    let per_tick = (a.rate / 10).max(1);
    let started = Instant::now();
    let mut submitted: Vec<(String, Instant)> = Vec::with_capacity(signed.len());
    for (k, chunk) in signed.chunks(per_tick).enumerate() {
        tokio::time::sleep_until((started + tick * k as u32).into()).await;
        for part in chunk.chunks(100) {
            let now = Instant::now();
            let calls = part.iter().map(|t| ("eth_sendRawTransaction", json!([t]))).collect();
            let hashes = rpc_batch(&c, calls).await.map_err(|e| eyre!("a transfer was refused: {e}"))?;
            submitted.extend(hashes.into_iter().map(|h| (h.as_str().unwrap_or_default().to_string(), now)));
        }
    }
    let offered_for = started.elapsed();
    crate::cmd::bench_node::wait_all_seen(&seen, &submitted, "transfer").await?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = watcher.await;
    let seen = seen.lock().await;
    let (ms, last_seen) = crate::cmd::bench_node::latencies(&seen, &submitted, |t| *t, started)?;
    // Every transfer succeeded (a sample of receipts: the first, the last, every 500th).
    for (i, (h, _)) in submitted.iter().enumerate() {
        if i == 0 || i + 1 == submitted.len() || i % 500 == 0 {
            let r = wait_receipt(&c, h).await?;
            if r["status"] != "0x1" {
                bail!("transfer {h} failed: {r}");
            }
        }
    }
    drop(seen);
    let span = last_seen.duration_since(started).as_secs_f64().max(offered_for.as_secs_f64());
    let per_s = submitted.len() as f64 / span;
    let (p50, p99) = (ms.value_at_quantile(0.5) as f64 / 1000.0, ms.value_at_quantile(0.99) as f64 / 1000.0);
    let recover = recover_rate();
    eprintln!(
        "transfers: {} in {span:.1} s ({per_s:.0}/s at an offered {}/s); submit → receipt p50 {p50:.1} ms, p99 {p99:.1} ms; one core recovers {recover:.0} secp256k1 keys/s",
        submitted.len(),
        a.rate
    );
    let records_tps = if a.records > 0 {
        eprintln!("records: {} publications (govchain bench) …", a.records);
        crate::cmd::bench::run(ctx, crate::cmd::bench::BenchArgs::with_txs(a.records)).await?
    } else {
        0.0
    };
    println!(
        "transfers_per_s={per_s:.0} p50_ms={p50:.1} p99_ms={p99:.1} secp256k1_recover_per_s={recover:.0} records_tps={records_tps:.0}"
    );
    bench.finish();
    Ok(())
}

/// The token contract's init code (contracts/out/Token.json, compiled in).
fn govchain_evm_bench_artifact() -> Result<Vec<u8>> {
    let v: Value = serde_json::from_str(include_str!("../../../../contracts/out/Token.json"))?;
    Ok(hex::decode(v["bytecode"].as_str().unwrap_or_default().trim_start_matches("0x"))?)
}
