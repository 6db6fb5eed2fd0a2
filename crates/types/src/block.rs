use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::bounded::{BoundedString, BoundedVec};
use crate::codec::{self, DecodeError};
use crate::limits::{MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_CHAIN_ID, MAX_VALIDATORS};
use crate::{Address, Hash32, Signature, SignedTransaction, Suite, domain};

/// A block header. Its hash identifies the block; consensus votes sign that hash.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Header {
    /// Chain id.
    pub chain_id: BoundedString<MAX_CHAIN_ID>,
    /// Height, starting at 1.
    pub height: u64,
    /// Block time, milliseconds since the Unix epoch, strictly increasing.
    pub time_ms: u64,
    /// Hash of the previous header (zero for height 1).
    pub prev_hash: Hash32,
    /// Merkle root of the transactions (see `docs/proofs.md`).
    pub tx_root: Hash32,
    /// Merkle root of the receipts.
    pub receipts_root: Hash32,
    /// Root of the authenticated state after executing this block.
    pub state_root: Hash32,
    /// Hash of the validator set that decides this block.
    pub validator_set_hash: Hash32,
    /// Address of the proposing validator.
    pub proposer: Address,
}

impl Header {
    /// `H(GOVCHAIN/HEADER/v1\0 || borsh(header))`.
    pub fn hash(&self, suite: Suite) -> Hash32 {
        suite.hash_parts(&[domain::HEADER, &codec::encode(self)])
    }
}

/// A block: header and transactions.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, in execution order.
    pub txs: BoundedVec<SignedTransaction, MAX_BLOCK_TXS>,
}

impl Block {
    /// The block hash (the header hash).
    pub fn hash(&self, suite: Suite) -> Hash32 {
        self.header.hash(suite)
    }

    /// Canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Decodes with the block size cap.
    pub fn decode(bytes: &[u8]) -> Result<Block, DecodeError> {
        codec::decode(bytes, MAX_BLOCK_BYTES)
    }
}

/// Kind of consensus vote. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum VoteKind {
    /// First-round vote.
    Prevote = 0,
    /// Second-round vote; a quorum of precommits for a block commits it.
    Precommit = 1,
}

#[derive(BorshSerialize)]
struct VoteSignData<'a> {
    chain_id: &'a str,
    height: u64,
    round: u32,
    kind: VoteKind,
    block_hash: Option<Hash32>,
}

/// Bytes a validator signs for a vote: `GOVCHAIN/VOTE/v1\0 || borsh(chain_id: string,
/// height: u64, round: u32, kind: u8, block_hash: Option<[u8;32]>)`. `None` is a vote for nil.
pub fn vote_sign_bytes(chain_id: &str, height: u64, round: u32, kind: VoteKind, block_hash: Option<Hash32>) -> Vec<u8> {
    let mut out = domain::VOTE.to_vec();
    out.extend(codec::encode(&VoteSignData { chain_id, height, round, kind, block_hash }));
    out
}

#[derive(BorshSerialize)]
struct ProposalSignData<'a> {
    chain_id: &'a str,
    height: u64,
    round: u32,
    pol_round: i64,
    block_hash: Hash32,
    proposer: Address,
}

/// Bytes a proposer signs for a proposal: `GOVCHAIN/PROPOSAL/v1\0 || borsh(chain_id, height,
/// round: u32, pol_round: i64 (-1 for none), block_hash, proposer)`.
pub fn proposal_sign_bytes(
    chain_id: &str,
    height: u64,
    round: u32,
    pol_round: i64,
    block_hash: Hash32,
    proposer: Address,
) -> Vec<u8> {
    let mut out = domain::PROPOSAL.to_vec();
    out.extend(codec::encode(&ProposalSignData { chain_id, height, round, pol_round, block_hash, proposer }));
    out
}

/// One validator's precommit signature in a commit certificate.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CommitSignature {
    /// The validator.
    pub validator: Address,
    /// Its signature over the precommit sign bytes for this block.
    pub signature: Signature,
}

/// The proof that a block was decided: precommits for its hash from validators holding more than
/// two thirds of the voting power of the height's validator set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CommitCertificate {
    /// Height.
    pub height: u64,
    /// Round in which the block was decided.
    pub round: u32,
    /// The decided block's hash.
    pub block_hash: Hash32,
    /// Precommit signatures.
    pub signatures: BoundedVec<CommitSignature, MAX_VALIDATORS>,
}

/// A committed block as the node announces it to its followers (the API's event stream, the
/// search indexer): the header, its hash, the transaction ids and the receipts.
#[derive(Clone, Debug)]
pub struct CommittedBlock {
    /// The header.
    pub header: Header,
    /// Its hash.
    pub hash: Hash32,
    /// Transaction ids in block order.
    pub tx_hashes: Vec<Hash32>,
    /// Receipts in block order.
    pub receipts: Vec<crate::Receipt>,
}
