//! Storage-engine comparison: redb (what `Storage` uses) against fjall (an LSM tree in pure
//! Rust) on the write pattern of certificate issuance, to decide whether the random-keyed
//! tables should move to an LSM before that is built into `Storage` (docs/benchmarks.md,
//! "Storage engines at 10 million entries").
//!
//! Per issuance, as `Storage::commit_block` and the executor do for `certificates.issue`: one
//! existence read of a new random key hash in the value table (the latest version at or below
//! the block's, by a reverse range read), one insert there (key hash ‖ version → ~280-byte
//! value), one insert into the transaction index (random 32-byte hash → 28 bytes), three
//! version-first tree-node inserts (~150 bytes), and the removal of the tree nodes written ten
//! blocks earlier (pruning with a 10-block window). One durable (fsync) write per block.
//! At each size in `--sizes`, the insert rate over the last `--window` blocks and the rate of
//! random reads of existing values (the status read) are printed on one line per engine.
//!
//! ```sh
//! cargo run --release -p govchain-storage --example engines -- \
//!     --sizes 1000000,3000000,10000000 --dir /var/tmp/engines
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use redb::{Database, Durability, ReadableDatabase, TableDefinition};

const VALUES: TableDefinition<&[u8; 40], &[u8]> = TableDefinition::new("values");
const TX_INDEX: TableDefinition<&[u8; 32], &[u8; 28]> = TableDefinition::new("tx_index");
const NODES: TableDefinition<&[u8; 16], &[u8]> = TableDefinition::new("nodes");

/// Tree nodes written per issuance (a leaf and its share of the internal nodes above it).
const NODES_PER_ENTRY: u64 = 3;
/// Blocks of tree nodes kept before pruning removes them.
const KEEP_BLOCKS: u64 = 10;

#[derive(Parser)]
#[command(about = "redb against fjall on the certificate-issuance write pattern")]
struct Args {
    /// Entry counts at which to print a line (ascending).
    #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
    sizes: Vec<u64>,
    /// Entries (issuances) per block: one durable write each.
    #[arg(long, default_value_t = 10_000)]
    block: u64,
    /// Blocks over which the insert rate before each size is measured.
    #[arg(long, default_value_t = 20)]
    window: u64,
    /// Random reads of existing values measured at each size.
    #[arg(long, default_value_t = 20_000)]
    reads: u64,
    /// Page/block cache of each engine, MiB (the node's `storage.cache_mb` default).
    #[arg(long, default_value_t = 1024)]
    cache_mb: u64,
    /// Engines to run, in order.
    #[arg(long, value_delimiter = ',', default_value = "redb,fjall")]
    engines: Vec<String>,
    /// Directory for the stores (removed and recreated per engine).
    #[arg(long)]
    dir: PathBuf,
    /// Value size in bytes (an encoded certificate is about 280).
    #[arg(long, default_value_t = 280)]
    value_bytes: usize,
}

/// The operations the workload needs from an engine.
trait Engine {
    /// Writes one block durably: value inserts, index inserts, node inserts and node removals.
    fn write_block(&mut self, b: &BlockWrites) -> Result<(), String>;
    /// The latest version of `key_hash` at or below `version`, if any.
    fn latest(&self, key_hash: &[u8; 32], version: u64) -> Result<Option<Vec<u8>>, String>;
    /// Bytes on disk.
    fn disk_bytes(&self) -> u64;
}

/// One block's writes, in the order the store receives them.
struct BlockWrites {
    values: Vec<([u8; 40], Vec<u8>)>,
    tx_index: Vec<([u8; 32], [u8; 28])>,
    nodes: Vec<([u8; 16], Vec<u8>)>,
    removed_nodes: Vec<[u8; 16]>,
}

/// SplitMix64: a fixed, seedable stream, so both engines see the same keys.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash32(domain: u64, i: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (j, chunk) in out.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&mix(mix(domain ^ i).wrapping_add(j as u64)).to_le_bytes());
    }
    out
}

fn value_key(key_hash: &[u8; 32], version: u64) -> [u8; 40] {
    let mut k = [0u8; 40];
    k[..32].copy_from_slice(key_hash);
    k[32..].copy_from_slice(&version.to_be_bytes());
    k
}

fn node_key(version: u64, n: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&version.to_be_bytes());
    k[8..].copy_from_slice(&n.to_be_bytes());
    k
}

fn filler(seed: u64, len: usize) -> Vec<u8> {
    (0..len).map(|j| mix(seed.wrapping_add(j as u64 / 8)) as u8).collect()
}

fn block_writes(height: u64, first: u64, count: u64, value_bytes: usize) -> BlockWrites {
    let values = (first..first + count).map(|i| (value_key(&hash32(1, i), height), filler(i, value_bytes))).collect();
    let tx_index = (first..first + count)
        .map(|i| {
            let mut loc = [0u8; 28];
            loc[..8].copy_from_slice(&height.to_be_bytes());
            (hash32(2, i), loc)
        })
        .collect();
    let nodes = (0..count * NODES_PER_ENTRY).map(|n| (node_key(height, n), filler(n ^ height, 150))).collect();
    let removed_nodes = if height > KEEP_BLOCKS {
        (0..count * NODES_PER_ENTRY).map(|n| node_key(height - KEEP_BLOCKS, n)).collect()
    } else {
        Vec::new()
    };
    BlockWrites { values, tx_index, nodes, removed_nodes }
}

struct Redb {
    db: Database,
    path: PathBuf,
}

impl Redb {
    fn open(dir: &Path, cache_mb: u64) -> Result<Redb, String> {
        let path = dir.join("redb.db");
        let db = Database::builder()
            .set_cache_size(cache_mb as usize * 1024 * 1024)
            .create(&path)
            .map_err(|e| e.to_string())?;
        Ok(Redb { db, path })
    }
}

impl Engine for Redb {
    fn write_block(&mut self, b: &BlockWrites) -> Result<(), String> {
        let run = || -> Result<(), redb::Error> {
            let mut tx = self.db.begin_write()?;
            tx.set_durability(Durability::Immediate)?;
            {
                let mut t = tx.open_table(VALUES)?;
                for (k, v) in &b.values {
                    t.insert(k, v.as_slice())?;
                }
                let mut t = tx.open_table(TX_INDEX)?;
                for (k, v) in &b.tx_index {
                    t.insert(k, v)?;
                }
                let mut t = tx.open_table(NODES)?;
                for (k, v) in &b.nodes {
                    t.insert(k, v.as_slice())?;
                }
                for k in &b.removed_nodes {
                    t.remove(k)?;
                }
            }
            tx.commit()?;
            Ok(())
        };
        run().map_err(|e| e.to_string())
    }

    fn latest(&self, key_hash: &[u8; 32], version: u64) -> Result<Option<Vec<u8>>, String> {
        let run = || -> Result<Option<Vec<u8>>, redb::Error> {
            let r = self.db.begin_read()?;
            let t = match r.open_table(VALUES) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let (lo, hi) = (value_key(key_hash, 0), value_key(key_hash, version));
            let mut range = t.range::<&[u8; 40]>(&lo..=&hi)?;
            Ok(match range.next_back() {
                Some(entry) => Some(entry?.1.value().to_vec()),
                None => None,
            })
        };
        run().map_err(|e| e.to_string())
    }

    fn disk_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }
}

struct Fjall {
    db: fjall::Database,
    values: fjall::Keyspace,
    tx_index: fjall::Keyspace,
    nodes: fjall::Keyspace,
    dir: PathBuf,
}

impl Fjall {
    fn open(dir: &Path, cache_mb: u64) -> Result<Fjall, String> {
        let dir = dir.join("fjall");
        let db = fjall::Database::builder(&dir).cache_size(cache_mb * 1024 * 1024).open().map_err(|e| e.to_string())?;
        let ks = |name: &str| db.keyspace(name, fjall::KeyspaceCreateOptions::default).map_err(|e| e.to_string());
        Ok(Fjall { values: ks("values")?, tx_index: ks("tx_index")?, nodes: ks("nodes")?, db, dir })
    }
}

impl Engine for Fjall {
    fn write_block(&mut self, b: &BlockWrites) -> Result<(), String> {
        let mut batch = self.db.batch().durability(Some(fjall::PersistMode::SyncAll));
        for (k, v) in &b.values {
            batch.insert(&self.values, k.as_slice(), v.as_slice());
        }
        for (k, v) in &b.tx_index {
            batch.insert(&self.tx_index, k.as_slice(), v.as_slice());
        }
        for (k, v) in &b.nodes {
            batch.insert(&self.nodes, k.as_slice(), v.as_slice());
        }
        for k in &b.removed_nodes {
            batch.remove(&self.nodes, k.as_slice());
        }
        batch.commit().map_err(|e| e.to_string())
    }

    fn latest(&self, key_hash: &[u8; 32], version: u64) -> Result<Option<Vec<u8>>, String> {
        let (lo, hi) = (value_key(key_hash, 0), value_key(key_hash, version));
        match self.values.range(lo..=hi).next_back() {
            Some(guard) => Ok(Some(guard.value().map_err(|e| e.to_string())?.to_vec())),
            None => Ok(None),
        }
    }

    fn disk_bytes(&self) -> u64 {
        self.db.disk_space().unwrap_or_else(|_| dir_bytes(&self.dir))
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn run(name: &str, engine: &mut dyn Engine, args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let (mut entries, mut height) = (0u64, 0u64);
    let mut block_secs: Vec<f64> = Vec::new();
    for &size in &args.sizes {
        while entries < size {
            let count = args.block.min(size - entries);
            height += 1;
            let writes = block_writes(height, entries, count, args.value_bytes);
            let t = Instant::now();
            for (k, _) in &writes.values {
                let mut key_hash = [0u8; 32];
                key_hash.copy_from_slice(&k[..32]);
                if engine.latest(&key_hash, height)?.is_some() {
                    return Err(format!("{name}: a new key already exists at height {height}"));
                }
            }
            engine.write_block(&writes)?;
            block_secs.push(t.elapsed().as_secs_f64() / count as f64);
            entries += count;
        }
        let window = &block_secs[block_secs.len().saturating_sub(args.window as usize)..];
        let insert_per_s = window.len() as f64 / window.iter().sum::<f64>();
        let t = Instant::now();
        for r in 0..args.reads {
            let i = mix(0xDEAD ^ r) % entries;
            if engine.latest(&hash32(1, i), height)?.is_none() {
                return Err(format!("{name}: entry {i} is missing"));
            }
        }
        let reads_per_s = args.reads as f64 / t.elapsed().as_secs_f64();
        println!(
            "engine={name} entries={entries} insert_per_s={insert_per_s:.0} reads_per_s={reads_per_s:.0} store_mb={} elapsed_s={:.0}",
            engine.disk_bytes() / (1024 * 1024),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    if args.sizes.windows(2).any(|w| w[0] >= w[1]) || args.block == 0 {
        return Err("--sizes must ascend and --block must be positive".into());
    }
    for name in &args.engines {
        let dir = args.dir.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut engine: Box<dyn Engine> = match name.as_str() {
            "redb" => Box::new(Redb::open(&dir, args.cache_mb)?),
            "fjall" => Box::new(Fjall::open(&dir, args.cache_mb)?),
            other => return Err(format!("unknown engine {other:?} (redb, fjall)")),
        };
        run(name, engine.as_mut(), &args)?;
        drop(engine);
        std::fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
    }
    Ok(())
}
