//! The vote component: what the node lists.

use std::sync::Arc;

use govchain_component::{Component, Described};
use govchain_execution::Module;

use crate::keys::{self, MODULE};
use crate::methods::VoteModule;
use crate::model::{Ballot, BallotBox, Issuance, Tally, Vote};

/// Votes.
#[derive(Default)]
pub struct VoteComponent;

impl Component for VoteComponent {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn module(&self) -> Option<Arc<dyn Module>> {
        Some(Arc::new(VoteModule))
    }

    fn describe(&self, key: &[u8], value: Option<&[u8]>) -> Option<Described> {
        let text = keys::describe(key)?;
        let value = value.map(|v| {
            let k = text.as_str();
            let decoded = if k.starts_with("vote/v/") {
                borsh::from_slice::<Vote>(v).ok().map(|x| Described::json("vote", &x))
            } else if k.starts_with("vote/box/") {
                borsh::from_slice::<BallotBox>(v).ok().map(|x| Described::json("ballot box", &x))
            } else if k.starts_with("vote/ballot/") {
                borsh::from_slice::<Ballot>(v).ok().map(|x| Described::json("ballot", &x))
            } else if k.starts_with("vote/tally/") {
                borsh::from_slice::<Tally>(v).ok().map(|x| Described::json("tally", &x))
            } else if k.starts_with("vote/issued/") {
                borsh::from_slice::<Issuance>(v).ok().map(|x| Described::json("token issuance", &x))
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
