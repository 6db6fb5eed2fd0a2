//! The records component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::RecordsModule;
use crate::model::Record;

/// Public records (government information disclosure).
#[derive(Default)]
pub struct RecordsComponent;

impl Component for RecordsComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(RecordsModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| match borsh::from_slice::<Record>(v) {
            Ok(r) if keys::parse_version(key).is_some() => format!(
                "record {} version {} ({}) by {}:\n{}",
                r.id,
                r.version,
                r.status.as_str(),
                r.org,
                serde_json::to_string_pretty(&r).unwrap_or_default()
            ),
            _ => format!("value 0x{}", hex::encode(v)),
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
