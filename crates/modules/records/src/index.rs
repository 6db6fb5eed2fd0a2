//! Query-index changes of records (not part of the authenticated state; see [`crate::keys`]).

use govchain_types::IndexOp;

use crate::keys;
use crate::model::Record;

fn keys_for(org: &str, category: &str, published_ms: u64, id: &str) -> Vec<Vec<u8>> {
    let prefixes = [
        keys::list_prefix(None, None),
        keys::list_prefix(Some(org), None),
        keys::list_prefix(None, Some(category)),
        keys::list_prefix(Some(org), Some(category)),
    ];
    prefixes
        .iter()
        .map(|p| {
            let mut k = keys::time_bound(p, published_ms);
            k.extend(id.as_bytes());
            k
        })
        .collect()
}

/// Index changes for writing `new` over `old` (None for a first version).
pub(crate) fn ops(old: Option<&Record>, new: &Record) -> Vec<IndexOp> {
    let mut out = Vec::new();
    if let Some(o) = old.filter(|o| o.content.category != new.content.category) {
        for k in keys_for(&o.org, &o.content.category, o.published_ms, &o.id) {
            out.push(IndexOp::Delete(k));
        }
    }
    for k in keys_for(&new.org, &new.content.category, new.published_ms, &new.id) {
        out.push(IndexOp::Put(k, new.id.as_bytes().to_vec()));
    }
    out
}
