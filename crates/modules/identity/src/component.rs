//! The identity component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described, Genesis, GenesisError, GenesisState};
use govchain_execution::{Module, SignerGate};

use crate::keys::{self, MODULE};
use crate::methods::{IdentityGate, IdentityModule};
use crate::model::{Account, Organisation};

/// Organisations, accounts, roles, and the signer gate.
#[derive(Default)]
pub struct IdentityComponent;

impl Component for IdentityComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(IdentityModule))
    }

    fn signer_gate(&self) -> Option<Arc<dyn SignerGate>> {
        Some(Arc::new(IdentityGate))
    }

    fn genesis(&self, genesis: &Genesis) -> Result<GenesisState, GenesisError> {
        crate::genesis::genesis_state(genesis)
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            if text.starts_with("identity/eth/")
                && let Ok(b) = borsh::from_slice::<crate::eth::EthBinding>(v)
            {
                Described::json("Ethereum key binding", &b)
            } else if let Ok(a) = borsh::from_slice::<Account>(v) {
                format!("account:\n{}", serde_json::to_string_pretty(&a).unwrap_or_default())
            } else if let Ok(o) = borsh::from_slice::<Organisation>(v) {
                format!("organisation:\n{}", serde_json::to_string_pretty(&o).unwrap_or_default())
            } else {
                format!("value 0x{}", hex::encode(v))
            }
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
