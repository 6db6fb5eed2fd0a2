//! `govchain bench-vote`: the cost of a vote, measured on the chain's own executor and tally code.
//!
//! * `ballots_per_s`: `vote.cast` transactions (one-time key, blind-signed token, sealed
//!   choice) **through the HTTP API** of an in-process development node (`--api-ballots`,
//!   [`bench_vote_api`](super::bench_vote_api)): submitted in batches, timed until the ballot
//!   box holds them all.
//! * the `cast:` line: the same transactions through admission (`check_tx`: RSA token
//!   verification) and block execution alone, in blocks of `--block` ballots, on the in-memory
//!   state the module tests use, beside Ed25519 verification of the same envelopes on one core
//!   (the ratio to report). Tokens and sealing are prepared beforehand (the voters' work).
//! * `tally_100k_s`: opening and counting `--tally` ballots with the code the block task runs.
//! * `verify_tally_100k_s`: `govchain vote verify-tally`'s recount of the same ballots: the
//!   ballot chain, every released part against the commitments, the opening key, every ballot.

use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use eyre::{Result, bail, eyre};
use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind, Issue};
use govchain_component::Component;
use govchain_crypto::SecretKey;
use govchain_identity::testing::World;
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_participation::token::{self, Token};
use govchain_participation::*;
use govchain_types::{Algorithm, Hash32, Outcome, Suite};

/// `govchain bench-vote` options.
#[derive(Args)]
pub struct BenchVoteArgs {
    /// Ballots cast through admission and execution.
    #[arg(long, default_value_t = 2_000)]
    ballots: usize,
    /// Ballots cast through the HTTP API of an in-process node (0: skip).
    #[arg(long, default_value_t = 5_000)]
    api_ballots: usize,
    /// Ballots per block.
    #[arg(long, default_value_t = 500)]
    block: usize,
    /// Ballots in the tally and recount measurement.
    #[arg(long, default_value_t = 100_000)]
    tally: usize,
}

const TRUSTEES: [&str; 3] = ["finance", "audit", "justice"];

fn world() -> Result<World> {
    let components: Vec<Arc<dyn Component>> =
        vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent), Arc::new(VoteComponent)];
    let organiser: &[(&str, &[&str])] = &[("organiser", &["vote.create"])];
    let certifier: &[(&str, &[&str])] = &[("certifier", &["certificates.*"])];
    let mut b = World::builder()
        .org("civil", OrgKind::Government, organiser)
        .org("police", OrgKind::Government, certifier)
        .org("elections", OrgKind::Government, &[])
        .admin("civil-admin", "civil", &["organiser"])
        .admin("police-admin", "police", &["certifier"])
        .admin("authority", "elections", &[]);
    for t in TRUSTEES {
        b = b.org(t, OrgKind::Government, &[]).admin(t, t, &[]);
    }
    let mut w = b.build(&components);
    let t = DefineType {
        id: "residence".into(),
        name: "Residence permit".into(),
        fields: vec![Field { name: "district".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 365,
    };
    expect(w.run("police-admin", &t), "define the certificate type")?;
    Ok(w)
}

fn expect(o: Outcome, what: &str) -> Result<()> {
    if o == Outcome::Success { Ok(()) } else { bail!("{what}: {o:?}") }
}

fn rate(n: usize, s: f64) -> u64 {
    (n as f64 / s.max(1e-9)) as u64
}

/// Runs the benchmark: the API phase first (its node stops before the CPU-bound phases).
pub async fn run(a: BenchVoteArgs) -> Result<()> {
    if a.ballots == 0 || a.block == 0 {
        bail!("--ballots and --block must be positive");
    }
    let api = if a.api_ballots > 0 {
        let (rate, secs) = super::bench_vote_api::cast_through_api(a.api_ballots).await?;
        println!("api: {} ballots through POST /v1/txs/batch, committed in {secs:.2} s → {rate}/s", a.api_ballots);
        Some(rate)
    } else {
        None
    };
    tokio::task::block_in_place(|| offline(a, api))
}

fn offline(a: BenchVoteArgs, api: Option<u64>) -> Result<()> {
    let mut w = world()?;
    let (pem, der) = token::generate_authority()?;
    // Certificates for every voter, in blocks.
    let issues: Vec<_> = (0..a.ballots)
        .map(|i| {
            let h = Suite::Ed25519Sha256.hash(format!("voter {i}").as_bytes());
            let args = Issue {
                id: h.to_hex(),
                type_id: "residence".into(),
                holder: h,
                commitment: h,
                valid_from_ms: 0,
                valid_until_ms: 0,
                previous: None,
            };
            w.tx("police-admin", &args)
        })
        .collect();
    for chunk in issues.chunks(200) {
        w.block(chunk);
    }
    let create = CreateVote {
        id: "bench".into(),
        title: "Benchmark vote".into(),
        text_hash: Hash32::default(),
        options: vec!["Yes".into(), "No".into(), "Abstain".into()],
        eligibility: Eligibility {
            cert_type: "residence".into(),
            condition: String::new(),
            authority: w.address("authority"),
            authority_key: der.clone(),
        },
        opens_height: w.height + 10,
        closes_height: w.height + 10 + 1_000_000,
        k: 2,
        trustees: TRUSTEES.iter().map(|t| w.address(t)).collect(),
    };
    expect(w.run("civil-admin", &create), "create the vote")?;
    let vote = |w: &World| -> Result<Vote> { w.get(&keys::vote("bench")).ok_or_else(|| eyre!("no vote")) };
    let v = vote(&w)?;
    for t in TRUSTEES {
        let d = sealing::deal(2, &v.sealing.trustee_keys, &share_aad("bench"))?;
        expect(
            w.run(
                t,
                &Deal { vote: "bench".into(), dealing: StoredDealing { commitments: d.commitments, shares: d.shares } },
            ),
            "deal",
        )?;
    }
    let pk = vote(&w)?.sealing.public_key;
    // The voters' side: a key, a token (issued on chain), a sealed choice each.
    eprintln!("preparing {} voters (tokens and sealed ballots) …", a.ballots);
    let mut casts = Vec::with_capacity(a.ballots);
    let mut issuances = Vec::with_capacity(a.ballots);
    for i in 0..a.ballots {
        let mut seed = [7u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let key = SecretKey::from_seed(Algorithm::Ed25519, seed);
        let msg = token::message("vote", "bench", &key.public_key());
        let bl = token::blind(&der, &msg)?;
        let blinded = hex::decode(&bl.blinded)?;
        let cert = Suite::Ed25519Sha256.hash(format!("voter {i}").as_bytes()).to_hex();
        issuances.push(w.tx(
            "authority",
            &IssueToken { vote: "bench".into(), certificate: cert, blinded_hash: w.suite.hash(&blinded) },
        ));
        let t: Token = token::finalize(&der, &bl, &token::sign_blinded(&pem, &blinded)?, &msg)?;
        let sealed = tally::seal_choice(&pk, "bench", &key.public_key(), (i % 3) as u32)?;
        let label = format!("ballot-{i}");
        w.add_key(&label, key);
        casts.push(w.tx(&label, &Cast { vote: "bench".into(), token: t, sealed }));
    }
    for chunk in issuances.chunks(200) {
        w.block(chunk);
    }
    while w.height < vote(&w)?.opens_height {
        w.block(&[]);
    }
    // Measured: admission and execution of every ballot.
    let env = w.env();
    let started = Instant::now();
    for t in &casts {
        w.exec.check_tx(&env, &w.state, t, t.hash(w.suite)).map_err(|e| eyre!("admission: {e:?}"))?;
    }
    let admitted = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for chunk in casts.chunks(a.block) {
        if let Some(o) = w.block(chunk).into_iter().find(|o| *o != Outcome::Success) {
            bail!("a ballot failed: {o:?}");
        }
    }
    let executed = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for t in &casts {
        if t.tx.signer.verify(&t.tx.sign_bytes(), &t.signature).is_err() {
            bail!("bad signature");
        }
    }
    let sig_s = started.elapsed().as_secs_f64();
    let ballots_per_s = rate(a.ballots, admitted + executed);
    println!(
        "cast: {} ballots, admission {:.2} s, execution {:.2} s ({} per block) → {ballots_per_s}/s; \
         ed25519 verify of the same envelopes {}/s (one core)",
        a.ballots,
        admitted,
        executed,
        a.block,
        rate(a.ballots, sig_s)
    );

    // The tally: a vote with `--tally` ballots sealed to a fresh 2-of-3 key, parts released.
    eprintln!("sealing {} ballots for the tally …", a.tally);
    let keys: Vec<SecretKey> = (0..3u8).map(|i| SecretKey::from_seed(Algorithm::Ed25519, [i + 40; 32])).collect();
    let pks: Vec<_> = keys.iter().map(|k| k.public_key()).collect();
    let dealings: Vec<_> = (0..3).map(|_| sealing::deal(2, &pks, b"t")).collect::<Result<_, _>>()?;
    let refs: Vec<_> = dealings.iter().collect();
    let mut v = vote(&w)?;
    v.id = "tally".into();
    let mut bx = BallotBox::default();
    v.sealing.dealings = dealings
        .iter()
        .map(|d| Some(StoredDealing { commitments: d.commitments.clone(), shares: d.shares.clone() }))
        .collect();
    v.sealing.public_key = sealing::public_key(&refs)?;
    let ballot_key = SecretKey::from_seed(Algorithm::Ed25519, [3; 32]).public_key();
    let mut ballots = Vec::with_capacity(a.tally);
    for n in 0..a.tally as u64 {
        let sealed = tally::seal_choice(&v.sealing.public_key, "tally", &ballot_key, (n % 3) as u32)?;
        let b = Ballot {
            n,
            key: ballot_key.clone(),
            token: Token { randomizer: [0; 32], signature: vec![] },
            sealed,
            height: 0,
        };
        bx.ballot_chain = tally::chain_next(w.suite, &bx.ballot_chain, &b);
        ballots.push(b);
    }
    bx.ballots = a.tally as u64;
    for t in [0usize, 2] {
        v.sealing.parts[t] = Some(sealing::own_part(&refs, t, &keys[t], b"t")?);
    }
    let started = Instant::now();
    let key = tally::opening_key(&v).map_err(|e| eyre!(e))?;
    let mut t = Tally::default();
    // As the block task does: OPEN_PER_BLOCK at a time, opened on every core, counted in order.
    for chunk in ballots.chunks(OPEN_PER_BLOCK) {
        for r in tally::open_all(&key, "tally", v.options.len(), chunk) {
            tally::count(&mut t, v.options.len(), r);
        }
    }
    let tally_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let r = tally::recount(w.suite, &v, &bx, &ballots).map_err(|e| eyre!(e))?;
    let verify_s = started.elapsed().as_secs_f64();
    if r.counts != t.counts || t.invalid != 0 {
        bail!("recount {:?} differs from tally {:?}", r.counts, t.counts);
    }
    println!(
        "tally: {} ballots opened and counted in {tally_s:.2} s; recount (ballot chain, parts, every ballot) in {verify_s:.2} s; counts {:?}",
        a.tally, t.counts
    );
    let scale = 100_000.0 / a.tally.max(1) as f64;
    let ballots_per_s = api.unwrap_or(ballots_per_s);
    println!(
        "ballots_per_s={ballots_per_s} tally_100k_s={:.2} verify_tally_100k_s={:.2}",
        tally_s * scale,
        verify_s * scale
    );
    Ok(())
}
