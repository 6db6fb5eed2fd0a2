//! Every state and index key of the `tender` module. No other crate spells these prefixes.
//!
//! * `tender/t/<id>` → [`Tender`](super::Tender) (with its sealing state);
//! * `tender/adm/<id>/<bidder hex>` → [`Admission`](super::Admission);
//! * `tender/holder/<id>/<holder pseudonym hex>` → the admitted bidder's address;
//! * `tender/bid/<id>/<n BE>` → [`Bid`](super::Bid);
//! * `tender/award/<id>` → [`Award`](super::Award).
//!
//! Query index: `tender/i/all/<id>`.

use govchain_types::{Address, Hash32};

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "tender";

const TENDER: &[u8] = b"tender/t/";
const ADMISSION: &[u8] = b"tender/adm/";
const HOLDER: &[u8] = b"tender/holder/";
const BID: &[u8] = b"tender/bid/";
const AWARD: &[u8] = b"tender/award/";
const IDX_ALL: &[u8] = b"tender/i/all/";

use crate::keyspace::join as key;

/// `tender/t/<id>`.
pub fn tender(id: &str) -> Vec<u8> {
    key(TENDER, id, b"")
}

/// `tender/adm/<id>/<bidder>`.
pub fn admission(id: &str, bidder: &Address) -> Vec<u8> {
    key(ADMISSION, id, hex::encode(bidder.0).as_bytes())
}

/// `tender/holder/<id>/<holder>`.
pub fn holder(id: &str, holder: &Hash32) -> Vec<u8> {
    key(HOLDER, id, holder.to_hex().as_bytes())
}

/// `tender/bid/<id>/<n BE>`.
pub fn bid(id: &str, n: u64) -> Vec<u8> {
    key(BID, id, &n.to_be_bytes())
}

/// `tender/award/<id>`.
pub fn award(id: &str) -> Vec<u8> {
    key(AWARD, id, b"")
}

/// Index prefix of every tender.
pub fn idx_all() -> Vec<u8> {
    IDX_ALL.to_vec()
}

/// Index entry of a tender.
pub fn idx_tender(id: &str) -> Vec<u8> {
    key(IDX_ALL, id, b"")
}

/// Readable form of a key of this module.
pub fn describe(k: &[u8]) -> Option<String> {
    crate::keyspace::describe(k, b"tender/", BID)
}
