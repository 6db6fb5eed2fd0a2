//! The node's implementation of the core API ([`NodeApi`]); the components' queries run on the
//! same service through [`govchain_component::ChainQuery`] (`query.rs`).

use std::sync::Arc;
use std::time::Instant;

use govchain_api::dto::*;
use govchain_api::{ApiError, NodeApi};
use govchain_proofs::{Claim, ProofBundle, ValsetChange, merkle};
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::{CommitCertificate, CommittedBlock, Hash32, Header, Receipt, SignedTransaction, codec};
use tokio::sync::broadcast;

use crate::chain::Chain;
use crate::ledger::LedgerView;

/// The API service over a chain.
pub struct NodeService {
    /// The chain.
    pub chain: Arc<Chain>,
    /// Relay of client transactions to the other validators.
    pub forwarder: Option<crate::forward::Forwarder>,
    /// Proof parts of the latest height.
    pub proof_cache: crate::query::ProofCache,
    /// Record search index (None: searches answer 503 `search_unavailable`).
    pub search: Option<Arc<govchain_search::SearchIndex>>,
}

type R<T> = Result<T, ApiError>;

impl NodeService {
    /// A service over a chain, without transaction relay or search.
    pub fn new(chain: Arc<Chain>) -> NodeService {
        NodeService { chain, forwarder: None, proof_cache: Default::default(), search: None }
    }
}

/// `500 internal` for a fault of this node.
pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e)
}

/// A state error as the API answers it: a height a pruned node no longer proves is 410 Gone
/// (`pruned`, naming the heights it keeps and that an archive node serves it).
pub(crate) fn state_err(e: govchain_state::StateError) -> ApiError {
    match e {
        govchain_state::StateError::Pruned { .. } => ApiError::new(410, "pruned", e.to_string()),
        e => ApiError::internal(e),
    }
}

fn no_block(height: u64) -> ApiError {
    ApiError::not_found("block_not_found", format!("no block at height {height}"))
}

impl NodeService {
    /// The answer for a height this node has no block at: 410 `pruned` up to the height of the
    /// snapshot a node was started from, 404 otherwise.
    fn missing(&self, height: u64) -> ApiError {
        match self.chain.storage.history_from() {
            Ok(base) if height <= base && height > 0 => ApiError::new(
                410,
                "pruned",
                format!(
                    "this node holds the blocks after height {base} (it was started from a snapshot of that height); an archive node serves block {height}"
                ),
            ),
            _ => no_block(height),
        }
    }

    pub(crate) fn header(&self, height: u64) -> R<Header> {
        let bytes = self.chain.storage.header(height).map_err(internal)?.ok_or_else(|| self.missing(height))?;
        codec::decode(&bytes, 1 << 16).map_err(internal)
    }

    pub(crate) fn cert(&self, height: u64) -> R<CommitCertificate> {
        let bytes = self.chain.storage.certificate(height).map_err(internal)?.ok_or_else(|| self.missing(height))?;
        codec::decode(&bytes, 1 << 20).map_err(internal)
    }

    fn body(&self, height: u64) -> R<BoundedVec<SignedTransaction, { govchain_types::limits::MAX_BLOCK_TXS }>> {
        let bytes = self.chain.storage.body(height).map_err(internal)?.ok_or_else(|| self.missing(height))?;
        codec::decode(&bytes, govchain_types::limits::MAX_BLOCK_BYTES).map_err(internal)
    }

    fn receipts(&self, height: u64) -> R<Vec<Receipt>> {
        let bytes = self.chain.storage.receipts(height).map_err(internal)?.ok_or_else(|| self.missing(height))?;
        codec::decode(&bytes, govchain_types::limits::MAX_BLOCK_BYTES).map_err(internal)
    }

    fn latest(&self) -> R<u64> {
        let h = self.chain.tip().height;
        if h == 0 {
            return Err(ApiError::not_found("no_blocks_yet", "the chain has no blocks yet"));
        }
        Ok(h)
    }

    /// The validator-set changes a light client needs to reach `height` from the genesis.
    pub(crate) fn valset_changes(&self, height: u64) -> R<Vec<ValsetChange>> {
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let mut out = Vec::new();
        for installed in crate::prune::installed_heights(&self.chain).map_err(internal)? {
            if installed >= height {
                continue;
            }
            let (value, proof) = crate::prune::valset_proof(&self.chain, &snap, installed).map_err(state_err)?;
            let set = codec::decode(&value.ok_or_else(|| ApiError::internal("validator set missing"))?, 1 << 20)
                .map_err(internal)?;
            out.push(ValsetChange {
                header: self.header(installed)?,
                certificate: self.cert(installed)?,
                set,
                proof: BoundedBytes::new(proof).map_err(internal)?,
            });
        }
        Ok(out)
    }

    fn bundle(&self, height: u64, claim: Claim) -> R<Vec<u8>> {
        let b = ProofBundle {
            chain_id: BoundedString::new(self.chain.chain_id.clone()).map_err(internal)?,
            suite: self.chain.suite,
            valset_changes: BoundedVec::new(self.valset_changes(height)?).map_err(internal)?,
            header: self.header(height)?,
            certificate: self.cert(height)?,
            claim,
        };
        Ok(b.to_bytes())
    }
}

impl NodeApi for NodeService {
    fn genesis(&self) -> Vec<u8> {
        self.chain.genesis_file.clone()
    }

    fn snapshot(&self, out: &mut dyn std::io::Write) -> R<()> {
        crate::snapshot::export(&self.chain, out).map(|_| ()).map_err(|e| ApiError::internal(format!("{e:#}")))
    }

    fn status(&self) -> R<StatusView> {
        let tip = self.chain.tip();
        let pool = self.chain.mempool.stats();
        Ok(StatusView {
            chain_id: self.chain.chain_id.clone(),
            suite: self.chain.suite.name().into(),
            height: tip.height,
            latest_block_hash: tip.hash.to_hex(),
            latest_block_time_ms: tip.time_ms,
            genesis_hash: self.chain.genesis_hash.to_hex(),
            moniker: self.chain.moniker.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
            mempool: MempoolView { txs: pool.txs, bytes: pool.bytes },
            validators: tip.validators.validators.iter().map(ValidatorView::from).collect(),
            earliest_block: self.chain.storage.history_from().map_err(internal)? + 1,
        })
    }

    fn submit(&self, txs: Vec<(SignedTransaction, usize)>, forwarded: bool) -> Vec<R<Hash32>> {
        let started = Instant::now();
        let relay = self.forwarder.as_ref().filter(|_| !forwarded);
        let encoded: Vec<Vec<u8>> = match relay {
            Some(_) => txs.iter().map(|(t, _)| t.encode()).collect(),
            None => Vec::new(),
        };
        // Admitted against the execution head: the next block is built on it.
        let (tip, snap) = match self.chain.head_snapshot() {
            Ok(s) => s,
            Err(e) => return txs.iter().map(|_| Err(internal(&e))).collect(),
        };
        let ledger = LedgerView { chain: &self.chain, snap, version: tip.height, time_ms: tip.time_ms };
        let results = self.chain.mempool.admit(txs, &ledger);
        let accepted = results.iter().filter(|r| r.is_ok()).count();
        self.chain.metrics.admitted(accepted, results.len() - accepted, started.elapsed());
        if accepted > 0 {
            self.chain.notify_tx();
            if let Some(f) = relay {
                f.relay(encoded.into_iter().zip(&results).filter(|(_, r)| r.is_ok()).map(|(e, _)| e).collect());
            }
        }
        results.into_iter().map(|r| r.map_err(|e| ApiError::from_class(e.class, e.code, e.message))).collect()
    }

    fn tx(&self, hash: &Hash32) -> R<TxView> {
        // Decided, and its block is being written: "committed" only once it is durable. Asked
        // before storage: the block leaves the pending slot only after it is stored.
        let decided = self.chain.in_pending_block(hash);
        if let Some((loc, tx, r)) = self.chain.storage.committed_tx(&hash.0).map_err(internal)? {
            // Only this transaction and its receipt are read, never the whole block.
            let tx = SignedTransaction::decode(&tx).map_err(internal)?;
            let r: Receipt = codec::decode(&r, govchain_types::limits::MAX_BLOCK_BYTES).map_err(internal)?;
            let r = &r;
            let call = tx.call();
            return Ok(TxView {
                hash: hash.to_hex(),
                status: "committed".into(),
                height: Some(loc.height),
                index: Some(loc.index),
                receipt: Some(ReceiptView::from(r)),
                reason_code: None,
                reason: None,
                signer: Some(tx.tx.signer.address(self.chain.suite).to_text()),
                call: Some(format!("{}.{}", call.module, call.method)),
            });
        }
        let base = TxView {
            hash: hash.to_hex(),
            status: String::new(),
            height: None,
            index: None,
            receipt: None,
            reason_code: None,
            reason: None,
            signer: None,
            call: None,
        };
        if decided {
            return Ok(TxView { status: "pending".into(), ..base });
        }
        match self.chain.mempool.status(hash) {
            Some(govchain_mempool::TxStatus::Pending) => Ok(TxView { status: "pending".into(), ..base }),
            Some(govchain_mempool::TxStatus::Dropped { code, reason, height }) => Ok(TxView {
                status: "dropped".into(),
                height: Some(height),
                reason_code: Some(code),
                reason: Some(reason),
                ..base
            }),
            None => Err(ApiError::not_found("tx_not_found", format!("transaction {hash} is not known to this node"))),
        }
    }

    fn block(&self, height: Option<u64>) -> R<BlockView> {
        let height = match height {
            Some(h) => h,
            None => self.latest()?,
        };
        let header = self.header(height)?;
        let cert = self.cert(height)?;
        let body = self.body(height)?;
        Ok(BlockView {
            height,
            hash: header.hash(self.chain.suite).to_hex(),
            header: HeaderView::from(&header),
            tx_hashes: body.iter().map(|t| t.hash(self.chain.suite).to_hex()).collect(),
            certificate: CertificateView::from(&cert),
        })
    }

    fn tx_proof(&self, hash: &Hash32) -> R<Vec<u8>> {
        let loc = self
            .chain
            .storage
            .tx_location(&hash.0)
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("tx_not_found", format!("transaction {hash} is not committed")))?;
        let body = self.body(loc.height)?;
        let receipts = self.receipts(loc.height)?;
        let suite = self.chain.suite;
        let i = loc.index as usize;
        let tx_leaves: Vec<Hash32> = body.iter().map(|t| merkle::leaf_hash(suite, &t.encode())).collect();
        let r_leaves: Vec<Hash32> = receipts.iter().map(|r| merkle::leaf_hash(suite, &r.encode())).collect();
        let claim = Claim::Transaction {
            index: loc.index,
            total: body.len() as u32,
            tx: Box::new(body.get(i).cloned().ok_or_else(|| ApiError::internal("tx missing"))?),
            tx_proof: BoundedVec::new(merkle::proof(suite, &tx_leaves, i)).map_err(internal)?,
            receipt: receipts.get(i).cloned().ok_or_else(|| ApiError::internal("receipt missing"))?,
            receipt_proof: BoundedVec::new(merkle::proof(suite, &r_leaves, i)).map_err(internal)?,
        };
        self.bundle(loc.height, claim)
    }

    fn state_proof(&self, key: &[u8], height: Option<u64>) -> R<Vec<u8>> {
        let tip = self.latest()?;
        Ok(self.states_bundle(&[key.to_vec()], height.unwrap_or(tip))?.bundle)
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<CommittedBlock>> {
        self.chain.subscribe()
    }

    fn metrics(&self) -> String {
        self.chain.metrics.render()
    }

    fn search_records(&self, q: &RecordSearch) -> R<SearchResponse> {
        crate::search::search(self.search.as_deref(), q)
    }
}
