//! Query indexes of records (not part of the authenticated state; rebuilt from blocks).
//!
//! Keys end with `<published_ms as 8 bytes BE><id>` so a reverse scan lists newest first and a
//! time range is a key range:
//! * `records/i/all/…`
//! * `records/i/org/<org>\0…`
//! * `records/i/cat/<category>\0…`
//! * `records/i/oc/<org>\0<category>\0…`

use govchain_storage::IndexOp;

use crate::model::Record;

/// Filter of a record listing.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Organisation id.
    pub org: Option<String>,
    /// Category.
    pub category: Option<String>,
}

/// The index prefix that serves a filter.
pub fn list_prefix(f: &ListFilter) -> Vec<u8> {
    let mut k = b"records/i/".to_vec();
    match (&f.org, &f.category) {
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
pub fn time_bound_key(prefix: &[u8], ms: u64) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(ms.to_be_bytes());
    k
}

fn keys_for(org: &str, category: &str, published_ms: u64, id: &str) -> Vec<Vec<u8>> {
    let filters = [
        ListFilter::default(),
        ListFilter { org: Some(org.into()), category: None },
        ListFilter { org: None, category: Some(category.into()) },
        ListFilter { org: Some(org.into()), category: Some(category.into()) },
    ];
    filters
        .iter()
        .map(|f| {
            let mut k = time_bound_key(&list_prefix(f), published_ms);
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
