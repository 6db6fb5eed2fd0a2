//! Node configuration: `config.toml` in the node's home, overridable by flags. Parsed loosely
//! (defaults for missing keys) and then checked into [`NodeConfig`], naming the bad key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use eyre::{Result, WrapErr, eyre};
use serde::{Deserialize, Serialize};

/// `[api]` section.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSection {
    /// Listen address, e.g. `127.0.0.1:8080`.
    pub listen: String,
    /// Serve the public web portal next to the API (`/`, `/search`, `/verify`, …).
    pub portal: bool,
    /// Open connections in all; more are closed at once.
    pub max_connections: usize,
    /// Open connections from one IP address; more are closed at once.
    pub max_connections_per_ip: usize,
    /// Milliseconds a client has to send a request's headers (slow clients are cut off).
    pub header_timeout_ms: u64,
    /// Milliseconds a request may take, body included (event streams excepted): 408.
    pub request_timeout_ms: u64,
    /// Requests answered at once; more get 503 `overloaded`.
    pub max_in_flight: usize,
    /// Requests per second from one IP address (0: no limit); more get 429 `rate_limited`.
    pub rate_per_s: u32,
    /// Requests one IP address may send at once above its rate.
    pub rate_burst: u32,
    /// Rate-limit loopback clients too (off by default: a local portal or tool is trusted).
    pub rate_limit_loopback: bool,
    /// Event streams open at once; more get 503 `too_many_subscribers`.
    pub max_event_streams: usize,
    /// Worker threads of the API's own runtime (consensus and commits have theirs).
    pub threads: usize,
    /// Threads the API's reads from storage may use at once.
    pub blocking_threads: usize,
}

impl Default for ApiSection {
    fn default() -> Self {
        let l = govchain_api::Limits::default();
        ApiSection {
            listen: "127.0.0.1:8080".into(),
            portal: true,
            max_connections: l.max_connections,
            max_connections_per_ip: l.max_connections_per_ip,
            header_timeout_ms: l.header_timeout.as_millis() as u64,
            request_timeout_ms: l.request_timeout.as_millis() as u64,
            max_in_flight: l.max_in_flight,
            rate_per_s: l.rate_per_s,
            rate_burst: l.rate_burst,
            rate_limit_loopback: l.rate_limit_loopback,
            max_event_streams: l.max_event_streams,
            threads: crate::ApiThreads::default().workers,
            blocking_threads: crate::ApiThreads::default().blocking,
        }
    }
}

impl ApiSection {
    fn limits(&self) -> Result<govchain_api::Limits> {
        if self.max_connections == 0 || self.max_connections_per_ip == 0 || self.max_in_flight == 0 {
            return Err(eyre!("api.max_connections, max_connections_per_ip and max_in_flight must be positive"));
        }
        if self.threads == 0 || self.blocking_threads == 0 {
            return Err(eyre!("api.threads and api.blocking_threads must be positive"));
        }
        if self.header_timeout_ms < 100 || self.request_timeout_ms < 100 {
            return Err(eyre!("api.header_timeout_ms and api.request_timeout_ms must be at least 100"));
        }
        Ok(govchain_api::Limits {
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            max_in_flight: self.max_in_flight,
            rate_per_s: self.rate_per_s,
            rate_burst: self.rate_burst,
            rate_limit_loopback: self.rate_limit_loopback,
            max_event_streams: self.max_event_streams,
        })
    }
}

/// `[p2p]` section.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct P2pSection {
    /// Listen multiaddr.
    pub listen: String,
    /// Peers (multiaddrs) to stay connected to.
    pub persistent_peers: Vec<String>,
}

impl Default for P2pSection {
    fn default() -> Self {
        P2pSection { listen: "/ip4/127.0.0.1/tcp/26656".into(), persistent_peers: vec![] }
    }
}

/// `[keys]` section.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysSection {
    /// Validator keystore (relative to home); empty for an observer node.
    pub validator: String,
    /// File holding the hex seed of the p2p identity.
    pub p2p: String,
    /// Environment variable holding the keystore passphrase.
    pub passphrase_env: String,
}

impl Default for KeysSection {
    fn default() -> Self {
        KeysSection {
            validator: "keys/validator.json".into(),
            p2p: "keys/p2p.key".into(),
            passphrase_env: "GOVCHAIN_PASSPHRASE".into(),
        }
    }
}

/// `[block]` section: how the proposer paces blocks.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlockSection {
    /// With transactions waiting, build no sooner than this after the last block.
    pub min_interval_ms: u64,
    /// With no transactions, still produce a block this often.
    pub empty_interval_ms: u64,
}

impl Default for BlockSection {
    fn default() -> Self {
        BlockSection { min_interval_ms: 50, empty_interval_ms: 1000 }
    }
}

/// `[mempool]` section.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MempoolSection {
    /// Most pending transactions.
    pub max_txs: usize,
    /// Most pending bytes.
    pub max_bytes: usize,
    /// Most pending transactions of one account.
    pub max_per_sender: usize,
    /// Most pending bytes of one account.
    pub max_bytes_per_sender: usize,
    /// How many blocks ahead a transaction's expiry may be.
    pub max_ttl_blocks: u64,
    /// Blocks a transaction may wait behind a missing earlier nonce before it is dropped.
    pub gap_ttl_blocks: u64,
    /// APIs of the other validators: transactions clients submit here are forwarded to them in
    /// batches, so whichever validator proposes next has them.
    pub forward_to: Vec<String>,
}

impl Default for MempoolSection {
    fn default() -> Self {
        let d = govchain_mempool::MempoolConfig::default();
        MempoolSection {
            max_txs: d.max_txs,
            max_bytes: d.max_bytes,
            max_per_sender: d.max_per_sender,
            max_bytes_per_sender: d.max_bytes_per_sender,
            max_ttl_blocks: d.max_ttl,
            gap_ttl_blocks: d.gap_ttl,
            forward_to: vec![],
        }
    }
}

/// `[storage]` section: memory for reads.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSection {
    /// redb page cache, MiB.
    pub cache_mb: usize,
    /// Decoded state-tree internal nodes kept in memory (about 1 KiB each).
    pub node_cache: usize,
    /// `archive` keeps every version of the state tree; `pruned` keeps the last `keep_recent`
    /// heights' trees and what the chain promises beyond them (docs/proofs.md, "What a pruned
    /// node keeps").
    pub retention: Retention,
    /// With `pruned`: heights whose state can still be proven.
    pub keep_recent: u64,
    /// With `pruned`: prune every this many blocks.
    pub prune_every: u64,
}

/// How much state history a node keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// Every version.
    #[default]
    Archive,
    /// The recent window and the promised proofs.
    Pruned,
}

impl Default for StorageSection {
    fn default() -> Self {
        StorageSection {
            cache_mb: 1024,
            node_cache: govchain_state::DEFAULT_NODE_CACHE,
            retention: Retention::Archive,
            keep_recent: 100_000,
            prune_every: 1_000,
        }
    }
}

/// `[consensus]` section: round timeouts.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsensusSection {
    /// Propose timeout (ms).
    pub timeout_propose_ms: u64,
    /// Prevote timeout (ms).
    pub timeout_prevote_ms: u64,
    /// Precommit timeout (ms).
    pub timeout_precommit_ms: u64,
}

impl Default for ConsensusSection {
    fn default() -> Self {
        ConsensusSection { timeout_propose_ms: 2000, timeout_prevote_ms: 1000, timeout_precommit_ms: 1000 }
    }
}

/// The file as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawConfig {
    /// Node name.
    pub moniker: String,
    /// Genesis file (relative to home).
    pub genesis: String,
    /// API.
    pub api: ApiSection,
    /// P2P.
    pub p2p: P2pSection,
    /// Keys.
    pub keys: KeysSection,
    /// Block pacing.
    pub block: BlockSection,
    /// Mempool.
    pub mempool: MempoolSection,
    /// Consensus timeouts.
    pub consensus: ConsensusSection,
    /// Storage caches.
    pub storage: StorageSection,
    /// The data exchanges with other departments (`[[datashare]]`, one per organisation this
    /// node serves; none: this node takes no part).
    pub datashare: Vec<govchain_datashare::exchange::ExchangeConfig>,
    /// Workflow job workers (`[[workflow_worker]]`, one per organisation whose jobs this node
    /// does).
    pub workflow_worker: Vec<WorkerSection>,
}

/// `[[workflow_worker]]`: a job worker for one organisation.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorkerSection {
    /// The organisation whose jobs it does.
    pub org: String,
    /// Keystore of the worker's account (relative to the home): an official of `org` holding
    /// `workflow.report` and what its jobs need (`certificates.issue`, `records.publish`).
    pub key: PathBuf,
    /// How often it looks for jobs, ms (default 500).
    #[serde(default)]
    pub poll_ms: u64,
}

/// Checked configuration.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Home directory.
    pub home: PathBuf,
    /// Node name.
    pub moniker: String,
    /// Genesis path.
    pub genesis: PathBuf,
    /// API listen address.
    pub api_listen: SocketAddr,
    /// Serve the web portal on the API address.
    pub portal: bool,
    /// What the public may cost the API.
    pub api_limits: govchain_api::Limits,
    /// The API runtime's threads.
    pub api_threads: crate::ApiThreads,
    /// P2P listen multiaddr.
    pub p2p_listen: String,
    /// Persistent peers.
    pub persistent_peers: Vec<String>,
    /// Validator keystore, if a validator.
    pub validator_key: Option<PathBuf>,
    /// P2P seed file.
    pub p2p_key: PathBuf,
    /// Passphrase variable.
    pub passphrase_env: String,
    /// Block pacing.
    pub min_block_interval: Duration,
    /// Empty-block interval.
    pub empty_block_interval: Duration,
    /// Pool limits (`max_tx_bytes` is the chain parameter's, set when the chain opens).
    pub mempool: govchain_mempool::MempoolConfig,
    /// Peer APIs to forward client transactions to.
    pub forward_to: Vec<String>,
    /// Consensus timeouts (propose, prevote, precommit).
    pub timeouts: (Duration, Duration, Duration),
    /// redb page cache, bytes.
    pub storage_cache_bytes: usize,
    /// Decoded state-tree nodes kept in memory.
    pub node_cache: usize,
    /// State retention: `None` for an archive node; `Some((keep_recent, prune_every))` pruned.
    pub pruning: Option<(u64, u64)>,
    /// The data exchanges this node runs (`[[datashare]]`).
    pub datashare: Vec<govchain_datashare::exchange::ExchangeConfig>,
    /// The workflow job workers this node runs (`[[workflow_worker]]`).
    pub workflow_workers: Vec<WorkerSection>,
}

impl RawConfig {
    /// Reads `config.toml`.
    pub fn load(path: &Path) -> Result<RawConfig> {
        let text = std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).map_err(|e| eyre!("{}: {e}", path.display()))
    }

    /// Checks values and resolves paths against `home`.
    pub fn check(self, home: &Path) -> Result<NodeConfig> {
        let api_listen: SocketAddr =
            self.api.listen.parse().map_err(|e| eyre!("api.listen = {:?}: {e}", self.api.listen))?;
        if !self.p2p.listen.starts_with("/ip4/") && !self.p2p.listen.starts_with("/ip6/") {
            return Err(eyre!(
                "p2p.listen = {:?}: expected a multiaddr like /ip4/127.0.0.1/tcp/26656",
                self.p2p.listen
            ));
        }
        if self.block.empty_interval_ms < self.block.min_interval_ms {
            return Err(eyre!("block.empty_interval_ms must be at least block.min_interval_ms"));
        }
        let m = &self.mempool;
        if m.max_txs == 0 || m.max_bytes == 0 || m.max_per_sender == 0 || m.max_bytes_per_sender == 0 {
            return Err(eyre!("mempool.max_txs, max_bytes, max_per_sender and max_bytes_per_sender must be positive"));
        }
        if m.max_ttl_blocks == 0 || m.gap_ttl_blocks == 0 {
            return Err(eyre!("mempool.max_ttl_blocks and mempool.gap_ttl_blocks must be positive"));
        }
        if self.storage.retention == Retention::Pruned
            && (self.storage.keep_recent == 0 || self.storage.prune_every == 0)
        {
            return Err(eyre!("storage.keep_recent and storage.prune_every must be positive"));
        }
        if self.storage.cache_mb < 16 {
            return Err(eyre!("storage.cache_mb must be at least 16"));
        }
        let genesis = if self.genesis.is_empty() { "genesis.json".to_string() } else { self.genesis };
        Ok(NodeConfig {
            home: home.to_path_buf(),
            moniker: if self.moniker.is_empty() { "node".into() } else { self.moniker },
            genesis: home.join(genesis),
            api_listen,
            portal: self.api.portal,
            api_limits: self.api.limits()?,
            api_threads: crate::ApiThreads { workers: self.api.threads, blocking: self.api.blocking_threads },
            p2p_listen: self.p2p.listen,
            persistent_peers: self.p2p.persistent_peers,
            validator_key: (!self.keys.validator.is_empty()).then(|| home.join(&self.keys.validator)),
            p2p_key: home.join(&self.keys.p2p),
            passphrase_env: self.keys.passphrase_env,
            min_block_interval: Duration::from_millis(self.block.min_interval_ms),
            empty_block_interval: Duration::from_millis(self.block.empty_interval_ms),
            mempool: govchain_mempool::MempoolConfig {
                max_txs: self.mempool.max_txs,
                max_bytes: self.mempool.max_bytes,
                max_per_sender: self.mempool.max_per_sender,
                max_bytes_per_sender: self.mempool.max_bytes_per_sender,
                max_ttl: self.mempool.max_ttl_blocks,
                gap_ttl: self.mempool.gap_ttl_blocks,
                ..Default::default()
            },
            forward_to: self
                .mempool
                .forward_to
                .iter()
                .map(|u| {
                    if u.starts_with("http://") {
                        Ok(u.trim_end_matches('/').to_string())
                    } else {
                        Err(eyre!("mempool.forward_to entry {u:?} must be an http:// URL"))
                    }
                })
                .collect::<Result<_>>()?,
            timeouts: (
                Duration::from_millis(self.consensus.timeout_propose_ms.max(100)),
                Duration::from_millis(self.consensus.timeout_prevote_ms.max(50)),
                Duration::from_millis(self.consensus.timeout_precommit_ms.max(50)),
            ),
            storage_cache_bytes: self.storage.cache_mb.saturating_mul(1024 * 1024),
            node_cache: self.storage.node_cache,
            pruning: (self.storage.retention == Retention::Pruned)
                .then_some((self.storage.keep_recent, self.storage.prune_every)),
            datashare: self.datashare,
            workflow_workers: self.workflow_worker,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_key() {
        let mut raw = RawConfig::default();
        raw.api.listen = "nonsense".into();
        let err = raw.check(Path::new("/tmp")).expect_err("bad listen").to_string();
        assert!(err.contains("api.listen"), "{err}");
        let err = toml::from_str::<RawConfig>("[api]\nlisten = 1\n").expect_err("type").to_string();
        assert!(err.contains("listen"), "{err}");
        let err = toml::from_str::<RawConfig>("[api]\nlistne = \"x\"\n").expect_err("unknown").to_string();
        assert!(err.contains("listne"), "{err}");
    }

    #[test]
    fn the_portal_is_on_unless_turned_off() {
        let on = toml::from_str::<RawConfig>("[api]\nlisten = \"127.0.0.1:1\"\n").expect("parse");
        assert!(on.check(Path::new("/tmp")).expect("check").portal);
        let off = toml::from_str::<RawConfig>("[api]\nportal = false\n").expect("parse");
        assert!(!off.check(Path::new("/tmp")).expect("check").portal);
    }
}
