//! Offline verification: a [`ChainView`] built from proof bundles checked against the genesis.
//!
//! A presentation made with `govchain cert present --offline` carries two bundles: the
//! certificate record at a recent height (its status as of that block), and the certificate type
//! version and the issuing account at the issuance height. Each is verified against the trusted
//! genesis before anything in it is believed.

use std::collections::BTreeMap;

use base64::Engine as _;
use govchain_identity::Account;
use govchain_proofs::{ProofBundle, TrustRoot, Verified, VerifiedClaim};
use govchain_types::Address;

use crate::keys;
use crate::model::{CertType, Certificate};
use crate::verify::{ChainView, ViewError};

/// A proof bundle of a presentation that does not decode or verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("proof {index}: {reason}")]
pub struct BadProof {
    /// Position of the bundle in the presentation.
    pub index: usize,
    /// Why.
    pub reason: String,
}

/// State facts proven by bundles: (height, key) → value (None: proven absent).
#[derive(Default)]
pub struct ProvenState {
    facts: BTreeMap<(u64, Vec<u8>), Option<Vec<u8>>>,
    /// The verified bundles (height, time, signers).
    pub verified: Vec<Verified>,
}

impl ProvenState {
    /// Verifies base64 bundles against `trust` and collects their state facts.
    pub fn from_bundles(bundles: &[String], trust: &TrustRoot) -> Result<ProvenState, BadProof> {
        let mut s = ProvenState::default();
        for (i, b64) in bundles.iter().enumerate() {
            let bad = |e: &dyn std::fmt::Display| BadProof { index: i, reason: e.to_string() };
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| bad(&e))?;
            let v = ProofBundle::from_bytes(&bytes).and_then(|b| b.verify(trust)).map_err(|e| bad(&e))?;
            match &v.claim {
                VerifiedClaim::StatePresent { key, value } => {
                    s.facts.insert((v.height, key.clone()), Some(value.clone()));
                }
                VerifiedClaim::StateAbsent { key } => {
                    s.facts.insert((v.height, key.clone()), None);
                }
                VerifiedClaim::States { entries } => {
                    for (k, val) in entries {
                        s.facts.insert((v.height, k.clone()), val.clone());
                    }
                }
                VerifiedClaim::Transaction { .. } => {}
            }
            s.verified.push(v);
        }
        Ok(s)
    }

    fn at<T: borsh::BorshDeserialize>(&self, height: u64, key: &[u8]) -> Result<Option<T>, ViewError> {
        match self.facts.get(&(height, key.to_vec())) {
            Some(Some(b)) => borsh::from_slice(b).map(Some).map_err(|e| ViewError(e.to_string())),
            _ => Ok(None),
        }
    }
}

impl ChainView for ProvenState {
    fn certificate(&self, id: &str) -> Result<Option<(Certificate, u64)>, ViewError> {
        let key = keys::cert(id);
        let latest = self.facts.iter().filter(|((_, k), _)| *k == key).max_by_key(|((h, _), _)| *h);
        match latest {
            Some(((h, _), Some(b))) => Ok(Some((borsh::from_slice(b).map_err(|e| ViewError(e.to_string()))?, *h))),
            _ => Ok(None),
        }
    }

    fn cert_type(&self, id: &str, version: u32) -> Result<Option<CertType>, ViewError> {
        let key = keys::type_version(id, version);
        match self.facts.iter().find(|((_, k), v)| *k == key && v.is_some()) {
            Some(((h, _), _)) => self.at(*h, &key),
            None => Ok(None),
        }
    }

    fn latest_type(&self, _id: &str) -> Result<Option<CertType>, ViewError> {
        Ok(None)
    }

    fn account_at(&self, address: &Address, height: Option<u64>) -> Result<Option<Account>, ViewError> {
        match height {
            Some(h) => self.at(h, &govchain_identity::keys::account(address)),
            None => Ok(None),
        }
    }
}
