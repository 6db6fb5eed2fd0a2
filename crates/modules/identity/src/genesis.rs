//! Genesis section of the identity module.

use std::collections::BTreeSet;

use govchain_component::{Genesis, GenesisError, GenesisState};
use govchain_types::{IndexOp, PublicKey, Suite};
use serde::{Deserialize, Serialize};

use crate::keys::{self, MODULE};
use crate::model::*;
use crate::validate;

/// An account listed in the genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisAccount {
    /// A label for operators (not stored on chain).
    #[serde(default)]
    pub label: String,
    /// The account key.
    pub public_key: PublicKey,
    /// Kind.
    pub kind: AccountKind,
    /// Organisation.
    pub org: String,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// The identity section of a genesis file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityGenesis {
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Accounts.
    pub accounts: Vec<GenesisAccount>,
}

fn err(message: impl std::fmt::Display) -> GenesisError {
    GenesisError::section(MODULE, message)
}

/// The identity state of a genesis: its `identity` section, and a check that every validator's
/// organisation exists.
pub fn genesis_state(genesis: &Genesis) -> Result<GenesisState, GenesisError> {
    let section: IdentityGenesis = genesis.section(MODULE)?;
    for v in &genesis.validators {
        if !section.organisations.iter().any(|o| o.id == v.org) {
            return Err(GenesisError::Invalid(format!("validator {} names unknown organisation {}", v.name, v.org)));
        }
    }
    genesis_writes(genesis.suite, &section)
}

/// State writes and index entries for an identity section. Checks every organisation, that ids
/// and addresses are unique, that roles exist, and that every admin is a genesis account of its
/// organisation.
pub fn genesis_writes(suite: Suite, g: &IdentityGenesis) -> Result<GenesisState, GenesisError> {
    let mut state = GenesisState::default();
    let mut ids = BTreeSet::new();
    for o in &g.organisations {
        validate::organisation(o).map_err(|e| err(format!("organisation {}: {}", o.id, e.message)))?;
        if !ids.insert(o.id.clone()) {
            return Err(err(format!("duplicate organisation {}", o.id)));
        }
        state.put(keys::org(&o.id), o)?;
        state.index.push(IndexOp::Put(keys::org_index(&o.id), vec![]));
    }
    let mut addrs = BTreeSet::new();
    for a in &g.accounts {
        a.public_key.validate().map_err(|e| err(format!("account {}: {e}", a.label)))?;
        if a.public_key.algorithm() != suite.default_algorithm() {
            return Err(err(format!("account {}: the key is not of the chain's suite ({})", a.label, suite.name())));
        }
        let org = g
            .organisations
            .iter()
            .find(|o| o.id == a.org)
            .ok_or_else(|| err(format!("account {} names unknown organisation {}", a.label, a.org)))?;
        for r in &a.roles {
            if !org.roles.iter().any(|x| &x.name == r) {
                return Err(err(format!("account {} has undefined role {r}", a.label)));
            }
        }
        if a.kind != AccountKind::Official && !a.roles.is_empty() {
            return Err(err(format!("account {}: only officials hold roles", a.label)));
        }
        let address = a.public_key.address(suite);
        if !addrs.insert(address) {
            return Err(err(format!("duplicate account {address}")));
        }
        let acct = Account {
            address,
            public_key: a.public_key.clone(),
            kind: a.kind,
            org: a.org.clone(),
            roles: a.roles.clone(),
            active: true,
            registered_at: 0,
        };
        state.put(keys::account(&address), &acct)?;
        state.index.push(IndexOp::Put(keys::member_index(&a.org, &address), vec![]));
    }
    let ids: Vec<String> = ids.into_iter().collect();
    state.put(keys::ORG_IDS.to_vec(), &ids)?;
    for o in &g.organisations {
        for admin in &o.admins {
            let is_member = g
                .accounts
                .iter()
                .any(|a| a.public_key.address(suite) == *admin && a.org == o.id && a.kind == AccountKind::Official);
            if !is_member {
                return Err(err(format!("admin {admin} of {} is not a genesis official of it", o.id)));
            }
        }
    }
    Ok(state)
}
