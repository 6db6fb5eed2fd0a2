//! The consensus adapter: GovChain on the Malachite BFT engine (Tendermint).
//!
//! The engine runs its own actors (p2p over TCP, write-ahead log, consensus, value sync) and
//! talks to us through a channel of `AppMsg`s. [`run`] turns those messages into calls on the
//! narrow [`Application`] trait, which the node implements. Nothing here knows about modules,
//! state or the API; nothing elsewhere knows about Malachite.

#![deny(clippy::unwrap_used)]

mod app;
mod codec;
mod context;
mod engine;
mod signing;
mod streaming;
pub use streaming::{Assembled, PartStreams, StreamPolicy, to_messages};

pub use app::{AppError, Application, CommitOutcome, ProposalCheck};
pub use codec::GovCodec;
pub use context::{BlockId, GovContext, Height, ProposalPart, ValAddress, proposer_index};
pub use engine::{EngineConfig, EngineHandle, engine_metrics, peer_id, start};
pub use signing::{GovSigner, GovVerifier};
