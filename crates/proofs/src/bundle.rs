use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::bounded::{BoundedBytes, BoundedString, BoundedVec};
use govchain_types::limits::{MAX_CHAIN_ID, MAX_TX_BYTES};
use govchain_types::{
    Address, CommitCertificate, Hash32, Header, Receipt, SignedTransaction, Suite, ValidatorSet, codec,
};
use serde::Serialize;

use crate::{ProofError, jmt_hash, merkle, verify_commit};

/// The first 8 bytes of every bundle file.
pub const BUNDLE_MAGIC: [u8; 8] = *b"GCPROOF\x01";

/// Largest bundle accepted.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

const MAX_STATE_KEY: usize = 1024;
const MAX_STATE_VALUE: usize = 256 * 1024;
const MAX_JMT_PROOF: usize = 64 * 1024;
const MAX_LIST_PROOF: usize = 64;

/// The state key holding the validator set of the next height.
pub const VALIDATORS_KEY: &[u8] = govchain_types::VALIDATORS_STATE_KEY;

/// Most validator-set changes a bundle may carry.
pub const MAX_VALSET_CHANGES: usize = 4096;

/// A validator-set change, as a light client follows it: the block whose state installed the new
/// set (decided by the previous set) and a proof of `sys/validators` in that block's state. The
/// new set decides heights from `header.height + 1`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ValsetChange {
    /// Header of the installing block.
    pub header: Header,
    /// Its commit certificate (by the previous set).
    pub certificate: CommitCertificate,
    /// The new set.
    pub set: ValidatorSet,
    /// borsh-encoded JMT proof that `sys/validators` = `borsh(set)` at `header.state_root`.
    pub proof: BoundedBytes<MAX_JMT_PROOF>,
}

/// A self-contained proof: the validator-set changes since genesis up to the header, the header,
/// the certificate that decided it, and one claim proven against the header's roots.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ProofBundle {
    /// Chain id.
    pub chain_id: BoundedString<MAX_CHAIN_ID>,
    /// Crypto suite.
    pub suite: Suite,
    /// Validator-set changes in height order, each installed at a height below `header.height`.
    pub valset_changes: BoundedVec<ValsetChange, MAX_VALSET_CHANGES>,
    /// The header the claim is proven against.
    pub header: Header,
    /// Its commit certificate.
    pub certificate: CommitCertificate,
    /// What is proven.
    pub claim: Claim,
}

/// What a bundle proves. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum Claim {
    /// A state key has `value` (or is absent, when `value` is None) after the header's block.
    State {
        /// The state key.
        key: BoundedBytes<MAX_STATE_KEY>,
        /// Its value, or None for an absence proof.
        value: Option<BoundedBytes<MAX_STATE_VALUE>>,
        /// borsh-encoded JMT `SparseMerkleProof`.
        proof: BoundedBytes<MAX_JMT_PROOF>,
    } = 0,
    /// A transaction is element `index` of the block, with this receipt.
    Transaction {
        /// Position in the block.
        index: u32,
        /// Number of transactions in the block.
        total: u32,
        /// The transaction.
        tx: Box<SignedTransaction>,
        /// Sibling hashes for the transaction list.
        tx_proof: BoundedVec<Hash32, MAX_LIST_PROOF>,
        /// The receipt.
        receipt: Receipt,
        /// Sibling hashes for the receipt list.
        receipt_proof: BoundedVec<Hash32, MAX_LIST_PROOF>,
    } = 1,
    /// Several state keys, each present with its value or absent, after the header's block.
    States {
        /// The keys with their values and proofs.
        entries: BoundedVec<StateEntry, MAX_STATE_ENTRIES>,
    } = 2,
}

/// Most keys in one [`Claim::States`].
pub const MAX_STATE_ENTRIES: usize = 16;

/// One key of a [`Claim::States`].
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct StateEntry {
    /// The state key.
    pub key: BoundedBytes<MAX_STATE_KEY>,
    /// Its value, or None for absence.
    pub value: Option<BoundedBytes<MAX_STATE_VALUE>>,
    /// borsh-encoded JMT `SparseMerkleProof`.
    pub proof: BoundedBytes<MAX_JMT_PROOF>,
}

/// What the verifier trusts: the genesis chain id, suite and validator set.
#[derive(Clone, Debug)]
pub struct TrustRoot {
    /// Chain id.
    pub chain_id: String,
    /// Suite.
    pub suite: Suite,
    /// Genesis validators.
    pub validators: ValidatorSet,
}

/// A verified claim, ready to print.
#[derive(Clone, Debug, Serialize)]
pub struct Verified {
    /// Chain id.
    pub chain_id: String,
    /// Height of the block.
    pub height: u64,
    /// Block hash.
    pub block_hash: Hash32,
    /// Block time (ms since epoch).
    pub time_ms: u64,
    /// Validators whose signatures were checked.
    pub signers: Vec<Address>,
    /// Their voting power out of the total.
    pub signed_power: u64,
    /// Total voting power.
    pub total_power: u64,
    /// The claim.
    pub claim: VerifiedClaim,
}

/// The proven fact.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerifiedClaim {
    /// State key present with value.
    StatePresent {
        /// Key bytes.
        key: Vec<u8>,
        /// Value bytes.
        value: Vec<u8>,
    },
    /// State key absent.
    StateAbsent {
        /// Key bytes.
        key: Vec<u8>,
    },
    /// Several state keys: (key, value or None when absent).
    States {
        /// The proven entries.
        entries: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    },
    /// Transaction included.
    Transaction {
        /// Transaction id.
        tx_hash: Hash32,
        /// Position.
        index: u32,
        /// The receipt.
        receipt: Receipt,
    },
}

impl ProofBundle {
    /// File bytes: `magic || borsh(bundle) || H(magic || borsh(bundle))`, `H` being the
    /// bundle's suite hash. The trailing digest detects any change to the file (including ones
    /// that would still prove a different true fact, such as another absent key in the same
    /// empty subtree); authenticity comes from the certificate and the Merkle proofs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = BUNDLE_MAGIC.to_vec();
        out.extend(codec::encode(self));
        let digest = self.suite.hash(&out);
        out.extend(digest.0);
        out
    }

    /// Parses file bytes and checks the trailing digest.
    pub fn from_bytes(bytes: &[u8]) -> Result<ProofBundle, ProofError> {
        if bytes.len() < BUNDLE_MAGIC.len() + 32 {
            return Err(ProofError::Format("file too short".into()));
        }
        let (sealed, digest) = bytes.split_at(bytes.len() - 32);
        let body =
            sealed.strip_prefix(&BUNDLE_MAGIC[..]).ok_or_else(|| ProofError::Format("missing GCPROOF magic".into()))?;
        let bundle: ProofBundle =
            codec::decode(body, MAX_BUNDLE_BYTES).map_err(|e| ProofError::Format(e.to_string()))?;
        if bundle.suite.hash(sealed).0 != digest {
            return Err(ProofError::Format("file digest mismatch: the bundle was modified or damaged".into()));
        }
        Ok(bundle)
    }

    /// Verifies the bundle against the trusted genesis.
    pub fn verify(&self, trust: &TrustRoot) -> Result<Verified, ProofError> {
        let suite = self.suite;
        if self.chain_id.as_str() != trust.chain_id || self.header.chain_id.as_str() != trust.chain_id {
            return Err(ProofError::WrongChain { expected: trust.chain_id.clone(), got: self.chain_id.to_string() });
        }
        if suite != trust.suite {
            return Err(ProofError::WrongChain {
                expected: format!("{} ({})", trust.chain_id, trust.suite.name()),
                got: format!("{} ({})", self.chain_id, suite.name()),
            });
        }
        let validators = self.follow_changes(trust)?;
        if validators.hash(suite) != self.header.validator_set_hash {
            return Err(ProofError::ValidatorSet("header names another validator set".into()));
        }
        let signed_power = verify_commit(suite, &self.header, &self.certificate, &validators)?;
        let claim = self.verify_claim()?;
        Ok(Verified {
            chain_id: self.chain_id.to_string(),
            height: self.header.height,
            block_hash: self.header.hash(suite),
            time_ms: self.header.time_ms,
            signers: self.certificate.signatures.iter().map(|s| s.validator).collect(),
            signed_power,
            total_power: validators.total_power(),
            claim,
        })
    }

    /// Walks the validator-set changes from the trusted genesis set and returns the set that
    /// decides `header.height`.
    fn follow_changes(&self, trust: &TrustRoot) -> Result<ValidatorSet, ProofError> {
        let suite = self.suite;
        trust.validators.check().map_err(|e| ProofError::ValidatorSet(format!("the trusted genesis set: {e}")))?;
        let mut set = trust.validators.clone();
        let mut last = 0u64;
        for c in self.valset_changes.iter() {
            let h = &c.header;
            let at = |m: &str| ProofError::ValidatorSet(format!("change installed at height {}: {m}", h.height));
            if h.height <= last || h.height >= self.header.height {
                return Err(at("changes must be in increasing height order, below the proven header"));
            }
            if h.chain_id.as_str() != trust.chain_id {
                return Err(at("another chain"));
            }
            if h.validator_set_hash != set.hash(suite) {
                return Err(at("not decided by the validator set known at that height"));
            }
            c.set.check().map_err(|e| at(&format!("the new set: {e}")))?;
            verify_commit(suite, h, &c.certificate, &set)?;
            let value = codec::encode(&c.set);
            jmt_hash::verify_state_proof(suite, h.state_root.0, VALIDATORS_KEY, Some(&value), &c.proof)
                .map_err(|e| at(&format!("state proof of the new set: {e}")))?;
            set = c.set.clone();
            last = h.height;
        }
        Ok(set)
    }

    fn verify_claim(&self) -> Result<VerifiedClaim, ProofError> {
        let suite = self.suite;
        match &self.claim {
            Claim::State { key, value, proof } => {
                jmt_hash::verify_state_proof(
                    suite,
                    self.header.state_root.0,
                    key,
                    value.as_ref().map(|v| &v[..]),
                    proof,
                )
                .map_err(ProofError::Inclusion)?;
                Ok(match value {
                    Some(v) => VerifiedClaim::StatePresent { key: key.to_vec(), value: v.to_vec() },
                    None => VerifiedClaim::StateAbsent { key: key.to_vec() },
                })
            }
            Claim::States { entries } => {
                if entries.is_empty() {
                    return Err(ProofError::Inclusion("the claim proves no state key".into()));
                }
                let mut out = Vec::with_capacity(entries.len());
                for e in entries.iter() {
                    jmt_hash::verify_state_proof(
                        suite,
                        self.header.state_root.0,
                        &e.key,
                        e.value.as_ref().map(|v| &v[..]),
                        &e.proof,
                    )
                    .map_err(ProofError::Inclusion)?;
                    out.push((e.key.to_vec(), e.value.as_ref().map(|v| v.to_vec())));
                }
                Ok(VerifiedClaim::States { entries: out })
            }
            Claim::Transaction { index, total, tx, tx_proof, receipt, receipt_proof } => {
                let (i, n) = (*index as usize, *total as usize);
                let encoded = tx.encode();
                if encoded.len() > MAX_TX_BYTES {
                    return Err(ProofError::Inclusion("transaction too large".into()));
                }
                let leaf = merkle::leaf_hash(suite, &encoded);
                if !merkle::verify(suite, self.header.tx_root, i, n, leaf, tx_proof) {
                    return Err(ProofError::Inclusion("transaction is not in the block's tx_root".into()));
                }
                let tx_hash = tx.hash(suite);
                if receipt.tx_hash != tx_hash {
                    return Err(ProofError::Inclusion("receipt is for another transaction".into()));
                }
                let rleaf = merkle::leaf_hash(suite, &receipt.encode());
                if !merkle::verify(suite, self.header.receipts_root, i, n, rleaf, receipt_proof) {
                    return Err(ProofError::Inclusion("receipt is not in the block's receipts_root".into()));
                }
                Ok(VerifiedClaim::Transaction { tx_hash, index: *index, receipt: receipt.clone() })
            }
        }
    }
}
