//! Pruning of the state tree's stale nodes: a node replaced at version `s` (its
//! `stale_since_version`) is reachable from no root of version `s` or later, so once no proof
//! older than version `p` is promised, every node stale since `p` or earlier can go. Values
//! (`jmt_values`) are kept: reads of a value at any height still work; proofs below `p` do not.

use redb::ReadableDatabase;

use crate::StorageError;
use crate::store::Storage;
use crate::tables::*;

/// What one pruning pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Tree nodes deleted.
    pub nodes: u64,
    /// Whether every node stale since the target version is gone (false: call again).
    pub done: bool,
}

fn kept_key(height: u64, key: &[u8]) -> Vec<u8> {
    let mut k = height.to_be_bytes().to_vec();
    k.extend(key);
    k
}

/// Space in a store file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpaceUse {
    /// Bytes of live data (tables' keys and values and their b-tree pages).
    pub stored: u64,
    /// Bytes of pages allocated in the file (freed pages are reused, not returned).
    pub allocated: u64,
}

/// Rewrites a store file to return freed pages to the file system (`govchain db compact`; the
/// node must be stopped).
pub fn compact(path: &std::path::Path) -> Result<(), StorageError> {
    let mut db = redb::Database::open(path)?;
    db.compact().map_err(|e| StorageError::Database(e.to_string()))?;
    Ok(())
}

impl Storage {
    /// How much of the file is live data.
    pub fn space(&self) -> Result<SpaceUse, StorageError> {
        let tx = self.db.begin_write()?;
        let st = tx.stats()?;
        let out = SpaceUse {
            stored: st.stored_bytes() + st.metadata_bytes(),
            allocated: st.allocated_pages() * st.page_size() as u64,
        };
        tx.abort()?;
        Ok(out)
    }

    /// The kept proof of the validator set installed at `height` (see [`VALSET_PROOFS`]).
    pub fn valset_proof(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let r = self.db.begin_read()?;
        Ok(r.open_table(VALSET_PROOFS)?.get(height)?.map(|v| v.value().to_vec()))
    }

    /// A kept state proof of `key` at `height` (see [`KEPT_PROOFS`]).
    pub fn kept_proof(&self, height: u64, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let r = self.db.begin_read()?;
        Ok(r.open_table(KEPT_PROOFS)?.get(kept_key(height, key).as_slice())?.map(|v| v.value().to_vec()))
    }

    /// Keeps state proofs `(height, key, bytes)` and removes the index entries that asked for
    /// them, in one write transaction.
    pub fn keep_proofs(&self, proofs: &[(u64, Vec<u8>, Vec<u8>)], done: &[Vec<u8>]) -> Result<(), StorageError> {
        let tx = self.db.begin_write()?;
        {
            let mut kept = tx.open_table(KEPT_PROOFS)?;
            for (h, k, bytes) in proofs {
                kept.insert(kept_key(*h, k).as_slice(), bytes.as_slice())?;
            }
            let mut index = tx.open_table(INDEX)?;
            for k in done {
                index.remove(k.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Keeps the proof of the validator set installed at `height`.
    pub fn put_valset_proof(&self, height: u64, bytes: &[u8]) -> Result<(), StorageError> {
        let tx = self.db.begin_write()?;
        tx.open_table(VALSET_PROOFS)?.insert(height, bytes)?;
        tx.commit()?;
        Ok(())
    }

    /// The lowest version whose state tree is whole: proofs at older versions are pruned (0:
    /// nothing pruned).
    pub fn pruned_below(&self) -> Result<u64, StorageError> {
        Ok(self
            .meta("pruned_below")?
            .and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok())
            .map_or(0, u64::from_be_bytes))
    }

    /// Deletes up to `max_nodes` tree nodes stale since version `up_to` or earlier, in one write
    /// transaction that also records `up_to` as [`Storage::pruned_below`] (so a reader sees the
    /// deletion and the new limit together, and never asks for a deleted node). Versions `up_to`
    /// and later keep every node their roots reach.
    pub fn prune_stale(&self, up_to: u64, max_nodes: usize) -> Result<Pruned, StorageError> {
        let end = (up_to + 1).to_be_bytes();
        let batch: Vec<Vec<u8>> = {
            let r = self.db.begin_read()?;
            let stale = r.open_table(JMT_STALE)?;
            stale
                .range::<&[u8]>(..end.as_slice())?
                .take(max_nodes)
                .map(|e| e.map(|(k, _)| k.value().to_vec()))
                .collect::<Result<_, _>>()?
        };
        let done = batch.len() < max_nodes;
        let tx = self.db.begin_write()?;
        {
            let mut stale = tx.open_table(JMT_STALE)?;
            let mut nodes = tx.open_table(JMT_NODES)?;
            for k in &batch {
                nodes.remove(&k[8..])?;
                stale.remove(k.as_slice())?;
            }
            if self.pruned_below()? < up_to {
                tx.open_table(META)?.insert("pruned_below", up_to.to_be_bytes().as_slice())?;
            }
        }
        tx.commit()?;
        Ok(Pruned { nodes: batch.len() as u64, done })
    }
}
