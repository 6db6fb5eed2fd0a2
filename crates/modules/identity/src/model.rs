use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, PublicKey};
use serde::{Deserialize, Serialize};

/// Module name in calls.
pub const MODULE: &str = "identity";

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

/// Arguments of `identity.grant_role` and `identity.revoke_role`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RoleChange {
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

/// State key of the sorted list of organisation ids: `identity/org_ids` → `Vec<String>`.
pub const ORG_IDS_KEY: &[u8] = b"identity/org_ids";

/// State key of an organisation: `identity/org/<id>`.
pub fn org_key(id: &str) -> Vec<u8> {
    let mut k = b"identity/org/".to_vec();
    k.extend(id.as_bytes());
    k
}

/// State key of an account: `identity/acct/<20-byte address>`.
pub fn account_key(addr: &Address) -> Vec<u8> {
    let mut k = b"identity/acct/".to_vec();
    k.extend(addr.0);
    k
}

/// State key mapping a rotated-in key's address to its account: `identity/key/<20-byte address>`
/// → account `Address`.
pub fn key_index_key(key_address: &Address) -> Vec<u8> {
    let mut k = b"identity/key/".to_vec();
    k.extend(key_address.0);
    k
}

/// Arguments of `identity.rotate_key`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct RotateKey {
    /// The account's new key.
    pub new_key: PublicKey,
}

/// Index key listing organisations: `identity/orgs/<id>`.
pub fn org_index_key(id: &str) -> Vec<u8> {
    let mut k = b"identity/orgs/".to_vec();
    k.extend(id.as_bytes());
    k
}

/// Index key listing an organisation's accounts: `identity/members/<org>\0<address>`.
pub fn member_index_key(org: &str, addr: &Address) -> Vec<u8> {
    let mut k = b"identity/members/".to_vec();
    k.extend(org.as_bytes());
    k.push(0);
    k.extend(addr.0);
    k
}
