//! Every state and index key of the records module. No other crate spells these prefixes.
//!
//! State (authenticated):
//! * `records/v/<id>/<version as 4 bytes BE>` → [`Record`](crate::Record): every version;
//! * `records/head/<id>` → `u32`: the latest version;
//! * `records/seq/<org>` → `u64`: an organisation's record counter;
//! * `records/tagged/<org>/<category>/<tag>` → `u32`: how many active records carry the tag
//!   (what [`crate::facts`] reads).
//!
//! Query indexes (rebuilt from blocks), each ending with `<published_ms as 8 bytes BE><id>` so
//! a reverse scan lists newest first and a time range is a key range:
//! `records/i/all/…`, `records/i/org/<org>\0…`, `records/i/cat/<category>\0…`,
//! `records/i/oc/<org>\0<category>\0…`.

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "records";

const VERSION: &[u8] = b"records/v/";
const HEAD: &[u8] = b"records/head/";
const SEQ: &[u8] = b"records/seq/";
const INDEX: &[u8] = b"records/i/";
const TAGGED: &[u8] = b"records/tagged/";

/// `records/tagged/<org>/<category>/<tag>`.
pub fn tagged(org: &str, category: &str, tag: &str) -> Vec<u8> {
    let mut k = TAGGED.to_vec();
    k.extend(org.as_bytes());
    k.push(b'/');
    k.extend(category.as_bytes());
    k.push(b'/');
    k.extend(tag.as_bytes());
    k
}

/// `records/v/<id>/<version BE>`.
pub fn version(id: &str, version: u32) -> Vec<u8> {
    let mut k = VERSION.to_vec();
    k.extend(id.as_bytes());
    k.push(b'/');
    k.extend(version.to_be_bytes());
    k
}

/// `records/head/<id>`.
pub fn head(id: &str) -> Vec<u8> {
    let mut k = HEAD.to_vec();
    k.extend(id.as_bytes());
    k
}

/// `records/seq/<org>`.
pub fn seq(org: &str) -> Vec<u8> {
    let mut k = SEQ.to_vec();
    k.extend(org.as_bytes());
    k
}

/// The index prefix serving a listing by organisation and/or category.
pub fn list_prefix(org: Option<&str>, category: Option<&str>) -> Vec<u8> {
    let mut k = INDEX.to_vec();
    match (org, category) {
        (None, None) => k.extend(b"all/"),
        (Some(o), None) => {
            k.extend(b"org/");
            k.extend(o.as_bytes());
            k.push(0);
        }
        (None, Some(c)) => {
            k.extend(b"cat/");
            k.extend(c.as_bytes());
            k.push(0);
        }
        (Some(o), Some(c)) => {
            k.extend(b"oc/");
            k.extend(o.as_bytes());
            k.push(0);
            k.extend(c.as_bytes());
            k.push(0);
        }
    }
    k
}

/// Key bound for "published before `ms`" under `prefix`.
pub fn time_bound(prefix: &[u8], ms: u64) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(ms.to_be_bytes());
    k
}

/// The record id and version of a version key.
pub fn parse_version(key: &[u8]) -> Option<(String, u32)> {
    let rest = key.strip_prefix(VERSION)?;
    if rest.len() < 6 || rest[rest.len() - 5] != b'/' {
        return None;
    }
    let (id, v) = rest.split_at(rest.len() - 5);
    let v = u32::from_be_bytes([v[1], v[2], v[3], v[4]]);
    Some((String::from_utf8(id.to_vec()).ok()?, v))
}

/// What a key of this module is, in readable form (None for keys of other modules).
pub fn describe(key: &[u8]) -> Option<String> {
    if let Some((id, v)) = parse_version(key) {
        return Some(format!("records/v/{id}/{v}"));
    }
    [HEAD, SEQ, TAGGED, INDEX]
        .iter()
        .any(|p| key.starts_with(p))
        .then(|| String::from_utf8_lossy(key).chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_keys_round_trip() {
        assert_eq!(parse_version(&version("finance-000001", 3)), Some(("finance-000001".into(), 3)));
        assert_eq!(describe(&version("finance-000001", 1)).as_deref(), Some("records/v/finance-000001/1"));
        assert_eq!(describe(&head("finance-000001")).as_deref(), Some("records/head/finance-000001"));
        assert_eq!(describe(b"identity/org/finance"), None);
    }
}
