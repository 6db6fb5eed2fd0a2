//! GovChain's implementation of Malachite's `Context`: heights, addresses, the decided value
//! (a block hash), votes, proposals, proposal parts and validator sets, with GovChain's own
//! sign-bytes (see `govchain_types::vote_sign_bytes`) so commit certificates can be checked by
//! light clients without Malachite.

use std::fmt;
use std::sync::Arc;

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, PublicKey, Signature, VoteKind};
use malachitebft_core_types::{self as mc, LinearTimeouts, NilOrVal, Round, SignedExtension, VoteType, VotingPower};

/// A block height.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Height(pub u64);

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl mc::Height for Height {
    const ZERO: Self = Height(0);
    const INITIAL: Self = Height(1);

    fn increment_by(&self, n: u64) -> Self {
        Height(self.0.saturating_add(n))
    }

    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.checked_sub(n).map(Height)
    }

    fn as_u64(&self) -> u64 {
        self.0
    }
}

/// A validator address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct ValAddress(pub Address);

impl fmt::Display for ValAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl mc::Address for ValAddress {}

/// The value consensus decides on: the hash of a block. The block itself travels in proposal
/// parts and is kept by the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct BlockId(pub Hash32);

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl mc::Value for BlockId {
    type Id = BlockId;
    fn id(&self) -> BlockId {
        *self
    }
}

/// Signing scheme: GovChain's tagged keys and signatures (Ed25519 or SM2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GovSigning;

impl mc::SigningScheme for GovSigning {
    type DecodingError = String;
    type Signature = Signature;
    type PublicKey = PublicKey;
    type PrivateKey = govchain_crypto::SecretKey;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, String> {
        borsh::from_slice(bytes).map_err(|e| e.to_string())
    }

    fn encode_signature(signature: &Signature) -> Vec<u8> {
        borsh::to_vec(signature).unwrap_or_default()
    }

    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, String> {
        borsh::from_slice(bytes).map_err(|e| e.to_string())
    }

    fn encode_public_key(public_key: &PublicKey) -> Vec<u8> {
        borsh::to_vec(public_key).unwrap_or_default()
    }
}

/// A consensus vote.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Vote {
    /// Height.
    pub height: Height,
    /// Round.
    pub round: Round,
    /// Block voted for, or nil.
    pub value: NilOrVal<BlockId>,
    /// Prevote or precommit.
    pub kind: VoteType,
    /// Voter.
    pub validator: ValAddress,
    /// Vote extension (unused by GovChain; always None).
    pub extension: Option<SignedExtension<GovContext>>,
}

impl Vote {
    /// GovChain sign-bytes of this vote.
    pub fn sign_bytes(&self, chain_id: &str) -> Vec<u8> {
        let kind = match self.kind {
            VoteType::Prevote => VoteKind::Prevote,
            VoteType::Precommit => VoteKind::Precommit,
        };
        let value = match &self.value {
            NilOrVal::Nil => None,
            NilOrVal::Val(b) => Some(b.0),
        };
        govchain_types::vote_sign_bytes(chain_id, self.height.0, self.round.as_u32().unwrap_or(u32::MAX), kind, value)
    }
}

impl mc::Vote<GovContext> for Vote {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &NilOrVal<BlockId> {
        &self.value
    }
    fn take_value(self) -> NilOrVal<BlockId> {
        self.value
    }
    fn vote_type(&self) -> VoteType {
        self.kind
    }
    fn validator_address(&self) -> &ValAddress {
        &self.validator
    }
    fn extension(&self) -> Option<&SignedExtension<GovContext>> {
        self.extension.as_ref()
    }
    fn take_extension(&mut self) -> Option<SignedExtension<GovContext>> {
        self.extension.take()
    }
    fn extend(self, extension: SignedExtension<GovContext>) -> Self {
        Vote { extension: Some(extension), ..self }
    }
}

/// A proposal: the proposer's signed statement of which block it proposes.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Proposal {
    /// Height.
    pub height: Height,
    /// Round.
    pub round: Round,
    /// Proposed block.
    pub value: BlockId,
    /// Proof-of-lock round (nil if none).
    pub pol_round: Round,
    /// Proposer.
    pub proposer: ValAddress,
}

impl Proposal {
    /// GovChain sign-bytes of this proposal.
    pub fn sign_bytes(&self, chain_id: &str) -> Vec<u8> {
        govchain_types::proposal_sign_bytes(
            chain_id,
            self.height.0,
            self.round.as_u32().unwrap_or(u32::MAX),
            self.pol_round.as_i64(),
            self.value.0,
            self.proposer.0,
        )
    }
}

impl mc::Proposal<GovContext> for Proposal {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &BlockId {
        &self.value
    }
    fn take_value(self) -> BlockId {
        self.value
    }
    fn pol_round(&self) -> Round {
        self.pol_round
    }
    fn validator_address(&self) -> &ValAddress {
        &self.proposer
    }
}

/// A piece of a streamed proposal: `Init`, then `Data` chunks of the encoded block, then `Fin`
/// with the proposer's signature over the stream.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ProposalPart {
    /// First part.
    Init {
        /// Height.
        height: Height,
        /// Round.
        round: Round,
        /// Proof-of-lock round.
        pol_round: Round,
        /// Proposer.
        proposer: ValAddress,
        /// Total length of the encoded block.
        total_len: u32,
    },
    /// A chunk of the encoded block.
    Data(Vec<u8>),
    /// Last part: signature over `H(stream sign bytes)`.
    Fin {
        /// Proposer's signature.
        signature: Signature,
    },
}

impl mc::ProposalPart<GovContext> for ProposalPart {
    fn is_first(&self) -> bool {
        matches!(self, ProposalPart::Init { .. })
    }
    fn is_last(&self) -> bool {
        matches!(self, ProposalPart::Fin { .. })
    }
}

/// A validator as consensus sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validator {
    /// Address.
    pub address: ValAddress,
    /// Consensus key.
    pub public_key: PublicKey,
    /// Voting power.
    pub voting_power: VotingPower,
}

impl mc::Validator<GovContext> for Validator {
    fn address(&self) -> &ValAddress {
        &self.address
    }
    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    fn voting_power(&self) -> VotingPower {
        self.voting_power
    }
}

/// A validator set sorted by address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorSet {
    /// Validators.
    pub validators: Arc<Vec<Validator>>,
}

impl ValidatorSet {
    /// Converts GovChain's validator set.
    pub fn from_set(set: &govchain_types::ValidatorSet) -> ValidatorSet {
        let mut v: Vec<Validator> = set
            .validators
            .iter()
            .map(|x| Validator {
                address: ValAddress(x.address),
                public_key: x.public_key.clone(),
                voting_power: x.voting_power,
            })
            .collect();
        v.sort_by_key(|x| x.address);
        ValidatorSet { validators: Arc::new(v) }
    }
}

impl mc::ValidatorSet<GovContext> for ValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }
    fn total_voting_power(&self) -> VotingPower {
        self.validators.iter().fold(0u64, |a, v| a.saturating_add(v.voting_power))
    }
    fn get_by_address(&self, address: &ValAddress) -> Option<&Validator> {
        self.validators.binary_search_by_key(address, |v| v.address).ok().and_then(|i| self.validators.get(i))
    }
    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.validators.get(index)
    }
}

/// The GovChain consensus context.
#[derive(Clone, Debug)]
pub struct GovContext {
    /// Chain id, bound into every vote and proposal signature.
    pub chain_id: Arc<str>,
}

impl GovContext {
    /// A context for a chain.
    pub fn new(chain_id: &str) -> GovContext {
        GovContext { chain_id: chain_id.into() }
    }
}

/// Proposer for a height and round: walking the validators in address order, each holds a
/// span of positions equal to its voting power, and the proposer is the one holding position
/// `(height + round) mod total power`. With equal powers this is round-robin, and each new round
/// moves to the next validator. Deterministic, integer-only.
pub fn proposer_index(set: &ValidatorSet, height: u64, round: u32) -> usize {
    let total: u128 = set.validators.iter().map(|v| v.voting_power as u128).sum();
    if total == 0 {
        return 0;
    }
    let mut pos = (height as u128 + round as u128) % total;
    for (i, v) in set.validators.iter().enumerate() {
        if pos < v.voting_power as u128 {
            return i;
        }
        pos -= v.voting_power as u128;
    }
    0
}

impl mc::Context for GovContext {
    type Address = ValAddress;
    type Height = Height;
    type ProposalPart = ProposalPart;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = LinearTimeouts;
    type Value = BlockId;
    type Vote = Vote;
    type Extension = ();
    type SigningScheme = GovSigning;

    fn select_proposer<'a>(&self, set: &'a ValidatorSet, height: Height, round: Round) -> &'a Validator {
        let i = proposer_index(set, height.0, round.as_u32().unwrap_or(0));
        // The engine never asks with an empty set (heights start only with a validator set).
        &set.validators[i.min(set.validators.len().saturating_sub(1))]
    }

    fn new_proposal(
        &self,
        height: Height,
        round: Round,
        value: BlockId,
        pol_round: Round,
        address: ValAddress,
    ) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(&self, height: Height, round: Round, value_id: NilOrVal<BlockId>, address: ValAddress) -> Vote {
        Vote { height, round, value: value_id, kind: VoteType::Prevote, validator: address, extension: None }
    }

    fn new_precommit(&self, height: Height, round: Round, value_id: NilOrVal<BlockId>, address: ValAddress) -> Vote {
        Vote { height, round, value: value_id, kind: VoteType::Precommit, validator: address, extension: None }
    }
}
