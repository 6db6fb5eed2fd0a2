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

use crate::keyspace::join as key;

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
    crate::keyspace::describe(k, b"consult/", COMMENT)
}
