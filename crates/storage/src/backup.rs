//! Online backup: a consistent copy of the whole store while the node keeps committing.
//!
//! One redb read transaction sees the store as of one committed block (every block commits in
//! one write transaction), so copying every table inside it gives a file that is exactly the
//! store at that height — blocks, certificates, receipts, state tree, indexes — whatever the
//! node commits meanwhile.

use std::path::Path;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};

use crate::StorageError;
use crate::store::Storage;
use crate::tables::*;

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// The height the copy is at (its tip).
    pub height: u64,
    /// The genesis hash it belongs to.
    pub genesis: Vec<u8>,
    /// File size in bytes.
    pub bytes: u64,
}

fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<(), StorageError> {
    let src = from.open_table(def)?;
    let mut dst = to.open_table(def)?;
    for row in src.iter()? {
        let (k, v) = row?;
        dst.insert(k.value(), v.value())?;
    }
    Ok(())
}

impl Storage {
    /// Writes a consistent copy of the store to `path` (which must not exist) while the node
    /// runs, and returns what it holds. The file is written and synced before this returns; on
    /// failure a partial file is removed.
    pub fn backup_to(&self, path: &Path) -> Result<BackupInfo, StorageError> {
        if path.exists() {
            return Err(StorageError::Database(format!("{} exists", path.display())));
        }
        let result = self.write_backup(path);
        if result.is_err() {
            let _ = std::fs::remove_file(path);
        }
        result
    }

    fn write_backup(&self, path: &Path) -> Result<BackupInfo, StorageError> {
        let read = self.db.begin_read()?;
        let out = Database::create(path)?;
        let mut w = out.begin_write()?;
        w.set_durability(Durability::Immediate)?;
        copy(&read, &w, META)?;
        copy(&read, &w, HEADERS)?;
        copy(&read, &w, BODIES)?;
        copy(&read, &w, CERTS)?;
        copy(&read, &w, RECEIPTS)?;
        copy(&read, &w, TX_INDEX)?;
        copy(&read, &w, JMT_NODES)?;
        copy(&read, &w, JMT_VALUES)?;
        copy(&read, &w, JMT_STALE)?;
        copy(&read, &w, INDEX)?;
        copy(&read, &w, UNDECIDED)?;
        copy(&read, &w, DECISIONS)?;
        copy(&read, &w, VALSET_PROOFS)?;
        copy(&read, &w, KEPT_PROOFS)?;
        w.commit()?;
        drop(out);
        let info = inspect(path)?;
        Ok(info)
    }
}

/// Opens a backup (or any store file) read-only enough to say what it holds: its tip and
/// genesis. Fails on a file that is not a GovChain store.
pub fn inspect(path: &Path) -> Result<BackupInfo, StorageError> {
    let db = Database::open(path)?;
    let r = db.begin_read()?;
    let meta = r.open_table(META)?;
    let genesis = meta
        .get("genesis")?
        .map(|v| v.value().to_vec())
        .ok_or_else(|| StorageError::Corrupt { table: "meta", detail: "no genesis: not a GovChain store".into() })?;
    let height = match meta.get("tip")? {
        Some(v) => {
            let b = v.value();
            let a: [u8; 8] = b
                .get(..8)
                .and_then(|s| s.try_into().ok())
                .ok_or_else(|| StorageError::Corrupt { table: "meta", detail: "tip is not 8 bytes".into() })?;
            u64::from_be_bytes(a)
        }
        None => 0,
    };
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo { height, genesis, bytes })
}
