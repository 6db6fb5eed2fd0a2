//! The boundary between the engine and GovChain: the [`Application`] trait and the loop that
//! answers the engine's messages with it.
//!
//! | engine message            | what happens                                                     |
//! |---------------------------|------------------------------------------------------------------|
//! | `ConsensusReady`          | start at committed height + 1 with that height's validator set    |
//! | `StartedRound`            | validate buffered parts for the height; return stored proposals  |
//! | `GetValue`                | reuse our stored proposal for (h, r) or build one; stream parts  |
//! | `ReceivedProposalPart`    | reassemble; check proposer + signature; `check_block`             |
//! | `Decided`                 | `commit` (block + certificate + state in one write)               |
//! | `Finalized`               | start the next height (or restart this one if commit failed)      |
//! | `ProcessSyncedValue`      | `check_block` on a block from sync (a decode failure is the peer's fault) |
//! | `GetDecidedValues`        | serve stored blocks and certificates                              |
//! | `RestreamProposal`        | re-send a stored proposal's parts verbatim                        |
//! | `ExtendVote` / `VerifyVoteExtensions` | no vote extensions                                   |

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use govchain_types::bounded::BoundedVec;
use govchain_types::{Address, CommitCertificate, CommitSignature, Hash32, Signature, ValidatorSet};
use malachitebft_app::types::sync::RawDecidedValue;
use malachitebft_app::types::{LocallyProposedValue, PeerId, ProposedValue};
use malachitebft_app_channel::{AppMsg, Channels, NetworkMsg};
use malachitebft_core_types::{
    CommitCertificate as McCert, CommitSignature as McSig, ExtendedCommitCertificate, LinearTimeouts, Round, Validity,
    VoteExtensions,
};
use malachitebft_engine::host::{HeightParams, Next, SyncedValueOutcome};
use malachitebft_engine::util::streaming::StreamMessage;
use tracing::{debug, error, info, warn};

use crate::context::{self, BlockId, GovContext, Height, ProposalPart, ValAddress};
use crate::signing::GovSigner;
use crate::streaming::{Assembled, PartStreams, StreamPolicy, stream_sign_bytes, to_messages};

/// Heights ahead of the current one whose proposals are buffered (a peer ahead of us).
const BUFFER_AHEAD: u64 = 2;
/// Proposals buffered per future height (one per round the peer may already be in).
const BUFFER_PER_HEIGHT: usize = 4;

/// Verdict on a received block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalCheck {
    /// Valid: vote for it.
    Valid,
    /// Invalid, with the reason: vote nil.
    Invalid(String),
}

/// A failure of the application, as the adapter sees it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// The bytes offered are not a block (the sender's fault).
    #[error("not a block: {0}")]
    Malformed(String),
    /// This node failed (storage, a task that died): not the sender's fault.
    #[error("{0}")]
    Fault(String),
}

/// Result of committing a decided block.
pub type CommitOutcome = Result<(), AppError>;

/// What the consensus adapter needs from the node. Everything that affects votes
/// (`check_block`, `validator_set`) must be deterministic.
#[async_trait]
pub trait Application: Send + Sync + 'static {
    /// Height of the last committed block (0 before the first).
    fn committed_height(&self) -> u64;
    /// The validator set that decides `height` (height ≤ committed + 1).
    fn validator_set(&self, height: u64) -> Option<ValidatorSet>;
    /// The largest block the chain's parameters allow now (proposal streams beyond it are
    /// refused while they arrive).
    fn max_block_bytes(&self) -> usize;
    /// Builds a block for `height` as `proposer`, finishing before `deadline`. Returns the block
    /// hash and encoding. The application keeps the execution result for `commit`.
    async fn build_block(
        &self,
        height: u64,
        proposer: Address,
        deadline: Instant,
    ) -> Result<(Hash32, Vec<u8>), AppError>;
    /// Decodes and validates a block proposed by `proposer` for `height` (executing it and keeping
    /// the result). `Err` means the bytes are not a block (the sender's fault). `from_sync` blocks
    /// come with a commit certificate, so wall-clock checks are skipped.
    async fn check_block(
        &self,
        height: u64,
        bytes: &[u8],
        proposer: Address,
        from_sync: bool,
    ) -> Result<(Hash32, ProposalCheck), AppError>;
    /// Commits the decided block: block, certificate and state in one atomic write.
    async fn commit(&self, certificate: CommitCertificate) -> CommitOutcome;
    /// Stored block encoding and certificate at `height`.
    fn decided(&self, height: u64) -> Option<(Vec<u8>, CommitCertificate)>;
    /// Lowest height whose block can be served.
    fn history_min_height(&self) -> u64;
    /// Persists a proposal seen or built but not yet decided (crash recovery).
    fn save_undecided(&self, height: u64, round: u32, hash: Hash32, record: Vec<u8>);
    /// Loads persisted proposals for `height` and `round`.
    fn load_undecided(&self, height: u64, round: u32) -> Result<Vec<(Hash32, Vec<u8>)>, AppError>;
    /// Block encoding of a proposal the application knows (built, received or synced).
    fn proposal_bytes(&self, hash: &Hash32) -> Option<Vec<u8>>;
}

/// What is persisted per undecided proposal (the block itself is kept by the application).
#[derive(Clone, Debug, BorshSerialize, BorshDeserialize)]
struct Undecided {
    round: Round,
    pol_round: Round,
    proposer: Address,
    valid: bool,
    signature: Signature,
}

/// Adapter state.
pub(crate) struct Adapter<A: Application + ?Sized> {
    pub app: Arc<A>,
    pub signer: Option<Arc<GovSigner>>,
    pub me: Address,
    pub timeouts: LinearTimeouts,
    pub streams: PartStreams,
    pub pending: BTreeMap<u64, Vec<Assembled>>,
    pub current_height: u64,
    pub committed: Option<u64>,
}

fn params<A: Application + ?Sized>(app: &A, timeouts: LinearTimeouts, height: u64) -> Option<HeightParams<GovContext>> {
    let set = app.validator_set(height)?;
    Some(HeightParams::new(context::ValidatorSet::from_set(&set), timeouts, None))
}

/// GovChain's canonical certificate: signatures in ascending validator-address order, so every
/// node stores (and serves in proofs) the same bytes for the same signers.
fn to_certificate(c: &McCert<GovContext>) -> CommitCertificate {
    let mut sigs: Vec<CommitSignature> = c
        .commit_signatures
        .iter()
        .map(|s| CommitSignature { validator: s.address.0, signature: s.signature.clone() })
        .collect();
    sigs.sort_by_key(|s| s.validator);
    sigs.dedup_by_key(|s| s.validator);
    CommitCertificate {
        height: c.height.0,
        round: c.round.as_u32().unwrap_or(0),
        block_hash: c.value_id.0,
        signatures: BoundedVec::new(sigs).unwrap_or_default(),
    }
}

fn to_extended(c: &CommitCertificate) -> ExtendedCommitCertificate<GovContext> {
    let mc = McCert::<GovContext> {
        height: Height(c.height),
        round: Round::new(c.round),
        value_id: BlockId(c.block_hash),
        commit_signatures: c
            .signatures
            .iter()
            .map(|s| McSig::new(ValAddress(s.validator), s.signature.clone()))
            .collect(),
    };
    ExtendedCommitCertificate::from_commit_certificate_and_extensions(mc, VoteExtensions::default())
}

fn send<T>(reply: tokio::sync::oneshot::Sender<T>, value: T, what: &str) {
    if reply.send(value).is_err() {
        error!(what, "engine dropped the reply channel");
    }
}

impl<A: Application + ?Sized> Adapter<A> {
    fn expected_proposer(&self, height: u64, round: Round) -> Option<Address> {
        let set = self.app.validator_set(height)?;
        let set = context::ValidatorSet::from_set(&set);
        let i = context::proposer_index(&set, height, round.as_u32().unwrap_or(0));
        set.validators.get(i).map(|v| v.address.0)
    }

    fn verify_stream(&self, a: &Assembled) -> Result<(), String> {
        let expected = self.expected_proposer(a.height, a.round).ok_or("no validator set")?;
        if expected != a.proposer {
            return Err(format!("proposer {} is not the expected {}", a.proposer, expected));
        }
        let set = self.app.validator_set(a.height).ok_or("no validator set")?;
        let v = set.get(&a.proposer).ok_or("proposer not in validator set")?;
        let msg = stream_sign_bytes(a.height, a.round, a.pol_round, &a.proposer, &a.block);
        v.public_key.verify(&msg, &a.signature).map_err(|e| format!("stream signature: {e}"))
    }

    async fn accept(&mut self, a: Assembled) -> Option<ProposedValue<GovContext>> {
        if let Err(e) = self.verify_stream(&a) {
            warn!(height = a.height, error = %e, "discarding proposal stream");
            return None;
        }
        let (hash, verdict) = match self.app.check_block(a.height, &a.block, a.proposer, false).await {
            Ok(r) => r,
            Err(e) => {
                warn!(height = a.height, error = %e, "undecodable proposal");
                return None;
            }
        };
        let valid = verdict == ProposalCheck::Valid;
        if let ProposalCheck::Invalid(reason) = &verdict {
            warn!(height = a.height, %hash, %reason, "proposal is invalid; voting nil");
        }
        let rec =
            Undecided { round: a.round, pol_round: a.pol_round, proposer: a.proposer, valid, signature: a.signature };
        self.app.save_undecided(a.height, a.round.as_u32().unwrap_or(0), hash, borsh::to_vec(&rec).unwrap_or_default());
        Some(ProposedValue {
            height: Height(a.height),
            round: a.round,
            valid_round: a.pol_round,
            proposer: ValAddress(a.proposer),
            value: BlockId(hash),
            validity: Validity::from_bool(valid),
        })
    }

    fn stored(&self, height: u64, round: u32) -> Vec<(Hash32, Undecided)> {
        let stored = self.app.load_undecided(height, round).unwrap_or_else(|e| {
            error!(height, round, error = %e, "cannot read the proposals persisted for this round");
            Vec::new()
        });
        stored.into_iter().filter_map(|(h, b)| borsh::from_slice::<Undecided>(&b).ok().map(|u| (h, u))).collect()
    }

    async fn publish(&self, channels: &Channels<GovContext>, msgs: Vec<StreamMessage<ProposalPart>>) {
        for m in msgs {
            if let Err(e) = channels.network.send(NetworkMsg::PublishProposalPart(m)).await {
                error!(error = %e, "cannot publish proposal part");
                return;
            }
        }
    }

    async fn get_value(
        &mut self,
        channels: &Channels<GovContext>,
        height: u64,
        round: Round,
        timeout: Duration,
    ) -> Option<LocallyProposedValue<GovContext>> {
        let r = round.as_u32().unwrap_or(0);
        if let Some((hash, u)) = self.stored(height, r).into_iter().find(|(_, u)| u.proposer == self.me) {
            info!(height, round = r, %hash, "re-proposing the block built before");
            if let Some(block) = self.app.proposal_bytes(&hash) {
                let a = Assembled {
                    height,
                    round,
                    pol_round: u.pol_round,
                    proposer: self.me,
                    block,
                    signature: u.signature,
                };
                self.publish(channels, to_messages(&a)).await;
            }
            return Some(LocallyProposedValue::new(Height(height), round, BlockId(hash)));
        }
        let signer = self.signer.clone()?;
        let deadline = Instant::now() + timeout.mul_f32(0.8);
        let (hash, block) = match self.app.build_block(height, self.me, deadline).await {
            Ok(x) => x,
            Err(e) => {
                error!(height, error = %e, "cannot build a block");
                return None;
            }
        };
        let signature = signer.sign_bytes(&stream_sign_bytes(height, round, Round::Nil, &self.me, &block));
        let rec =
            Undecided { round, pol_round: Round::Nil, proposer: self.me, valid: true, signature: signature.clone() };
        self.app.save_undecided(height, r, hash, borsh::to_vec(&rec).unwrap_or_default());
        let a = Assembled { height, round, pol_round: Round::Nil, proposer: self.me, block, signature };
        let value = LocallyProposedValue::new(Height(height), round, BlockId(hash));
        self.publish(channels, to_messages(&a)).await;
        Some(value)
    }

    /// Whether a stream announced for (`height`, `round`) by `proposer` may be buffered: at the
    /// current height only from that round's expected proposer; for the next `BUFFER_AHEAD`
    /// heights only from a validator of the current set; never for past or far heights.
    fn admits(&self, height: u64, round: Round, proposer: Address) -> bool {
        let current = self.current_height;
        if height == current {
            return self.expected_proposer(height, round) == Some(proposer);
        }
        height > current
            && height <= current + BUFFER_AHEAD
            && self.app.validator_set(current).is_some_and(|s| s.get(&proposer).is_some())
    }

    async fn received_part(
        &mut self,
        peer: PeerId,
        part: StreamMessage<ProposalPart>,
    ) -> Option<ProposedValue<GovContext>> {
        let mut streams = std::mem::take(&mut self.streams);
        let assembled = {
            let admit = |h: u64, r: Round, p: Address| self.admits(h, r, p);
            let policy = StreamPolicy { max_block_bytes: self.app.max_block_bytes(), admit: &admit };
            streams.insert(peer, part, &policy)
        };
        self.streams = streams;
        let a = assembled?;
        if a.height < self.current_height {
            debug!(height = a.height, "proposal for a past height");
            return None;
        }
        if a.height > self.current_height {
            if a.height <= self.current_height + BUFFER_AHEAD {
                let q = self.pending.entry(a.height).or_default();
                if q.len() < BUFFER_PER_HEIGHT {
                    q.push(a);
                }
            }
            return None;
        }
        self.accept(a).await
    }

    async fn started_round(&mut self, height: u64, round: Round) -> Vec<ProposedValue<GovContext>> {
        self.current_height = height;
        self.pending.retain(|h, _| *h >= height);
        if let Some(buffered) = self.pending.remove(&height) {
            for a in buffered {
                let _ = self.accept(a).await;
            }
        }
        let r = round.as_u32().unwrap_or(0);
        self.stored(height, r)
            .into_iter()
            .map(|(hash, u)| ProposedValue {
                height: Height(height),
                round: u.round,
                valid_round: u.pol_round,
                proposer: ValAddress(u.proposer),
                value: BlockId(hash),
                validity: Validity::from_bool(u.valid),
            })
            .collect()
    }

    async fn restream(&self, channels: &Channels<GovContext>, height: u64, value: BlockId) {
        for r in 0..=64u32 {
            if let Some((_, u)) = self.stored(height, r).into_iter().find(|(h, _)| *h == value.0) {
                if let Some(block) = self.app.proposal_bytes(&value.0) {
                    let a = Assembled {
                        height,
                        round: u.round,
                        pol_round: u.pol_round,
                        proposer: u.proposer,
                        block,
                        signature: u.signature,
                    };
                    self.publish(channels, to_messages(&a)).await;
                }
                return;
            }
        }
    }

    /// Handles one engine message. Returns false when the loop should stop.
    pub(crate) async fn handle(&mut self, channels: &Channels<GovContext>, msg: AppMsg<GovContext>) {
        match msg {
            AppMsg::ConsensusReady { reply } => {
                let start = self.app.committed_height() + 1;
                self.current_height = start;
                match params(&*self.app, self.timeouts, start) {
                    Some(p) => {
                        info!(height = start, "consensus ready");
                        send(reply, (Height(start), p), "ConsensusReady");
                    }
                    None => error!(height = start, "no validator set for the start height"),
                }
            }
            AppMsg::StartedRound { height, round, reply_value, .. } => {
                let values = self.started_round(height.0, round).await;
                send(reply_value, values, "StartedRound");
            }
            AppMsg::GetValue { height, round, timeout, reply } => {
                if let Some(v) = self.get_value(channels, height.0, round, timeout).await {
                    send(reply, v, "GetValue");
                }
            }
            AppMsg::ReceivedProposalPart { from, published_by, part, reply } => {
                let v = self.received_part(published_by.unwrap_or(from), part).await;
                send(reply, v, "ReceivedProposalPart");
            }
            AppMsg::Decided { certificate, reply, .. } => {
                let cert = to_certificate(&certificate);
                let h = cert.height;
                match self.app.commit(cert).await {
                    Ok(()) => self.committed = Some(h),
                    Err(e) => {
                        error!(height = h, error = %e, "commit failed");
                        self.committed = None;
                    }
                }
                send(reply, (), "Decided");
            }
            AppMsg::Finalized { certificate, reply, .. } => {
                let h = certificate.height.0;
                let next = if self.committed == Some(h) || self.app.committed_height() >= h {
                    params(&*self.app, self.timeouts, h + 1).map(|p| Next::Start(Height(h + 1), p))
                } else {
                    params(&*self.app, self.timeouts, h).map(|p| Next::Restart(Height(h), p))
                };
                match next {
                    Some(n) => send(reply, n, "Finalized"),
                    None => error!(height = h, "no validator set for the next height"),
                }
            }
            AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                let outcome = match self.app.check_block(height.0, &value_bytes, proposer.0, true).await {
                    Ok((hash, verdict)) => SyncedValueOutcome::Verdict(ProposedValue {
                        height,
                        round,
                        valid_round: Round::Nil,
                        proposer,
                        value: BlockId(hash),
                        validity: Validity::from_bool(verdict == ProposalCheck::Valid),
                    }),
                    Err(e @ AppError::Malformed(_)) => {
                        warn!(height = height.0, error = %e, "undecodable synced block");
                        SyncedValueOutcome::PeerFault
                    }
                    Err(e) => {
                        error!(height = height.0, error = %e, "cannot check a synced block");
                        SyncedValueOutcome::PeerFault
                    }
                };
                send(reply, outcome, "ProcessSyncedValue");
            }
            AppMsg::GetDecidedValues { range, reply } => {
                let (start, end) = (range.start().0, range.end().0.min(range.start().0.saturating_add(64)));
                let values = (start..=end)
                    .map_while(|h| self.app.decided(h))
                    .map(|(bytes, cert)| RawDecidedValue::new(Bytes::from(bytes), to_extended(&cert)))
                    .collect();
                send(reply, values, "GetDecidedValues");
            }
            AppMsg::GetHistoryMinHeight { reply } => {
                send(reply, Height(self.app.history_min_height()), "GetHistoryMinHeight")
            }
            AppMsg::RestreamProposal { height, value_id, .. } => self.restream(channels, height.0, value_id).await,
            AppMsg::ExtendVote { reply, .. } => send(reply, None, "ExtendVote"),
            AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                let verdicts = extensions.into_iter().map(|(a, _)| (a, Ok(()))).collect();
                send(reply, verdicts, "VerifyVoteExtensions");
            }
        }
    }
}
