//! The data-sharing component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::DatashareModule;
use crate::model::{Dataset, Grant, Policy, Profile, Receipt, Request, Shredding};

/// Cross-department data sharing.
#[derive(Default)]
pub struct DatashareComponent;

impl Component for DatashareComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(DatashareModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("datashare/receipt/") {
                borsh::from_slice::<Receipt>(v).ok().map(|x| Described::json("access receipt", &x))
            } else if k.starts_with("datashare/grant/") {
                borsh::from_slice::<Grant>(v).ok().map(|x| Described::json("grant", &x))
            } else if k.starts_with("datashare/request/") {
                borsh::from_slice::<Request>(v).ok().map(|x| Described::json("request", &x))
            } else if k.starts_with("datashare/dataset") {
                borsh::from_slice::<Dataset>(v).ok().map(|x| Described::json("data set", &x))
            } else if k.starts_with("datashare/profile") {
                borsh::from_slice::<Profile>(v).ok().map(|x| Described::json("data-sharing profile", &x))
            } else if k.starts_with("datashare/policy/") {
                borsh::from_slice::<Policy>(v).ok().map(|x| Described::json("policy", &x))
            } else if k.starts_with("datashare/shred/") {
                borsh::from_slice::<Shredding>(v).ok().map(|x| Described::json("shredding", &x))
            } else {
                None
            };
            decoded.unwrap_or_else(|| format!("value 0x{}", hex::encode(v)))
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
