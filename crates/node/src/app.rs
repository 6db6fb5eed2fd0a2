//! The consensus [`Application`] implemented by the chain.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use govchain_consensus::{AppError, Application, CommitOutcome, ProposalCheck};
use govchain_types::{Address, CommitCertificate, Hash32, ValidatorSet};

use crate::chain::Chain;

/// Adapter from the consensus trait to [`Chain`].
pub struct ChainApp(pub Arc<Chain>);

#[async_trait]
impl Application for ChainApp {
    fn committed_height(&self) -> u64 {
        // The execution head: the engine moves on once a decision is durable (`commit.rs`).
        self.0.head().height
    }

    fn validator_set(&self, height: u64) -> Option<ValidatorSet> {
        self.0.validators_for(height)
    }

    fn max_block_bytes(&self) -> usize {
        self.0.head().params.max_block_bytes as usize
    }

    async fn build_block(
        &self,
        height: u64,
        proposer: Address,
        deadline: Instant,
    ) -> Result<(Hash32, Vec<u8>), AppError> {
        self.0.build(height, proposer, deadline).await.map_err(|e| AppError::Fault(format!("{e:#}")))
    }

    async fn check_block(
        &self,
        height: u64,
        bytes: &[u8],
        proposer: Address,
        from_sync: bool,
    ) -> Result<(Hash32, ProposalCheck), AppError> {
        let (hash, verdict) = self.0.check(height, bytes.to_vec(), proposer, from_sync).await?;
        Ok((
            hash,
            match verdict {
                Ok(()) => ProposalCheck::Valid,
                Err(reason) => ProposalCheck::Invalid(reason),
            },
        ))
    }

    async fn commit(&self, certificate: CommitCertificate) -> CommitOutcome {
        self.0.decide(certificate).await.map_err(|e| AppError::Fault(format!("{e:#}")))
    }

    fn decided(&self, height: u64) -> Option<(Vec<u8>, CommitCertificate)> {
        self.0.decided(height)
    }

    fn history_min_height(&self) -> u64 {
        // A node started from a snapshot at `h` serves decided blocks from `h + 1`.
        self.0.storage.history_from().map_or(1, |base| base + 1)
    }

    fn save_undecided(&self, height: u64, round: u32, hash: Hash32, record: Vec<u8>) {
        self.0.save_undecided(height, round, hash, record)
    }

    fn load_undecided(&self, height: u64, round: u32) -> Result<Vec<(Hash32, Vec<u8>)>, AppError> {
        self.0.load_undecided(height, round).map_err(|e| AppError::Fault(format!("{e:#}")))
    }

    fn proposal_bytes(&self, hash: &Hash32) -> Option<Vec<u8>> {
        self.0.proposal_bytes(hash)
    }
}
