//! The data exchange between departments' nodes (feature `exchange`): docs/datashare.md.
//!
//! A node configured with a `[datashare]` section runs this service on its own listener:
//!
//! * **As owner** it answers access requests from other departments (`POST
//!   /exchange/v1/access`): it checks the official and the grant on chain, reads the subject's
//!   fields from the department's own database ([`connector`]), commits an access receipt —
//!   and only after that commit returns the fields sealed to the grant's delivery key. A refused
//!   attempt gets a receipt too. It erases a subject on a data officer's order.
//! * **As grantee** it holds the delivery keys of its department's grants, fetches for its
//!   officials, keeps what it received sealed under per-delivery keys ([`store`]), and destroys
//!   the keys when a grant ends or an owner orders erasure — recording each shredding on chain.

pub mod connector;
mod grantee;
mod owner;
mod server;
pub mod store;
pub use crate::wire;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use govchain_api_types::ApiError;
use govchain_component::ChainQuery;
use govchain_crypto::SecretKey;
use govchain_types::{Call, Hash32};
use serde::{Deserialize, Serialize};

pub use connector::{Connector, SourceConfig};
pub use server::{router, serve};
pub use store::Store;

/// The `[datashare]` section of a node's config.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeConfig {
    /// Listen address of the exchange, e.g. `127.0.0.1:7090`.
    pub listen: String,
    /// Keystore (relative to the node's home) of the official who signs receipts and shreddings
    /// (permissions `datashare.deliver` and `datashare.request`).
    pub operator_key: PathBuf,
    /// Keystore of the exchange key published in the organisation's profile.
    pub exchange_key: PathBuf,
    /// Store directory (relative to the home).
    #[serde(default = "default_store")]
    pub store: PathBuf,
    /// Largest clock difference accepted on a signed request, ms.
    #[serde(default = "default_skew")]
    pub max_skew_ms: u64,
    /// Seconds between sweeps for ended grants.
    #[serde(default = "default_sweep")]
    pub sweep_interval_ms: u64,
    /// Where each owned data set's rows live.
    #[serde(default)]
    pub datasets: BTreeMap<String, SourceConfig>,
}

fn default_store() -> PathBuf {
    PathBuf::from("datashare")
}
fn default_skew() -> u64 {
    300_000
}
fn default_sweep() -> u64 {
    2_000
}

/// A transaction's fate.
#[derive(Clone, Debug)]
pub struct Committed {
    /// Height.
    pub height: u64,
    /// The error code when the transaction failed in execution.
    pub failure: Option<String>,
}

/// What the exchange needs from its node.
#[async_trait::async_trait]
pub trait ExchangeHost: Send + Sync + 'static {
    /// The committed state.
    fn query(&self) -> Arc<dyn ChainQuery>;
    /// Signs `call` with `key` at its next nonce and admits it; returns its id.
    async fn submit(&self, key: &SecretKey, call: Call) -> Result<Hash32, ApiError>;
    /// Waits until a transaction is committed (or dropped: an error).
    async fn wait(&self, hash: Hash32, timeout: Duration) -> Result<Committed, ApiError>;
    /// Waits until this node has committed `height` (an owner's receipt may be a block ahead of
    /// a grantee's node).
    async fn wait_height(&self, height: u64, timeout: Duration) -> Result<(), ApiError>;
}

/// The running exchange.
pub struct Exchange {
    host: Arc<dyn ExchangeHost>,
    org: String,
    operator: SecretKey,
    exchange_secret: SecretKey,
    store: Store,
    sources: BTreeMap<String, Connector>,
    max_skew_ms: u64,
    sweep_interval: Duration,
    http: reqwest::Client,
    subjects: parking_lot::Mutex<BTreeMap<Hash32, Arc<tokio::sync::Mutex<u64>>>>,
    submit_lock: tokio::sync::Mutex<()>,
    /// Test hook (`GOVCHAIN_TEST_FAILPOINT=datashare_after_receipt`): the process aborts after a
    /// delivery's receipt is committed and before the delivery is sent, as a crash would.
    abort_after_receipt: bool,
}

/// How long a receipt may take to commit.
pub const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);

impl Exchange {
    /// Builds the exchange: the operator's organisation from chain, the connectors opened.
    pub async fn new(
        host: Arc<dyn ExchangeHost>,
        cfg: &ExchangeConfig,
        home: &std::path::Path,
        operator: SecretKey,
        exchange_secret: SecretKey,
    ) -> Result<Exchange, String> {
        let q = host.query();
        let org = {
            let key_address = operator.public_key().address(q.suite());
            let addr = govchain_identity::query::account_of_key(q.as_ref(), &key_address, q.height())
                .map_err(|e| e.message)?;
            govchain_identity::query::account_at(q.as_ref(), &addr, q.height())
                .map_err(|e| e.message)?
                .ok_or("the datashare operator key is not a registered account")?
                .org
        };
        let store = Store::open(&home.join(&cfg.store), q.suite() == govchain_types::Suite::Sm2Sm3)
            .map_err(|e| e.to_string())?;
        let mut sources = BTreeMap::new();
        for (id, src) in &cfg.datasets {
            let ds = crate::query::dataset_record(q.as_ref(), id).map_err(|e| e.message)?;
            let mut src = src.clone();
            // A relative SQLite path is the node home's; the exchange only reads.
            if let Some(path) = src.url.strip_prefix("sqlite://")
                && !path.starts_with('/')
                && !path.starts_with(':')
            {
                src.url = format!("sqlite://{}", home.join(path).display());
            }
            if src.url.starts_with("sqlite://") && !src.url.contains('?') {
                src.url.push_str("?mode=ro");
            }
            let c = Connector::open(src, ds.as_ref()).await.map_err(|e| format!("data set {id}: {e}"))?;
            sources.insert(id.clone(), c);
        }
        Ok(Exchange {
            host,
            org,
            operator,
            exchange_secret,
            store,
            sources,
            max_skew_ms: cfg.max_skew_ms,
            sweep_interval: Duration::from_millis(cfg.sweep_interval_ms.max(100)),
            http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?,
            subjects: parking_lot::Mutex::new(BTreeMap::new()),
            submit_lock: tokio::sync::Mutex::new(()),
            abort_after_receipt: std::env::var("GOVCHAIN_TEST_FAILPOINT").is_ok_and(|v| v == "datashare_after_receipt"),
        })
    }

    /// The organisation this exchange acts for.
    pub fn org(&self) -> &str {
        &self.org
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Submits a call signed by the operator and waits for its commit.
    async fn commit<M: govchain_types::Method>(&self, args: &M) -> Result<Committed, ApiError> {
        let call = args.to_call().map_err(|e| ApiError::internal(format!("call too large: {e:?}")))?;
        let hash = {
            // One operator, one nonce sequence: admission is serialised, commits are awaited in
            // parallel.
            let _g = self.submit_lock.lock().await;
            match self.host.submit(&self.operator, call.clone()).await {
                // The account was used elsewhere meanwhile: once more, from the chain's count.
                Err(e) if e.code == "nonce_too_low" => self.host.submit(&self.operator, call).await?,
                r => r?,
            }
        };
        self.host.wait(hash, COMMIT_TIMEOUT).await
    }

    fn now_ms() -> u64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }
}
