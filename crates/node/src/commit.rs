//! Taking in decided blocks, pipelined.
//!
//! When the engine decides height `h`, [`Chain::decide`]:
//! 1. waits until the commit of `h - 1` is durable (at most one block is in flight);
//! 2. on a validator, writes a small durable **decision record** (`h`'s certificate, and its
//!    block when no persisted undecided proposal already holds it);
//! 3. moves the execution head to `h` with `h`'s writes as an in-memory overlay, and updates
//!    the pool, so the engine can start `h + 1` and the proposer build it at once;
//! 4. commits `h` (block, certificate, receipts, state, indexes: one redb transaction with
//!    fsync) on a blocking thread, while `h + 1` is built, proposed and voted on.
//!
//! Only when step 4 lands does the tip move: queries, `/v1/txs/{id}` answers "committed" and
//! block events come from storage, so nothing a client was told is committed can be lost. A
//! crash between 2 and 4 leaves the decision record: [`Chain::recover`] commits that block on
//! restart before the engine starts, so the node never votes again at a height it voted past
//! (the engine's WAL no longer holds those votes once it moved on). A storage failure in step 4
//! stops the process for the same reason: restarting recommits the block from its record.

use std::sync::Arc;
use std::time::Instant;

use eyre::{Result, eyre};
use govchain_execution::keys;
use govchain_storage::BlockCommit;
use govchain_types::{Address, Block, CommitCertificate, CommittedBlock, Hash32, codec};
use tracing::{error, info, warn};

use crate::chain::{Chain, Executed, Tip, VersionView};

/// The decision record: the certificate, and the block when it is not persisted elsewhere.
#[derive(borsh::BorshSerialize, borsh::BorshDeserialize)]
struct Decision {
    certificate: Vec<u8>,
    block: Option<Vec<u8>>,
}

impl Chain {
    /// Commits a decided block and waits until it is durable: for drivers without a consensus
    /// engine (benchmarks, tools, recovery), which need no decision record.
    pub async fn commit(self: &Arc<Self>, cert: CommitCertificate) -> Result<()> {
        self.take_in(cert, false).await?;
        self.flush().await
    }

    /// [`Chain::commit`] without waiting for storage: returns once the head moved (the next
    /// block can be built); the block is stored in the background and [`Chain::flush`] waits
    /// for it. For drivers without a consensus engine that seed blocks (benchmarks).
    pub async fn commit_pipelined(self: &Arc<Self>, cert: CommitCertificate) -> Result<()> {
        self.take_in(cert, false).await
    }

    /// Waits until every decided block is in storage.
    pub async fn flush(&self) -> Result<()> {
        let mut committing = self.commit_lock.lock().await;
        join(&mut committing).await
    }

    /// Takes in a decided block (see the module docs): returns once the decision is durable and
    /// the head has moved; the block's own commit continues in the background.
    pub async fn decide(self: &Arc<Self>, cert: CommitCertificate) -> Result<()> {
        // A node without a validator key never votes, so it has nothing to protect: an observer
        // catching up writes each block once, not twice.
        let record = self.votes.load(std::sync::atomic::Ordering::Relaxed);
        self.take_in(cert, record).await
    }

    async fn take_in(self: &Arc<Self>, cert: CommitCertificate, record: bool) -> Result<()> {
        let mut committing = self.commit_lock.lock().await;
        let Some((executed, next)) = self.prepare(&mut committing, &cert, record).await? else {
            return Ok(());
        };
        let this = self.clone();
        *committing = Some(tokio::task::spawn_blocking(move || {
            if let Err(e) = this.store(&executed, &cert, next) {
                error!(
                    height = cert.height,
                    error = %format!("{e:#}"),
                    "storage failed to commit a decided block: stopping; on restart the block is committed from its decision record"
                );
                std::process::exit(74);
            }
        }));
        Ok(())
    }

    /// Steps 1–3 of [`Chain::decide`] without step 4: exactly what a crash right after a
    /// decision leaves behind (the head moved, the decision record written, the block not
    /// stored). For crash-recovery tests; a node never calls it.
    #[doc(hidden)]
    pub async fn decide_then_crash(self: &Arc<Self>, cert: CommitCertificate) -> Result<()> {
        let mut committing = self.commit_lock.lock().await;
        self.prepare(&mut committing, &cert, true).await.map(drop)
    }

    /// Steps 1–3, under the commit lock: the decided block and the tip it makes once stored;
    /// None when the height was already taken in.
    async fn prepare(
        self: &Arc<Self>,
        committing: &mut Option<tokio::task::JoinHandle<()>>,
        cert: &CommitCertificate,
        record: bool,
    ) -> Result<Option<(Arc<Executed>, Tip)>> {
        let waited = Instant::now();
        join(committing).await?;
        self.metrics.stage("commit_wait", waited.elapsed());
        if cert.height <= self.head().height {
            return Ok(None);
        }
        let executed = self.decided_block(cert).await?;
        let this = self.clone();
        let (ex, c) = (executed.clone(), cert.clone());
        let next = tokio::task::spawn_blocking(move || this.advance(&ex, &c, record)).await??;
        Ok(Some((executed, next)))
    }

    /// The executed block a certificate decides: built or checked here, or checked now from a
    /// persisted proposal.
    async fn decided_block(self: &Arc<Self>, cert: &CommitCertificate) -> Result<Arc<Executed>> {
        if let Some(e) = self.proposals.lock().get(&cert.block_hash).cloned() {
            return Ok(e);
        }
        let bytes = self
            .proposal_bytes(&cert.block_hash)
            .ok_or_else(|| eyre!("decided block {} is unknown", cert.block_hash))?;
        let block = Block::decode(&bytes).map_err(|e| eyre!("{e}"))?;
        let (hash, verdict) =
            self.check(cert.height, bytes, block.header.proposer, true).await.map_err(|e| eyre!(e))?;
        verdict.map_err(|e| eyre!("decided block is invalid here: {e}"))?;
        self.proposals.lock().get(&hash).cloned().ok_or_else(|| eyre!("block vanished"))
    }

    /// Steps 2 and 3: the durable decision record, then the head and the pool.
    fn advance(&self, ex: &Arc<Executed>, cert: &CommitCertificate, record: bool) -> Result<Tip> {
        let started = Instant::now();
        let height = cert.height;
        if record {
            let held = self.storage.has_undecided(height, cert.round, &cert.block_hash.0)?;
            let record = Decision { certificate: codec::encode(cert), block: (!held).then(|| ex.bytes.clone()) };
            self.storage.put_decision(height, &borsh::to_vec(&record)?)?;
        }
        let header = &ex.block.header;
        let next = {
            let head = self.head.read();
            let t = &head.tip;
            let validators = match ex.output.writes.get(keys::VALIDATORS) {
                Some(Some(v)) => borsh::from_slice(v)?,
                _ => t.validators.clone(),
            };
            let params = match ex.output.writes.get(keys::PARAMS) {
                Some(Some(p)) => borsh::from_slice(p)?,
                _ => t.params,
            };
            if validators != t.validators {
                info!(height = height + 1, validators = validators.validators.len(), "validator set changes");
            }
            Tip {
                height,
                hash: header.hash(self.suite),
                time_ms: header.time_ms,
                validators,
                params,
                committed_at: Instant::now(),
            }
        };
        // Everything that can fail comes before the head moves: after it, the write must follow.
        let snap = self.state.snapshot_over(Some(ex.state.clone()))?;
        let pending_txs = ex.tx_hashes.iter().copied().collect();
        *self.head.write() = crate::chain::Head { tip: next.clone(), pending: Some(ex.clone()), pending_txs };
        self.proposals.lock().retain(|_, e| e.block.header.height > height);
        let view = VersionView { snap: &snap, version: height };
        let committed: Vec<(Hash32, Address)> =
            ex.tx_hashes.iter().zip(ex.block.txs.iter()).map(|(h, t)| (*h, t.tx.signer.address(self.suite))).collect();
        // The pool is a cache of candidates: a failed clean-up leaves transactions the builder
        // drops later, and must not leave a moved head without its block's write.
        if let Err(e) = self.mempool.on_commit(height, &committed, &|a| view.nonce_of(&self.executor, a)) {
            warn!(height, error = %e.message, "pool clean-up after a decided block failed");
        }
        self.metrics.decided_in_round(cert.round);
        self.metrics.decided(height);
        self.metrics.stage("decide", started.elapsed());
        Ok(next)
    }

    /// Step 4: the block's commit, then the tip, the events and the log.
    fn store(&self, ex: &Executed, cert: &CommitCertificate, next: Tip) -> Result<()> {
        let started = Instant::now();
        let header = &ex.block.header;
        let height = header.height;
        let header_bytes = codec::encode(header);
        let (body, tx_spans) = codec::encode_list(&ex.block.txs);
        let cert_bytes = codec::encode(cert);
        let (receipts, receipt_spans) = codec::encode_list(&ex.output.receipts);
        let tx_hashes: Vec<[u8; 32]> = ex.tx_hashes.iter().map(|h| h.0).collect();
        let commit = BlockCommit {
            height,
            header: &header_bytes,
            body: &body,
            certificate: &cert_bytes,
            receipts: &receipts,
            tx_hashes: &tx_hashes,
            tx_spans: &tx_spans,
            receipt_spans: &receipt_spans,
            state: ex.state.writes(),
            index: &ex.output.index,
        };
        self.storage.commit_block(&commit)?;
        *self.tip.write() = next;
        {
            let mut head = self.head.write();
            if head.pending.as_ref().is_some_and(|p| p.block.header.height == height) {
                head.pending = None;
                head.pending_txs.clear();
            }
        }
        self.metrics.committed(height, ex.tx_hashes.len(), header.time_ms, started.elapsed(), self.mempool.stats());
        self.publish(ex);
        if height.is_multiple_of(100) || !ex.tx_hashes.is_empty() {
            info!(height, txs = ex.tx_hashes.len(), hash = %header.hash(self.suite), "committed");
        }
        Ok(())
    }

    fn publish(&self, ex: &Executed) {
        let h = &ex.block.header;
        let block = CommittedBlock {
            header: h.clone(),
            hash: h.hash(self.suite),
            tx_hashes: ex.tx_hashes.clone(),
            receipts: ex.output.receipts.clone(),
        };
        let _ = self.events.send(Arc::new(block));
    }

    /// Commits a block that was decided but not stored when the node stopped (its decision
    /// record), before the engine starts. Returns the heights recommitted.
    pub async fn recover(self: &Arc<Self>) -> Result<Vec<u64>> {
        let mut done = Vec::new();
        for (height, record) in self.storage.decisions()? {
            if height <= self.tip().height {
                continue;
            }
            if height != self.tip().height + 1 {
                return Err(eyre!("decision record for height {height} but the tip is {}", self.tip().height));
            }
            let record: Decision = borsh::from_slice(&record)?;
            let cert: CommitCertificate = codec::decode(&record.certificate, govchain_types::limits::MAX_BLOCK_BYTES)
                .map_err(|e| eyre!("decision record {height}: {e}"))?;
            let bytes = match record.block {
                Some(b) => b,
                None => self
                    .proposal_bytes(&cert.block_hash)
                    .ok_or_else(|| eyre!("decision record {height}: its proposal is not persisted"))?,
            };
            let block = Block::decode(&bytes).map_err(|e| eyre!("decision record {height}: {e}"))?;
            let (_, verdict) =
                self.check(height, bytes, block.header.proposer, true).await.map_err(|e| eyre!("{e}"))?;
            verdict.map_err(|e| eyre!("decision record {height}: the block is invalid here: {e}"))?;
            self.commit(cert).await?;
            warn!(height, "committed a block decided before the node stopped");
            done.push(height);
        }
        Ok(done)
    }
}

async fn join(slot: &mut Option<tokio::task::JoinHandle<()>>) -> Result<()> {
    if let Some(h) = slot.take() {
        h.await.map_err(|e| eyre!("the commit of a decided block failed: {e}"))?;
    }
    Ok(())
}
