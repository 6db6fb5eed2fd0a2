use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::bounded::{BoundedString, BoundedVec};
use crate::limits::{MAX_SHORT_TEXT, MAX_VALIDATORS};
use crate::{Address, Hash32, PublicKey, Suite, codec, domain};

/// A validator: a consensus key with voting power, run by an organisation.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Validator {
    /// Address derived from the consensus key.
    pub address: Address,
    /// Consensus public key.
    pub public_key: PublicKey,
    /// Voting power (> 0).
    pub voting_power: u64,
    /// Operating organisation id.
    pub org: BoundedString<MAX_SHORT_TEXT>,
}

/// The validators of a height, sorted by address.
#[derive(Clone, Debug, PartialEq, Eq, Default, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct ValidatorSet {
    /// Validators in ascending address order, addresses unique.
    pub validators: BoundedVec<Validator, MAX_VALIDATORS>,
}

/// Why a list of validators is not a valid set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorSetError {
    /// Two validators share an address.
    #[error("duplicate validator address")]
    Duplicate,
    /// A validator has no voting power.
    #[error("validator with zero voting power")]
    ZeroPower,
    /// No validators.
    #[error("validator set is empty")]
    Empty,
    /// More than the encoding allows.
    #[error("more than {MAX_VALIDATORS} validators")]
    TooMany,
    /// Not in strictly ascending address order (a decoded set must be canonical).
    #[error("validators are not in strictly ascending address order")]
    Unordered,
}

impl ValidatorSet {
    /// Builds a set: sorts by address; fails on duplicates, zero power or too many validators.
    pub fn new(mut validators: Vec<Validator>) -> Result<ValidatorSet, ValidatorSetError> {
        validators.sort_by_key(|v| v.address);
        if validators.windows(2).any(|w| w[0].address == w[1].address) {
            return Err(ValidatorSetError::Duplicate);
        }
        if validators.iter().any(|v| v.voting_power == 0) {
            return Err(ValidatorSetError::ZeroPower);
        }
        if validators.is_empty() {
            return Err(ValidatorSetError::Empty);
        }
        let validators = BoundedVec::new(validators).map_err(|_| ValidatorSetError::TooMany)?;
        Ok(ValidatorSet { validators })
    }

    /// Checks a decoded set is canonical: not empty, strictly ascending addresses (the lookup
    /// [`ValidatorSet::get`] relies on it), no zero voting power.
    pub fn check(&self) -> Result<(), ValidatorSetError> {
        if self.validators.is_empty() {
            return Err(ValidatorSetError::Empty);
        }
        if self.validators.windows(2).any(|w| w[0].address >= w[1].address) {
            return Err(ValidatorSetError::Unordered);
        }
        if self.validators.iter().any(|v| v.voting_power == 0) {
            return Err(ValidatorSetError::ZeroPower);
        }
        Ok(())
    }

    /// `H(GOVCHAIN/VALSET/v1\0 || borsh(set))`.
    pub fn hash(&self, suite: Suite) -> Hash32 {
        suite.hash_parts(&[domain::VALSET, &codec::encode(self)])
    }

    /// Total voting power (saturating).
    pub fn total_power(&self) -> u64 {
        self.validators.iter().fold(0u64, |a, v| a.saturating_add(v.voting_power))
    }

    /// Finds a validator by address.
    pub fn get(&self, address: &Address) -> Option<&Validator> {
        self.validators.binary_search_by_key(address, |v| v.address).ok().and_then(|i| self.validators.get(i))
    }

    /// True when `power` is more than two thirds of the total.
    pub fn is_quorum(&self, power: u64) -> bool {
        (power as u128) * 3 > (self.total_power() as u128) * 2
    }
}
