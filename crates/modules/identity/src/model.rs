use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, PublicKey};
use serde::{Deserialize, Serialize};

pub use crate::keys::MODULE;

/// Kind of organisation. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum OrgKind {
    /// A government department.
    Government = 0,
    /// A public institution (university, hospital).
    Institution = 1,
    /// An enterprise.
    Enterprise = 2,
}

/// A named bundle of permissions inside an organisation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Role {
    /// Role name (slug), e.g. `publisher`.
    pub name: String,
    /// Permissions, e.g. `records.publish`, or `records.*` for all of a module.
    pub permissions: Vec<String>,
}

/// An organisation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Organisation {
    /// Identifier (slug), e.g. `finance`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Addresses allowed to manage members and roles.
    pub admins: Vec<Address>,
    /// Roles defined by the organisation.
    pub roles: Vec<Role>,
    /// False when the organisation was removed (nothing is deleted).
    pub active: bool,
}

/// Kind of account. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum AccountKind {
    /// Staff of an organisation; may hold roles.
    Official = 0,
    /// A citizen (pseudonymous).
    Citizen = 1,
    /// A business.
    Business = 2,
}

/// A registered account.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Account {
    /// Address (derived from the key).
    pub address: Address,
    /// Public key transactions must be signed with.
    pub public_key: PublicKey,
    /// Kind.
    pub kind: AccountKind,
    /// Organisation: the employer of an official, the registering authority otherwise.
    pub org: String,
    /// Roles held (names of roles of `org`).
    pub roles: Vec<String>,
    /// False when suspended by an admin.
    pub active: bool,
    /// Height at which the account was registered (0 for genesis).
    pub registered_at: u64,
}

/// Arguments of `identity.register_account`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RegisterAccount {
    /// The new account's key.
    pub public_key: PublicKey,
    /// Kind.
    pub kind: AccountKind,
    /// Organisation (the signer must be one of its admins).
    pub org: String,
    /// Initial roles (officials only).
    pub roles: Vec<String>,
}

/// Arguments of `identity.grant_role`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct GrantRole {
    /// The account.
    pub account: Address,
    /// The role name.
    pub role: String,
}

/// Arguments of `identity.revoke_role` (the same encoding as [`GrantRole`]).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RevokeRole {
    /// The account.
    pub account: Address,
    /// The role name.
    pub role: String,
}

/// Arguments of `identity.define_role`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DefineRole {
    /// Organisation.
    pub org: String,
    /// The role (replaces a role of the same name).
    pub role: Role,
}

/// Arguments of `identity.set_account_active`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SetAccountActive {
    /// The account.
    pub account: Address,
    /// New state.
    pub active: bool,
}

/// Arguments of `identity.rotate_key`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RotateKey {
    /// The account's new key.
    pub new_key: PublicKey,
}

govchain_types::methods! { MODULE;
    RegisterAccount => "register_account",
    GrantRole => "grant_role",
    RevokeRole => "revoke_role",
    DefineRole => "define_role",
    SetAccountActive => "set_account_active",
    RotateKey => "rotate_key",
    crate::eth::BindEthKey => "bind_eth_key",
    crate::eth::UnbindEthKey => "unbind_eth_key",
}

impl OrgKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Government => "government",
            OrgKind::Institution => "institution",
            OrgKind::Enterprise => "enterprise",
        }
    }

    /// Parses [`OrgKind::as_str`].
    pub fn parse(s: &str) -> Option<OrgKind> {
        [OrgKind::Government, OrgKind::Institution, OrgKind::Enterprise].into_iter().find(|k| k.as_str() == s)
    }
}

impl AccountKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Official => "official",
            AccountKind::Citizen => "citizen",
            AccountKind::Business => "business",
        }
    }

    /// Parses [`AccountKind::as_str`].
    pub fn parse(s: &str) -> Option<AccountKind> {
        [AccountKind::Official, AccountKind::Citizen, AccountKind::Business].into_iter().find(|k| k.as_str() == s)
    }
}
