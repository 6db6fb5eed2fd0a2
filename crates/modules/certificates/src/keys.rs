//! Every state and index key of the certificates module. No other crate spells these prefixes.
//!
//! State: `certificates/type/<id>` → latest [`CertType`](crate::CertType);
//! `certificates/type_v/<id>/<version BE>` → that version; `certificates/cert/<id>` →
//! [`Certificate`](crate::Certificate). Query index: `certificates/types/<id>`.

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "certificates";

const TYPE: &[u8] = b"certificates/type/";
const TYPE_VERSION: &[u8] = b"certificates/type_v/";
const CERT: &[u8] = b"certificates/cert/";
const HOLDER: &[u8] = b"certificates/holder/";
/// Prefix of the types index.
pub const TYPES_INDEX: &[u8] = b"certificates/types/";

fn join(prefix: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(tail);
    k
}

/// `certificates/type/<id>`: the latest version of a type.
pub fn cert_type(id: &str) -> Vec<u8> {
    join(TYPE, id.as_bytes())
}

/// `certificates/type_v/<id>/<version BE>`: one version of a type.
pub fn type_version(id: &str, version: u32) -> Vec<u8> {
    let mut k = join(TYPE_VERSION, id.as_bytes());
    k.push(b'/');
    k.extend(version.to_be_bytes());
    k
}

/// `certificates/cert/<id>`.
pub fn cert(id: &str) -> Vec<u8> {
    join(CERT, id.as_bytes())
}

/// `certificates/holder/<type>/<holder hex>`: the ids of the certificates of one type issued to one holder pseudonym (newest last, at most
/// [`crate::facts::MAX_PER_HOLDER`]): what chain-fact checks such as workflow conditions read.
pub fn holder(type_id: &str, holder: &govchain_types::Hash32) -> Vec<u8> {
    let mut k = join(HOLDER, type_id.as_bytes());
    k.push(b'/');
    k.extend(hex::encode(holder.0).as_bytes());
    k
}

/// Index entry listing a type: `certificates/types/<id>`.
pub fn type_index(id: &str) -> Vec<u8> {
    join(TYPES_INDEX, id.as_bytes())
}

/// The type id of an index entry.
pub fn parse_type_index(key: &[u8]) -> Option<String> {
    key.strip_prefix(TYPES_INDEX).and_then(|b| String::from_utf8(b.to_vec()).ok())
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    if let Some(rest) = key.strip_prefix(TYPE_VERSION)
        && rest.len() > 5
        && rest[rest.len() - 5] == b'/'
    {
        let (id, v) = rest.split_at(rest.len() - 5);
        let v = u32::from_be_bytes([v[1], v[2], v[3], v[4]]);
        return Some(format!("certificates/type_v/{}/{v}", String::from_utf8_lossy(id)));
    }
    [TYPE, CERT, HOLDER, TYPES_INDEX]
        .iter()
        .any(|p| key.starts_with(p))
        .then(|| String::from_utf8_lossy(key).to_string())
}
