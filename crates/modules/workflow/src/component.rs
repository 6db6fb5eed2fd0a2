//! The workflow component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::WorkflowModule;
use crate::model::{Deployed, Instance, ProcessHead, RegisterEntry, Step};

/// Approval workflows.
#[derive(Default)]
pub struct WorkflowComponent;

impl Component for WorkflowComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(WorkflowModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("workflow/step/") {
                borsh::from_slice::<Step>(v).ok().map(|x| Described::json("instance step", &x))
            } else if k.starts_with("workflow/inst/") {
                borsh::from_slice::<Instance>(v).ok().map(|x| Described::json("instance", &x))
            } else if k.starts_with("workflow/def/") {
                borsh::from_slice::<Deployed>(v).ok().map(|x| Described::json("process definition", &x))
            } else if k.starts_with("workflow/proc/") {
                borsh::from_slice::<ProcessHead>(v).ok().map(|x| Described::json("process", &x))
            } else if k.starts_with("workflow/reg") {
                borsh::from_slice::<RegisterEntry>(v).ok().map(|x| Described::json("register entry", &x))
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
