//! Starting the Malachite engine with its default actors (TCP p2p, WAL, consensus, sync) and
//! the adapter loop.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytesize::ByteSize;
use eyre::{Result, WrapErr};
use govchain_crypto::SecretKey;
use govchain_types::Suite;
use malachitebft_app::config::{
    ConsensusConfig, DiscoveryConfig, NodeConfig, P2pConfig, PubSubProtocol, ValuePayload, ValueSyncConfig,
};
use malachitebft_app::types::Keypair;
use malachitebft_app::types::codec::Codec;
use malachitebft_app_channel::{
    ConsensusContext, EngineBuilder, NetworkContext, NetworkIdentity, RequestContext, Signer, SyncContext, WalContext,
};
use malachitebft_core_types::LinearTimeouts;
use malachitebft_engine::network::Multiaddr;
use tokio::task::JoinHandle;
use tracing::{Instrument, error};

use crate::app::{Adapter, Application};
use crate::codec::{GovCodec, MAX_MESSAGE_BYTES};
use crate::context::{GovContext, ValAddress};
use crate::signing::{GovSigner, GovVerifier};
use crate::streaming::PartStreams;

/// Settings of the consensus engine for one node.
#[derive(Clone)]
pub struct EngineConfig {
    /// Directory for the engine's write-ahead log.
    pub wal_dir: PathBuf,
    /// Node name in logs and metrics.
    pub moniker: String,
    /// Chain id.
    pub chain_id: String,
    /// Crypto suite (addresses).
    pub suite: Suite,
    /// Listen address, e.g. `/ip4/127.0.0.1/tcp/26656`.
    pub listen: String,
    /// Peers to keep connected, as multiaddrs.
    pub persistent_peers: Vec<String>,
    /// Consensus key (None for an observer node).
    pub validator_key: Option<SecretKey>,
    /// 32-byte seed of the node's p2p (libp2p Ed25519) identity.
    pub p2p_seed: [u8; 32],
    /// Round timeouts.
    pub timeouts: LinearTimeouts,
}

impl EngineConfig {
    /// Timeouts suited to a LAN of departments: 1 s to propose, 500 ms per vote step.
    pub fn default_timeouts() -> LinearTimeouts {
        LinearTimeouts {
            propose: Duration::from_millis(1500),
            propose_delta: Duration::from_millis(500),
            prevote: Duration::from_millis(500),
            prevote_delta: Duration::from_millis(250),
            precommit: Duration::from_millis(500),
            precommit_delta: Duration::from_millis(250),
            rebroadcast: Duration::from_secs(3),
            max_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
struct MalachiteConfig {
    moniker: String,
    consensus: ConsensusConfig,
    value_sync: ValueSyncConfig,
}

impl NodeConfig for MalachiteConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }
    fn consensus(&self) -> &ConsensusConfig {
        &self.consensus
    }
    fn consensus_mut(&mut self) -> &mut ConsensusConfig {
        &mut self.consensus
    }
    fn value_sync(&self) -> &ValueSyncConfig {
        &self.value_sync
    }
    fn value_sync_mut(&mut self) -> &mut ValueSyncConfig {
        &mut self.value_sync
    }
}

/// Running engine and adapter.
pub struct EngineHandle {
    /// The adapter loop; it ends only if the engine stops.
    pub app_task: JoinHandle<()>,
    engine: malachitebft_app_channel::EngineHandle,
}

impl EngineHandle {
    /// Stops the engine actors and the adapter loop.
    pub async fn stop(self) {
        self.engine.actor.stop(None);
        self.app_task.abort();
        self.engine.handle.abort();
    }
}

/// The engine's own metrics (consensus height and round, peers, sync, WAL) in Prometheus text
/// format, without the OpenMetrics `# EOF` trailer so they can follow other metrics.
pub fn engine_metrics() -> String {
    let mut out = String::new();
    malachitebft_app::metrics::export(&mut out);
    out.lines().filter(|l| *l != "# EOF").map(|l| format!("{l}\n")).collect()
}

/// The libp2p peer id (base58) of a node's p2p identity seed; persistent peers are written as
/// `/ip4/<ip>/tcp/<port>/p2p/<peer id>` so inbound connections are recognised.
pub fn peer_id(p2p_seed: [u8; 32]) -> Result<String> {
    Ok(Keypair::ed25519_from_bytes(p2p_seed).wrap_err("p2p key")?.public().to_peer_id().to_base58())
}

fn multiaddr(s: &str) -> Result<Multiaddr> {
    s.parse::<Multiaddr>().wrap_err_with(|| format!("bad multiaddr {s:?}"))
}

/// Starts the engine and the adapter loop for `app`.
pub async fn start<A: Application + ?Sized>(cfg: EngineConfig, app: Arc<A>) -> Result<EngineHandle> {
    let ctx = GovContext::new(&cfg.chain_id);
    let mut p2p = P2pConfig {
        listen_addr: multiaddr(&cfg.listen)?,
        persistent_peers: cfg.persistent_peers.iter().map(|p| multiaddr(p)).collect::<Result<_>>()?,
        persistent_peers_only: true,
        discovery: DiscoveryConfig { enabled: false, ..Default::default() },
        protocol: PubSubProtocol::default(),
        ..Default::default()
    };
    p2p.pubsub_max_size = ByteSize::b(MAX_MESSAGE_BYTES as u64);
    p2p.rpc_max_size = ByteSize::b(MAX_MESSAGE_BYTES as u64);
    let consensus = ConsensusConfig { p2p, value_payload: ValuePayload::ProposalAndParts, ..Default::default() };
    let value_sync = ValueSyncConfig {
        max_response_size: ByteSize::b(MAX_MESSAGE_BYTES as u64),
        status_update_interval: Duration::from_secs(2),
        request_timeout: Duration::from_secs(20),
        batch_size: 2,
        ..Default::default()
    };
    let mconfig = MalachiteConfig { moniker: cfg.moniker.clone(), consensus, value_sync };

    let keypair = Keypair::ed25519_from_bytes(cfg.p2p_seed).wrap_err("p2p key")?;
    let verifier = GovVerifier::new(ctx.clone());
    let (me, signer, identity) = match &cfg.validator_key {
        Some(key) => {
            let pk = key.public_key();
            let me = pk.address(cfg.suite);
            let signer = Arc::new(GovSigner::new(key.clone(), ctx.clone()));
            let peer_id = keypair.public().to_peer_id().to_bytes();
            let proof = signer
                .sign_validator_proof(borsh::to_vec(&pk).unwrap_or_default(), peer_id)
                .await
                .map_err(|e| eyre::eyre!("validator proof: {e:?}"))?;
            let proof_bytes = GovCodec.encode(&proof).map_err(|e| eyre::eyre!("{e}"))?;
            let id =
                NetworkIdentity::new_validator(cfg.moniker.clone(), keypair, ValAddress(me).to_string(), proof_bytes);
            (me, Some(signer), id)
        }
        None => {
            let me = govchain_types::Address::default();
            (me, None, NetworkIdentity::new(cfg.moniker.clone(), keypair, None))
        }
    };
    let consensus_ctx = match &cfg.validator_key {
        Some(key) => ConsensusContext::new_validator(
            ValAddress(me),
            Box::new(verifier),
            Box::new(GovSigner::new(key.clone(), ctx.clone())),
        ),
        None => ConsensusContext::new_full_node(ValAddress(me), Box::new(verifier)),
    };
    std::fs::create_dir_all(&cfg.wal_dir).wrap_err("create WAL directory")?;

    let (mut channels, engine) = EngineBuilder::new(ctx.clone(), mconfig)
        .with_default_wal(WalContext::new(cfg.wal_dir.join("consensus.wal"), GovCodec))
        .with_default_network(NetworkContext::new(identity, GovCodec))
        .with_default_sync(SyncContext::new(GovCodec))
        .with_default_consensus(consensus_ctx)
        .with_default_request(RequestContext::new(100))
        .build()
        .await?;

    let mut adapter = Adapter {
        app,
        signer,
        me,
        timeouts: cfg.timeouts,
        streams: PartStreams::default(),
        pending: Default::default(),
        current_height: 0,
        committed: None,
    };
    let span = tracing::info_span!("consensus", node = %cfg.moniker);
    let app_task = tokio::spawn(
        async move {
            while let Some(msg) = channels.consensus.recv().await {
                adapter.handle(&channels, msg).await;
            }
            error!("consensus engine stopped");
        }
        .instrument(span),
    );
    Ok(EngineHandle { app_task, engine })
}
