//! The genesis file: chain id, crypto suite, parameters, validators, and one section per
//! component (`identity`, `governance`, …), which that component alone reads.

use std::collections::BTreeMap;
use std::path::Path;

use govchain_execution::ChainParams;
use govchain_proofs::TrustRoot;
use govchain_types::bounded::BoundedString;
use govchain_types::{Hash32, IndexOp, PublicKey, Suite, Validator, ValidatorSet};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

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
    /// The components' sections, by component name.
    #[serde(flatten)]
    pub sections: BTreeMap<String, serde_json::Value>,
}

/// Why a genesis cannot be used.
#[derive(Debug, Error)]
pub enum GenesisError {
    /// The file could not be read.
    #[error("reading genesis {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not JSON of the expected shape.
    #[error("genesis is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// A rule of the core document is broken.
    #[error("{0}")]
    Invalid(String),
    /// A component's section is wrong.
    #[error("{section}: {message}")]
    Section {
        /// Section (component) name.
        section: String,
        /// What is wrong.
        message: String,
    },
}

impl GenesisError {
    /// An error in `section`.
    pub fn section(section: &str, message: impl std::fmt::Display) -> GenesisError {
        GenesisError::Section { section: section.into(), message: message.to_string() }
    }
}

/// What a component writes at genesis: state (version 0) and query-index entries.
#[derive(Debug, Default)]
pub struct GenesisState {
    /// State key-value pairs.
    pub writes: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Query-index entries.
    pub index: Vec<IndexOp>,
}

impl GenesisState {
    /// Adds a borsh value.
    pub fn put<T: borsh::BorshSerialize>(&mut self, key: Vec<u8>, value: &T) -> Result<(), GenesisError> {
        let bytes = borsh::to_vec(value).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.writes.insert(key, bytes);
        Ok(())
    }
}

impl Genesis {
    /// Reads and checks the core of a genesis file; returns it with the hash of its bytes.
    pub fn load(path: &Path) -> Result<(Genesis, Hash32), GenesisError> {
        Self::load_file(path).map(|(g, hash, _)| (g, hash))
    }

    /// Reads and checks the core of a genesis file; returns it with its hash and its exact bytes
    /// (served at `GET /v1/genesis` so that browsers can verify proofs against it). The
    /// sections are checked by their components when the chain's state is built.
    pub fn load_file(path: &Path) -> Result<(Genesis, Hash32, Vec<u8>), GenesisError> {
        let bytes =
            std::fs::read(path).map_err(|source| GenesisError::Io { path: path.display().to_string(), source })?;
        let g: Genesis = serde_json::from_slice(&bytes)?;
        g.validate_core()?;
        let hash = g.suite.hash(&bytes);
        Ok((g, hash, bytes))
    }

    /// Checks what every chain needs: chain id, validators, parameters.
    pub fn validate_core(&self) -> Result<(), GenesisError> {
        let id_ok = !self.chain_id.is_empty()
            && self.chain_id.len() <= 64
            && self.chain_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !id_ok {
            return Err(GenesisError::Invalid("chain_id must be 1-64 characters of A-Z a-z 0-9 . _ -".into()));
        }
        if self.validators.is_empty() {
            return Err(GenesisError::Invalid("genesis needs at least one validator".into()));
        }
        self.params.validate().map_err(|e| GenesisError::Invalid(format!("params: {e}")))?;
        for v in &self.validators {
            v.public_key.validate().map_err(|e| GenesisError::Invalid(format!("validator {}: {e}", v.name)))?;
            if v.public_key.algorithm() != self.suite.default_algorithm() {
                return Err(GenesisError::Invalid(format!(
                    "validator {}: the key is not of the chain's suite",
                    v.name
                )));
            }
        }
        self.validator_set().map(|_| ())
    }

    /// The genesis validator set.
    pub fn validator_set(&self) -> Result<ValidatorSet, GenesisError> {
        let vals = self
            .validators
            .iter()
            .map(|v| {
                Ok(Validator {
                    address: v.public_key.address(self.suite),
                    public_key: v.public_key.clone(),
                    voting_power: v.voting_power,
                    org: BoundedString::new(v.org.clone()).map_err(|e| GenesisError::Invalid(e.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>, GenesisError>>()?;
        ValidatorSet::new(vals).map_err(|e| GenesisError::Invalid(format!("validators: {e}")))
    }

    /// What a light client trusts.
    pub fn trust_root(&self) -> Result<TrustRoot, GenesisError> {
        Ok(TrustRoot { chain_id: self.chain_id.clone(), suite: self.suite, validators: self.validator_set()? })
    }

    /// A component's section (its default when absent).
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, GenesisError> {
        match self.sections.get(name) {
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| GenesisError::section(name, e)),
            None => Ok(T::default()),
        }
    }

    /// Sets a component's section.
    pub fn set_section<T: Serialize>(&mut self, name: &str, value: &T) -> Result<(), GenesisError> {
        self.sections.insert(name.into(), serde_json::to_value(value)?);
        Ok(())
    }
}
