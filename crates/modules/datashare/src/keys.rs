//! Every state and index key of the data-sharing module. No other crate spells these prefixes.
//!
//! State:
//! * `datashare/profile/<org>` → latest [`Profile`](crate::Profile);
//!   `datashare/profile_v/<org>/<version BE>` → each version.
//! * `datashare/dataset/<id>` → latest [`Dataset`](crate::Dataset);
//!   `datashare/dataset_v/<id>/<version BE>` → each version.
//! * `datashare/policy/<dataset>/<id>` → [`Policy`](crate::Policy);
//!   `datashare/policies/<dataset>` → the policy ids (sorted).
//! * `datashare/request/<id>` → [`Request`](crate::Request); `datashare/grant/<id>` →
//!   [`Grant`](crate::Grant).
//! * `datashare/receipt/<tag hex>` → [`Receipt`](crate::Receipt); `datashare/seq/<n BE>` → the
//!   tag of receipt `n`; `datashare/receipts` → the number of receipts (u64);
//!   `datashare/access/<access id hex>` → the tag of that access's receipt.
//! * `datashare/shred/<n BE>` → [`Shredding`](crate::Shredding); `datashare/shreds` → count.
//! * `datashare/stat/<YYYY-MM>/<dataset>/<requester>/<purpose>` → [`Stat`](crate::Stat).
//!
//! Query index: `datashare/datasets/<id>`; `datashare/profiles/<org>`;
//! `datashare/stats/<YYYY-MM>/<dataset>/<requester>/<purpose>` (value: the statistics state key); `datashare/by_owner/<org>/<request id>` and
//! `datashare/by_requester/<org>/<request id>`.

use govchain_types::Hash32;

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "datashare";

const PROFILE: &[u8] = b"datashare/profile/";
const PROFILE_V: &[u8] = b"datashare/profile_v/";
const DATASET: &[u8] = b"datashare/dataset/";
const DATASET_V: &[u8] = b"datashare/dataset_v/";
const POLICY: &[u8] = b"datashare/policy/";
const POLICIES: &[u8] = b"datashare/policies/";
const REQUEST: &[u8] = b"datashare/request/";
const GRANT: &[u8] = b"datashare/grant/";
const RECEIPT: &[u8] = b"datashare/receipt/";
const SEQ: &[u8] = b"datashare/seq/";
const ACCESS: &[u8] = b"datashare/access/";
const SHRED: &[u8] = b"datashare/shred/";
const STAT: &[u8] = b"datashare/stat/";
/// The receipt count.
pub const RECEIPTS: &[u8] = b"datashare/receipts";
/// The shredding count.
pub const SHREDS: &[u8] = b"datashare/shreds";
/// Prefix of the catalog index.
pub const DATASETS_INDEX: &[u8] = b"datashare/datasets/";
/// Prefix of the profiles index.
pub const PROFILES_INDEX: &[u8] = b"datashare/profiles/";
const STATS_INDEX: &[u8] = b"datashare/stats/";
const BY_OWNER: &[u8] = b"datashare/by_owner/";
const BY_REQUESTER: &[u8] = b"datashare/by_requester/";

fn join(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(b'/');
        }
        k.extend_from_slice(p);
    }
    k
}

/// `datashare/profile/<org>`.
pub fn profile(org: &str) -> Vec<u8> {
    join(PROFILE, &[org.as_bytes()])
}

/// `datashare/profile_v/<org>/<version BE>`.
pub fn profile_version(org: &str, version: u32) -> Vec<u8> {
    join(PROFILE_V, &[org.as_bytes(), &version.to_be_bytes()])
}

/// `datashare/dataset/<id>`.
pub fn dataset(id: &str) -> Vec<u8> {
    join(DATASET, &[id.as_bytes()])
}

/// `datashare/dataset_v/<id>/<version BE>`.
pub fn dataset_version(id: &str, version: u32) -> Vec<u8> {
    join(DATASET_V, &[id.as_bytes(), &version.to_be_bytes()])
}

/// `datashare/policy/<dataset>/<id>`.
pub fn policy(dataset: &str, id: &str) -> Vec<u8> {
    join(POLICY, &[dataset.as_bytes(), id.as_bytes()])
}

/// `datashare/policies/<dataset>`: the ids of the data set's policies, in order.
pub fn policies(dataset: &str) -> Vec<u8> {
    join(POLICIES, &[dataset.as_bytes()])
}

/// `datashare/request/<id>`.
pub fn request(id: &str) -> Vec<u8> {
    join(REQUEST, &[id.as_bytes()])
}

/// `datashare/grant/<id>`.
pub fn grant(id: &str) -> Vec<u8> {
    join(GRANT, &[id.as_bytes()])
}

/// `datashare/receipt/<tag hex>`: the receipt stored under a subject tag.
pub fn receipt(tag: &Hash32) -> Vec<u8> {
    join(RECEIPT, &[tag.to_hex().as_bytes()])
}

/// `datashare/seq/<n BE>`: the tag of receipt number `n`.
pub fn seq(n: u64) -> Vec<u8> {
    join(SEQ, &[&n.to_be_bytes()])
}

/// `datashare/access/<access id hex>`.
pub fn access(id: &Hash32) -> Vec<u8> {
    join(ACCESS, &[id.to_hex().as_bytes()])
}

/// `datashare/shred/<n BE>`.
pub fn shred(n: u64) -> Vec<u8> {
    join(SHRED, &[&n.to_be_bytes()])
}

/// `datashare/stat/<YYYY-MM>/<dataset>/<requester>/<purpose>`.
pub fn stat(month: &str, dataset: &str, requester: &str, purpose: &str) -> Vec<u8> {
    join(STAT, &[month.as_bytes(), dataset.as_bytes(), requester.as_bytes(), purpose.as_bytes()])
}

/// Parses a statistics key into (month, dataset, requester, purpose).
pub fn parse_stat(key: &[u8]) -> Option<(String, String, String, String)> {
    let rest = std::str::from_utf8(key.strip_prefix(STAT)?).ok()?;
    let mut it = rest.splitn(4, '/');
    Some((it.next()?.into(), it.next()?.into(), it.next()?.into(), it.next()?.into()))
}

/// Index entry listing a profile.
pub fn profile_index(org: &str) -> Vec<u8> {
    join(PROFILES_INDEX, &[org.as_bytes()])
}

/// The organisation of a profile index entry.
pub fn parse_profile_index(key: &[u8]) -> Option<String> {
    key.strip_prefix(PROFILES_INDEX).and_then(|b| String::from_utf8(b.to_vec()).ok())
}

/// Index entry listing a statistics key (the value is the state key).
pub fn stat_index(month: &str, dataset: &str, requester: &str, purpose: &str) -> Vec<u8> {
    join(STATS_INDEX, &[month.as_bytes(), dataset.as_bytes(), requester.as_bytes(), purpose.as_bytes()])
}

/// Prefix of one month's statistics index.
pub fn stat_index_month(month: &str) -> Vec<u8> {
    let mut k = join(STATS_INDEX, &[month.as_bytes()]);
    k.push(b'/');
    k
}

/// Index entry listing a data set.
pub fn dataset_index(id: &str) -> Vec<u8> {
    join(DATASETS_INDEX, &[id.as_bytes()])
}

/// The data set id of an index entry.
pub fn parse_dataset_index(key: &[u8]) -> Option<String> {
    key.strip_prefix(DATASETS_INDEX).and_then(|b| String::from_utf8(b.to_vec()).ok())
}

/// Index entry of a request, under its owner (`owner = true`) or its requester.
pub fn request_index(owner: bool, org: &str, id: &str) -> Vec<u8> {
    join(if owner { BY_OWNER } else { BY_REQUESTER }, &[org.as_bytes(), id.as_bytes()])
}

/// Prefix of an organisation's requests (as owner or as requester).
pub fn request_index_prefix(owner: bool, org: &str) -> Vec<u8> {
    let mut k = join(if owner { BY_OWNER } else { BY_REQUESTER }, &[org.as_bytes()]);
    k.push(b'/');
    k
}

/// The request id of an index entry under `prefix`.
pub fn parse_request_index(prefix: &[u8], key: &[u8]) -> Option<String> {
    key.strip_prefix(prefix).and_then(|b| String::from_utf8(b.to_vec()).ok())
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    for (prefix, name) in [(PROFILE_V, "datashare/profile_v/"), (DATASET_V, "datashare/dataset_v/")] {
        if let Some(rest) = key.strip_prefix(prefix)
            && rest.len() > 5
            && rest[rest.len() - 5] == b'/'
        {
            let (id, v) = rest.split_at(rest.len() - 5);
            let v = u32::from_be_bytes([v[1], v[2], v[3], v[4]]);
            return Some(format!("{name}{}/{v}", String::from_utf8_lossy(id)));
        }
    }
    for (prefix, name) in [(SEQ, "datashare/seq/"), (SHRED, "datashare/shred/")] {
        if let Some(rest) = key.strip_prefix(prefix)
            && let Ok(n) = <[u8; 8]>::try_from(rest)
        {
            return Some(format!("{name}{}", u64::from_be_bytes(n)));
        }
    }
    key.starts_with(b"datashare/").then(|| String::from_utf8_lossy(key).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        assert_eq!(describe(&profile_version("hrss", 3)).as_deref(), Some("datashare/profile_v/hrss/3"));
        assert_eq!(describe(&seq(7)).as_deref(), Some("datashare/seq/7"));
        let k = stat("2026-12", "social-insurance", "civil-affairs", "subsidy-eligibility");
        assert_eq!(
            parse_stat(&k),
            Some(("2026-12".into(), "social-insurance".into(), "civil-affairs".into(), "subsidy-eligibility".into()))
        );
        let p = request_index_prefix(true, "hrss");
        assert_eq!(parse_request_index(&p, &request_index(true, "hrss", "r1")).as_deref(), Some("r1"));
        assert!(describe(b"records/x").is_none());
    }
}
