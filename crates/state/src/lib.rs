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
        Ok(Snapshot { reader: Adapter(self.storage.state_reader()?, self.nodes.clone()), suite: self.suite })
    }
}

struct Adapter(StateReader, NodeCache);

impl TreeReader for Adapter {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        if let Some(node) = self.1.get(node_key) {
            return Ok(Some(node));
        }
        let k = borsh::to_vec(node_key)?;
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
        Ok(self.0.value(&key_hash.0, max_version)?)
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
        Ok(self.reader.0.value(&key_hash(self.suite, key).0, version)?)
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

/// The empty tree just before `version`, to build a whole tree at `version` from nothing.
struct EmptyBefore(Version);

impl TreeReader for EmptyBefore {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let empty_root = node_key.nibble_path().num_nibbles() == 0 && node_key.version() + 1 == self.0;
        Ok(empty_root.then_some(Node::Null))
    }

    fn get_value_option(&self, _: Version, _: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        Ok(None)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        Ok(None)
    }
}

/// Builds the whole tree of a state snapshot at `version` from its (key hash, value) leaves:
/// the root (to compare with the certified header's) and the writes that store the tree and
/// the values at `version`. The root of a Jellyfish tree depends only on its leaves, so it equals
/// the root of the chain that produced them exactly when they are that chain's state.
pub fn restore(
    suite: Suite,
    leaves: Vec<([u8; 32], Vec<u8>)>,
    version: u64,
) -> Result<(Hash32, StateWrites), StateError> {
    if leaves.is_empty() || version == 0 {
        return Err(StateError::Tree("a snapshot has at least one key, above genesis".into()));
    }
    let set: Vec<(KeyHash, OwnedValue)> = leaves.into_iter().map(|(k, v)| (KeyHash(k), v)).collect();
    let reader = EmptyBefore(version);
    let (roots, batch) = match suite {
        Suite::Ed25519Sha256 => {
            JellyfishMerkleTree::<_, JmtSha256>::new(&reader).batch_put_value_sets(vec![set], None, version)
        }
        Suite::Sm2Sm3 => JellyfishMerkleTree::<_, JmtSm3>::new(&reader).batch_put_value_sets(vec![set], None, version),
    }
    .map_err(tree_err)?;
    let root = roots.first().ok_or_else(|| StateError::Tree("no root".into()))?;
    let mut writes = to_writes(batch)?;
    // Only the placeholder empty root is "replaced"; nothing older exists to prune.
    writes.stale.clear();
    Ok((Hash32(root.0), writes))
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
