//! State snapshots and state sync (`docs/snapshots.md`): [`export`] writes the state at the tip
//! with a light-client anchor; [`import`] makes a node's store from one after checking it
//! against the node's own genesis, so a new node serves verified proofs without replaying the
//! chain, then follows it by consensus sync.
//!
//! Trust model: the importer trusts only its genesis file. The anchor bundle is verified like
//! any proof bundle (validator-set changes from genesis, each certified by the set before; the
//! snapshot height's commit certificate by the set of that height), and the state tree rebuilt
//! from the leaves must have the certified header's state root: a changed, added or missing
//! leaf is refused. The query indexes (lists of records, certificates by type, …) are not
//! covered by any root: they are taken from the snapshot's source, which is why a node should
//! sync from a file or peer it has reason to trust for those listings, while every value and
//! proof it serves is certified.

pub mod format;

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use eyre::{Result, WrapErr, bail, eyre};
use govchain_component::Component;
use govchain_proofs::{Claim, ProofBundle, VALIDATORS_KEY};
use govchain_storage::{IndexEntry, StateWrites, Storage};
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::{CommitCertificate, Header, codec};
use tracing::info;

use crate::chain::Chain;
use crate::config::NodeConfig;
use crate::service::NodeService;
pub use format::{Item, SNAPSHOT_MAGIC, SnapshotHead, SnapshotReader, SnapshotWriter};

/// What an export or import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// The snapshot's height.
    pub height: u64,
    /// State keys.
    pub leaves: u64,
    /// Query-index entries.
    pub index: u64,
    /// File size in bytes.
    pub bytes: u64,
}

/// Writes a snapshot of the chain at its tip to `out`, from one consistent read of the store
/// (the node may keep committing meanwhile).
pub fn export(chain: &Arc<Chain>, out: impl Write) -> Result<SnapshotInfo> {
    let src = chain.storage.snapshot_source()?;
    let height = src.height();
    if height == 0 {
        bail!("the chain has no blocks yet: there is nothing to snapshot");
    }
    let decode_err = |e| eyre!("the chain store is damaged at height {height}: {e}");
    let header: Header = codec::decode(&src.header(height)?.ok_or_else(|| eyre!("no header at {height}"))?, 1 << 16)
        .map_err(decode_err)?;
    let certificate: CommitCertificate =
        codec::decode(&src.certificate(height)?.ok_or_else(|| eyre!("no certificate at {height}"))?, 1 << 20)
            .map_err(decode_err)?;
    let snap = chain.state.snapshot()?;
    let (value, proof) = crate::prune::prove(chain, &snap, VALIDATORS_KEY, height)?;
    let service = NodeService::new(chain.clone());
    let changes = service.valset_changes(height).map_err(|e| eyre!("{}", e.message))?;
    let anchor = ProofBundle {
        chain_id: BoundedString::new(chain.chain_id.clone()).map_err(|e| eyre!("{e}"))?,
        suite: chain.suite,
        valset_changes: BoundedVec::new(changes).map_err(|e| eyre!("{e}"))?,
        header,
        certificate,
        claim: Claim::State {
            key: BoundedBytes::new(VALIDATORS_KEY.to_vec()).map_err(|e| eyre!("{e}"))?,
            value: Some(
                BoundedBytes::new(value.ok_or_else(|| eyre!("no validator set in the state"))?)
                    .map_err(|e| eyre!("{e}"))?,
            ),
            proof: BoundedBytes::new(proof).map_err(|e| eyre!("{e}"))?,
        },
    };
    let head = SnapshotHead {
        chain_id: chain.chain_id.clone(),
        genesis_hash: chain.genesis_hash.0,
        height,
        anchor: anchor.to_bytes(),
    };
    let mut w = SnapshotWriter::new(BufWriter::with_capacity(1 << 20, out), chain.suite, &head)?;
    let leaves = src.for_each_leaf(|kh, v| w.item(&Item::Leaf(*kh, v.to_vec())))?;
    let index = src.for_each_index(|k, v| w.item(&Item::Index(k.to_vec(), v.to_vec())))?;
    w.item(&Item::End { leaves, index })?;
    let (_, bytes) = w.finish()?;
    Ok(SnapshotInfo { height, leaves, index, bytes })
}

/// Writes a snapshot to `path` (through a temporary file renamed at the end).
pub fn export_file(chain: &Arc<Chain>, path: &Path) -> Result<SnapshotInfo> {
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial).wrap_err_with(|| format!("creating {}", partial.display()))?;
    let info = export(chain, &file)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    Ok(info)
}

/// Tree nodes or index entries per import write transaction.
const IMPORT_BATCH: usize = 200_000;
/// State leaves per chunk of the tree build.
const LEAVES_PER_CHUNK: usize = 100_000;

/// The store file of a home, and the file an import writes before it is complete.
fn store_paths(cfg: &NodeConfig) -> (PathBuf, PathBuf) {
    let data = cfg.home.join("data");
    (data.join("chain.redb"), data.join("chain.redb.importing"))
}

/// Whether the home already has a store with blocks (an import would be refused).
pub fn has_chain(cfg: &NodeConfig) -> Result<bool> {
    let (store, _) = store_paths(cfg);
    if !store.exists() {
        return Ok(false);
    }
    Ok(govchain_storage::inspect(&store).map_err(|e| eyre!("{}: {e} (stop the node first)", store.display()))?.height
        > 0)
}

/// Makes the store of a new node from a snapshot, after verifying it against the node's genesis
/// (see the module documentation). Refuses a home that already has blocks. Nothing is put in
/// place unless everything verified: the store is written aside and renamed at the end.
pub fn import(cfg: &NodeConfig, components: &[Arc<dyn Component>], input: impl Read) -> Result<SnapshotInfo> {
    let (genesis, genesis_hash, _) = crate::genesis::load(&cfg.genesis, components)?;
    if has_chain(cfg)? {
        bail!("{} already has a chain: a snapshot starts a new node only", cfg.home.display());
    }
    let trust = genesis.trust_root()?;
    let suite = genesis.suite;
    let mut r = CountingReader { inner: BufReader::with_capacity(1 << 20, input), bytes: 0 };
    let (mut reader, head) = SnapshotReader::open(&mut r, suite)?;
    if head.chain_id != genesis.chain_id || head.genesis_hash != genesis_hash.0 {
        bail!("the snapshot is of another chain ({}), not of this home's genesis", head.chain_id);
    }
    let anchor = ProofBundle::from_bytes(&head.anchor).map_err(|e| eyre!("the snapshot's anchor: {e}"))?;
    let verified = anchor.verify(&trust).map_err(|e| eyre!("the snapshot's anchor does not verify: {e}"))?;
    if verified.height != head.height
        || !matches!(&anchor.claim, Claim::State { key, value: Some(_), .. } if &key[..] == VALIDATORS_KEY)
    {
        bail!("the snapshot's anchor is not the validator set at height {}", head.height);
    }
    let height = head.height;

    let (store_path, partial) = store_paths(cfg);
    std::fs::create_dir_all(partial.parent().unwrap_or(&cfg.home))?;
    let _ = std::fs::remove_file(&partial);
    let storage = Storage::open_with_cache(&partial, cfg.storage_cache_bytes)?;
    let state = govchain_state::StateDb::with_node_cache(storage.clone(), suite, cfg.node_cache);
    let outcome = (|| -> Result<SnapshotInfo> {
        // The tree is built chunk by chunk, each on top of the last (chunks at versions 1, 2, …
        // and the last at the snapshot's height), so memory stays bounded whatever the state's
        // size; the root depends only on the leaves.
        let mut chunk: Vec<([u8; 32], Vec<u8>)> = Vec::new();
        let mut last_leaf: Option<[u8; 32]> = None;
        let mut built: Option<u64> = None;
        let put = |leaves: Vec<([u8; 32], Vec<u8>)>, on: Option<u64>, version: u64| -> Result<govchain_types::Hash32> {
            let (root, writes) = state.snapshot()?.put_leaves(leaves, on, version)?;
            for part in split(writes) {
                storage.import_state(&part)?;
            }
            Ok(root)
        };
        let mut leaf_count = 0u64;
        let mut index: Vec<IndexEntry> = Vec::new();
        let mut index_count = 0u64;
        let mut last_key: Option<Vec<u8>> = None;
        let end = loop {
            match reader.next_item()? {
                Item::Leaf(kh, v) => {
                    if last_leaf.is_some_and(|last| last >= kh) || index_count > 0 {
                        bail!("not a valid snapshot: state leaves out of order");
                    }
                    last_leaf = Some(kh);
                    leaf_count += 1;
                    let next = built.map_or(1, |b| b + 1);
                    if chunk.len() >= LEAVES_PER_CHUNK && next < height {
                        put(std::mem::take(&mut chunk), built, next)?;
                        built = Some(next);
                    }
                    chunk.push((kh, v));
                }
                Item::Index(k, v) => {
                    if last_key.as_ref().is_some_and(|last| *last >= k) {
                        bail!("not a valid snapshot: index entries out of order");
                    }
                    index_count += 1;
                    last_key = Some(k.clone());
                    index.push((k, v));
                    if index.len() >= IMPORT_BATCH {
                        storage.import_index(&index)?;
                        index.clear();
                    }
                }
                Item::End { leaves: n, index: m } => break (n, m),
            }
        };
        if end != (leaf_count, index_count) {
            bail!(
                "not a valid snapshot: its end counts {} leaves and {} index entries, it holds {leaf_count} and {index_count}",
                end.0,
                end.1
            );
        }
        if chunk.is_empty() {
            bail!("not a valid snapshot: no state");
        }
        storage.import_index(&index)?;
        let root = put(chunk, built, height)?;
        if root != anchor.header.state_root {
            bail!(
                "the snapshot's state does not match the certified state root at height {height} (rebuilt {root}, certified {})",
                anchor.header.state_root
            );
        }
        let mut headers = vec![(height, codec::encode(&anchor.header), codec::encode(&anchor.certificate))];
        let mut valset_proofs = Vec::new();
        for c in anchor.valset_changes.iter() {
            let h = c.header.height;
            headers.push((h, codec::encode(&c.header), codec::encode(&c.certificate)));
            valset_proofs.push((h, borsh::to_vec(&(Some(codec::encode(&c.set)), c.proof.to_vec()))?));
        }
        storage.finish_import(
            height,
            &[("genesis", genesis_hash.0.to_vec()), ("chain_id", genesis.chain_id.as_bytes().to_vec())],
            &headers,
            &valset_proofs,
        )?;
        Ok(SnapshotInfo { height, leaves: leaf_count, index: index_count, bytes: 0 })
    })();
    drop(storage);
    match outcome {
        Ok(mut info) => {
            info.bytes = r.bytes;
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, &store_path)?;
            // The search index is rebuilt from the new store at start.
            let _ = std::fs::remove_dir_all(cfg.home.join("data").join("search"));
            info!(height, leaves = info.leaves, "state synced from a snapshot");
            Ok(info)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Splits tree writes into transactions of at most [`IMPORT_BATCH`] nodes and values.
fn split(w: StateWrites) -> Vec<StateWrites> {
    let mut out = Vec::new();
    let mut nodes = w.nodes.into_iter().peekable();
    let mut values = w.values.into_iter().peekable();
    while nodes.peek().is_some() || values.peek().is_some() {
        out.push(StateWrites {
            nodes: nodes.by_ref().take(IMPORT_BATCH).collect(),
            values: values.by_ref().take(IMPORT_BATCH).collect(),
            stale: Vec::new(),
        });
    }
    out
}

struct CountingReader<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}
