//! Table definitions. Keys that are numbers are stored big-endian by redb's integer types, so
//! ranges iterate in height order.

use redb::TableDefinition;

/// Small named values: `tip` (u64 BE), `genesis` (genesis hash), `chain_id`.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// height → encoded `Header`.
pub const HEADERS: TableDefinition<u64, &[u8]> = TableDefinition::new("headers");
/// height → encoded `BoundedVec<SignedTransaction>` (block body).
pub const BODIES: TableDefinition<u64, &[u8]> = TableDefinition::new("bodies");
/// height → encoded `CommitCertificate`.
pub const CERTS: TableDefinition<u64, &[u8]> = TableDefinition::new("certs");
/// height → encoded `Vec<Receipt>`.
pub const RECEIPTS: TableDefinition<u64, &[u8]> = TableDefinition::new("receipts");
/// tx hash → height (8 BE) || index (4 BE) || the transaction's offset and length in the block
/// body (4 + 4 BE) || its receipt's offset and length in the receipts (4 + 4 BE): one
/// transaction is read without decoding its block.
pub const TX_INDEX: TableDefinition<&[u8; 32], &[u8; 28]> = TableDefinition::new("tx_index_v2");
/// encoded JMT `NodeKey` → encoded JMT `Node`.
pub const JMT_NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_nodes");
/// key hash (32) || version (8 BE) → encoded `Option<Vec<u8>>` (None marks a deletion).
pub const JMT_VALUES: TableDefinition<&[u8; 40], &[u8]> = TableDefinition::new("jmt_values");
/// stale-since version (8 BE) || encoded node key → () : nodes that pruning may delete.
pub const JMT_STALE: TableDefinition<&[u8], ()> = TableDefinition::new("jmt_stale");
/// Secondary indexes for queries, namespaced by key prefix.
pub const INDEX: TableDefinition<&[u8], &[u8]> = TableDefinition::new("index");
/// height (8 BE) || round (4 BE) || block hash (32) → encoded undecided proposal (opaque to
/// storage; written by the consensus adapter for crash recovery).
pub const UNDECIDED: TableDefinition<&[u8], &[u8]> = TableDefinition::new("undecided");
/// height → a decided block's certificate (and its block when no undecided proposal holds it),
/// written durably before the consensus engine moves past the height and removed when the block
/// commits: a node that crashes in between commits it from here on restart instead of voting at
/// that height again (pipelined block production).
pub const DECISIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("decisions");
/// height → borsh `(validator set bytes, proof bytes)`: the proof of the validator set installed
/// at that height, kept when pruning removes the tree it was proven against (every proof bundle
/// carries the validator-set changes since genesis).
pub const VALSET_PROOFS: TableDefinition<u64, &[u8]> = TableDefinition::new("valset_proofs");
/// height (8 BE) || state key → borsh `(Option<value>, proof)`: state proofs promised at a
/// height (`keep_proof` in block execution), kept when pruning removes that height's tree.
pub const KEPT_PROOFS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("kept_proofs");
