//! Every state and index key of the `consult` module. No other crate spells these prefixes.
//!
//! * `consult/c/<id>` → [`Consultation`](super::Consultation);
//! * `consult/issued/<id>/<holder pseudonym>` → the height a token was issued to that holder;
//! * `consult/spent/<id>/<token message hash>` → the comment number that used the token;
//! * `consult/comment/<id>/<n BE>` → [`Comment`](super::Comment).
//!
//! Query index: `consult/i/all/<id>`.

use govchain_types::Hash32;

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "consult";

const CONSULTATION: &[u8] = b"consult/c/";
const ISSUED: &[u8] = b"consult/issued/";
const SPENT: &[u8] = b"consult/spent/";
const COMMENT: &[u8] = b"consult/comment/";
const IDX_ALL: &[u8] = b"consult/i/all/";

fn key(prefix: &[u8], id: &str, tail: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(id.as_bytes());
    if !tail.is_empty() {
        k.push(b'/');
        k.extend(tail);
    }
    k
}

/// `consult/c/<id>`.
pub fn consultation(id: &str) -> Vec<u8> {
    key(CONSULTATION, id, b"")
}

/// `consult/issued/<id>/<holder>`.
pub fn issued(id: &str, holder: &Hash32) -> Vec<u8> {
    key(ISSUED, id, holder.to_hex().as_bytes())
}

/// `consult/spent/<id>/<token message hash>`.
pub fn spent(id: &str, token: &Hash32) -> Vec<u8> {
    key(SPENT, id, token.to_hex().as_bytes())
}

/// `consult/comment/<id>/<n BE>`.
pub fn comment(id: &str, n: u64) -> Vec<u8> {
    key(COMMENT, id, &n.to_be_bytes())
}

/// Index prefix of every consultation.
pub fn idx_all() -> Vec<u8> {
    IDX_ALL.to_vec()
}

/// Index entry of a consultation.
pub fn idx_consultation(id: &str) -> Vec<u8> {
    key(IDX_ALL, id, b"")
}

/// Readable form of a key of this module.
pub fn describe(k: &[u8]) -> Option<String> {
    if !k.starts_with(b"consult/") {
        return None;
    }
    if let Some(rest) = k.strip_prefix(COMMENT)
        && rest.len() > 9
    {
        let (id, n) = rest.split_at(rest.len() - 9);
        if let Ok(n) = <[u8; 8]>::try_from(&n[1..]) {
            return Some(format!("consult/comment/{}/{}", String::from_utf8_lossy(id), u64::from_be_bytes(n)));
        }
    }
    Some(String::from_utf8_lossy(k).chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect())
}
