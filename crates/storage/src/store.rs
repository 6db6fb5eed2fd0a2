use std::path::Path;
use std::sync::Arc;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, ReadableTableMetadata};

use crate::tables::*;
use crate::{BlockCommit, IndexOp, StateWrites, StorageError};

/// An index entry: (key, value).
pub type IndexEntry = (Vec<u8>, Vec<u8>);

/// A persisted undecided proposal: (round, block hash, opaque record).
pub type UndecidedEntry = (u32, [u8; 32], Vec<u8>);

/// A committed transaction: where it is, its encoding, and its receipt's encoding.
pub type CommittedTx = (TxLocation, Vec<u8>, Vec<u8>);

/// Where a committed transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxLocation {
    /// Block height.
    pub height: u64,
    /// Position in the block.
    pub index: u32,
}

/// Handle to the node database. Cheap to clone; safe to share between threads (redb gives
/// readers consistent snapshots while the single writer commits).
#[derive(Clone)]
pub struct Storage {
    pub(crate) db: Arc<Database>,
}

fn value_key(key_hash: &[u8; 32], version: u64) -> [u8; 40] {
    let mut k = [0u8; 40];
    k[..32].copy_from_slice(key_hash);
    k[32..].copy_from_slice(&version.to_be_bytes());
    k
}

fn decode_opt_value(bytes: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
    borsh::from_slice(bytes).map_err(|e| StorageError::Corrupt { table: "jmt_values", detail: e.to_string() })
}

impl Storage {
    /// Opens (or creates) the database at `path` with a 256 MiB page cache.
    pub fn open(path: &Path) -> Result<Storage, StorageError> {
        Storage::open_with_cache(path, 256 * 1024 * 1024)
    }

    /// Opens (or creates) the database at `path` with a page cache of `cache_bytes`, and creates
    /// missing tables.
    pub fn open_with_cache(path: &Path, cache_bytes: usize) -> Result<Storage, StorageError> {
        let db = Database::builder().set_cache_size(cache_bytes).create(path)?;
        let tx = db.begin_write()?;
        {
            tx.open_table(META)?;
            tx.open_table(HEADERS)?;
            tx.open_table(BODIES)?;
            tx.open_table(CERTS)?;
            tx.open_table(RECEIPTS)?;
            tx.open_table(TX_INDEX)?;
            tx.open_table(JMT_NODES)?;
            tx.open_table(JMT_VALUES)?;
            tx.open_table(JMT_STALE)?;
            tx.open_table(INDEX)?;
            tx.open_table(UNDECIDED)?;
            tx.open_table(DECISIONS)?;
            tx.open_table(VALSET_PROOFS)?;
            tx.open_table(KEPT_PROOFS)?;
        }
        tx.commit()?;
        Ok(Storage { db: Arc::new(db) })
    }

    /// Height of the last committed block (0 before the first block).
    pub fn tip(&self) -> Result<u64, StorageError> {
        Ok(self.meta("tip")?.map(|b| be_u64(&b)).unwrap_or(0))
    }

    /// Reads a meta value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(META)?;
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Writes the genesis state (version 0) and meta values in one transaction. Fails if a tip
    /// already exists.
    pub fn write_genesis(
        &self,
        state: &StateWrites,
        index: &[IndexOp],
        meta: &[(&str, Vec<u8>)],
    ) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        {
            let mut m = tx.open_table(META)?;
            if m.get("tip")?.is_some() {
                return Err(StorageError::OutOfOrder { tip: 0, got: 0 });
            }
            for (k, v) in meta {
                m.insert(*k, v.as_slice())?;
            }
            m.insert("tip", 0u64.to_be_bytes().as_slice())?;
        }
        write_state(&tx, state)?;
        write_index(&tx, index)?;
        tx.commit()?;
        Ok(())
    }

    /// Commits a decided block atomically: block, certificate, receipts, tx index, state, indexes
    /// and the new tip, then removes undecided proposals up to that height.
    pub fn commit_block(&self, c: &BlockCommit<'_>) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        {
            let mut m = tx.open_table(META)?;
            let tip = m.get("tip")?.map(|v| be_u64(v.value())).unwrap_or(0);
            if c.height != tip + 1 {
                return Err(StorageError::OutOfOrder { tip, got: c.height });
            }
            m.insert("tip", c.height.to_be_bytes().as_slice())?;
        }
        tx.open_table(HEADERS)?.insert(c.height, c.header)?;
        tx.open_table(BODIES)?.insert(c.height, c.body)?;
        tx.open_table(CERTS)?.insert(c.height, c.certificate)?;
        tx.open_table(RECEIPTS)?.insert(c.height, c.receipts)?;
        if c.tx_spans.len() != c.tx_hashes.len() || c.receipt_spans.len() != c.tx_hashes.len() {
            return Err(StorageError::Database("one span per transaction and receipt is required".into()));
        }
        {
            let mut idx = tx.open_table(TX_INDEX)?;
            for (i, h) in c.tx_hashes.iter().enumerate() {
                let mut loc = [0u8; 28];
                loc[..8].copy_from_slice(&c.height.to_be_bytes());
                loc[8..12].copy_from_slice(&(i as u32).to_be_bytes());
                let (t, r) = (c.tx_spans[i], c.receipt_spans[i]);
                for (j, v) in [t.0, t.1, r.0, r.1].into_iter().enumerate() {
                    loc[12 + 4 * j..16 + 4 * j].copy_from_slice(&v.to_be_bytes());
                }
                idx.insert(h, &loc)?;
            }
        }
        write_state(&tx, c.state)?;
        write_index(&tx, c.index)?;
        {
            let mut u = tx.open_table(UNDECIDED)?;
            let end = (c.height + 1).to_be_bytes();
            u.retain_in::<&[u8], _>(..end.as_slice(), |_, _| false)?;
        }
        tx.open_table(DECISIONS)?.retain_in(..=c.height, |_, _| false)?;
        tx.commit()?;
        Ok(())
    }

    /// Records durably that the block at `height` was decided (see [`DECISIONS`]); the record is
    /// opaque here and removed by the commit of that height.
    pub fn put_decision(&self, height: u64, record: &[u8]) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        tx.open_table(DECISIONS)?.insert(height, record)?;
        tx.commit()?;
        Ok(())
    }

    /// Decision records above the tip (crash recovery), lowest height first.
    pub fn decisions(&self) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(DECISIONS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            let (k, v) = item?;
            out.push((k.value(), v.value().to_vec()));
        }
        Ok(out)
    }

    /// Whether an undecided proposal for (height, round, block hash) is persisted.
    pub fn has_undecided(&self, height: u64, round: u32, block_hash: &[u8; 32]) -> Result<bool, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(UNDECIDED)?;
        Ok(t.get(undecided_key(height, round, block_hash).as_slice())?.is_some())
    }

    /// Encoded header at `height`.
    pub fn header(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_u64(HEADERS, height)
    }

    /// Encoded block body at `height`.
    pub fn body(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_u64(BODIES, height)
    }

    /// Encoded commit certificate at `height`.
    pub fn certificate(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_u64(CERTS, height)
    }

    /// Replaces the certificate of a committed block (a later certificate may carry more
    /// signatures for the same block).
    pub fn replace_certificate(&self, height: u64, cert: &[u8]) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        {
            let mut t = tx.open_table(CERTS)?;
            if t.get(height)?.is_some() {
                t.insert(height, cert)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Encoded receipts at `height`.
    pub fn receipts(&self, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_u64(RECEIPTS, height)
    }

    fn get_u64(&self, table: redb::TableDefinition<u64, &[u8]>, height: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(table)?;
        Ok(t.get(height)?.map(|v| v.value().to_vec()))
    }

    /// Where a transaction was committed.
    pub fn tx_location(&self, hash: &[u8; 32]) -> Result<Option<TxLocation>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(TX_INDEX)?;
        Ok(t.get(hash)?.map(|v| location(v.value())))
    }

    /// A committed transaction's location, encoding and receipt encoding, read without decoding
    /// (or copying) the rest of its block.
    pub fn committed_tx(&self, hash: &[u8; 32]) -> Result<Option<CommittedTx>, StorageError> {
        let r = self.db.begin_read()?;
        let Some(v) = r.open_table(TX_INDEX)?.get(hash)? else { return Ok(None) };
        let loc = location(v.value());
        let span = |j: usize| {
            let b = v.value();
            let n = |k: usize| u32::from_be_bytes([b[k], b[k + 1], b[k + 2], b[k + 3]]) as usize;
            (n(12 + 8 * j), n(16 + 8 * j))
        };
        let slice = |table: redb::TableDefinition<u64, &[u8]>, (off, len): (usize, usize)| {
            let t = r.open_table(table)?;
            let g = t.get(loc.height)?.ok_or(StorageError::Corrupt { table: "tx_index", detail: "no block".into() })?;
            g.value()
                .get(off..off + len)
                .map(<[u8]>::to_vec)
                .ok_or(StorageError::Corrupt { table: "tx_index", detail: "span outside the block".into() })
        };
        Ok(Some((loc, slice(BODIES, span(0))?, slice(RECEIPTS, span(1))?)))
    }

    /// Number of committed transactions.
    pub fn tx_count(&self) -> Result<u64, StorageError> {
        let r = self.db.begin_read()?;
        Ok(r.open_table(TX_INDEX)?.len()?)
    }

    /// A consistent read snapshot for the state tree (many lookups in one transaction).
    pub fn state_reader(&self) -> Result<StateReader, StorageError> {
        let r = self.db.begin_read()?;
        // Read in the same transaction as the tree: a reader never sees nodes deleted by a
        // pruning pass without also seeing the version that pass pruned below.
        let meta = r.open_table(META)?;
        let get = |k: &str| -> Result<u64, StorageError> {
            Ok(meta.get(k)?.and_then(|v| <[u8; 8]>::try_from(v.value()).ok()).map_or(0, u64::from_be_bytes))
        };
        let (pruned_below, history_from) = (get("pruned_below")?, get("history_from")?);
        Ok(StateReader {
            nodes: r.open_table(JMT_NODES)?,
            values: r.open_table(JMT_VALUES)?,
            pruned_below,
            history_from,
        })
    }

    /// Index entries whose key starts with `prefix`, in descending key order, starting below
    /// `before` (exclusive) when given, at most `limit`.
    pub fn index_scan_desc(
        &self,
        prefix: &[u8],
        before: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<IndexEntry>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(INDEX)?;
        let mut upper = prefix.to_vec();
        upper.extend([0xffu8; 8]);
        let end: Vec<u8> = match before {
            Some(b) if b.starts_with(prefix) => b.to_vec(),
            _ => upper,
        };
        let mut out = Vec::new();
        for item in t.range::<&[u8]>(prefix..end.as_slice())?.rev() {
            let (k, v) = item?;
            if !k.value().starts_with(prefix) {
                continue;
            }
            out.push((k.value().to_vec(), v.value().to_vec()));
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// Reads one index entry.
    pub fn index_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(INDEX)?;
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Persists an undecided proposal (crash recovery for the consensus adapter).
    pub fn put_undecided(
        &self,
        height: u64,
        round: u32,
        block_hash: &[u8; 32],
        value: &[u8],
    ) -> Result<(), StorageError> {
        let mut tx = self.db.begin_write()?;
        tx.set_durability(Durability::Immediate)?;
        tx.open_table(UNDECIDED)?.insert(undecided_key(height, round, block_hash).as_slice(), value)?;
        tx.commit()?;
        Ok(())
    }

    /// Undecided proposals at `height` (all rounds when `round` is None).
    pub fn undecided(&self, height: u64, round: Option<u32>) -> Result<Vec<UndecidedEntry>, StorageError> {
        let r = self.db.begin_read()?;
        let t = r.open_table(UNDECIDED)?;
        let start = height.to_be_bytes();
        let end = (height + 1).to_be_bytes();
        let mut out = Vec::new();
        for item in t.range::<&[u8]>(start.as_slice()..end.as_slice())? {
            let (k, v) = item?;
            let k = k.value();
            if k.len() != 44 {
                continue;
            }
            let rd = u32::from_be_bytes([k[8], k[9], k[10], k[11]]);
            if round.is_some_and(|r| r != rd) {
                continue;
            }
            let mut h = [0u8; 32];
            h.copy_from_slice(&k[12..44]);
            out.push((rd, h, v.value().to_vec()));
        }
        Ok(out)
    }
}

fn undecided_key(height: u64, round: u32, hash: &[u8; 32]) -> Vec<u8> {
    let mut k = Vec::with_capacity(44);
    k.extend(height.to_be_bytes());
    k.extend(round.to_be_bytes());
    k.extend(hash);
    k
}

pub(crate) fn write_state(tx: &redb::WriteTransaction, s: &StateWrites) -> Result<(), StorageError> {
    let mut nodes = tx.open_table(JMT_NODES)?;
    for (k, v) in &s.nodes {
        nodes.insert(k.as_slice(), v.as_slice())?;
    }
    let mut values = tx.open_table(JMT_VALUES)?;
    for (kh, version, v) in &s.values {
        let enc = borsh::to_vec(v).map_err(|e| StorageError::Database(e.to_string()))?;
        values.insert(&value_key(kh, *version), enc.as_slice())?;
    }
    let mut stale = tx.open_table(JMT_STALE)?;
    for (since, nk) in &s.stale {
        let mut k = since.to_be_bytes().to_vec();
        k.extend(nk);
        stale.insert(k.as_slice(), ())?;
    }
    Ok(())
}

fn write_index(tx: &redb::WriteTransaction, ops: &[IndexOp]) -> Result<(), StorageError> {
    let mut t = tx.open_table(INDEX)?;
    for op in ops {
        match op {
            IndexOp::Put(k, v) => {
                t.insert(k.as_slice(), v.as_slice())?;
            }
            IndexOp::Delete(k) => {
                t.remove(k.as_slice())?;
            }
        }
    }
    Ok(())
}

fn location(b: &[u8; 28]) -> TxLocation {
    TxLocation { height: be_u64(&b[..8]), index: u32::from_be_bytes([b[8], b[9], b[10], b[11]]) }
}

fn be_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_be_bytes(a)
}

/// A read snapshot of the state tree tables.
pub struct StateReader {
    nodes: redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
    values: redb::ReadOnlyTable<&'static [u8; 40], &'static [u8]>,
    pruned_below: u64,
    history_from: u64,
}

impl StateReader {
    /// Versions below this have no values in this store (it started at a snapshot of that
    /// height); 0 for a store that started at genesis.
    pub fn history_from(&self) -> u64 {
        self.history_from
    }

    /// Versions below this have no whole tree in this snapshot (pruned); 0 when none is.
    pub fn pruned_below(&self) -> u64 {
        self.pruned_below
    }

    /// Encoded node for an encoded node key.
    pub fn node(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.nodes.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Latest value of `key_hash` at or below `max_version`. `None` when never set or deleted.
    pub fn value(&self, key_hash: &[u8; 32], max_version: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let lo = value_key(key_hash, 0);
        let hi = value_key(key_hash, max_version);
        match self.values.range::<&[u8; 40]>(&lo..=&hi)?.next_back() {
            Some(item) => {
                let (_, v) = item?;
                decode_opt_value(v.value())
            }
            None => Ok(None),
        }
    }

    /// The node with the largest key among leaf nodes is needed by JMT restore only; GovChain
    /// never restores from chunks, so this scans for nothing and returns None.
    pub fn rightmost_leaf_unsupported(&self) -> Option<(Vec<u8>, Vec<u8>)> {
        None
    }
}
