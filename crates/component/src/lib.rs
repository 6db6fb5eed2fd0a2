//! The shape of a GovChain module.
//!
//! A module is a **component**: one crate that owns its state keys (`keys.rs`), its domain
//! types, its transaction methods ([`Module`]), its typed queries over [`ChainQuery`], its events,
//! its HTTP routes with their OpenAPI entries (feature `http`), its CLI subcommands (feature
//! `cli`) and its genesis section. The node keeps one list of components and builds everything
//! from it: the executor ([`executor`]), the genesis state ([`genesis_state`]), the API router
//! and the CLI. `docs/adding-a-module.md` walks through adding one.

#![deny(clippy::unwrap_used)]

mod genesis;
#[cfg(feature = "http")]
pub mod http;
mod query;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use genesis::{Genesis, GenesisError, GenesisState, GenesisValidator};
use govchain_execution::{Executor, Module, SignerGate, keys};
use govchain_types::IndexOp;
pub use query::{AtHeight, BlockMeta, ChainQuery, ChainQueryExt, IndexEntries, Proven, at_height};

/// A human description of a state entry, for `govchain verify` and operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// The key in readable form, e.g. `records/v/finance-000001/1`.
    pub key: String,
    /// What the value is, e.g. `record finance-000001 version 1 (active) by finance`, followed by
    /// the value as JSON.
    pub value: Option<String>,
}

impl Described {
    /// A value described as `what:` followed by it as pretty JSON (for [`Component::describe`]).
    pub fn json<T: serde::Serialize>(what: &str, v: &T) -> String {
        format!("{what}:\n{}", serde_json::to_string_pretty(v).unwrap_or_default())
    }
}

/// One module of the chain, with its whole surface. Every method but [`Component::name`] has a
/// default, so a component provides only what it has.
pub trait Component: Send + Sync + 'static {
    /// The name: the module name in calls, the first segment of its state keys
    /// (`<name>/…`), and its genesis section.
    fn name(&self) -> &'static str;

    /// Its transaction methods.
    fn module(&self) -> Option<Arc<dyn Module>> {
        None
    }

    /// The gate deciding who may sign transactions (exactly one component, identity, has one).
    fn signer_gate(&self) -> Option<Arc<dyn SignerGate>> {
        None
    }

    /// Its genesis state, from its section of the genesis file (and the core fields).
    fn genesis(&self, _genesis: &Genesis) -> Result<GenesisState, GenesisError> {
        Ok(GenesisState::default())
    }

    /// Describes one of its state entries (`None` for keys it does not own).
    fn describe(&self, _key: &[u8], _value: Option<&[u8]>) -> Option<Described> {
        None
    }

    /// Its HTTP routes, each registered with its OpenAPI entry (`utoipa_axum::routes!`).
    #[cfg(feature = "http")]
    fn routes(&self) -> http::Routes {
        http::Routes::new()
    }

    /// Its CLI subcommand (`govchain <name> …`).
    #[cfg(feature = "cli")]
    fn cli(&self) -> Option<Box<dyn govchain_sdk::cli::ModuleCli>> {
        None
    }
}

/// Why a list of components cannot form a chain.
#[derive(Debug, thiserror::Error)]
pub enum ComponentError {
    /// Two components share a name.
    #[error("two components are named {0}")]
    DuplicateName(&'static str),
    /// A module's name differs from its component's.
    #[error("component {component} has a module named {module}")]
    ModuleName {
        /// Component.
        component: &'static str,
        /// Module.
        module: &'static str,
    },
    /// Not exactly one signer gate.
    #[error("exactly one component must decide who may sign transactions; found {0}")]
    Gates(usize),
}

/// The executor over the components' modules, with the one signer gate among them.
pub fn executor(components: &[Arc<dyn Component>]) -> Result<Executor, ComponentError> {
    let mut names = BTreeSet::new();
    let mut modules = Vec::new();
    let mut gates = Vec::new();
    for c in components {
        if !names.insert(c.name()) {
            return Err(ComponentError::DuplicateName(c.name()));
        }
        if let Some(m) = c.module() {
            if m.name() != c.name() {
                return Err(ComponentError::ModuleName { component: c.name(), module: m.name() });
            }
            modules.push(m);
        }
        gates.extend(c.signer_gate());
    }
    if gates.len() != 1 {
        return Err(ComponentError::Gates(gates.len()));
    }
    let gate = gates.pop().ok_or(ComponentError::Gates(0))?;
    Ok(Executor::new(modules, gate))
}

/// The genesis state (version 0) and query-index entries: the executor's system keys (validator
/// set, parameters) and every component's section. Fails on a section no component reads, on a
/// component writing outside its own `<name>/` keys, and on anything a component rejects.
pub fn genesis_state(genesis: &Genesis, components: &[Arc<dyn Component>]) -> Result<GenesisState, GenesisError> {
    genesis.validate_core()?;
    if let Some(unknown) = genesis.sections.keys().find(|s| !components.iter().any(|c| c.name() == s.as_str())) {
        return Err(GenesisError::section(unknown, "no component of this node reads this section"));
    }
    let mut state = GenesisState::default();
    state.put(keys::VALIDATORS.to_vec(), &genesis.validator_set()?)?;
    state.put(keys::PARAMS.to_vec(), &genesis.params)?;
    for c in components {
        let part = c.genesis(genesis)?;
        let prefix = format!("{}/", c.name());
        let outside = part.writes.keys().chain(part.index.iter().map(|op| match op {
            IndexOp::Put(k, _) | IndexOp::Delete(k) => k,
        }));
        if let Some(k) = outside.into_iter().find(|k| !k.starts_with(prefix.as_bytes())) {
            return Err(GenesisError::section(c.name(), format!("writes key {:?} outside {prefix}", k)));
        }
        state.writes.extend(part.writes);
        state.index.extend(part.index);
    }
    Ok(state)
}
