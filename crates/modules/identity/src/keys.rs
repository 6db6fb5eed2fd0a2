//! Every state and index key of the identity module. No other crate spells these prefixes.
//!
//! State (authenticated):
//! * `identity/org_ids` → `Vec<String>`: every organisation id, sorted;
//! * `identity/org/<id>` → [`Organisation`](crate::Organisation);
//! * `identity/acct/<20-byte address>` → [`Account`](crate::Account);
//! * `identity/key/<20-byte address>` → `Address`: a rotated-in key's account;
//! * `identity/eth/<20-byte Ethereum address>` → [`EthBinding`](crate::eth::EthBinding): an
//!   Ethereum key bound to an account.
//!
//! Query indexes (rebuilt from blocks):
//! * `identity/orgs/<id>`: organisations;
//! * `identity/members/<org>\0<address>`: an organisation's accounts.

use govchain_types::Address;

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "identity";

/// `identity/org_ids` → `Vec<String>`.
pub const ORG_IDS: &[u8] = b"identity/org_ids";

const ORG: &[u8] = b"identity/org/";
const ACCOUNT: &[u8] = b"identity/acct/";
const KEY: &[u8] = b"identity/key/";
const ETH_KEY: &[u8] = b"identity/eth/";
/// Prefix of the organisations index.
pub const ORGS_INDEX: &[u8] = b"identity/orgs/";
const MEMBERS_INDEX: &[u8] = b"identity/members/";

fn join(prefix: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(tail);
    k
}

/// `identity/org/<id>`.
pub fn org(id: &str) -> Vec<u8> {
    join(ORG, id.as_bytes())
}

/// `identity/acct/<20-byte address>`.
pub fn account(addr: &Address) -> Vec<u8> {
    join(ACCOUNT, &addr.0)
}

/// `identity/key/<20-byte address>`: maps a rotated-in key's address to its account.
pub fn key_owner(key_address: &Address) -> Vec<u8> {
    join(KEY, &key_address.0)
}

/// `identity/eth/<20-byte Ethereum address>`: an Ethereum key's binding.
pub fn eth_key(address: &Address) -> Vec<u8> {
    join(ETH_KEY, &address.0)
}

/// Index entry listing an organisation: `identity/orgs/<id>`.
pub fn org_index(id: &str) -> Vec<u8> {
    join(ORGS_INDEX, id.as_bytes())
}

/// Index entry listing an account of an organisation: `identity/members/<org>\0<address>`.
pub fn member_index(org: &str, addr: &Address) -> Vec<u8> {
    let mut k = join(MEMBERS_INDEX, org.as_bytes());
    k.push(0);
    k.extend(addr.0);
    k
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    let text = |tail: &[u8]| String::from_utf8_lossy(tail).to_string();
    if key == ORG_IDS {
        return Some("identity/org_ids".into());
    }
    if let Some(id) = key.strip_prefix(ORG) {
        return Some(format!("identity/org/{}", text(id)));
    }
    for (prefix, name) in [(ACCOUNT, "acct"), (KEY, "key"), (ETH_KEY, "eth")] {
        if let Some(a) = key.strip_prefix(prefix).and_then(|a| <[u8; 20]>::try_from(a).ok()) {
            return Some(format!("identity/{name}/{}", Address(a).to_text()));
        }
    }
    None
}
