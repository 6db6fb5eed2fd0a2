//! The authenticated, versioned state: a Jellyfish Merkle Tree (`jmt`) whose nodes and values
//! live in the node's redb database.
//!
//! Version `v` is the state after block `v` (version 0 is genesis). Every block gets a root, even
//! a block that changes nothing (its root equals the previous one). Reads of a value go straight
//! to the values table (no tree walk); the tree is walked only to compute a new root or a proof.
//!
//! The hash function follows the chain's suite (SHA-256 or SM3), so proofs on an SM chain use
//! SM3 end to end.

#![deny(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_crypto::{Hash32, Suite};
use govchain_proofs::jmt_hash::{JmtSha256, JmtSm3, key_hash};
use govchain_storage::{StateReader, StateWrites, Storage, StorageError};
use jmt::storage::{LeafNode, Node, NodeKey, TreeReader, TreeUpdateBatch};
use jmt::{JellyfishMerkleTree, KeyHash, OwnedValue, Version};

mod pending;
pub use pending::Pending;

/// A set of state changes: key → new value, or None to delete. Ordered, so applying it is
/// deterministic.
pub type WriteSet = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// State errors.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The tree reported an error (missing node: the database is damaged).
    #[error("state tree: {0}")]
    Tree(String),
    /// The tree at this version was pruned on this node (its retention keeps versions from
    /// `pruned_below`); values still read, proofs and roots need an archive node.
    #[error(
        "the state tree at height {version} was pruned on this node (it keeps heights from {pruned_below}); an archive node serves it"
    )]
    Pruned {
        /// Version asked for.
        version: u64,
        /// Lowest version with a whole tree here.
        pruned_below: u64,
    },
}

/// Internal tree nodes kept decoded in memory by default: a million keys need about 70 000
/// (16-way fan-out), so proofs and root updates find every internal node on their path here.
pub const DEFAULT_NODE_CACHE: usize = 131_072;

/// Decoded internal nodes by key. A node key (version, path) names one node forever — nodes are
/// written once, when their block commits, and never rewritten — so entries never go stale.
type NodeCache = Arc<quick_cache::sync::Cache<NodeKey, Node>>;

/// The state database of one chain.
#[derive(Clone)]
pub struct StateDb {
    storage: Storage,
    suite: Suite,
    nodes: NodeCache,
}

impl StateDb {
    /// Opens the state over a storage handle, with the default node cache.
    pub fn new(storage: Storage, suite: Suite) -> StateDb {
        StateDb::with_node_cache(storage, suite, DEFAULT_NODE_CACHE)
    }

    /// Opens the state with room for `capacity` decoded internal nodes (0 disables the cache).
    pub fn with_node_cache(storage: Storage, suite: Suite, capacity: usize) -> StateDb {
        StateDb { storage, suite, nodes: Arc::new(quick_cache::sync::Cache::new(capacity.max(1))) }
    }

    /// The chain's suite.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// A consistent snapshot for reads, root computation and proofs.
    pub fn snapshot(&self) -> Result<Snapshot, StateError> {
        self.snapshot_over(None)
    }

    /// A snapshot of the store with a decided block's writes that are not stored yet laid over
    /// it (see [`Pending`]): reads at or after `pending.version()` see that block's state. The
    /// store may already hold that block (its commit landed meanwhile): the answers are the same.
    pub fn snapshot_over(&self, pending: Option<std::sync::Arc<Pending>>) -> Result<Snapshot, StateError> {
        let reader = Adapter(self.storage.state_reader()?, self.nodes.clone(), pending);
        Ok(Snapshot { reader, suite: self.suite })
    }
}

struct Adapter(StateReader, NodeCache, Option<Arc<Pending>>);

impl Adapter {
    fn value(&self, key_hash: &[u8; 32], version: u64) -> Result<Option<Vec<u8>>, StorageError> {
        match self.2.as_ref().and_then(|p| p.value(key_hash, version)) {
            Some(v) => Ok(v.map(<[u8]>::to_vec)),
            None => self.0.value(key_hash, version),
        }
    }
}

impl TreeReader for Adapter {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        if let Some(node) = self.1.get(node_key) {
            return Ok(Some(node));
        }
        let k = borsh::to_vec(node_key)?;
        if let Some(bytes) = self.2.as_ref().and_then(|p| p.node(&k)) {
            return Ok(Some(borsh::from_slice(bytes)?));
        }
        match self.0.node(&k)? {
            Some(bytes) => {
                let node: Node = borsh::from_slice(&bytes)?;
                // Leaves are one per key and read rarely; internal nodes are shared by every path.
                if matches!(node, Node::Internal(_)) {
                    self.1.insert(node_key.clone(), node.clone());
                }
                Ok(Some(node))
            }
            None => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        Ok(self.value(&key_hash.0, max_version)?)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only used by jmt's chunked restore, which GovChain does not use.
        Ok(None)
    }
}

/// A read snapshot of the state.
pub struct Snapshot {
    reader: Adapter,
    suite: Suite,
}

fn tree_err(e: anyhow::Error) -> StateError {
    StateError::Tree(e.to_string())
}

impl Snapshot {
    /// Value of `key` at `version` (None when absent).
    pub fn get(&self, key: &[u8], version: u64) -> Result<Option<Vec<u8>>, StateError> {
        let history_from = self.reader.0.history_from();
        if version < history_from {
            return Err(StateError::Pruned { version, pruned_below: history_from });
        }
        Ok(self.reader.value(&key_hash(self.suite, key).0, version)?)
    }

    /// Versions below this have no whole tree on this node (pruned); 0 when none is.
    pub fn pruned_below(&self) -> u64 {
        self.reader.0.pruned_below()
    }

    fn whole(&self, version: u64) -> Result<(), StateError> {
        let pruned_below = self.pruned_below();
        if version < pruned_below { Err(StateError::Pruned { version, pruned_below }) } else { Ok(()) }
    }

    /// State root at `version`.
    pub fn root(&self, version: u64) -> Result<Hash32, StateError> {
        self.whole(version)?;
        let root = match self.suite {
            Suite::Ed25519Sha256 => JellyfishMerkleTree::<_, JmtSha256>::new(&self.reader).get_root_hash(version),
            Suite::Sm2Sm3 => JellyfishMerkleTree::<_, JmtSm3>::new(&self.reader).get_root_hash(version),
        }
        .map_err(tree_err)?;
        Ok(Hash32(root.0))
    }

    /// Computes the root after applying `writes` as `version` (which must be the next version),
    /// and the writes that persist it. Nothing is stored.
    ///
    /// A write set without deletions goes through jmt's batch insertion, which builds each touched
    /// node once per block instead of once per key; the tree (and so the root) is the same either
    /// way, which `tests/batch.rs` checks.
    pub fn apply(&self, writes: &WriteSet, version: u64) -> Result<(Hash32, StateWrites), StateError> {
        if !writes.is_empty() && writes.values().all(Option::is_some) {
            let set: Vec<(KeyHash, OwnedValue)> =
                writes.iter().filter_map(|(k, v)| v.clone().map(|v| (key_hash(self.suite, k), v))).collect();
            let (roots, batch) = match self.suite {
                Suite::Ed25519Sha256 => JellyfishMerkleTree::<_, JmtSha256>::new(&self.reader).batch_put_value_sets(
                    vec![set],
                    None,
                    version,
                ),
                Suite::Sm2Sm3 => {
                    JellyfishMerkleTree::<_, JmtSm3>::new(&self.reader).batch_put_value_sets(vec![set], None, version)
                }
            }
            .map_err(tree_err)?;
            let root = roots.first().ok_or_else(|| StateError::Tree("no root".into()))?;
            return Ok((Hash32(root.0), to_writes(batch)?));
        }
        self.apply_one_by_one(writes, version)
    }

    /// [`Snapshot::apply`] inserting key by key (the path for write sets with deletions).
    pub fn apply_one_by_one(&self, writes: &WriteSet, version: u64) -> Result<(Hash32, StateWrites), StateError> {
        let set: Vec<(KeyHash, Option<OwnedValue>)> =
            writes.iter().map(|(k, v)| (key_hash(self.suite, k), v.clone())).collect();
        let (root, batch) = match self.suite {
            Suite::Ed25519Sha256 => JellyfishMerkleTree::<_, JmtSha256>::new(&self.reader).put_value_set(set, version),
            Suite::Sm2Sm3 => JellyfishMerkleTree::<_, JmtSm3>::new(&self.reader).put_value_set(set, version),
        }
        .map_err(tree_err)?;
        Ok((Hash32(root.0), to_writes(batch)?))
    }

    /// The value of `key` at `version` with a borsh-encoded `SparseMerkleProof` of presence or
    /// absence against that version's root.
    pub fn prove(&self, key: &[u8], version: u64) -> Result<(Option<Vec<u8>>, Vec<u8>), StateError> {
        self.whole(version)?;
        let kh = key_hash(self.suite, key);
        let enc = |e: std::io::Error| StateError::Tree(e.to_string());
        match self.suite {
            Suite::Ed25519Sha256 => {
                let (v, p) = JellyfishMerkleTree::<_, JmtSha256>::new(&self.reader)
                    .get_with_proof(kh, version)
                    .map_err(tree_err)?;
                Ok((v, borsh::to_vec(&p).map_err(enc)?))
            }
            Suite::Sm2Sm3 => {
                let (v, p) = JellyfishMerkleTree::<_, JmtSm3>::new(&self.reader)
                    .get_with_proof(kh, version)
                    .map_err(tree_err)?;
                Ok((v, borsh::to_vec(&p).map_err(enc)?))
            }
        }
    }
}

/// A tree reader for building version `version` on top of the root of version `prev` (None: on
/// the empty tree) when the versions between were never written: jmt asks for the root at
/// `version - 1` and gets `prev`'s.
struct OnTopOf<'a, R> {
    inner: Option<&'a R>,
    prev: Option<Version>,
    version: Version,
}

impl<R: TreeReader> TreeReader for OnTopOf<'_, R> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let root_asked = node_key.nibble_path().num_nibbles() == 0 && node_key.version() + 1 == self.version;
        match (root_asked, self.prev, self.inner) {
            (true, None, _) => Ok(Some(Node::Null)),
            (true, Some(p), Some(r)) => r.get_node_option(&NodeKey::new(p, node_key.nibble_path().clone())),
            (_, _, Some(r)) => r.get_node_option(node_key),
            (_, _, None) => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        self.inner.map_or(Ok(None), |r| r.get_value_option(max_version, key_hash))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Ok(None)
    }
}

/// The root's path (no nibbles). jmt exposes no constructor; its borsh form is a zero nibble
/// count and no bytes.
fn empty_path() -> Result<jmt::storage::NibblePath, StateError> {
    borsh::from_slice(&[0u8; 12]).map_err(|e| StateError::Tree(format!("empty nibble path: {e}")))
}

fn put_hashed<R: TreeReader>(
    suite: Suite,
    reader: &OnTopOf<'_, R>,
    leaves: Vec<([u8; 32], Vec<u8>)>,
) -> Result<(Hash32, StateWrites), StateError> {
    if leaves.is_empty() {
        return Err(StateError::Tree("a snapshot chunk has at least one key".into()));
    }
    let version = reader.version;
    let set: Vec<(KeyHash, OwnedValue)> = leaves.into_iter().map(|(k, v)| (KeyHash(k), v)).collect();
    let (roots, batch) = match suite {
        Suite::Ed25519Sha256 => {
            JellyfishMerkleTree::<_, JmtSha256>::new(reader).batch_put_value_sets(vec![set], None, version)
        }
        Suite::Sm2Sm3 => JellyfishMerkleTree::<_, JmtSm3>::new(reader).batch_put_value_sets(vec![set], None, version),
    }
    .map_err(tree_err)?;
    let root = roots.first().ok_or_else(|| StateError::Tree("no root".into()))?;
    let mut writes = to_writes(batch)?;
    // jmt marks the root it was given as replaced under the key it asked for (`version - 1`),
    // which names no stored node: the replaced root is `prev`'s.
    let asked = NodeKey::new(version.saturating_sub(1), empty_path()?);
    let asked = borsh::to_vec(&asked).map_err(|e| StateError::Tree(e.to_string()))?;
    writes.stale.retain(|(_, k)| *k != asked);
    if let Some(p) = reader.prev {
        let prev_root = NodeKey::new(p, empty_path()?);
        writes.stale.push((version, borsh::to_vec(&prev_root).map_err(|e| StateError::Tree(e.to_string()))?));
    }
    Ok((Hash32(root.0), writes))
}

/// Builds the whole tree of a state snapshot at `version` from its (key hash, value) leaves, in
/// memory: the root (to compare with the certified header's) and the writes that store it. The
/// root of a Jellyfish tree depends only on its leaves, so it equals the root of the chain that
/// produced them exactly when they are that chain's state. (The importer builds in chunks with
/// [`Snapshot::put_leaves`] instead, in bounded memory; the tree is the same.)
pub fn restore(
    suite: Suite,
    leaves: Vec<([u8; 32], Vec<u8>)>,
    version: u64,
) -> Result<(Hash32, StateWrites), StateError> {
    put_hashed::<Adapter>(suite, &OnTopOf { inner: None, prev: None, version }, leaves)
}

impl Snapshot {
    /// Inserts (key hash, value) leaves as `version`, on top of the tree of version `prev` in
    /// this store (None: on the empty tree), whatever versions lie between: how a snapshot's
    /// state is imported chunk by chunk, its last chunk at the snapshot's height. Nothing is
    /// stored; the writes are returned with the new root.
    pub fn put_leaves(
        &self,
        leaves: Vec<([u8; 32], Vec<u8>)>,
        prev: Option<u64>,
        version: u64,
    ) -> Result<(Hash32, StateWrites), StateError> {
        if prev.is_some_and(|p| p >= version) {
            return Err(StateError::Tree("chunk versions must increase".into()));
        }
        put_hashed(self.suite, &OnTopOf { inner: Some(&self.reader), prev, version }, leaves)
    }
}

fn to_writes(batch: TreeUpdateBatch) -> Result<StateWrites, StateError> {
    let enc = |e: std::io::Error| StateError::Tree(e.to_string());
    let mut w = StateWrites::default();
    for (k, n) in batch.node_batch.nodes() {
        w.nodes.push((borsh::to_vec(k).map_err(enc)?, borsh::to_vec(n).map_err(enc)?));
    }
    for ((version, kh), v) in batch.node_batch.values() {
        w.values.push((kh.0, *version, v.clone()));
    }
    for s in batch.stale_node_index_batch {
        w.stale.push((s.stale_since_version, borsh::to_vec(&s.node_key).map_err(enc)?));
    }
    Ok(w)
}
