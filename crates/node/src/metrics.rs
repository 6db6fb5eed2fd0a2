//! Prometheus metrics of the node (`/metrics`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use govchain_mempool::PoolStats;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The node's metrics. Cheap to clone.
#[derive(Clone, Default)]
pub struct Metrics {
    handle: Option<PrometheusHandle>,
    last_block_ms: Arc<AtomicU64>,
}

impl Metrics {
    /// Installs the process-wide Prometheus recorder (the first call wins; later calls share
    /// nothing and render empty).
    pub fn install() -> Metrics {
        let handle = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
            .ok()
            .and_then(|b| b.install_recorder().ok());
        for c in [
            "govchain_committed_txs_total",
            "govchain_admitted_txs_total",
            "govchain_rejected_txs_total",
            "govchain_synced_blocks_total",
        ] {
            metrics::counter!(c).absolute(0);
        }
        Metrics { handle, last_block_ms: Arc::default() }
    }

    /// Records the duration of a pipeline stage (`admit`, `build`, `validate`, `commit`).
    pub fn stage(&self, stage: &'static str, d: Duration) {
        metrics::histogram!("govchain_stage_seconds", "stage" => stage).record(d.as_secs_f64());
    }

    /// Records a committed block.
    pub fn committed(&self, height: u64, txs: usize, time_ms: u64, write: Duration, pool: PoolStats) {
        metrics::gauge!("govchain_height").set(height as f64);
        metrics::counter!("govchain_committed_txs_total").increment(txs as u64);
        metrics::histogram!("govchain_block_txs").record(txs as f64);
        let last = self.last_block_ms.swap(time_ms, Ordering::Relaxed);
        if last > 0 && time_ms >= last {
            metrics::histogram!("govchain_block_interval_seconds").record((time_ms - last) as f64 / 1000.0);
        }
        metrics::gauge!("govchain_mempool_txs").set(pool.txs as f64);
        metrics::gauge!("govchain_mempool_bytes").set(pool.bytes as f64);
        self.stage("commit", write);
    }

    /// Records a decided block (the execution head; `govchain_height` follows once it is
    /// stored).
    pub fn decided(&self, height: u64) {
        metrics::gauge!("govchain_decided_height").set(height as f64);
    }

    /// Records admission results.
    pub fn admitted(&self, accepted: usize, rejected: usize, d: Duration) {
        metrics::counter!("govchain_admitted_txs_total").increment(accepted as u64);
        metrics::counter!("govchain_rejected_txs_total").increment(rejected as u64);
        self.stage("admit", d);
    }

    /// Counts a block received through the engine's value sync (catching up).
    pub fn synced_block(&self) {
        metrics::counter!("govchain_synced_blocks_total").increment(1);
    }

    /// Records the round in which a height was decided (`rounds` = round + 1).
    pub fn decided_in_round(&self, round: u32) {
        metrics::histogram!("govchain_consensus_rounds_per_height").record(round as f64 + 1.0);
    }

    /// Prometheus text: the node's metrics, then the consensus engine's (`malachitebft_*`).
    pub fn render(&self) -> String {
        let mut out = self.handle.as_ref().map(|h| h.render()).unwrap_or_default();
        out.push_str("\n# Consensus engine (Malachite) metrics\n");
        out.push_str(&govchain_consensus::engine_metrics());
        out
    }
}
