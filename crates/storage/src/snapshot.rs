//! State snapshots, store side: reading the live state of the tip in one consistent read
//! transaction (for `govchain snapshot export`), and writing a store that starts at a snapshot's
//! height (for `--state-sync`).
//!
//! A store made from a snapshot at height `h` holds, below `h + 1`, only what light clients
//! need: the header and certificate at `h`, the headers, certificates and kept proofs of the
//! validator-set changes, the state at `h` (values and a whole tree) and the query indexes. Its
//! meta `history_from = h` says so: blocks, transactions and values below `h` are not here
//! (`pruned_below = h` as well, so proofs below `h` answer "pruned").

use redb::{Durability, ReadableDatabase, ReadableTable};

use crate::store::Storage;
use crate::tables::*;
use crate::{IndexEntry, StateWrites, StorageError};

/// The store at its tip, in one read transaction: what it reads belongs to one committed block
/// whatever the node commits meanwhile.
pub struct SnapshotSource {
    tx: redb::ReadTransaction,
    height: u64,
}

fn meta_u64(t: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<u64, StorageError> {
    Ok(t.get(key)?.and_then(|v| <[u8; 8]>::try_from(v.value()).ok()).map_or(0, u64::from_be_bytes))
}

impl SnapshotSource {
    /// The height the source is at (the tip when it was opened).
    pub fn height(&self) -> u64 {
        self.height
    }

    /// Encoded header at `height`.
    pub fn header(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.tx.open_table(HEADERS)?.get(height)?.map(|v| v.value().to_vec()))
    }

    /// Encoded commit certificate at `height`.
    pub fn certificate(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.tx.open_table(CERTS)?.get(height)?.map(|v| v.value().to_vec()))
    }

    /// Every key present in the state at the source's height, as (key hash, value), in key-hash
    /// order. Returns how many there were.
    pub fn for_each_leaf<E: From<StorageError>>(
        &self,
        mut f: impl FnMut(&[u8; 32], &[u8]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let t = self.tx.open_table(JMT_VALUES).map_err(StorageError::from)?;
        let mut current: Option<([u8; 32], Option<Vec<u8>>)> = None;
        let mut n = 0u64;
        let mut emit = |c: Option<([u8; 32], Option<Vec<u8>>)>, n: &mut u64| -> Result<(), E> {
            if let Some((kh, Some(v))) = c {
                *n += 1;
                f(&kh, &v)?;
            }
            Ok(())
        };
        for row in t.iter().map_err(StorageError::from)? {
            let (k, v) = row.map_err(StorageError::from)?;
            let k = k.value();
            let version = u64::from_be_bytes(k[32..].try_into().unwrap_or_default());
            if version > self.height {
                continue;
            }
            let kh: [u8; 32] = k[..32].try_into().unwrap_or_default();
            let value: Option<Vec<u8>> = borsh::from_slice(v.value())
                .map_err(|e| StorageError::Corrupt { table: "jmt_values", detail: e.to_string() })?;
            match &mut current {
                Some((c, latest)) if *c == kh => *latest = value,
                _ => emit(current.replace((kh, value)), &mut n)?,
            }
        }
        emit(current, &mut n)?;
        Ok(n)
    }

    /// Every query-index entry, in key order. Returns how many there were.
    pub fn for_each_index<E: From<StorageError>>(
        &self,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let t = self.tx.open_table(INDEX).map_err(StorageError::from)?;
        let mut n = 0;
        for row in t.iter().map_err(StorageError::from)? {
            let (k, v) = row.map_err(StorageError::from)?;
            f(k.value(), v.value())?;
            n += 1;
        }
        Ok(n)
    }
}

/// A light-client header kept in a store that starts at a snapshot: (height, encoded header,
/// encoded certificate).
pub type KeptHeader = (u64, Vec<u8>, Vec<u8>);

impl Storage {
    /// Opens a consistent view of the store at its tip for export.
    pub fn snapshot_source(&self) -> Result<SnapshotSource, StorageError> {
        let tx = self.db.begin_read()?;
        let height = meta_u64(&tx.open_table(META)?, "tip")?;
        Ok(SnapshotSource { tx, height })
    }

    /// The first height this store holds in full: 0 for a store that started at genesis, `h`
    /// for one made from a snapshot at `h` (which holds no block, transaction or state value
    /// below `h`).
    pub fn history_from(&self) -> Result<u64, StorageError> {
        let r = self.db.begin_read()?;
        meta_u64(&r.open_table(META)?, "history_from")
    }

    /// Writes part of a snapshot's state into an empty store (no durability until
    /// [`Storage::finish_import`]).
    pub fn import_state(&self, w: &StateWrites) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::None)?;
        if tx.open_table(META)?.get("tip")?.is_some() {
            return Err(StorageError::Database("a snapshot is imported into an empty store only".into()));
        }
        crate::store::write_state(&tx, w)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes part of a snapshot's query indexes into an empty store.
    pub fn import_index(&self, entries: &[IndexEntry]) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::None)?;
        {
            let mut t = tx.open_table(INDEX)?;
            for (k, v) in entries {
                t.insert(k.as_slice(), v.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Completes a store made from a snapshot at `height`, durably: the meta values (genesis,
    /// chain id), the light-client headers (the snapshot's own and those of the validator-set
    /// changes), the kept validator-set proofs, and the tip, `history_from` and `pruned_below`
    /// at `height`.
    pub fn finish_import(
        &self,
        height: u64,
        meta: &[(&str, Vec<u8>)],
        headers: &[KeptHeader],
        valset_proofs: &[(u64, Vec<u8>)],
    ) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        {
            let mut m = tx.open_table(META)?;
            if m.get("tip")?.is_some() {
                return Err(StorageError::Database("a snapshot is imported into an empty store only".into()));
            }
            for (k, v) in meta {
                m.insert(*k, v.as_slice())?;
            }
            for key in ["tip", "history_from", "pruned_below"] {
                m.insert(key, height.to_be_bytes().as_slice())?;
            }
            let (mut hs, mut cs) = (tx.open_table(HEADERS)?, tx.open_table(CERTS)?);
            for (h, header, cert) in headers {
                hs.insert(*h, header.as_slice())?;
                cs.insert(*h, cert.as_slice())?;
            }
            let mut vp = tx.open_table(VALSET_PROOFS)?;
            for (h, bytes) in valset_proofs {
                vp.insert(*h, bytes.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
