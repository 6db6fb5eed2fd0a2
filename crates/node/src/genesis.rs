//! The genesis file (`govchain_component::Genesis`), checked with the node's components.

use std::path::Path;
use std::sync::Arc;

use eyre::Result;
use govchain_component::{Component, GenesisState, genesis_state};
pub use govchain_component::{Genesis, GenesisValidator};
pub use govchain_execution::ChainParams;
use govchain_types::Hash32;

/// Reads a genesis file and checks it, every component's section included; returns it with its
/// hash and its exact bytes.
pub fn load(path: &Path, components: &[Arc<dyn Component>]) -> Result<(Genesis, Hash32, Vec<u8>)> {
    let (g, hash, bytes) = Genesis::load_file(path)?;
    state(&g, components)?;
    Ok((g, hash, bytes))
}

/// The genesis state (version 0) and query-index entries of `genesis` under `components`, which
/// checks everything a component reads.
pub fn state(genesis: &Genesis, components: &[Arc<dyn Component>]) -> Result<GenesisState> {
    Ok(genesis_state(genesis, components)?)
}
