//! Sealed-bid tenders (module `tender`): a department publishes a notice with a lot, a
//! published award rule (weighted criteria, [`award`]) and a deadline; an authority admits
//! bidders holding a licence in force; bids are sealed to a key split among k of n trustee
//! departments (the same [`board`](crate::board) as votes), so nobody — the tendering
//! department included — reads a bid before the deadline. After it, the k-th trustee's part
//! opens every bid on chain and the award follows the rule; anyone recomputes it
//! ([`award::recompute`]).

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

pub mod award;
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

pub use methods::{CREATE_PERMISSION, TenderModule};
pub use model::*;

/// Tenders.
#[derive(Default)]
pub struct TenderComponent;

impl Component for TenderComponent {
    fn name(&self) -> &'static str {
        keys::MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(TenderModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("tender/t/") {
                borsh::from_slice::<Tender>(v).ok().map(|x| Described::json("tender", &x))
            } else if k.starts_with("tender/bid/") {
                borsh::from_slice::<Bid>(v).ok().map(|x| Described::json("bid", &x))
            } else if k.starts_with("tender/award/") {
                borsh::from_slice::<Award>(v).ok().map(|x| Described::json("award", &x))
            } else if k.starts_with("tender/adm/") {
                borsh::from_slice::<Admission>(v).ok().map(|x| Described::json("admission", &x))
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
