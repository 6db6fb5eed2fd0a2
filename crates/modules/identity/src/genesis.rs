//! Genesis section of the identity module.

use std::collections::BTreeSet;

use govchain_storage::IndexOp;
use govchain_types::{PublicKey, Suite};
use serde::{Deserialize, Serialize};

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

/// State key-value pairs.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// State writes and index entries for the genesis identity section. Checks every organisation,
/// that ids and addresses are unique, that roles exist, and that every admin is a genesis
/// account of its organisation.
pub fn genesis_writes(suite: Suite, g: &IdentityGenesis) -> Result<(KeyValues, Vec<IndexOp>), String> {
    let mut writes = Vec::new();
    let mut index = Vec::new();
    let mut ids = BTreeSet::new();
    for o in &g.organisations {
        validate::organisation(o).map_err(|e| format!("organisation {}: {}", o.id, e.message))?;
        if !ids.insert(o.id.clone()) {
            return Err(format!("duplicate organisation {}", o.id));
        }
        writes.push((org_key(&o.id), borsh::to_vec(o).map_err(|e| e.to_string())?));
        index.push(IndexOp::Put(org_index_key(&o.id), vec![]));
    }
    let mut addrs = BTreeSet::new();
    for a in &g.accounts {
        a.public_key.validate().map_err(|e| format!("account {}: {e}", a.label))?;
        let org = g
            .organisations
            .iter()
            .find(|o| o.id == a.org)
            .ok_or_else(|| format!("account {} names unknown organisation {}", a.label, a.org))?;
        for r in &a.roles {
            if !org.roles.iter().any(|x| &x.name == r) {
                return Err(format!("account {} has undefined role {r}", a.label));
            }
        }
        if a.kind != AccountKind::Official && !a.roles.is_empty() {
            return Err(format!("account {}: only officials hold roles", a.label));
        }
        let address = a.public_key.address(suite);
        if !addrs.insert(address) {
            return Err(format!("duplicate account {address}"));
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
        writes.push((account_key(&address), borsh::to_vec(&acct).map_err(|e| e.to_string())?));
        index.push(IndexOp::Put(member_index_key(&a.org, &address), vec![]));
    }
    let ids: Vec<String> = ids.into_iter().collect();
    writes.push((ORG_IDS_KEY.to_vec(), borsh::to_vec(&ids).map_err(|e| e.to_string())?));
    for o in &g.organisations {
        for admin in &o.admins {
            let is_member = g
                .accounts
                .iter()
                .any(|a| a.public_key.address(suite) == *admin && a.org == o.id && a.kind == AccountKind::Official);
            if !is_member {
                return Err(format!("admin {admin} of {} is not a genesis official of it", o.id));
            }
        }
    }
    Ok((writes, index))
}
