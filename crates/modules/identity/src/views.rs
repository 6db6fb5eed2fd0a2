//! JSON shapes of the identity routes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{Account, Organisation};

/// A role.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleView {
    /// Name.
    pub name: String,
    /// Permissions.
    pub permissions: Vec<String>,
}

/// An organisation.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OrgView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `government`, `institution` or `enterprise`.
    pub kind: String,
    /// Admin addresses.
    pub admins: Vec<String>,
    /// Roles.
    pub roles: Vec<RoleView>,
    /// Active.
    pub active: bool,
    /// Validators the organisation operates.
    pub validators: Vec<String>,
}

/// An account (pseudonymous).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    /// Address.
    pub address: String,
    /// Public key.
    pub public_key: String,
    /// `official`, `citizen` or `business`.
    pub kind: String,
    /// Organisation.
    pub org: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Active.
    pub active: bool,
    /// Registration height.
    pub registered_at: u64,
    /// Next nonce in committed state.
    pub next_nonce: u64,
    /// Next nonce counting pending transactions (use this for a new transaction).
    pub pending_nonce: u64,
}

impl OrgView {
    /// The view of an organisation and the validators it operates.
    pub fn new(o: &Organisation, validators: Vec<String>) -> OrgView {
        OrgView {
            id: o.id.clone(),
            name: o.name.clone(),
            kind: o.kind.as_str().into(),
            admins: o.admins.iter().map(|a| a.to_text()).collect(),
            roles: o
                .roles
                .iter()
                .map(|r| RoleView { name: r.name.clone(), permissions: r.permissions.clone() })
                .collect(),
            active: o.active,
            validators,
        }
    }
}

impl AccountView {
    /// The view of an account with its nonces.
    pub fn new(a: &Account, next_nonce: u64, pending_nonce: u64) -> AccountView {
        AccountView {
            address: a.address.to_text(),
            public_key: a.public_key.to_text(),
            kind: a.kind.as_str().into(),
            org: a.org.clone(),
            roles: a.roles.clone(),
            active: a.active,
            registered_at: a.registered_at,
            next_nonce,
            pending_nonce,
        }
    }
}
