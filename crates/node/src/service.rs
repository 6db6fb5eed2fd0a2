//! The node's implementation of the API ([`NodeApi`]).

use std::sync::Arc;
use std::time::Instant;

use govchain_api::dto::*;
use govchain_api::{ApiError, NodeApi};
use govchain_execution::Executor;
use govchain_execution::system::VALSET_CHANGE_PREFIX;
use govchain_identity::{Account, Organisation, account_key, org_key};
use govchain_proofs::bundle_limits::MAX_VALSET_CHANGES;
use govchain_proofs::{Claim, ProofBundle, VALIDATORS_KEY, ValsetChange, merkle};
use govchain_records::{ListFilter, Record, head_key, list_prefix, time_bound_key, version_key};
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::{Address, Block, CommitCertificate, Hash32, Header, Receipt, SignedTransaction, codec};
use tokio::sync::broadcast;

use crate::chain::{Chain, VersionView};
use crate::ledger::LedgerView;
use crate::views;

/// The API service over a chain.
pub struct NodeService {
    /// The chain.
    pub chain: Arc<Chain>,
    /// Relay of client transactions to the other validators.
    pub forwarder: Option<crate::forward::Forwarder>,
    /// Proof parts of the latest height.
    pub proof_cache: crate::certs::ProofCache,
    /// Record search index (None: searches answer 503 `search_unavailable`).
    pub search: Option<Arc<govchain_search::SearchIndex>>,
}

type R<T> = Result<T, ApiError>;

impl NodeService {
    /// A service over a chain, without transaction relay.
    pub fn new(chain: Arc<Chain>) -> NodeService {
        NodeService { chain, forwarder: None, proof_cache: Default::default(), search: None }
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

const MAX_LIMIT: usize = 200;
const MAX_VERSIONS_SHOWN: u32 = 1000;

impl NodeService {
    pub(crate) fn header_at(&self, height: u64) -> R<Header> {
        self.header(height)
    }

    pub(crate) fn cert_at(&self, height: u64) -> R<CommitCertificate> {
        self.cert(height)
    }

    fn header(&self, height: u64) -> R<Header> {
        let bytes = self
            .chain
            .storage
            .header(height)
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("block_not_found", format!("no block at height {height}")))?;
        codec::decode(&bytes, 1 << 16).map_err(internal)
    }

    fn cert(&self, height: u64) -> R<CommitCertificate> {
        let bytes = self
            .chain
            .storage
            .certificate(height)
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("block_not_found", format!("no block at height {height}")))?;
        codec::decode(&bytes, 1 << 20).map_err(internal)
    }

    fn body(&self, height: u64) -> R<BoundedVec<SignedTransaction, { govchain_types::limits::MAX_BLOCK_TXS }>> {
        let bytes = self
            .chain
            .storage
            .body(height)
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("block_not_found", format!("no block at height {height}")))?;
        codec::decode(&bytes, govchain_types::limits::MAX_BLOCK_BYTES).map_err(internal)
    }

    fn receipts(&self, height: u64) -> R<Vec<Receipt>> {
        let bytes = self
            .chain
            .storage
            .receipts(height)
            .map_err(internal)?
            .ok_or_else(|| ApiError::not_found("block_not_found", format!("no block at height {height}")))?;
        codec::decode(&bytes, govchain_types::limits::MAX_BLOCK_BYTES).map_err(internal)
    }

    fn state_get<T: borsh::BorshDeserialize>(&self, key: &[u8], version: u64) -> R<Option<T>> {
        let snap = self.chain.state.snapshot().map_err(internal)?;
        match snap.get(key, version).map_err(internal)? {
            Some(b) => borsh::from_slice(&b).map(Some).map_err(internal),
            None => Ok(None),
        }
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
        let entries =
            self.chain.storage.index_scan_desc(VALSET_CHANGE_PREFIX, None, MAX_VALSET_CHANGES).map_err(internal)?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let mut out = Vec::new();
        for (key, _) in entries.into_iter().rev() {
            let Some(e) = key.get(VALSET_CHANGE_PREFIX.len()..).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
                continue;
            };
            let installed = u64::from_be_bytes(e).saturating_sub(1);
            if installed == 0 || installed >= height {
                continue;
            }
            let (value, proof) = snap.prove(VALIDATORS_KEY, installed).map_err(internal)?;
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

    fn record_versions(&self, id: &str, version: u64) -> R<Vec<Record>> {
        let head: u32 = self
            .state_get(&head_key(id), version)?
            .ok_or_else(|| ApiError::not_found("record_not_found", format!("no record {id}")))?;
        let first = head.saturating_sub(MAX_VERSIONS_SHOWN - 1).max(1);
        (first..=head)
            .map(|v| {
                self.state_get::<Record>(&version_key(id, v), version)?
                    .ok_or_else(|| ApiError::internal("missing version"))
            })
            .collect()
    }

    fn validators_of(&self, org: &str) -> Vec<String> {
        self.chain
            .tip()
            .validators
            .validators
            .iter()
            .filter(|v| v.org.as_str() == org)
            .map(|v| v.address.to_text())
            .collect()
    }
}

fn check_filter(v: &Option<String>, what: &str) -> R<()> {
    match v {
        Some(s)
            if s.is_empty()
                || s.len() > 32
                || !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
        {
            Err(ApiError::bad_request("invalid_query", format!("{what} must be 1-32 characters of a-z, 0-9, '-'")))
        }
        _ => Ok(()),
    }
}

impl NodeApi for NodeService {
    fn genesis(&self) -> Vec<u8> {
        self.chain.genesis_file.clone()
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
            validators: tip.validators.validators.iter().map(views::validator).collect(),
        })
    }

    fn submit(&self, txs: Vec<(SignedTransaction, usize)>, forwarded: bool) -> Vec<R<Hash32>> {
        let started = Instant::now();
        let relay = self.forwarder.as_ref().filter(|_| !forwarded);
        let encoded: Vec<Vec<u8>> = match relay {
            Some(_) => txs.iter().map(|(t, _)| t.encode()).collect(),
            None => Vec::new(),
        };
        let tip = self.chain.tip();
        let snap = match self.chain.state.snapshot() {
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
        results.into_iter().map(|r| r.map_err(ApiError::from)).collect()
    }

    fn tx(&self, hash: &Hash32) -> R<TxView> {
        if let Some(loc) = self.chain.storage.tx_location(&hash.0).map_err(internal)? {
            let receipts = self.receipts(loc.height)?;
            let body = self.body(loc.height)?;
            let r = receipts.get(loc.index as usize).ok_or_else(|| ApiError::internal("receipt missing"))?;
            let tx = body.get(loc.index as usize).ok_or_else(|| ApiError::internal("transaction missing"))?;
            let call = tx.call();
            return Ok(TxView {
                hash: hash.to_hex(),
                status: "committed".into(),
                height: Some(loc.height),
                index: Some(loc.index),
                receipt: Some(views::receipt(r)),
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
            header: views::header(&header),
            tx_hashes: body.iter().map(|t| t.hash(self.chain.suite).to_hex()).collect(),
            certificate: views::certificate(&cert),
        })
    }

    fn records(&self, q: &RecordQuery) -> R<RecordPage> {
        check_filter(&q.org, "org")?;
        check_filter(&q.category, "category")?;
        let limit = q.limit.unwrap_or(50);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::bad_request("invalid_query", format!("limit must be 1-{MAX_LIMIT}")));
        }
        let prefix = list_prefix(&ListFilter { org: q.org.clone(), category: q.category.clone() });
        let before = match (&q.cursor, q.to_ms) {
            (Some(c), _) => Some(hex::decode(c).map_err(|_| ApiError::bad_request("invalid_query", "bad cursor"))?),
            (None, Some(to)) => Some(time_bound_key(&prefix, to)),
            (None, None) => None,
        };
        let entries = self.chain.storage.index_scan_desc(&prefix, before.as_deref(), limit + 1).map_err(internal)?;
        let version = self.chain.tip().height;
        let mut items = Vec::new();
        let mut next_cursor = None;
        for (key, id) in entries {
            let ms = key.get(prefix.len()..prefix.len() + 8).map(|b| {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                u64::from_be_bytes(a)
            });
            if q.from_ms.is_some_and(|from| ms.unwrap_or(0) < from) {
                break;
            }
            if items.len() == limit {
                next_cursor = items.last().map(|(k, _): &(Vec<u8>, RecordView)| hex::encode(k));
                break;
            }
            let id = String::from_utf8(id).map_err(internal)?;
            let versions = self.record_versions(&id, version)?;
            if let Some(latest) = versions.last() {
                items.push((key, views::record(latest)));
            }
        }
        Ok(RecordPage { items: items.into_iter().map(|(_, r)| r).collect(), next_cursor })
    }

    fn record(&self, id: &str) -> R<RecordHistory> {
        if id.is_empty() || id.len() > 64 {
            return Err(ApiError::bad_request("invalid_record_id", "record id must be 1-64 bytes"));
        }
        let versions = self.record_versions(id, self.chain.tip().height)?;
        let views: Vec<RecordView> = versions.iter().map(views::record).collect();
        let latest = views.last().cloned().ok_or_else(|| ApiError::not_found("record_not_found", id.to_string()))?;
        Ok(RecordHistory { id: id.into(), latest, versions: views })
    }

    fn record_proof(&self, id: &str, version: Option<u32>) -> R<Vec<u8>> {
        let height = self.latest()?;
        let v = match version {
            Some(v) => v,
            None => self
                .state_get::<u32>(&head_key(id), height)?
                .ok_or_else(|| ApiError::not_found("record_not_found", format!("no record {id}")))?,
        };
        let key = version_key(id, v);
        self.state_proof(&key, Some(height))
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
        let height = height.unwrap_or(tip);
        if height == 0 || height > tip {
            return Err(ApiError::not_found("block_not_found", format!("height must be 1-{tip}")));
        }
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let (value, proof) = snap.prove(key, height).map_err(internal)?;
        let claim = Claim::State {
            key: BoundedBytes::new(key.to_vec()).map_err(|e| ApiError::bad_request("invalid_key", e.to_string()))?,
            value: value.map(BoundedBytes::new).transpose().map_err(internal)?,
            proof: BoundedBytes::new(proof).map_err(internal)?,
        };
        self.bundle(height, claim)
    }

    fn organisations(&self) -> R<Vec<OrgView>> {
        let prefix = b"identity/orgs/";
        let entries = self.chain.storage.index_scan_desc(prefix, None, 1000).map_err(internal)?;
        let version = self.chain.tip().height;
        let mut out = Vec::new();
        for (k, _) in entries.into_iter().rev() {
            let id = String::from_utf8_lossy(&k[prefix.len()..]).to_string();
            if let Some(o) = self.state_get::<Organisation>(&org_key(&id), version)? {
                out.push(views::org(&o, self.validators_of(&o.id)));
            }
        }
        Ok(out)
    }

    fn organisation(&self, id: &str) -> R<OrgView> {
        let o: Organisation = self
            .state_get(&org_key(id), self.chain.tip().height)?
            .ok_or_else(|| ApiError::not_found("organisation_not_found", format!("no organisation {id}")))?;
        Ok(views::org(&o, self.validators_of(&o.id)))
    }

    fn account(&self, address: &Address) -> R<AccountView> {
        let version = self.chain.tip().height;
        let address = &match self.state_get::<Address>(&govchain_identity::key_index_key(address), version)? {
            Some(account) => account,
            None => *address,
        };
        let a: Account = self
            .state_get(&account_key(address), version)?
            .ok_or_else(|| ApiError::not_found("account_not_found", format!("no account {address}")))?;
        let snap = self.chain.state.snapshot().map_err(internal)?;
        let next =
            Executor::account_nonce(&VersionView { snap: &snap, version }, address).map_err(|e| internal(e.message))?;
        let pending = self.chain.mempool.pending_next_nonce(&a.public_key.address(self.chain.suite), next);
        Ok(views::account(&a, next, pending))
    }

    fn proposals(&self) -> R<Vec<ProposalView>> {
        let prefix = b"governance/proposals/";
        let entries = self.chain.storage.index_scan_desc(prefix, None, 500).map_err(internal)?;
        entries
            .into_iter()
            .filter_map(|(k, _)| {
                k.get(prefix.len()..).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_be_bytes)
            })
            .map(|id| self.proposal(id))
            .collect()
    }

    fn proposal(&self, id: u64) -> R<ProposalView> {
        let version = self.chain.tip().height;
        let p: govchain_governance::Proposal = self
            .state_get(&govchain_governance::proposal_key(id), version)?
            .ok_or_else(|| ApiError::not_found("proposal_not_found", format!("no proposal {id}")))?;
        let cfg: govchain_governance::GovConfig =
            self.state_get(govchain_governance::CONFIG_KEY, version)?.unwrap_or_default();
        let orgs = self.organisations()?;
        let total = orgs.iter().filter(|o| o.active && o.kind == "government").count() as u64;
        let required = (total * cfg.threshold_num as u64).div_ceil(cfg.threshold_den as u64);
        Ok(views::proposal(&p, required))
    }

    fn cert_types(&self) -> R<Vec<CertTypeView>> {
        self.cert_types_impl()
    }

    fn cert_type(&self, id: &str) -> R<CertTypeView> {
        self.cert_type_impl(id)
    }

    fn certificate(&self, id: &str) -> R<CertRecordView> {
        self.certificate_impl(id)
    }

    fn cert_status(&self, id: &str, proof: bool) -> R<CertStatusView> {
        self.cert_status_impl(id, proof)
    }

    fn cert_proofs(&self, id: &str) -> R<CertProofs> {
        self.cert_proofs_impl(id)
    }

    fn verify_presentation(&self, presentation: serde_json::Value) -> R<VerifyResponse> {
        self.verify_presentation_impl(presentation)
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

/// Decodes a full stored block (header bytes followed by body bytes).
pub fn decode_block(bytes: &[u8]) -> Option<Block> {
    Block::decode(bytes).ok()
}
