use borsh::{BorshDeserialize, BorshSerialize};
use govchain_identity::Organisation;
use govchain_types::{Address, PublicKey};
use serde::{Deserialize, Serialize};

pub use crate::keys::MODULE;

/// Governance settings (state key `governance/config`, from the genesis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct GovConfig {
    /// Approval threshold numerator (share of active government organisations).
    pub threshold_num: u32,
    /// Approval threshold denominator.
    pub threshold_den: u32,
    /// Blocks between approval and a validator-set change taking effect (at least 2).
    pub activation_delay: u64,
    /// Blocks a proposal stays open.
    pub voting_period: u64,
}

impl Default for GovConfig {
    fn default() -> Self {
        GovConfig { threshold_num: 2, threshold_den: 3, activation_delay: 3, voting_period: 10_000 }
    }
}

/// Largest activation delay or voting period, in blocks (years at one block a second).
const MAX_BLOCKS: u64 = 100_000_000;

impl GovConfig {
    /// The one approval rule: how many of `electorate` active government organisations must
    /// approve (`ceil(electorate × num / den)`).
    pub fn required_approvals(&self, electorate: u64) -> u64 {
        (electorate * self.threshold_num as u64).div_ceil(self.threshold_den.max(1) as u64)
    }

    /// Checks the settings (genesis).
    pub fn validate(&self) -> Result<(), govchain_types::validate::Invalid> {
        let invalid =
            |what: &str, rule: &str| govchain_types::validate::Invalid { what: what.into(), rule: rule.into() };
        if self.threshold_den == 0 || self.threshold_num == 0 || self.threshold_num > self.threshold_den {
            return Err(invalid("governance threshold", "a fraction in (0, 1]"));
        }
        if !(2..=MAX_BLOCKS).contains(&self.activation_delay) {
            return Err(invalid("governance.activation_delay", "2 to 100 000 000 blocks"));
        }
        if !(1..=MAX_BLOCKS).contains(&self.voting_period) {
            return Err(invalid("governance.voting_period", "1 to 100 000 000 blocks"));
        }
        Ok(())
    }
}

/// What a proposal changes. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "type", rename_all = "snake_case")]
#[repr(u8)]
pub enum Action {
    /// A new organisation, with its admins' keys (registered as officials of it).
    AddOrganisation {
        /// The organisation (its `admins` must be the addresses of `admin_keys`).
        organisation: Organisation,
        /// Admin account keys.
        admin_keys: Vec<PublicKey>,
    } = 0,
    /// Deactivate an organisation (nothing is deleted). It must run no validator.
    RemoveOrganisation {
        /// Organisation id.
        id: String,
    } = 1,
    /// Add a validator run by an organisation.
    AddValidator {
        /// Consensus key.
        public_key: PublicKey,
        /// Voting power (> 0).
        voting_power: u64,
        /// Operating organisation.
        org: String,
    } = 2,
    /// Remove a validator.
    RemoveValidator {
        /// Its address.
        address: Address,
    } = 3,
    /// Change a validator's voting power.
    SetVotingPower {
        /// Its address.
        address: Address,
        /// New power (> 0).
        voting_power: u64,
    } = 4,
    /// Change a chain parameter: `max_block_txs`, `max_block_bytes` or `max_tx_bytes`, or an
    /// EVM parameter: `evm.block_gas_limit`, `evm.tx_gas_limit`, `evm.version` (0 Cancun, 1 Prague).
    SetParam {
        /// Parameter name.
        name: String,
        /// New value.
        value: u64,
    } = 5,
}

/// Proposal status. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "status", rename_all = "snake_case")]
#[repr(u8)]
pub enum ProposalStatus {
    /// Collecting approvals.
    Open = 0,
    /// Approved and executed at `height`; validator changes take effect at `effective_height`.
    Executed {
        /// Height of the approving block.
        height: u64,
        /// Height from which the change applies.
        effective_height: u64,
    } = 1,
}

/// A governance proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Proposal {
    /// Sequential id from 1.
    pub id: u64,
    /// The change.
    pub action: Action,
    /// Why.
    pub reason: String,
    /// Proposing official.
    pub proposer: Address,
    /// Height of the proposal.
    pub created_height: u64,
    /// Last height at which it can be approved.
    pub expires_height: u64,
    /// Approving organisations, in order.
    pub approvals: Vec<String>,
    /// Status.
    pub status: ProposalStatus,
}

/// Arguments of `governance.propose`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Propose {
    /// The change.
    pub action: Action,
    /// Why (1–1024 bytes).
    pub reason: String,
}

/// Arguments of `governance.approve`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Approve {
    /// Proposal id.
    pub id: u64,
}

govchain_types::methods! { MODULE;
    Propose => "propose",
    Approve => "approve",
}
