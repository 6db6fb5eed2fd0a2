//! Verification of presentations, online (a node's state) or offline (proof bundles).
//!
//! Checks, in order, each failing with its own [`Reason`]: the presentation's form and chain;
//! the issuer's signature over the core; the disclosed claims against the commitment and the
//! type's schema; the issuer's authorisation for the type at the issuance height (the key
//! registered for the issuing account then, and the type version's issuing organisations); the
//! certificate on chain with the same commitment, holder, issuer and validity; its status; its
//! validity window against the verifier's clock.

use govchain_identity::Account;
use govchain_types::{Address, Hash32};
use serde::Serialize;

use crate::credential::{PRESENTATION_FORMAT, Presentation, check_value, claim_digest, commitment, sign_bytes};
use crate::model::{CertStatus, CertType, Certificate};

/// A chain view could not answer (a node fault, or proofs that do not decode).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ViewError(pub String);

/// What verification needs to know of the chain.
pub trait ChainView {
    /// The certificate record, with the height it was read at (None: not on chain, or not proven).
    fn certificate(&self, id: &str) -> Result<Option<(Certificate, u64)>, ViewError>;
    /// A version of a certificate type (versions never change once defined).
    fn cert_type(&self, id: &str, version: u32) -> Result<Option<CertType>, ViewError>;
    /// The latest version of a type (online only; offline views answer None).
    fn latest_type(&self, id: &str) -> Result<Option<CertType>, ViewError>;
    /// An account as it was after block `height`, or now when `height` is None.
    fn account_at(&self, address: &Address, height: Option<u64>) -> Result<Option<Account>, ViewError>;
}

/// Why a presentation is not valid. `code` values are stable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Not a presentation of this format.
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// For another chain.
    WrongChain,
    /// The issuer's signature does not verify.
    BadIssuerSignature,
    /// A disclosed claim was altered, or does not fit the type.
    TamperedClaim {
        /// What is wrong.
        detail: String,
    },
    /// The issuer's key or organisation was not authorised for the type at issuance.
    IssuerNotAuthorized {
        /// What is wrong.
        detail: String,
    },
    /// No certificate with this commitment is on chain.
    CommitmentNotOnChain,
    /// Revoked.
    Revoked {
        /// Why.
        reason: String,
        /// Height of the revocation.
        height: u64,
    },
    /// Suspended.
    Suspended {
        /// Why.
        reason: String,
        /// Height of the suspension.
        height: u64,
    },
    /// Past its validity.
    Expired,
    /// Before its validity.
    NotYetValid,
    /// The chain could not be read.
    Unavailable {
        /// What failed.
        detail: String,
    },
}

impl Reason {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Malformed { .. } => "malformed",
            Reason::WrongChain => "wrong_chain",
            Reason::BadIssuerSignature => "bad_issuer_signature",
            Reason::TamperedClaim { .. } => "tampered_claim",
            Reason::IssuerNotAuthorized { .. } => "issuer_not_authorized",
            Reason::CommitmentNotOnChain => "commitment_not_on_chain",
            Reason::Revoked { .. } => "revoked",
            Reason::Suspended { .. } => "suspended",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not_yet_valid",
            Reason::Unavailable { .. } => "unavailable",
        }
    }
}

/// The outcome.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// True when every check passed.
    pub valid: bool,
    /// The first failed check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Certificate id.
    pub certificate_id: String,
    /// Type id.
    pub type_id: String,
    /// Type name (when known).
    pub type_name: Option<String>,
    /// Issuing organisation.
    pub issuer_org: String,
    /// Holder pseudonym.
    pub holder: Hash32,
    /// Disclosed claims (name, value).
    pub disclosed: Vec<(String, String)>,
    /// Number of claims not disclosed.
    pub hidden_claims: usize,
    /// Valid from (ms).
    pub valid_from_ms: u64,
    /// Valid until (ms).
    pub valid_until_ms: u64,
    /// Height of issuance (when on chain).
    pub issued_height: Option<u64>,
    /// Height the status was read at.
    pub status_height: Option<u64>,
    /// Successor when renewed.
    pub successor: Option<String>,
}

/// Verifies a presentation for chain `chain_id` at the verifier's time `now_ms`.
pub fn verify(p: &Presentation, chain_id: &str, chain: &dyn ChainView, now_ms: u64) -> Verdict {
    let c = &p.core;
    let mut v = Verdict {
        valid: false,
        reason: None,
        certificate_id: c.certificate_id.clone(),
        type_id: c.type_id.clone(),
        type_name: None,
        issuer_org: c.issuer_org.clone(),
        holder: c.holder,
        disclosed: p.disclosed.iter().map(|d| (d.name.clone(), d.value.clone())).collect(),
        hidden_claims: p.hidden.len(),
        valid_from_ms: c.valid_from_ms,
        valid_until_ms: c.valid_until_ms,
        issued_height: None,
        status_height: None,
        successor: None,
    };
    v.reason = check(p, chain_id, chain, now_ms, &mut v).err();
    v.valid = v.reason.is_none();
    v
}

fn unavailable(e: ViewError) -> Reason {
    Reason::Unavailable { detail: e.0 }
}

fn check(p: &Presentation, chain_id: &str, chain: &dyn ChainView, now_ms: u64, v: &mut Verdict) -> Result<(), Reason> {
    let c = &p.core;
    if p.format != PRESENTATION_FORMAT {
        return Err(Reason::Malformed { detail: format!("format must be {PRESENTATION_FORMAT}") });
    }
    if c.chain_id != chain_id {
        return Err(Reason::WrongChain);
    }
    p.issuer_key.verify(&sign_bytes(c), &p.signature).map_err(|_| Reason::BadIssuerSignature)?;

    let mut digests = p.hidden.clone();
    for d in &p.disclosed {
        digests.push(claim_digest(p.suite, d).map_err(|e| Reason::TamperedClaim { detail: e.to_string() })?);
    }
    if commitment(p.suite, &digests) != c.commitment {
        return Err(Reason::TamperedClaim { detail: "the claims do not match the signed commitment".into() });
    }

    let record = chain.certificate(&c.certificate_id).map_err(unavailable)?;
    let issued_at = record.as_ref().map(|(r, _)| r.issued_height);
    let cert_type = match &record {
        Some((r, _)) => chain.cert_type(&r.type_id, r.type_version).map_err(unavailable)?,
        None => chain.latest_type(&c.type_id).map_err(unavailable)?,
    };
    if record.is_none() && cert_type.is_none() {
        return Err(Reason::CommitmentNotOnChain);
    }
    let t = cert_type.ok_or_else(|| Reason::IssuerNotAuthorized { detail: format!("no type {}", c.type_id) })?;
    v.type_name = Some(t.name.clone());
    for d in &p.disclosed {
        let field = t.fields.iter().find(|f| f.name == d.name);
        let ok = field.is_some_and(|f| check_value(f.kind, &d.value).is_ok());
        if !ok {
            return Err(Reason::TamperedClaim { detail: format!("claim {} does not fit type {}", d.name, t.id) });
        }
    }
    if !t.issuers.contains(&c.issuer_org) {
        return Err(Reason::IssuerNotAuthorized { detail: format!("{} may not issue {}", c.issuer_org, t.id) });
    }
    let acct = chain.account_at(&c.issuer, issued_at).map_err(unavailable)?;
    let authorised = acct.as_ref().is_some_and(|a| a.org == c.issuer_org && a.public_key == p.issuer_key && a.active);
    if !authorised {
        return Err(Reason::IssuerNotAuthorized {
            detail: "the signing key was not the issuing account's key in that organisation at issuance".into(),
        });
    }

    let (r, read_at) = record.ok_or(Reason::CommitmentNotOnChain)?;
    let same = r.commitment == c.commitment
        && r.holder == c.holder
        && r.type_id == c.type_id
        && r.type_version == c.type_version
        && r.issuer_org == c.issuer_org
        && r.issuer == c.issuer
        && r.issuer_key == p.issuer_key
        && r.valid_from_ms == c.valid_from_ms
        && r.valid_until_ms == c.valid_until_ms;
    if !same {
        return Err(Reason::CommitmentNotOnChain);
    }
    v.issued_height = Some(r.issued_height);
    v.status_height = Some(read_at);
    v.successor = r.successor.clone();
    match &r.status {
        CertStatus::Active => {}
        CertStatus::Revoked { reason, height } => {
            return Err(Reason::Revoked { reason: reason.clone(), height: *height });
        }
        CertStatus::Suspended { reason, height } => {
            return Err(Reason::Suspended { reason: reason.clone(), height: *height });
        }
    }
    if now_ms < r.valid_from_ms {
        return Err(Reason::NotYetValid);
    }
    if now_ms > r.valid_until_ms {
        return Err(Reason::Expired);
    }
    Ok(())
}
