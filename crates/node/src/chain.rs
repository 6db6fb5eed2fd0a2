//! The chain core: committed tip, proposal building and validation, atomic commit.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use eyre::{Result, eyre};
use govchain_consensus::AppError;
use govchain_crypto::{VerifyItem, verify_batch};
use govchain_execution::{BlockEnv, BlockOutput, Executor, Mode, StateError, StateRead, keys};
use govchain_mempool::{AdmitError, Mempool};
use govchain_proofs::merkle;
use govchain_state::{Pending, Snapshot, StateDb};
use govchain_storage::Storage;
use govchain_types::bounded::{BoundedString, BoundedVec};
use govchain_types::{
    Address, Block, CommitCertificate, CommittedBlock, Hash32, Header, Receipt, SignedTransaction, Suite, ValidatorSet,
    codec,
};
use parking_lot::{Mutex, RwLock};
use tokio::sync::{Notify, broadcast};
use tracing::warn;

use crate::metrics::Metrics;
use govchain_execution::ChainParams;

/// How far a proposal's time may run ahead of our clock.
const MAX_CLOCK_DRIFT_MS: u64 = 10_000;

/// The committed tip.
#[derive(Clone, Debug)]
pub struct Tip {
    /// Height.
    pub height: u64,
    /// Hash of the tip header (zero before block 1).
    pub hash: Hash32,
    /// Block time of the tip (genesis time before block 1).
    pub time_ms: u64,
    /// Validators for the next height.
    pub validators: ValidatorSet,
    /// Chain parameters in force for the next height.
    pub params: ChainParams,
    /// When the tip was committed (for pacing).
    pub committed_at: Instant,
}

/// A block executed but not yet committed.
pub struct Executed {
    /// The block.
    pub block: Block,
    /// Its encoding.
    pub bytes: Vec<u8>,
    /// Transaction ids.
    pub tx_hashes: Vec<Hash32>,
    /// Execution output.
    pub output: BlockOutput,
    /// State tree writes, indexed so the next block can be built over them before they are
    /// stored.
    pub state: Arc<Pending>,
}

/// The execution head: the last decided block, on which the next block is built and checked.
/// Its writes may still be on their way to storage (`pending`, see `commit.rs`); [`Chain::tip`]
/// is what storage holds.
pub(crate) struct Head {
    pub(crate) tip: Tip,
    pub(crate) pending: Option<Arc<Executed>>,
    /// The transactions of `pending`.
    pub(crate) pending_txs: std::collections::HashSet<Hash32>,
}

/// Block pacing.
#[derive(Clone, Copy, Debug)]
pub struct Pacing {
    /// Minimum time between blocks when transactions wait.
    pub min_interval: Duration,
    /// Time between empty blocks.
    pub empty_interval: Duration,
}

/// Reads of the state at a fixed version.
pub struct VersionView<'a> {
    /// Snapshot.
    pub snap: &'a Snapshot,
    /// Version.
    pub version: u64,
}

impl StateRead for VersionView<'_> {
    fn get(&self, key: &[u8]) -> std::result::Result<Option<Vec<u8>>, StateError> {
        self.snap.get(key, self.version).map_err(|e| StateError(e.to_string()))
    }
}

impl VersionView<'_> {
    /// The next nonce of the account a key acts for; a storage fault is an error, never 0.
    pub(crate) fn nonce_of(&self, executor: &Executor, key_address: &Address) -> std::result::Result<u64, AdmitError> {
        executor.nonce_of_key(self, key_address).map_err(|e| AdmitError::storage(e.message))
    }
}

/// The chain.
pub struct Chain {
    /// Chain id.
    pub chain_id: String,
    /// Suite.
    pub suite: Suite,
    /// Storage.
    pub storage: Storage,
    /// State.
    pub state: StateDb,
    /// Executor.
    pub executor: Executor,
    /// Pool.
    pub mempool: Arc<Mempool>,
    /// Pacing.
    pub pacing: Pacing,
    /// Genesis file hash.
    pub genesis_hash: Hash32,
    /// The genesis file, byte for byte.
    pub genesis_file: Vec<u8>,
    /// Node name.
    pub moniker: String,
    /// Metrics.
    pub metrics: Metrics,
    pub(crate) tip: RwLock<Tip>,
    pub(crate) head: RwLock<Head>,
    pub(crate) proposals: Mutex<HashMap<Hash32, Arc<Executed>>>,
    pub(crate) events: broadcast::Sender<Arc<CommittedBlock>>,
    pub(crate) tx_arrived: Notify,
    /// Whether this node signs votes (has a validator key): only then is a decision record
    /// needed before the engine moves on (`commit.rs`).
    pub(crate) votes: std::sync::atomic::AtomicBool,
    /// Held while a decided block is taken in; holds the background commit of the last one.
    pub(crate) commit_lock: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Signature checks of proposed and synced blocks run here, not on the global rayon pool
    /// that transaction admission (driven by API clients) uses.
    pub(crate) verify_pool: rayon::ThreadPool,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn roots(suite: Suite, txs: &[SignedTransaction], receipts: &[Receipt]) -> (Hash32, Hash32) {
    let tx_leaves: Vec<Hash32> = txs.iter().map(|t| merkle::leaf_hash(suite, &t.encode())).collect();
    let r_leaves: Vec<Hash32> = receipts.iter().map(|r| merkle::leaf_hash(suite, &r.encode())).collect();
    (merkle::root(suite, &tx_leaves), merkle::root(suite, &r_leaves))
}

impl Chain {
    /// The committed tip: the last block in storage, what queries read and events announce.
    pub fn tip(&self) -> Tip {
        self.tip.read().clone()
    }

    /// The execution head: the last decided block (the tip, or one above it while that block's
    /// commit is in flight). The next block is built, checked and admitted against it.
    pub fn head(&self) -> Tip {
        self.head.read().tip.clone()
    }

    /// The head and a state snapshot that reads the head's state (its pending writes over
    /// storage), taken together.
    pub(crate) fn head_snapshot(&self) -> Result<(Tip, Snapshot), govchain_state::StateError> {
        let (tip, pending) = {
            let h = self.head.read();
            (h.tip.clone(), h.pending.as_ref().map(|e| e.state.clone()))
        };
        Ok((tip, self.state.snapshot_over(pending)?))
    }

    /// Whether a transaction is in the decided block whose commit is in flight.
    pub fn in_pending_block(&self, hash: &Hash32) -> bool {
        self.head.read().pending_txs.contains(hash)
    }

    /// Wakes a proposer waiting for transactions.
    pub fn notify_tx(&self) {
        self.tx_arrived.notify_one();
    }

    /// Subscribes to committed blocks.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<CommittedBlock>> {
        self.events.subscribe()
    }

    /// Environment for executing the next block at `time_ms`.
    pub fn env(&self, height: u64, time_ms: u64) -> BlockEnv {
        BlockEnv { chain_id: self.chain_id.clone(), suite: self.suite, height, time_ms }
    }

    /// The validator set that decides `height`.
    pub fn validators_for(&self, height: u64) -> Option<ValidatorSet> {
        let head = self.head();
        if height == head.height + 1 {
            return Some(head.validators);
        }
        if height == 0 || height > head.height + 1 {
            return None;
        }
        // Decided at `height - 1` or before: stored, or in the head's overlay.
        let (_, snap) = self.head_snapshot().ok()?;
        let bytes = snap.get(keys::VALIDATORS, height - 1).ok()??;
        borsh::from_slice(&bytes).ok()
    }

    async fn wait_for_txs(&self, deadline: Instant) {
        loop {
            let (elapsed, pending, max_txs) = {
                let t = &self.head.read().tip;
                (t.committed_at.elapsed(), self.mempool.stats().txs, t.params.max_block_txs as usize)
            };
            let now = Instant::now();
            let ready = pending >= max_txs
                || (pending > 0 && elapsed >= self.pacing.min_interval)
                || elapsed >= self.pacing.empty_interval
                || now + Duration::from_millis(20) >= deadline;
            if ready {
                return;
            }
            let target = if pending > 0 { self.pacing.min_interval } else { self.pacing.empty_interval };
            let wait = target.saturating_sub(elapsed).min(deadline.saturating_duration_since(now));
            tokio::select! {
                _ = self.tx_arrived.notified() => {}
                _ = tokio::time::sleep(wait.max(Duration::from_millis(1))) => {}
            }
        }
    }

    /// Builds, executes and caches a block for `height`.
    pub async fn build(
        self: &Arc<Self>,
        height: u64,
        proposer: Address,
        deadline: Instant,
    ) -> Result<(Hash32, Vec<u8>)> {
        self.wait_for_txs(deadline).await;
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.build_blocking(height, proposer)).await?
    }

    fn build_blocking(&self, height: u64, proposer: Address) -> Result<(Hash32, Vec<u8>)> {
        let started = Instant::now();
        let (tip, snap) = self.head_snapshot()?;
        if height != tip.height + 1 {
            return Err(eyre!("asked to build height {height}, tip is {}", tip.height));
        }
        let view = VersionView { snap: &snap, version: tip.height };
        let nonce_of = |a: &Address| view.nonce_of(&self.executor, a);
        let candidates =
            self.mempool.reap(tip.params.max_block_txs as usize, tip.params.max_block_bytes as usize / 2, &nonce_of)?;
        let time_ms = now_ms().max(tip.time_ms + 1);
        let env = self.env(height, time_ms);
        // Admitted under an earlier, larger `max_tx_bytes`: no longer valid in a block.
        let max_tx = tip.params.max_tx_bytes as usize;
        let (candidates, too_large): (Vec<_>, Vec<_>) =
            candidates.into_iter().partition(|(_, t)| t.encode().len() <= max_tx);
        for (h, _) in too_large {
            let reason = format!("larger than max_tx_bytes ({max_tx}) in force");
            self.mempool.drop_tx(&h, "tx_too_large", &reason, tip.height);
        }
        let hashes: Vec<Hash32> = candidates.iter().map(|(h, _)| *h).collect();
        let txs: Vec<SignedTransaction> = candidates.into_iter().map(|(_, t)| Arc::unwrap_or_clone(t)).collect();
        let exec_started = Instant::now();
        let output = self.executor.execute_block(&env, &view, &txs, &hashes, Mode::Build)?;
        self.metrics.stage("execute", exec_started.elapsed());
        for (i, e) in &output.rejected {
            self.mempool.drop_tx(&hashes[*i], e.code(), &e.message, tip.height);
        }
        let tx_hashes: Vec<Hash32> = output.included.iter().map(|i| hashes[*i]).collect();
        let mut slots: Vec<Option<SignedTransaction>> = txs.into_iter().map(Some).collect();
        let included: Vec<SignedTransaction> = output.included.iter().filter_map(|i| slots[*i].take()).collect();
        let (tx_root, receipts_root) = roots(self.suite, &included, &output.receipts);
        let root_started = Instant::now();
        let (state_root, state) = snap.apply(&output.writes, height)?;
        let state = Arc::new(Pending::new(height, state));
        self.metrics.stage("state_root", root_started.elapsed());
        let header = Header {
            chain_id: BoundedString::new(self.chain_id.clone()).map_err(|e| eyre!("{e}"))?,
            height,
            time_ms,
            prev_hash: tip.hash,
            tx_root,
            receipts_root,
            state_root,
            validator_set_hash: tip.validators.hash(self.suite),
            proposer,
        };
        let block = Block { header, txs: BoundedVec::new(included).map_err(|e| eyre!("{e}"))? };
        let bytes = block.encode();
        let hash = block.hash(self.suite);
        self.metrics.stage("build", started.elapsed());
        self.proposals
            .lock()
            .insert(hash, Arc::new(Executed { block, bytes: bytes.clone(), tx_hashes, output, state }));
        Ok((hash, bytes))
    }

    /// Decodes, checks and executes a proposed block; caches it when valid.
    pub async fn check(
        self: &Arc<Self>,
        height: u64,
        bytes: Vec<u8>,
        proposer: Address,
        from_sync: bool,
    ) -> std::result::Result<(Hash32, std::result::Result<(), String>), AppError> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.check_blocking(height, &bytes, proposer, from_sync))
            .await
            .map_err(|e| AppError::Fault(e.to_string()))?
    }

    fn check_blocking(
        &self,
        height: u64,
        bytes: &[u8],
        proposer: Address,
        from_sync: bool,
    ) -> std::result::Result<(Hash32, std::result::Result<(), String>), AppError> {
        let block = Block::decode(bytes).map_err(|e| AppError::Malformed(e.to_string()))?;
        let hash = block.hash(self.suite);
        if self.proposals.lock().contains_key(&hash) {
            return Ok((hash, Ok(())));
        }
        let started = Instant::now();
        let verdict = self.validate(&block, height, bytes.len(), proposer, from_sync);
        match verdict {
            Ok(executed) => {
                self.metrics.stage("validate", started.elapsed());
                if from_sync {
                    self.metrics.synced_block();
                }
                self.proposals.lock().insert(hash, Arc::new(Executed { bytes: bytes.to_vec(), ..executed }));
                Ok((hash, Ok(())))
            }
            Err(reason) => Ok((hash, Err(reason))),
        }
    }

    fn validate(
        &self,
        block: &Block,
        height: u64,
        size: usize,
        proposer: Address,
        from_sync: bool,
    ) -> std::result::Result<Executed, String> {
        let (tip, snap) = self.head_snapshot().map_err(|e| e.to_string())?;
        let h = &block.header;
        if h.chain_id.as_str() != self.chain_id {
            return Err("wrong chain id".into());
        }
        if h.height != height || height != tip.height + 1 {
            return Err(format!("height {} but the next height is {}", h.height, tip.height + 1));
        }
        if h.prev_hash != tip.hash {
            return Err("prev_hash does not link to our tip".into());
        }
        if h.proposer != proposer {
            return Err("header names another proposer".into());
        }
        if h.validator_set_hash != tip.validators.hash(self.suite) {
            return Err("wrong validator set hash".into());
        }
        if h.time_ms <= tip.time_ms {
            return Err("block time does not increase".into());
        }
        if !from_sync && h.time_ms > now_ms() + MAX_CLOCK_DRIFT_MS {
            return Err("block time is too far in the future".into());
        }
        if block.txs.len() > tip.params.max_block_txs as usize || size > tip.params.max_block_bytes as usize {
            return Err("block exceeds size limits".into());
        }
        let txs: &[SignedTransaction] = &block.txs;
        let max_tx = tip.params.max_tx_bytes as usize;
        if let Some(i) = txs.iter().position(|t| t.encode().len() > max_tx) {
            return Err(format!("transaction {i} is larger than max_tx_bytes ({max_tx})"));
        }
        let tx_hashes: Vec<Hash32> = txs.iter().map(|t| t.hash(self.suite)).collect();
        // Only a byte-identical pooled copy had its signature verified at admission: the id
        // covers the signed body, not the signature.
        // A transaction signed with another algorithm (an Ethereum transaction) is verified by
        // its module when the block executes below.
        let unverified: Vec<usize> = (0..txs.len())
            .filter(|i| txs[*i].is_native(self.suite) && !self.mempool.contains_exact(&tx_hashes[*i], &txs[*i]))
            .collect();
        let sign_bytes: Vec<Vec<u8>> = unverified.iter().map(|i| txs[*i].tx.sign_bytes()).collect();
        let items: Vec<VerifyItem<'_>> = unverified
            .iter()
            .zip(&sign_bytes)
            .map(|(i, m)| VerifyItem { key: &txs[*i].tx.signer, msg: m, sig: &txs[*i].signature })
            .collect();
        if let Some((pos, e)) = self
            .verify_pool
            .install(|| verify_batch(&items))
            .into_iter()
            .enumerate()
            .find_map(|(p, r)| r.err().map(|e| (p, e)))
        {
            return Err(format!("transaction {} has a bad signature: {e}", unverified[pos]));
        }
        let view = VersionView { snap: &snap, version: tip.height };
        let env = self.env(height, h.time_ms);
        let output =
            self.executor.execute_block(&env, &view, txs, &tx_hashes, Mode::Validate).map_err(|e| e.to_string())?;
        let (tx_root, receipts_root) = roots(self.suite, txs, &output.receipts);
        if tx_root != h.tx_root || receipts_root != h.receipts_root {
            return Err("tx_root or receipts_root mismatch".into());
        }
        let (state_root, state) = snap.apply(&output.writes, height).map_err(|e| e.to_string())?;
        if state_root != h.state_root {
            return Err("state_root mismatch".into());
        }
        let state = Arc::new(Pending::new(height, state));
        Ok(Executed { block: block.clone(), bytes: Vec::new(), tx_hashes, output, state })
    }

    /// A proposal the chain knows (cached or persisted as undecided).
    pub fn proposal_bytes(&self, hash: &Hash32) -> Option<Vec<u8>> {
        if let Some(e) = self.proposals.lock().get(hash) {
            return Some(e.bytes.clone());
        }
        let next = self.head.read().tip.height + 1;
        let stored = self.storage.undecided(next, None).ok()?;
        stored
            .into_iter()
            .find(|(_, h, _)| h == &hash.0)
            .and_then(|(_, _, v)| borsh::from_slice::<(Vec<u8>, Vec<u8>)>(&v).ok().map(|(_, block)| block))
    }

    /// Stored block bytes and certificate.
    pub fn decided(&self, height: u64) -> Option<(Vec<u8>, CommitCertificate)> {
        let mut bytes = self.storage.header(height).ok()??;
        bytes.extend(self.storage.body(height).ok()??);
        let cert_bytes = self.storage.certificate(height).ok()??;
        let cert = codec::decode(&cert_bytes, govchain_types::limits::MAX_BLOCK_BYTES).ok()?;
        Some((bytes, cert))
    }

    /// Persists an undecided proposal record together with its block.
    pub fn save_undecided(&self, height: u64, round: u32, hash: Hash32, record: Vec<u8>) {
        let Some(block) = self.proposal_bytes(&hash) else {
            warn!(height, %hash, "cannot persist an unknown proposal");
            return;
        };
        // borsh of (record, block) without building the tuple: two length-prefixed byte strings.
        let mut value = Vec::with_capacity(8 + record.len() + block.len());
        value.extend((record.len() as u32).to_le_bytes());
        value.extend(&record);
        value.extend((block.len() as u32).to_le_bytes());
        value.extend(&block);
        if let Err(e) = self.storage.put_undecided(height, round, &hash.0, &value) {
            warn!(error = %e, "cannot persist undecided proposal");
        }
    }

    /// Loads persisted proposal records (a storage fault is an error, not "none").
    pub fn load_undecided(&self, height: u64, round: u32) -> Result<Vec<(Hash32, Vec<u8>)>> {
        Ok(self
            .storage
            .undecided(height, Some(round))?
            .into_iter()
            .filter_map(|(_, h, v)| borsh::from_slice::<(Vec<u8>, Vec<u8>)>(&v).ok().map(|(rec, _)| (Hash32(h), rec)))
            .collect())
    }
}
