//! `govchain bench-vote`'s API phase: ballots cast through the HTTP API of an in-process
//! development node (real consensus, storage and HTTP): `--api-ballots` voters get certificates
//! and tokens on chain first, then every `vote.cast` is submitted with `POST /v1/txs/batch` and
//! the clock stops when the vote's ballot box holds them all.

use std::time::{Duration, Instant};

use eyre::{Result, bail, eyre};
use govchain_certificates::{DefineType, Field, FieldKind, Issue};
use govchain_crypto::SecretKey;
use govchain_participation::token::{self, Token};
use govchain_participation::*;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Algorithm, Hash32, Method, SignedTransaction, Suite};

use crate::cmd::bench_node::BenchNode;

const TRUSTEES: [&str; 3] = ["finance-admin", "auditor", "education-admin"];
const BATCH: usize = 500;

/// Submits one sender's `txs` in batches, each committed before the next (the pool takes a
/// sender's nonces at most 1,024 ahead), and checks the last of each succeeded.
async fn submit_all(c: &Client, txs: &[SignedTransaction], suite: Suite, what: &str) -> Result<()> {
    for chunk in txs.chunks(BATCH) {
        let r = c.submit_batch(chunk).await?;
        if r.rejected > 0 {
            bail!(
                "{what}: {} of {} refused: {:?}",
                r.rejected,
                chunk.len(),
                r.results.iter().find(|x| x.error.is_some())
            );
        }
        if let Some(last) = chunk.last() {
            let v = c.wait_tx(&last.hash(suite), Duration::from_secs(120)).await?;
            if v.receipt.as_ref().is_none_or(|r| r.outcome != "success") {
                bail!("{what}: one failed: {:?}", v.receipt);
            }
        }
    }
    Ok(())
}

async fn send<M: Method>(c: &Client, suite: Suite, key: &SecretKey, args: &M) -> Result<()> {
    crate::devflow::send(c, suite, key, args).await
}

/// Casts `n` ballots through the API; returns (ballots per second, seconds).
pub async fn cast_through_api(n: usize) -> Result<(u64, f64)> {
    let bench = BenchNode::start("bench-vote", 4 * n + 100).await?;
    let result = run(&bench, n).await;
    bench.finish();
    result
}

async fn run(bench: &BenchNode, n: usize) -> Result<(u64, f64)> {
    let c = &bench.client;
    let status = c.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite {}", status.suite))?;
    let b = TxBuilder::new(&status.chain_id, suite);
    let key = |name: &str| bench.ctx.load_key(name);
    let (police, authority, organiser) = (key("police-admin")?, key("hrss-admin")?, key("civil-admin")?);
    let t = DefineType {
        id: "bench-residence".into(),
        name: "Residence permit (benchmark)".into(),
        fields: vec![Field { name: "district".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 365,
    };
    send(c, suite, &police, &t).await?;
    eprintln!("issuing {n} certificates through the API …");
    let expires = c.status().await?.height + 5_000;
    let mut nonce = c.nonces(&police.public_key().address(suite)).await?.pending_nonce;
    let holder = |i: usize| suite.hash(format!("api voter {i}").as_bytes());
    let mut issues = Vec::with_capacity(n);
    for i in 0..n {
        let h = holder(i);
        let args = Issue {
            id: h.to_hex(),
            type_id: "bench-residence".into(),
            holder: h,
            commitment: h,
            valid_from_ms: 0,
            valid_until_ms: 0,
            previous: None,
        };
        issues.push(b.call(&police, nonce, expires, &args)?);
        nonce += 1;
    }
    submit_all(c, &issues, suite, "certificate issuance").await?;

    let (pem, der) = token::generate_authority()?;
    let height = c.status().await?.height;
    let create = CreateVote {
        id: "bench".into(),
        title: "Benchmark vote".into(),
        text_hash: Hash32::default(),
        options: vec!["Yes".into(), "No".into(), "Abstain".into()],
        eligibility: Eligibility {
            cert_type: "bench-residence".into(),
            condition: String::new(),
            authority: authority.public_key().address(suite),
            authority_key: der.clone(),
        },
        opens_height: height + 30,
        closes_height: height + 1_000_000,
        k: 2,
        trustees: TRUSTEES.iter().map(|t| key(t).map(|k| k.public_key().address(suite))).collect::<Result<_>>()?,
    };
    send(c, suite, &organiser, &create).await?;
    let v = client::vote(c, "bench", false).await?.vote;
    for t in TRUSTEES {
        let d = sealing::deal(2, &v.sealing.trustee_keys, &share_aad("bench"))?;
        let dealing = StoredDealing { commitments: d.commitments, shares: d.shares };
        send(c, suite, &key(t)?, &Deal { vote: "bench".into(), dealing }).await?;
    }
    let v = client::vote(c, "bench", false).await?.vote;

    eprintln!("preparing {n} voters (tokens issued through the API, sealed ballots) …");
    let mut nonce = c.nonces(&authority.public_key().address(suite)).await?.pending_nonce;
    let mut issuances = Vec::with_capacity(n);
    let mut casts = Vec::with_capacity(n);
    for i in 0..n {
        let mut seed = [9u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let voter = SecretKey::from_seed(Algorithm::Ed25519, seed);
        let msg = token::message("vote", "bench", &voter.public_key());
        let bl = token::blind(&der, &msg)?;
        let blinded = hex::decode(&bl.blinded)?;
        let args =
            IssueToken { vote: "bench".into(), certificate: holder(i).to_hex(), blinded_hash: suite.hash(&blinded) };
        issuances.push(b.call(&authority, nonce, expires, &args)?);
        nonce += 1;
        let t: Token = token::finalize(&der, &bl, &token::sign_blinded(&pem, &blinded)?, &msg)?;
        let sealed = tally::seal_choice(&v.sealing.public_key, "bench", &voter.public_key(), (i % 3) as u32)?;
        casts.push(b.call(&voter, 0, expires, &Cast { vote: "bench".into(), token: t, sealed })?);
    }
    submit_all(c, &issuances, suite, "token issuance").await?;
    while c.status().await?.height < v.opens_height {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    eprintln!("casting {n} ballots through POST /v1/txs/batch …");
    let started = Instant::now();
    for chunk in casts.chunks(BATCH) {
        let r = c.submit_batch(chunk).await?;
        if r.rejected > 0 {
            bail!("{} ballots refused: {:?}", r.rejected, r.results.iter().find(|x| x.error.is_some()));
        }
    }
    let deadline = started + Duration::from_secs(300);
    loop {
        let bx = client::vote(c, "bench", false).await?.ballot_box;
        if bx.ballots as usize == n {
            break;
        }
        if Instant::now() > deadline {
            bail!("only {} of {n} ballots were committed within 5 minutes", bx.ballots);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(((n as f64 / secs) as u64, secs))
}
