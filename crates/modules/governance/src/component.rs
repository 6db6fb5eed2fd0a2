//! The governance component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described, Genesis, GenesisError, GenesisState};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::GovernanceModule;
use crate::model::{GovConfig, Proposal};

/// Governance of membership, validators and parameters by the government departments.
#[derive(Default)]
pub struct GovernanceComponent;

impl Component for GovernanceComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(GovernanceModule))
    }

    /// The `governance` section: [`GovConfig`] (defaults when absent).
    fn genesis(&self, genesis: &Genesis) -> Result<GenesisState, GenesisError> {
        let cfg: GovConfig = genesis.section(MODULE)?;
        cfg.validate().map_err(|e| GenesisError::section(MODULE, e))?;
        let mut state = GenesisState::default();
        state.put(keys::CONFIG.to_vec(), &cfg)?;
        Ok(state)
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| match borsh::from_slice::<Proposal>(v) {
            Ok(p) => format!("proposal:\n{}", serde_json::to_string_pretty(&p).unwrap_or_default()),
            Err(_) => format!("value 0x{}", hex::encode(v)),
        });
        Some(Described { key: text, value })
    }

    #[cfg(feature = "http")]
    fn routes(&self) -> govchain_component::http::Routes {
        crate::http::routes()
    }

    #[cfg(feature = "cli")]
    fn cli(&self) -> Option<Box<dyn govchain_sdk::cli::ModuleCli>> {
        Some(crate::cli::cli())
    }
}
