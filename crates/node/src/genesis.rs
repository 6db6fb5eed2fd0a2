//! The genesis file: chain id, crypto suite, parameters, validators and the identity section.

use std::path::Path;

use eyre::{Result, WrapErr, bail, ensure};
pub use govchain_execution::ChainParams;
use govchain_execution::keys;
use govchain_governance::GovConfig;
use govchain_identity::IdentityGenesis;
use govchain_proofs::TrustRoot;
use govchain_state::WriteSet;
use govchain_storage::IndexOp;
use govchain_types::bounded::BoundedString;
use govchain_types::{Hash32, PublicKey, Suite, Validator, ValidatorSet};
use serde::{Deserialize, Serialize};

/// A validator in the genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisValidator {
    /// Node name.
    pub name: String,
    /// Consensus public key.
    pub public_key: PublicKey,
    /// Voting power.
    pub voting_power: u64,
    /// Operating organisation.
    pub org: String,
}

/// The genesis document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// Chain id (1-64 of `A-Z a-z 0-9 . _ -`).
    pub chain_id: String,
    /// Crypto suite.
    pub suite: Suite,
    /// Genesis time, ms since the epoch; block 1 must be later.
    pub genesis_time_ms: u64,
    /// Parameters.
    #[serde(default)]
    pub params: ChainParams,
    /// Validators.
    pub validators: Vec<GenesisValidator>,
    /// Organisations and accounts.
    pub identity: IdentityGenesis,
    /// Governance settings (threshold, activation delay, voting period).
    #[serde(default)]
    pub governance: GovConfig,
}

impl Genesis {
    /// Reads and validates a genesis file; returns it with the hash of the file's bytes.
    pub fn load(path: &Path) -> Result<(Genesis, Hash32)> {
        Self::load_file(path).map(|(g, hash, _)| (g, hash))
    }

    /// Reads and checks a genesis file; returns it with its hash and its exact bytes (served at
    /// `GET /v1/genesis` so that browsers can verify proofs against it).
    pub fn load_file(path: &Path) -> Result<(Genesis, Hash32, Vec<u8>)> {
        let bytes = std::fs::read(path).wrap_err_with(|| format!("reading genesis {}", path.display()))?;
        let g: Genesis = serde_json::from_slice(&bytes).wrap_err("genesis is not valid JSON of the expected shape")?;
        g.validate()?;
        let hash = g.suite.hash(&bytes);
        Ok((g, hash, bytes))
    }

    /// Checks the document.
    pub fn validate(&self) -> Result<()> {
        let id_ok = !self.chain_id.is_empty()
            && self.chain_id.len() <= 64
            && self.chain_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        ensure!(id_ok, "chain_id must be 1-64 characters of A-Z a-z 0-9 . _ -");
        ensure!(!self.validators.is_empty(), "genesis needs at least one validator");
        self.params.validate().map_err(|e| eyre::eyre!("params: {e}"))?;
        let g = &self.governance;
        ensure!(
            g.threshold_den > 0 && g.threshold_num > 0 && g.threshold_num <= g.threshold_den,
            "governance threshold must be a fraction in (0, 1]"
        );
        ensure!(g.activation_delay >= 2, "governance.activation_delay must be at least 2 blocks");
        for v in &self.validators {
            v.public_key.validate().map_err(|e| eyre::eyre!("validator {}: {e}", v.name))?;
            if !self.identity.organisations.iter().any(|o| o.id == v.org) {
                bail!("validator {} names unknown organisation {}", v.name, v.org);
            }
        }
        self.validator_set()?;
        govchain_identity::genesis_writes(self.suite, &self.identity).map_err(|e| eyre::eyre!("identity: {e}"))?;
        Ok(())
    }

    /// The genesis validator set.
    pub fn validator_set(&self) -> Result<ValidatorSet> {
        let vals = self
            .validators
            .iter()
            .map(|v| {
                Ok(Validator {
                    address: v.public_key.address(self.suite),
                    public_key: v.public_key.clone(),
                    voting_power: v.voting_power,
                    org: BoundedString::new(v.org.clone()).map_err(|e| eyre::eyre!("{e}"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        ValidatorSet::new(vals).map_err(|e| eyre::eyre!("validators: {e}"))
    }

    /// The genesis state (version 0) and query-index entries.
    pub fn state(&self) -> Result<(WriteSet, Vec<IndexOp>)> {
        let (writes, index) =
            govchain_identity::genesis_writes(self.suite, &self.identity).map_err(|e| eyre::eyre!(e))?;
        let mut ws: WriteSet = writes.into_iter().map(|(k, v)| (k, Some(v))).collect();
        ws.insert(keys::VALIDATORS.to_vec(), Some(borsh::to_vec(&self.validator_set()?)?));
        ws.insert(keys::PARAMS.to_vec(), Some(borsh::to_vec(&self.params)?));
        ws.insert(govchain_governance::CONFIG_KEY.to_vec(), Some(borsh::to_vec(&self.governance)?));
        Ok((ws, index))
    }

    /// What a light client trusts.
    pub fn trust_root(&self) -> Result<TrustRoot> {
        Ok(TrustRoot { chain_id: self.chain_id.clone(), suite: self.suite, validators: self.validator_set()? })
    }
}
