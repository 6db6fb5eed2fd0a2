//! Per-transaction work limits enforced by [`crate::TxContext`].

/// Most state writes one transaction may make.
pub const MAX_WRITES_PER_TX: usize = 256;
/// Most bytes of values one transaction may write.
pub const MAX_WRITE_BYTES_PER_TX: usize = 256 * 1024;
/// Most state reads one transaction may make.
pub const MAX_READS_PER_TX: usize = 4096;
