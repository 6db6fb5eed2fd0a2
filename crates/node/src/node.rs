use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use eyre::{Result, WrapErr, bail, eyre};
use govchain_api::ApiConfig;
use govchain_component::Component;
use govchain_consensus::{Application, EngineConfig, EngineHandle};
use govchain_crypto::SecretKey;
use govchain_crypto::files;
use govchain_crypto::keystore::Keystore;
use govchain_execution::{ChainParams, keys};
use govchain_mempool::Mempool;
use govchain_state::StateDb;
use govchain_storage::Storage;
use govchain_types::{Hash32, Header, ValidatorSet, codec};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{Notify, broadcast};
use tracing::{info, warn};

use crate::app::ChainApp;
use crate::chain::{Chain, Head, Pacing, Tip};
use crate::config::NodeConfig;
use crate::genesis::Genesis;
use crate::metrics::Metrics;
use crate::service::NodeService;

/// A running node.
pub struct RunningNode {
    /// The chain.
    pub chain: Arc<Chain>,
    /// Bound API address.
    pub api_addr: SocketAddr,
    /// Bound data-exchange addresses (`[[datashare]]`), in config order.
    pub exchange_addrs: Vec<SocketAddr>,
    engine: EngineHandle,
    api: crate::api_server::ApiServer,
}

impl RunningNode {
    /// Waits until the API server or the consensus engine stops.
    pub async fn wait(self) -> Result<()> {
        let RunningNode { engine, mut api, .. } = self;
        tokio::select! {
            r = api.stopped() => { r?; bail!("API server stopped") }
            r = engine.app_task => { r?; bail!("consensus engine stopped") }
        }
    }
}

/// Loads a keystore, using `$passphrase_env` (or an empty passphrase for development keystores).
/// The file must be private (`0600`, in a directory others cannot write), as ssh requires of a
/// private key; an empty-passphrase keystore is used with a warning.
pub fn load_key(path: &Path, passphrase_env: &str) -> Result<SecretKey> {
    let bytes = files::read_private(path)?;
    let text = String::from_utf8(bytes).wrap_err_with(|| format!("keystore {} is not text", path.display()))?;
    let ks = Keystore::from_json(&text)?;
    let pass = if ks.empty_passphrase {
        warn!(keystore = %path.display(), "keystore has an EMPTY passphrase: development only");
        String::new()
    } else {
        std::env::var(passphrase_env)
            .map_err(|_| eyre!("keystore {} is encrypted: set ${passphrase_env}", path.display()))?
    };
    Ok(ks.decrypt(&pass)?)
}

fn read_seed(path: &Path) -> Result<[u8; 32]> {
    let text = files::read_private(path)?;
    let bytes = hex::decode(String::from_utf8_lossy(&text).trim()).wrap_err("p2p key must be 64 hex characters")?;
    bytes.try_into().map_err(|_| eyre!("p2p key must be 32 bytes"))
}

/// Opens a node's chain (storage, state, executor, mempool) with the standard components,
/// without consensus or API: for tools that drive blocks themselves, such as
/// `govchain bench-certs`.
pub fn open(cfg: &NodeConfig) -> Result<(Arc<Chain>, Genesis)> {
    open_with(cfg, &crate::components())
}

/// [`open`] with an explicit list of components.
pub fn open_with(cfg: &NodeConfig, components: &[Arc<dyn Component>]) -> Result<(Arc<Chain>, Genesis)> {
    let (genesis, hash, file) = crate::genesis::load(&cfg.genesis, components)?;
    let chain = open_chain(cfg, &genesis, hash, file, components)?;
    Ok((chain, genesis))
}

fn open_chain(
    cfg: &NodeConfig,
    genesis: &Genesis,
    genesis_hash: Hash32,
    genesis_file: Vec<u8>,
    components: &[Arc<dyn Component>],
) -> Result<Arc<Chain>> {
    let data = cfg.home.join("data");
    std::fs::create_dir_all(&data)?;
    let storage = Storage::open_with_cache(&data.join("chain.redb"), cfg.storage_cache_bytes)?;
    let state = StateDb::with_node_cache(storage.clone(), genesis.suite, cfg.node_cache);
    match storage.meta("genesis")? {
        None => {
            let g = crate::genesis::state(genesis, components)?;
            let writes = g.writes.into_iter().map(|(k, v)| (k, Some(v))).collect();
            let (root, sw) = state.snapshot()?.apply(&writes, 0)?;
            storage.write_genesis(
                &sw,
                &g.index,
                &[("genesis", genesis_hash.0.to_vec()), ("chain_id", genesis.chain_id.as_bytes().to_vec())],
            )?;
            info!(chain_id = %genesis.chain_id, state_root = %root, "wrote genesis state");
        }
        Some(h) if h == genesis_hash.0 => {}
        Some(_) => bail!("the database in {} belongs to another genesis", data.display()),
    }
    let height = storage.tip()?;
    let (hash, time_ms) = if height == 0 {
        (Hash32::ZERO, genesis.genesis_time_ms)
    } else {
        let bytes = storage.header(height)?.ok_or_else(|| eyre!("the chain store is damaged: tip header missing"))?;
        let h: Header =
            codec::decode(&bytes, 1 << 16).map_err(|e| eyre!("the chain store is damaged: tip header: {e}"))?;
        (h.hash(genesis.suite), h.time_ms)
    };
    let vbytes =
        state.snapshot()?.get(keys::VALIDATORS, height)?.ok_or_else(|| eyre!("validator set missing from state"))?;
    let validators: ValidatorSet = borsh::from_slice(&vbytes)?;
    let pbytes =
        state.snapshot()?.get(keys::PARAMS, height)?.ok_or_else(|| eyre!("chain parameters missing from state"))?;
    let params: ChainParams = borsh::from_slice(&pbytes)?;
    let executor = govchain_component::executor(components)?;
    let mempool = Mempool::new(
        // The governed `max_tx_bytes` is read from the tip at each admission (`Ledger`).
        cfg.mempool.clone(),
        &genesis.chain_id,
        genesis.suite,
    );
    let (events, _) = broadcast::channel(1024);
    info!(height, "opened chain");
    let tip = Tip { height, hash, time_ms, validators, params, committed_at: std::time::Instant::now() };
    let chain = Arc::new(Chain {
        chain_id: genesis.chain_id.clone(),
        suite: genesis.suite,
        storage,
        state,
        executor,
        mempool: Arc::new(mempool),
        pacing: Pacing { min_interval: cfg.min_block_interval, empty_interval: cfg.empty_block_interval },
        genesis_hash,
        genesis_file,
        moniker: cfg.moniker.clone(),
        metrics: Metrics::install(),
        tip: RwLock::new(tip.clone()),
        head: RwLock::new(Head { tip, pending: None, pending_txs: Default::default() }),
        proposals: Mutex::new(Default::default()),
        events,
        tx_arrived: Notify::new(),
        votes: Default::default(),
        commit_lock: tokio::sync::Mutex::new(None),
        verify_pool: rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .thread_name(|i| format!("verify-{i}"))
            .build()
            .wrap_err("starting the block verification pool")?,
    });
    chain.check_tip()?;
    Ok(chain)
}

/// Starts a node with the standard components: storage, API and consensus.
pub async fn start(cfg: NodeConfig) -> Result<RunningNode> {
    start_with(cfg, crate::components()).await
}

/// Starts a node with an explicit list of components (the standard ones are
/// [`crate::components`]).
pub async fn start_with(cfg: NodeConfig, components: Vec<Arc<dyn Component>>) -> Result<RunningNode> {
    start_with_application(cfg, components, |chain| Arc::new(ChainApp(chain))).await
}

/// [`start_with`], with the consensus engine talking to `application(chain)` instead of the
/// chain itself: for harnesses that observe or alter what a validator does (the byzantine
/// validator of `tests/byzantine.rs` wraps [`ChainApp`]).
pub async fn start_with_application(
    cfg: NodeConfig,
    components: Vec<Arc<dyn Component>>,
    application: impl FnOnce(Arc<Chain>) -> Arc<dyn Application>,
) -> Result<RunningNode> {
    // Keys first: a key file others can read stops the node before it opens anything.
    let validator_key = match &cfg.validator_key {
        Some(p) if p.exists() => Some(load_key(p, &cfg.passphrase_env)?),
        _ => None,
    };
    let p2p_seed = read_seed(&cfg.p2p_key)?;
    let (genesis, genesis_hash, genesis_file) = crate::genesis::load(&cfg.genesis, &components)?;
    let chain = open_chain(&cfg, &genesis, genesis_hash, genesis_file, &components)?;
    chain.recover().await?;
    chain.votes.store(validator_key.is_some(), std::sync::atomic::Ordering::Relaxed);
    if let Some((keep_recent, every)) = cfg.pruning {
        crate::prune::start(chain.clone(), keep_recent, every)?;
        info!(keep_recent, every, "pruned node: state proofs kept for the last {keep_recent} heights");
    }

    // Bound first (the port may be 0), served once the router is built.
    let (mut api, api_addr) = crate::api_server::ApiServer::bind(cfg.api_listen, cfg.api_threads).await?;
    let forwarder = (!cfg.forward_to.is_empty()).then(|| crate::forward::Forwarder::start(cfg.forward_to.clone()));
    let search = crate::search::start(chain.clone(), &cfg.home.join("data").join("search"))?;
    let service = Arc::new(NodeService {
        chain: chain.clone(),
        forwarder,
        proof_cache: Default::default(),
        search: Some(search),
    });
    let api_cfg = ApiConfig { listen: api_addr, ..Default::default() };
    let guards = govchain_api::Guards::new(cfg.api_limits.clone());
    let mut app = api_router(service.clone(), api_cfg, &components, &guards).0;
    if cfg.portal {
        app = app.merge(govchain_portal::router()).fallback(govchain_portal::fallback);
    }
    // The exchanges first: once the API answers, they do too.
    let mut exchange_addrs = Vec::new();
    for d in &cfg.datashare {
        exchange_addrs.push(start_exchange(&cfg, d, service.clone(), &api).await?);
    }
    api.serve(app, guards);
    // A home whose path is too long for a Unix socket (about 100 bytes) runs without it.
    match crate::admin::bind(&cfg.home) {
        Ok(admin) => drop(api.spawn(crate::admin::serve(admin, chain.clone()))),
        Err(e) => tracing::warn!(error = %e, "no admin socket (govchain db backup is unavailable)"),
    }
    for w in &cfg.workflow_workers {
        let key = load_key(&cfg.home.join(&w.key), &cfg.passphrase_env)?;
        let worker = govchain_workflow::worker::WorkerConfig {
            api: format!("http://{api_addr}"),
            org: w.org.clone(),
            key,
            poll: std::time::Duration::from_millis(if w.poll_ms == 0 { 500 } else { w.poll_ms }),
        };
        info!(org = %w.org, "workflow job worker started");
        drop(api.spawn(govchain_workflow::worker::run(worker)));
    }

    let engine_cfg = EngineConfig {
        wal_dir: cfg.home.join("data").join("wal"),
        moniker: cfg.moniker.clone(),
        chain_id: genesis.chain_id.clone(),
        suite: genesis.suite,
        listen: cfg.p2p_listen.clone(),
        persistent_peers: cfg.persistent_peers.clone(),
        validator_key,
        p2p_seed,
        timeouts: {
            let mut t = EngineConfig::default_timeouts();
            (t.propose, t.prevote, t.precommit) = cfg.timeouts;
            t
        },
    };
    let engine = govchain_consensus::start(engine_cfg, application(chain.clone())).await?;
    info!(api = %api_addr, p2p = %cfg.p2p_listen, "node started");
    Ok(RunningNode { chain, api_addr, exchange_addrs, engine, api })
}

/// Starts the data exchange on the API runtime: keys, connectors, listener.
async fn start_exchange(
    cfg: &NodeConfig,
    d: &govchain_datashare::exchange::ExchangeConfig,
    service: Arc<NodeService>,
    api: &crate::api_server::ApiServer,
) -> Result<SocketAddr> {
    use govchain_datashare::exchange::{Exchange, serve};
    let operator = load_key(&cfg.home.join(&d.operator_key), &cfg.passphrase_env)?;
    let exchange_key = load_key(&cfg.home.join(&d.exchange_key), &cfg.passphrase_env)?;
    let listen: SocketAddr = d.listen.parse().map_err(|e| eyre!("datashare.listen = {:?}: {e}", d.listen))?;
    let host = Arc::new(crate::exchange_host::NodeExchangeHost { service, nonces: Default::default() });
    let (d, home) = (d.clone(), cfg.home.clone());
    let started = api.spawn(async move {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("binding {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let x = Exchange::new(host, &d, &home, operator, exchange_key).await?;
        info!(exchange = %addr, org = %x.org(), "data exchange started");
        tokio::spawn(serve(listener, Arc::new(x)));
        Ok::<SocketAddr, String>(addr)
    });
    started.await.map_err(|e| eyre!("data exchange: {e}"))?.map_err(|e| eyre!("data exchange: {e}"))
}

/// The node's API router over `service`: the core routes and every component's routes (with
/// the service as their read view), and the OpenAPI document of exactly those routes.
pub fn api_router(
    service: Arc<NodeService>,
    config: ApiConfig,
    components: &[Arc<dyn Component>],
    guards: &Arc<govchain_api::Guards>,
) -> (axum::Router, utoipa::openapi::OpenApi) {
    let host: govchain_component::http::Host = service.clone();
    let modules =
        components.iter().fold(govchain_component::http::Routes::new(), |r, c| r.merge(c.routes())).with_state(host);
    govchain_api::router(service, config, modules, guards)
}
