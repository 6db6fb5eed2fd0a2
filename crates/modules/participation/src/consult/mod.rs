//! Public consultations (module `consult`): a department publishes a text and documents
//! (hashes) with a comment period and an eligibility; eligible people get a blind-signed token
//! from the authority (the same round as votes) and comment once, under the address of a fresh
//! key — a pseudonym for this consultation only; the department answers or moderates with
//! public reasons.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "http")]
pub mod http;
pub mod keys;
mod methods;
mod model;
pub mod query;

pub use methods::{CREATE_PERMISSION, ConsultModule, RESPOND_PERMISSION};
pub use model::*;

/// Consultations.
#[derive(Default)]
pub struct ConsultComponent;

impl Component for ConsultComponent {
    fn name(&self) -> &'static str {
        keys::MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(ConsultModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("consult/c/") {
                borsh::from_slice::<Consultation>(v).ok().map(|x| Described::json("consultation", &x))
            } else if k.starts_with("consult/comment/") {
                borsh::from_slice::<Comment>(v).ok().map(|x| Described::json("comment", &x))
            } else {
                None
            };
            decoded.unwrap_or_else(|| format!("value 0x{}", hex::encode(v)))
        });
        Some(Described { key: text, value })
    }

    #[cfg(feature = "http")]
    fn routes(&self) -> govchain_component::http::Routes {
        http::routes()
    }

    #[cfg(feature = "cli")]
    fn cli(&self) -> Option<Box<dyn govchain_sdk::cli::ModuleCli>> {
        Some(cli::cli())
    }
}
