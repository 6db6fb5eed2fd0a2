use govchain_types::IndexOp;

/// State tree writes produced by executing one block (opaque bytes; the `state` crate owns the
/// formats).
#[derive(Debug, Default, Clone)]
pub struct StateWrites {
    /// (encoded node key, encoded node).
    pub nodes: Vec<(Vec<u8>, Vec<u8>)>,
    /// (key hash, version, value or None for deletion).
    pub values: Vec<([u8; 32], u64, Option<Vec<u8>>)>,
    /// (stale since version, encoded node key).
    pub stale: Vec<(u64, Vec<u8>)>,
}

/// A byte range of an encoded list: (offset, length).
pub type Span = (u32, u32);

/// Everything written when a block is committed (borrowed: nothing is copied to commit).
#[derive(Debug, Clone, Copy)]
pub struct BlockCommit<'a> {
    /// Height (must be tip + 1).
    pub height: u64,
    /// Encoded header.
    pub header: &'a [u8],
    /// Encoded transaction list.
    pub body: &'a [u8],
    /// Encoded commit certificate.
    pub certificate: &'a [u8],
    /// Encoded receipts.
    pub receipts: &'a [u8],
    /// Transaction ids in block order.
    pub tx_hashes: &'a [[u8; 32]],
    /// (offset, length) of each transaction in `body`.
    pub tx_spans: &'a [Span],
    /// (offset, length) of each receipt in `receipts`.
    pub receipt_spans: &'a [Span],
    /// State tree writes.
    pub state: &'a StateWrites,
    /// Secondary-index changes.
    pub index: &'a [IndexOp],
}
