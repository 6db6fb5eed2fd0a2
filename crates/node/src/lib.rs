//! The GovChain node: opens storage, writes the genesis on first start, and wires the state,
//! executor, mempool, consensus engine and HTTP API together.
//!
//! ```text
//!  HTTP ──► NodeService ──► Mempool (batch-verify, check) ──┐   (the API has its own runtime)
//!                                                           ▼
//!  Malachite engine ◄──► consensus adapter ◄──► Chain::{build, check, commit}
//!                                                           │
//!                                     Executor + modules ◄──┤
//!                                     StateDb (JMT) ◄───────┤
//!                                     Storage (redb) ◄──────┘  one write txn per block
//! ```

#![deny(clippy::unwrap_used)]

pub mod admin;
mod api_server;
mod app;
mod chain;
mod commit;
mod components;
pub mod config;
mod exchange_host;
mod forward;
pub mod genesis;
mod integrity;
mod ledger;
mod metrics;
mod node;
mod prune;
mod query;
pub mod search;
pub mod service;
pub mod snapshot;

pub use api_server::ApiThreads;
pub use app::ChainApp;
pub use chain::{Chain, Pacing, Tip};
pub use components::components;
pub use config::{NodeConfig, RawConfig};
pub use genesis::{ChainParams, Genesis, GenesisValidator};
pub use govchain_consensus::peer_id;
pub use integrity::{Checked, Damage};
pub use metrics::Metrics;
pub use node::{RunningNode, api_router, load_key, open, open_with, start, start_with, start_with_application};
