//! `govchain bench-sync`: how soon a new observer serves verified proofs of a chain with many
//! certificates and blocks — from a state snapshot (export, verify against the genesis, rebuild
//! the tree, open, answer a certificate status with its proof and verify that proof) against
//! replaying every block from genesis (each block checked and executed as consensus sync does,
//! read from the archive store: no network, so a lower bound for replay).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use clap::Args;
use eyre::{Result, eyre};
use govchain_node::service::NodeService;
use govchain_proofs::ProofBundle;
use govchain_types::{Header, codec};
use indicatif::ProgressBar;

use crate::cmd::bench_certs;

/// `govchain bench-sync` options.
#[derive(Args)]
pub struct BenchSyncArgs {
    /// Certificates issued.
    #[arg(long, default_value_t = 1_000_000)]
    certs: u64,
    /// Blocks they are issued in.
    #[arg(long, default_value_t = 100_000)]
    blocks: u64,
    /// Skip the replay from genesis (it takes about as long as the seeding).
    #[arg(long)]
    no_replay: bool,
    /// Work here (default: a temporary directory, removed at the end).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

/// Copies a node home without its data (same genesis, config and keys: a new node).
fn fresh_home(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name();
        if name == "data" || name == "run" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if e.file_type()?.is_dir() {
            fresh_home(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// A certificate status with its proof from `chain`, verified against the genesis.
fn proven_status(chain: &Arc<govchain_node::Chain>, genesis: &govchain_node::Genesis, id: &str) -> Result<u64> {
    let svc = NodeService::new(chain.clone());
    let view = govchain_certificates::query::status(&svc, id, true).map_err(|e| eyre!("{}", e.message))?;
    let proof = view.proof.ok_or_else(|| eyre!("no proof in the answer"))?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(proof)?;
    let verified = ProofBundle::from_bytes(&bytes)?.verify(&genesis.trust_root()?)?;
    Ok(verified.height)
}

/// Runs the benchmark.
pub async fn run(a: BenchSyncArgs) -> Result<()> {
    let tmp = match &a.dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("govchain-bench-sync-{}", std::process::id())),
    };
    std::fs::create_dir_all(&tmp)?;
    let home = tmp.join("archive");
    let per_block = (a.certs / a.blocks.max(1)).max(1) as usize;
    let (mut seeder, _) = bench_certs::setup(&home, per_block).await?;
    let archive = seeder.chain.clone();

    let pb = ProgressBar::new(a.certs).with_message("issuing");
    let started = Instant::now();
    let mut left = a.certs as usize;
    while left > 0 {
        let step = left.min(per_block * 1000);
        let txs = seeder.sign_issuances(step, archive.tip().height);
        seeder.run_blocks(txs, per_block).await?;
        left -= step;
        pb.inc(step as u64);
    }
    pb.finish_and_clear();
    let tip = archive.tip().height;
    let store_mb = std::fs::metadata(home.join("data").join("chain.redb"))?.len() >> 20;
    println!(
        "seeded certificates={} blocks={tip} ({per_block} per block) in {:.1} s; archive store_mb={store_mb}",
        a.certs,
        started.elapsed().as_secs_f64()
    );
    let probe = seeder.issued.first().cloned().ok_or_else(|| eyre!("no certificate issued"))?;
    let genesis = govchain_node::genesis::load(&home.join("genesis.json"), &govchain_node::components())?.0;

    // From a snapshot.
    let file = tmp.join("chain.snapshot");
    let t = Instant::now();
    let exported = govchain_node::snapshot::export_file(&archive, &file)?;
    let export_s = t.elapsed().as_secs_f64();
    let synced_home = tmp.join("synced");
    fresh_home(&home, &synced_home)?;
    let cfg = govchain_node::RawConfig::load(&synced_home.join("config.toml"))?.check(&synced_home)?;
    let t = Instant::now();
    let imported = govchain_node::snapshot::import(&cfg, &govchain_node::components(), std::fs::File::open(&file)?)?;
    let import_s = t.elapsed().as_secs_f64();
    let (synced, _) = govchain_node::open(&cfg)?;
    let proven_at = proven_status(&synced, &genesis, &probe)?;
    let serving_s = t.elapsed().as_secs_f64();
    println!(
        "snapshot height={} state_keys={} snapshot_mb={} export_s={export_s:.1} import_verify_s={import_s:.1} first_verified_proof_s={serving_s:.1} (proof at height {proven_at}; import to a verified answer, the export not counted)",
        exported.height,
        imported.leaves,
        exported.bytes >> 20
    );
    drop(synced);

    // From a peer: the archive's API streams `GET /v1/snapshot` to the importer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let guards = govchain_api::Guards::new(cfg.api_limits.clone());
    let (router, _) = govchain_node::api_router(
        seeder.service.clone(),
        govchain_api::ApiConfig::default(),
        &govchain_node::components(),
        &guards,
    );
    tokio::spawn(govchain_api::serve(listener, router, guards));
    let peer_home = tmp.join("from-peer");
    fresh_home(&home, &peer_home)?;
    let pcfg = govchain_node::RawConfig::load(&peer_home.join("config.toml"))?.check(&peer_home)?;
    let t = Instant::now();
    let from_peer = crate::cmd::snapshot::import(&pcfg, &format!("http://{addr}")).await?;
    let (synced, _) = govchain_node::open(&pcfg)?;
    proven_status(&synced, &genesis, &probe)?;
    println!(
        "from a peer (GET /v1/snapshot, export streamed into the importer): height={} first_verified_proof_s={:.1}",
        from_peer.height,
        t.elapsed().as_secs_f64()
    );
    drop(synced);

    if !a.no_replay {
        let replay_home = tmp.join("replay");
        fresh_home(&home, &replay_home)?;
        let cfg = govchain_node::RawConfig::load(&replay_home.join("config.toml"))?.check(&replay_home)?;
        let (replica, _) = govchain_node::open(&cfg)?;
        let pb = ProgressBar::new(tip).with_message("replaying");
        let t = Instant::now();
        for h in 1..=tip {
            let (bytes, cert) = archive.decided(h).ok_or_else(|| eyre!("the archive has no block {h}"))?;
            let header_bytes = archive.storage.header(h)?.ok_or_else(|| eyre!("no header {h}"))?;
            let header: Header = codec::decode(&header_bytes, 1 << 16)?;
            let (_, verdict) =
                replica.check(h, bytes, header.proposer, true).await.map_err(|e| eyre!("block {h}: {e:?}"))?;
            verdict.map_err(|e| eyre!("block {h} refused on replay: {e}"))?;
            replica.commit(cert).await?;
            if h % 1000 == 0 {
                pb.set_position(h);
            }
        }
        pb.finish_and_clear();
        let replay_s = t.elapsed().as_secs_f64();
        let proven_at = proven_status(&replica, &genesis, &probe)?;
        let replay_serving_s = t.elapsed().as_secs_f64();
        println!(
            "replay blocks={tip} replay_s={replay_s:.1} blocks_per_s={:.0} first_verified_proof_s={replay_serving_s:.1} (proof at height {proven_at}) snapshot_speedup={:.1}x",
            tip as f64 / replay_s,
            replay_serving_s / serving_s
        );
    }
    if a.dir.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}
