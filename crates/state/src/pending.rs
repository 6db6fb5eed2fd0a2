//! The state of a block that is decided but not yet in the store.
//!
//! Block production is pipelined: once height `h` is decided, the node builds and checks `h + 1`
//! while `h`'s writes are still being committed and fsynced. Reads for `h + 1` go through a
//! [`Pending`] overlay — `h`'s new tree nodes and values, in memory — and fall through to the
//! store for everything older. The overlay holds exactly the bytes the commit will write, so a
//! read gives the same answer before and after the commit lands.

use std::collections::HashMap;

use govchain_storage::StateWrites;

/// The tree writes of one decided block, indexed for reads.
pub struct Pending {
    version: u64,
    writes: StateWrites,
    nodes: HashMap<Vec<u8>, usize>,
    values: HashMap<[u8; 32], usize>,
}

impl Pending {
    /// Indexes the writes that make `version` (the block's height).
    pub fn new(version: u64, writes: StateWrites) -> Pending {
        let nodes = writes.nodes.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
        let values = writes
            .values
            .iter()
            .enumerate()
            .filter(|(_, (_, v, _))| *v == version)
            .map(|(i, (kh, _, _))| (*kh, i))
            .collect();
        Pending { version, writes, nodes, values }
    }

    /// The version (height) these writes make.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The writes, as the commit stores them.
    pub fn writes(&self) -> &StateWrites {
        &self.writes
    }

    /// An encoded tree node written by this block.
    pub(crate) fn node(&self, encoded_key: &[u8]) -> Option<&[u8]> {
        self.nodes.get(encoded_key).map(|i| self.writes.nodes[*i].1.as_slice())
    }

    /// The value this block wrote for a key hash, when it wrote one and `version` reads at or
    /// after it: `Some(None)` is a deletion, `None` means "ask the store".
    pub(crate) fn value(&self, key_hash: &[u8; 32], version: u64) -> Option<Option<&[u8]>> {
        if version < self.version {
            return None;
        }
        self.values.get(key_hash).map(|i| self.writes.values[*i].2.as_deref())
    }
}
