//! A validator whose key runs on two nodes signs conflicting proposals and votes at its heights:
//! the honest validators record the equivocation and keep committing one chain.

mod support;

use std::time::{Duration, Instant};

use govchain_execution::ChainParams;
use govchain_types::Block;
use support::{SUITE, network_genesis, write_nodes};

fn equivocations() -> f64 {
    let text = govchain_consensus::engine_metrics();
    text.lines()
        .filter(|l| {
            l.starts_with("malachitebft_core_consensus_equivocation_votes_total")
                || l.starts_with("malachitebft_core_consensus_equivocation_proposals_total")
        })
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .sum()
}

/// The node's background tasks run until the process ends; the runtime is shut down without
/// waiting for them.
#[test]
fn a_double_signing_validator_is_recorded_and_does_not_fork_the_chain() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
    rt.shutdown_background();
}

async fn run() {
    let dir = tempfile::tempdir().expect("tmp");
    let genesis = network_genesis(4, ChainParams::default());
    // Node 4 runs validator 3's key a second time.
    let configs = write_nodes(dir.path(), &genesis, 70, &[0, 1, 2, 3, 3]);
    let mut nodes = Vec::new();
    for cfg in configs {
        nodes.push(govchain_node::start_with(cfg, govchain_node::components()).await.expect("node starts"));
    }
    let before = equivocations();
    let deadline = Instant::now() + Duration::from_secs(120);
    let target = 13;
    while nodes[..3].iter().any(|n| n.chain.tip().height < target) || equivocations() <= before {
        assert!(
            Instant::now() < deadline,
            "heights {:?}, equivocations {}",
            nodes.iter().map(|n| n.chain.tip().height).collect::<Vec<_>>(),
            equivocations() - before
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("equivocations recorded by the engine: {}", equivocations() - before);
    let mut intervals = std::collections::BTreeMap::<u32, Vec<u64>>::new();
    let mut prev = None;
    for h in 1..=target {
        let decided: Vec<_> = nodes[..3].iter().map(|n| n.chain.decided(h).expect("committed")).collect();
        let hashes: Vec<_> = decided.iter().map(|(b, _)| Block::decode(b).expect("block").hash(SUITE)).collect();
        assert!(hashes.windows(2).all(|w| w[0] == w[1]), "honest validators disagree at height {h}");
        let time = Block::decode(&decided[0].0).expect("block").header.time_ms;
        if let Some(p) = prev {
            intervals.entry(decided[0].1.round).or_default().push(time - p);
        }
        prev = Some(time);
    }
    for (round, v) in intervals {
        println!(
            "decided in round {round}: {} heights, mean interval {} ms",
            v.len(),
            v.iter().sum::<u64>() / v.len() as u64
        );
    }
}
