use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use govchain_crypto::{CryptoError, VerifyItem, verify_batch};
use govchain_types::{Address, Hash32, SignedTransaction, Suite};
use parking_lot::Mutex;
use rayon::prelude::*;
use serde::Serialize;

use crate::AdmitError;
use govchain_types::ErrorClass;

/// Pool limits.
#[derive(Clone, Debug)]
pub struct MempoolConfig {
    /// Most pending transactions.
    pub max_txs: usize,
    /// Most pending bytes (encoded transactions).
    pub max_bytes: usize,
    /// Largest encoded transaction.
    pub max_tx_bytes: usize,
    /// How far ahead of the account's next nonce a transaction may be.
    pub nonce_window: u64,
    /// How many blocks ahead `expires_at_height` may be.
    pub max_ttl: u64,
    /// Most pending transactions of one sender.
    pub max_per_sender: usize,
    /// Most pending bytes of one sender.
    pub max_bytes_per_sender: usize,
    /// Blocks a transaction may wait behind a nonce gap (an earlier nonce nobody submitted)
    /// before it and the sender's other stuck transactions are dropped (`nonce_gap`).
    pub gap_ttl: u64,
    /// How many dropped-transaction statuses are remembered.
    pub status_capacity: usize,
}

impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig {
            max_txs: 50_000,
            max_bytes: 64 * 1024 * 1024,
            max_tx_bytes: govchain_types::limits::MAX_TX_BYTES,
            nonce_window: 1024,
            max_ttl: 10_000,
            max_per_sender: 256,
            max_bytes_per_sender: 4 * 1024 * 1024,
            gap_ttl: 100,
            status_capacity: 1_000_000,
        }
    }
}

/// What the pool needs to know about the committed chain.
pub trait Ledger: Send + Sync {
    /// Height the next block will have.
    fn next_height(&self) -> u64;
    /// The account's next nonce in committed state.
    fn account_nonce(&self, addr: &Address) -> Result<u64, AdmitError>;
    /// Whether a transaction id is committed.
    fn is_committed(&self, hash: &Hash32) -> bool;
    /// Stateful admission check (registered signer, authorisation) of transaction `hash`.
    fn check(&self, tx: &SignedTransaction, hash: Hash32) -> Result<(), AdmitError>;
    /// The largest encoded transaction the chain's parameters allow now (governed).
    fn max_tx_bytes(&self) -> usize;
}

/// What the pool knows about a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TxStatus {
    /// Waiting to be included.
    Pending,
    /// Removed without being committed.
    Dropped {
        /// Stable reason code (`expired`, `nonce_superseded`, …).
        code: String,
        /// Explanation.
        reason: String,
        /// Chain height when it was dropped.
        height: u64,
    },
}

/// Pool occupancy.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PoolStats {
    /// Pending transactions.
    pub txs: usize,
    /// Pending bytes.
    pub bytes: usize,
}

struct Entry {
    tx: Arc<SignedTransaction>,
    sender: Address,
    nonce: u64,
    size: usize,
    seq: u64,
    expires: u64,
    /// Height at which it was admitted, or last found executable (gap eviction).
    checked_at: u64,
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<Hash32, Entry>,
    by_sender: BTreeMap<(Address, u64), Hash32>,
    order: BTreeMap<u64, Hash32>,
    by_expiry: BTreeSet<(u64, u64)>,
    by_checked: BTreeSet<(u64, u64)>,
    per_sender: HashMap<Address, (usize, usize)>,
    bytes: usize,
    next_seq: u64,
    dropped: HashMap<Hash32, TxStatus>,
    dropped_order: VecDeque<Hash32>,
}

/// The transaction pool. Thread-safe.
pub struct Mempool {
    config: MempoolConfig,
    chain_id: String,
    suite: Suite,
    inner: Mutex<Inner>,
}

struct Candidate {
    tx: SignedTransaction,
    size: usize,
    sign_bytes: Vec<u8>,
    hash: Hash32,
    sender: Address,
}

fn crypto_error(e: CryptoError) -> AdmitError {
    let code = match e {
        CryptoError::BadSignature => "bad_signature",
        CryptoError::MalformedSignature(_) => "malformed_signature",
        CryptoError::InvalidPublicKey(_) => "invalid_public_key",
        CryptoError::AlgorithmMismatch { .. } => "algorithm_mismatch",
        CryptoError::UnknownAlgorithm(_) => "unknown_algorithm",
        _ => "bad_signature",
    };
    AdmitError::bad(code, e.to_string())
}

impl Inner {
    fn remove(&mut self, hash: &Hash32) -> Option<Entry> {
        let e = self.by_hash.remove(hash)?;
        self.by_sender.remove(&(e.sender, e.nonce));
        self.order.remove(&e.seq);
        self.by_expiry.remove(&(e.expires, e.seq));
        self.by_checked.remove(&(e.checked_at, e.seq));
        self.bytes -= e.size;
        if let Some(q) = self.per_sender.get_mut(&e.sender) {
            q.0 -= 1;
            q.1 -= e.size;
            if q.0 == 0 {
                self.per_sender.remove(&e.sender);
            }
        }
        Some(e)
    }

    fn record_drop(&mut self, hash: Hash32, status: TxStatus, capacity: usize) {
        if self.dropped.insert(hash, status).is_none() {
            self.dropped_order.push_back(hash);
        }
        while self.dropped_order.len() > capacity {
            if let Some(old) = self.dropped_order.pop_front() {
                self.dropped.remove(&old);
            }
        }
    }
}

impl Mempool {
    /// An empty pool for a chain.
    pub fn new(config: MempoolConfig, chain_id: &str, suite: Suite) -> Mempool {
        Mempool { config, chain_id: chain_id.into(), suite, inner: Mutex::new(Inner::default()) }
    }

    /// Current occupancy.
    pub fn stats(&self) -> PoolStats {
        let g = self.inner.lock();
        PoolStats { txs: g.by_hash.len(), bytes: g.bytes }
    }

    /// Status of a transaction the pool knows (pending or dropped).
    pub fn status(&self, hash: &Hash32) -> Option<TxStatus> {
        let g = self.inner.lock();
        if g.by_hash.contains_key(hash) {
            return Some(TxStatus::Pending);
        }
        g.dropped.get(hash).cloned()
    }

    /// The next nonce of `sender` counting its consecutive pending transactions after the
    /// committed nonce.
    pub fn pending_next_nonce(&self, sender: &Address, committed: u64) -> u64 {
        let g = self.inner.lock();
        let mut next = committed;
        while g.by_sender.contains_key(&(*sender, next)) {
            next += 1;
        }
        next
    }

    /// Whether a transaction is pending (its signature was verified at admission).
    pub fn contains(&self, hash: &Hash32) -> bool {
        self.inner.lock().by_hash.contains_key(hash)
    }

    /// Whether the pool holds exactly `tx` (signature included) under id `hash`. A transaction's
    /// id covers its signed body, not its signature: only a byte-identical copy has had its
    /// signature verified at admission.
    pub fn contains_exact(&self, hash: &Hash32, tx: &SignedTransaction) -> bool {
        self.inner.lock().by_hash.get(hash).is_some_and(|e| *e.tx == *tx)
    }

    /// Admits a batch of `(transaction, encoded size)`; returns one result per input, in order.
    pub fn admit(&self, txs: Vec<(SignedTransaction, usize)>, ledger: &dyn Ledger) -> Vec<Result<Hash32, AdmitError>> {
        let next_height = ledger.next_height();
        let mut results: Vec<Option<Result<Hash32, AdmitError>>> = vec![None; txs.len()];
        let mut seen = HashSet::new();
        let mut cands: Vec<(usize, Candidate)> = Vec::with_capacity(txs.len());
        for (i, (tx, size)) in txs.into_iter().enumerate() {
            let sign_bytes = tx.tx.sign_bytes();
            let hash = self.suite.hash(&sign_bytes);
            let sender = tx.tx.signer.address(self.suite);
            let c = Candidate { tx, size, sign_bytes, hash, sender };
            match self.envelope(&c, next_height, &mut seen, ledger) {
                Ok(()) => cands.push((i, c)),
                Err(e) => results[i] = Some(Err(e)),
            }
        }

        // The stateful checks (registered signer, permission, nonce) are reads of committed state:
        // cheaper than a signature, so they come first and an unregistered key costs no
        // verification.
        let stateful: Vec<Result<u64, AdmitError>> = cands
            .par_iter()
            .map(|(_, c)| {
                ledger.check(&c.tx, c.hash)?;
                ledger.account_nonce(&c.sender)
            })
            .collect();
        let mut passed = Vec::with_capacity(cands.len());
        for ((i, c), r) in cands.into_iter().zip(stateful) {
            match r {
                Ok(committed) => passed.push((i, c, committed)),
                Err(e) => results[i] = Some(Err(e)),
            }
        }
        // Native signatures are verified here in one batch; the others were verified by their
        // module in the stateful check.
        let items: Vec<VerifyItem<'_>> = passed
            .iter()
            .filter(|(_, c, _)| c.tx.is_native(self.suite))
            .map(|(_, c, _)| VerifyItem { key: &c.tx.tx.signer, msg: &c.sign_bytes, sig: &c.tx.signature })
            .collect();
        let mut batch = verify_batch(&items).into_iter();
        let sig_results: Vec<Result<(), CryptoError>> = passed
            .iter()
            .map(|(_, c, _)| {
                if c.tx.is_native(self.suite) { batch.next().unwrap_or(Err(CryptoError::BadSignature)) } else { Ok(()) }
            })
            .collect();

        let mut g = self.inner.lock();
        for ((i, c, committed), sig) in passed.into_iter().zip(sig_results) {
            results[i] =
                Some(sig.map_err(crypto_error).and_then(|()| self.insert(&mut g, c, committed, next_height - 1)));
        }
        drop(g);
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(AdmitError::new(ErrorClass::Internal, "internal", "no result"))))
            .collect()
    }

    fn envelope(
        &self,
        c: &Candidate,
        next_height: u64,
        seen: &mut HashSet<Hash32>,
        ledger: &dyn Ledger,
    ) -> Result<(), AdmitError> {
        let tx = &c.tx.tx;
        let max = self.config.max_tx_bytes.min(ledger.max_tx_bytes());
        if c.size > max {
            return Err(AdmitError::bad("tx_too_large", format!("{} bytes; limit {max}", c.size)));
        }
        // A transaction signed with another algorithm (an Ethereum transaction) is verified by
        // its module in the stateful check below, or refused there.
        if tx.chain_id.as_str() != self.chain_id {
            return Err(AdmitError::bad(
                "wrong_chain_id",
                format!("transaction is for chain {:?}, this is {:?}", tx.chain_id.as_str(), self.chain_id),
            ));
        }
        if tx.expires_at_height < next_height {
            return Err(AdmitError::bad(
                "expired",
                format!("expired at height {}; next height is {next_height}", tx.expires_at_height),
            ));
        }
        // Ethereum transactions carry no expiry (their envelope never expires, see the evm
        // module); they leave the pool when included, replaced in nonce order, or evicted.
        if c.tx.is_native(self.suite) && tx.expires_at_height > next_height.saturating_add(self.config.max_ttl) {
            return Err(AdmitError::bad(
                "expiry_too_far",
                format!("expiry may be at most {} blocks ahead", self.config.max_ttl),
            ));
        }
        if !seen.insert(c.hash) || self.inner.lock().by_hash.contains_key(&c.hash) {
            return Err(AdmitError::new(
                ErrorClass::Conflict,
                "duplicate",
                format!("transaction {} is already pending", c.hash),
            ));
        }
        if ledger.is_committed(&c.hash) {
            return Err(AdmitError::new(
                ErrorClass::Conflict,
                "already_committed",
                format!("transaction {} is already committed", c.hash),
            ));
        }
        Ok(())
    }

    fn insert(&self, g: &mut Inner, c: Candidate, committed_nonce: u64, height: u64) -> Result<Hash32, AdmitError> {
        let nonce = c.tx.tx.nonce;
        if nonce < committed_nonce {
            return Err(AdmitError::new(
                ErrorClass::Conflict,
                "nonce_too_low",
                format!("nonce {nonce} is already used; the account's next nonce is {committed_nonce}"),
            ));
        }
        if nonce >= committed_nonce.saturating_add(self.config.nonce_window) {
            return Err(AdmitError::bad(
                "nonce_too_high",
                format!("nonce {nonce} is more than {} ahead of {committed_nonce}", self.config.nonce_window),
            ));
        }
        if g.by_sender.contains_key(&(c.sender, nonce)) {
            return Err(AdmitError::new(
                ErrorClass::Conflict,
                "nonce_in_use",
                format!("another pending transaction uses nonce {nonce}"),
            ));
        }
        if g.by_hash.contains_key(&c.hash) {
            return Err(AdmitError::new(
                ErrorClass::Conflict,
                "duplicate",
                format!("transaction {} is already pending", c.hash),
            ));
        }
        let (count, bytes) = g.per_sender.get(&c.sender).copied().unwrap_or((0, 0));
        if count >= self.config.max_per_sender || bytes + c.size > self.config.max_bytes_per_sender {
            return Err(AdmitError::new(
                ErrorClass::Overloaded,
                "sender_quota",
                format!(
                    "this account already has {count} pending transactions ({bytes} bytes); at most {} ({} bytes)",
                    self.config.max_per_sender, self.config.max_bytes_per_sender
                ),
            ));
        }
        if g.by_hash.len() >= self.config.max_txs || g.bytes + c.size > self.config.max_bytes {
            return Err(AdmitError::new(
                ErrorClass::Overloaded,
                "mempool_full",
                "the transaction pool is full; retry later",
            ));
        }
        let seq = g.next_seq;
        g.next_seq += 1;
        let expires = c.tx.tx.expires_at_height;
        g.order.insert(seq, c.hash);
        g.by_sender.insert((c.sender, nonce), c.hash);
        g.by_expiry.insert((expires, seq));
        g.by_checked.insert((height, seq));
        let q = g.per_sender.entry(c.sender).or_default();
        q.0 += 1;
        q.1 += c.size;
        g.bytes += c.size;
        g.dropped.remove(&c.hash);
        let entry =
            Entry { tx: Arc::new(c.tx), sender: c.sender, nonce, size: c.size, seq, expires, checked_at: height };
        g.by_hash.insert(c.hash, entry);
        Ok(c.hash)
    }

    /// Selects transactions (with their ids) for a block in arrival order, keeping each sender's
    /// nonces consecutive from its committed nonce (`nonce_of`; its failure — a storage fault —
    /// is returned, never taken as nonce 0). Nothing is removed: transactions leave the pool when
    /// committed or dropped.
    pub fn reap(
        &self,
        max_txs: usize,
        max_bytes: usize,
        nonce_of: &dyn Fn(&Address) -> Result<u64, AdmitError>,
    ) -> Result<Vec<(Hash32, Arc<SignedTransaction>)>, AdmitError> {
        let g = self.inner.lock();
        let mut expected: HashMap<Address, u64> = HashMap::new();
        let mut taken: HashSet<u64> = HashSet::new();
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for _pass in 0..3 {
            let mut progress = false;
            for (seq, hash) in g.order.iter() {
                if taken.contains(seq) {
                    continue;
                }
                let Some(e) = g.by_hash.get(hash) else {
                    continue;
                };
                let next = match expected.entry(e.sender) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => v.insert(nonce_of(&e.sender)?),
                };
                if e.nonce != *next {
                    continue;
                }
                if out.len() >= max_txs || bytes + e.size > max_bytes {
                    return Ok(out);
                }
                *next += 1;
                bytes += e.size;
                taken.insert(*seq);
                out.push((*hash, e.tx.clone()));
                progress = true;
            }
            if !progress {
                break;
            }
        }
        Ok(out)
    }

    /// Drops a pending transaction with a reason (e.g. it became invalid while building a block).
    pub fn drop_tx(&self, hash: &Hash32, code: &str, reason: &str, height: u64) {
        let mut g = self.inner.lock();
        if g.remove(hash).is_some() {
            let st = TxStatus::Dropped { code: code.into(), reason: reason.into(), height };
            g.record_drop(*hash, st, self.config.status_capacity);
        }
    }

    /// Drops the transactions of senders stuck behind a nonce gap for `gap_ttl` blocks: their
    /// lowest pending nonce is above the account's next nonce, so none can execute until
    /// someone submits the missing one. Entries found executable are looked at again `gap_ttl`
    /// blocks later. At most 4 096 entries are looked at per block.
    fn evict_gapped(
        &self,
        g: &mut Inner,
        height: u64,
        nonce_of: &dyn Fn(&Address) -> Result<u64, AdmitError>,
    ) -> Result<(), AdmitError> {
        let Some(cutoff) = height.checked_sub(self.config.gap_ttl) else { return Ok(()) };
        let due: Vec<u64> = g.by_checked.range(..=(cutoff, u64::MAX)).take(4096).map(|(_, seq)| *seq).collect();
        let senders: BTreeSet<Address> =
            due.iter().filter_map(|s| g.order.get(s)).filter_map(|h| g.by_hash.get(h)).map(|e| e.sender).collect();
        for s in senders {
            let next = nonce_of(&s)?;
            let pending: Vec<(u64, Hash32)> =
                g.by_sender.range((s, 0)..=(s, u64::MAX)).map(|((_, n), h)| (*n, *h)).collect();
            let gapped = pending.first().is_some_and(|(n, _)| *n > next);
            for (_, h) in pending {
                if gapped {
                    g.remove(&h);
                    let st = TxStatus::Dropped {
                        code: "nonce_gap".into(),
                        reason: format!("waited {} blocks behind a missing nonce {next}", self.config.gap_ttl),
                        height,
                    };
                    g.record_drop(h, st, self.config.status_capacity);
                } else if let Some(e) = g.by_hash.get_mut(&h)
                    && e.checked_at <= cutoff
                {
                    let old = (e.checked_at, e.seq);
                    e.checked_at = height;
                    let new = (height, e.seq);
                    g.by_checked.remove(&old);
                    g.by_checked.insert(new);
                }
            }
        }
        Ok(())
    }

    /// Updates the pool after block `height` was committed with transactions `(id, sender)`:
    /// removes them, drops pending transactions whose nonce a committed transaction used (also
    /// ones that reached the block through another node), and drops transactions that expire
    /// before the next height. A failure of `nonce_of` (a storage fault) is returned after the
    /// committed transactions were removed; nothing is dropped on a guessed nonce.
    pub fn on_commit(
        &self,
        height: u64,
        committed: &[(Hash32, Address)],
        nonce_of: &dyn Fn(&Address) -> Result<u64, AdmitError>,
    ) -> Result<(), AdmitError> {
        let mut g = self.inner.lock();
        let mut senders = BTreeSet::new();
        for (h, sender) in committed {
            g.remove(h);
            senders.insert(*sender);
        }
        for s in senders {
            let next = nonce_of(&s)?;
            let stale: Vec<Hash32> = g.by_sender.range((s, 0)..(s, next)).map(|(_, h)| *h).collect();
            for h in stale {
                g.remove(&h);
                let st = TxStatus::Dropped {
                    code: "nonce_superseded".into(),
                    reason: "another transaction with the same nonce was committed".into(),
                    height,
                };
                g.record_drop(h, st, self.config.status_capacity);
            }
        }
        self.evict_gapped(&mut g, height, nonce_of)?;
        let next_height = height + 1;
        let expired: Vec<u64> = g.by_expiry.range(..(next_height, 0)).map(|(_, seq)| *seq).collect();
        for seq in expired {
            if let Some(h) = g.order.get(&seq).copied() {
                g.remove(&h);
                let st = TxStatus::Dropped {
                    code: "expired".into(),
                    reason: format!("not included by its expiry height; chain reached {height}"),
                    height,
                };
                g.record_drop(h, st, self.config.status_capacity);
            }
        }
        Ok(())
    }
}
