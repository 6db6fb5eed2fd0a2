//! The certificates component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::CertificatesModule;
use crate::model::{CertType, Certificate};

/// Electronic certificates (licences, permits, diplomas).
#[derive(Default)]
pub struct CertificatesComponent;

impl Component for CertificatesComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(CertificatesModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            if let Ok(c) = borsh::from_slice::<Certificate>(v) {
                format!("certificate:\n{}", serde_json::to_string_pretty(&c).unwrap_or_default())
            } else if let Ok(t) = borsh::from_slice::<CertType>(v) {
                format!("certificate type:\n{}", serde_json::to_string_pretty(&t).unwrap_or_default())
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
