//! The snapshot file (`docs/snapshots.md`):
//!
//! ```text
//! magic "GCSNAP\0\x01" (8)
//! u32 BE length || borsh(SnapshotHead)      chain id, genesis hash, height, anchor proof bundle
//! records, each a tag byte:
//!   1 || key hash (32) || u32 BE length || value            a state leaf, key hashes ascending
//!   2 || u32 BE length || key || u32 BE length || value      a query-index entry, keys ascending
//!   0 || u64 BE leaves || u64 BE index entries               the end
//! digest (32): the suite's hash of every byte before it
//! ```
//!
//! The digest only detects damage; authenticity comes from the anchor (a proof bundle of the
//! validator set at the snapshot's height, verified from genesis) and from rebuilding the state
//! tree and comparing its root with the anchor's certified header.

use std::io::{Read, Write};

use borsh::{BorshDeserialize, BorshSerialize};
use eyre::{Result, bail, eyre};
use govchain_crypto::{Hasher, Suite};

/// The first bytes of a snapshot file.
pub const SNAPSHOT_MAGIC: [u8; 8] = *b"GCSNAP\x00\x01";
/// Largest head (the anchor bundle is at most 4 MiB).
const MAX_HEAD: usize = 5 << 20;
/// Largest state value or index value in a snapshot.
pub const MAX_VALUE: usize = 4 << 20;
/// Largest index key.
const MAX_INDEX_KEY: usize = 64 << 10;

/// What a snapshot is of.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SnapshotHead {
    /// Chain id.
    pub chain_id: String,
    /// Hash of the genesis file.
    pub genesis_hash: [u8; 32],
    /// The height whose state the snapshot holds.
    pub height: u64,
    /// A proof bundle (`GCPROOF`) of the validator set in the state at `height`: its header and
    /// commit certificate, and the validator-set changes since genesis.
    pub anchor: Vec<u8>,
}

/// One record after the head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A state key's hash and value.
    Leaf([u8; 32], Vec<u8>),
    /// A query-index entry.
    Index(Vec<u8>, Vec<u8>),
    /// The end, with the counts of the records before it.
    End {
        /// State leaves.
        leaves: u64,
        /// Index entries.
        index: u64,
    },
}

/// Writes a snapshot file.
pub struct SnapshotWriter<W: Write> {
    out: W,
    hasher: Hasher,
    bytes: u64,
}

impl<W: Write> SnapshotWriter<W> {
    /// Starts a file with its head.
    pub fn new(out: W, suite: Suite, head: &SnapshotHead) -> Result<Self> {
        let mut w = SnapshotWriter { out, hasher: suite.hasher(), bytes: 0 };
        let head = borsh::to_vec(head)?;
        w.put(&SNAPSHOT_MAGIC)?;
        w.put(&(head.len() as u32).to_be_bytes())?;
        w.put(&head)?;
        Ok(w)
    }

    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.hasher.update(b);
        self.out.write_all(b)?;
        self.bytes += b.len() as u64;
        Ok(())
    }

    /// Writes one record.
    pub fn item(&mut self, item: &Item) -> Result<()> {
        match item {
            Item::Leaf(kh, v) => {
                self.put(&[1])?;
                self.put(kh)?;
                self.put(&(v.len() as u32).to_be_bytes())?;
                self.put(v)
            }
            Item::Index(k, v) => {
                self.put(&[2])?;
                self.put(&(k.len() as u32).to_be_bytes())?;
                self.put(k)?;
                self.put(&(v.len() as u32).to_be_bytes())?;
                self.put(v)
            }
            Item::End { leaves, index } => {
                self.put(&[0])?;
                self.put(&leaves.to_be_bytes())?;
                self.put(&index.to_be_bytes())
            }
        }
    }

    /// Writes the digest; returns the output and the file's size.
    pub fn finish(mut self) -> Result<(W, u64)> {
        let digest = self.hasher.clone().finalize();
        self.out.write_all(&digest.0)?;
        self.out.flush()?;
        Ok((self.out, self.bytes + 32))
    }
}

/// Reads a snapshot file, checking its bounds and, at the end, its digest.
pub struct SnapshotReader<R: Read> {
    input: R,
    hasher: Hasher,
    ended: bool,
}

fn bad(m: impl std::fmt::Display) -> eyre::Report {
    eyre!("not a valid snapshot: {m}")
}

impl<R: Read> SnapshotReader<R> {
    /// Reads the magic and the head.
    pub fn open(input: R, suite: Suite) -> Result<(Self, SnapshotHead)> {
        let mut r = SnapshotReader { input, hasher: suite.hasher(), ended: false };
        let mut magic = [0u8; 8];
        r.take(&mut magic)?;
        if magic != SNAPSHOT_MAGIC {
            bail!(bad("it does not start with GCSNAP"));
        }
        let len = r.len(MAX_HEAD, "head")?;
        let head = borsh::from_slice(&r.bytes(len)?).map_err(|e| bad(format!("head: {e}")))?;
        Ok((r, head))
    }

    fn take(&mut self, buf: &mut [u8]) -> Result<()> {
        self.input.read_exact(buf).map_err(|e| bad(format!("truncated ({e})")))?;
        self.hasher.update(buf);
        Ok(())
    }

    fn bytes(&mut self, n: usize) -> Result<Vec<u8>> {
        let mut v = vec![0u8; n];
        self.take(&mut v)?;
        Ok(v)
    }

    fn len(&mut self, max: usize, what: &str) -> Result<usize> {
        let mut b = [0u8; 4];
        self.take(&mut b)?;
        let n = u32::from_be_bytes(b) as usize;
        if n > max {
            bail!(bad(format!("a {what} of {n} bytes (at most {max})")));
        }
        Ok(n)
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.take(&mut b)?;
        Ok(u64::from_be_bytes(b))
    }

    /// The next record. After [`Item::End`] it checks the digest and that nothing follows.
    pub fn next_item(&mut self) -> Result<Item> {
        if self.ended {
            bail!("the snapshot has ended");
        }
        let mut tag = [0u8; 1];
        self.take(&mut tag)?;
        match tag[0] {
            1 => {
                let mut kh = [0u8; 32];
                self.take(&mut kh)?;
                let n = self.len(MAX_VALUE, "state value")?;
                Ok(Item::Leaf(kh, self.bytes(n)?))
            }
            2 => {
                let n = self.len(MAX_INDEX_KEY, "index key")?;
                let k = self.bytes(n)?;
                let n = self.len(MAX_VALUE, "index value")?;
                Ok(Item::Index(k, self.bytes(n)?))
            }
            0 => {
                let (leaves, index) = (self.u64()?, self.u64()?);
                self.ended = true;
                let expected = self.hasher.clone().finalize();
                let mut digest = [0u8; 32];
                self.input.read_exact(&mut digest).map_err(|e| bad(format!("no digest ({e})")))?;
                if digest != expected.0 {
                    bail!(bad("the digest does not match: the file was modified or damaged"));
                }
                let mut rest = [0u8; 1];
                if self.input.read(&mut rest)? != 0 {
                    bail!(bad("bytes follow the digest"));
                }
                Ok(Item::End { leaves, index })
            }
            t => bail!(bad(format!("unknown record tag {t}"))),
        }
    }
}
