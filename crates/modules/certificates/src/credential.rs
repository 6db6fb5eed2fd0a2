//! Credentials and presentations (the files a holder keeps and shows).
//!
//! * claim digest: `H("GOVCHAIN/CLAIM/v1\0" || borsh((name, value, salt: [u8; 32])))`;
//! * commitment:   `H("GOVCHAIN/CLAIMS/v1\0" || borsh(Vec<digest>))`, digests sorted ascending;
//! * issuer signature over `"GOVCHAIN/CREDENTIAL/v1\0" || borsh(CredentialCore)`.
//!
//! A presentation carries the core, the issuer's key and signature, the disclosed claims (name,
//! value, salt) and only the digests of the others: a verifier learns that hidden claims exist
//! and how many, nothing else. Values are strings: text as is, dates `YYYY-MM-DD`, integers in
//! decimal, booleans `true`/`false`. `docs/credentials.md` specifies the formats.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_crypto::SecretKey;
use govchain_types::{Address, Hash32, PublicKey, Signature, Suite};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::model::{CertType, FieldKind, MAX_VALUE};

/// Format tag of credential files.
pub const CREDENTIAL_FORMAT: &str = "govchain-credential/1";
/// Format tag of presentation files.
pub const PRESENTATION_FORMAT: &str = "govchain-presentation/1";

const CLAIM_DOMAIN: &[u8] = b"GOVCHAIN/CLAIM/v1\0";
const CLAIMS_DOMAIN: &[u8] = b"GOVCHAIN/CLAIMS/v1\0";
const CREDENTIAL_DOMAIN: &[u8] = b"GOVCHAIN/CREDENTIAL/v1\0";
const CERT_ID_DOMAIN: &[u8] = b"GOVCHAIN/CERT-ID/v1\0";
const PSEUDONYM_DOMAIN: &[u8] = b"GOVCHAIN/PSEUDONYM/v2\0";

/// Shortest pseudonym secret, in bytes.
pub const MIN_PSEUDONYM_SECRET: usize = 32;
/// Longest national id, in bytes.
pub const MAX_NATIONAL_ID: usize = 64;

/// One salted claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Claim {
    /// Field name.
    pub name: String,
    /// Value as a string.
    pub value: String,
    /// 32-byte salt, hex.
    pub salt: String,
}

/// What the issuer signs and the chain mirrors.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CredentialCore {
    /// Chain id.
    pub chain_id: String,
    /// Certificate id.
    pub certificate_id: String,
    /// Type id.
    pub type_id: String,
    /// Type version.
    pub type_version: u32,
    /// Issuing organisation.
    pub issuer_org: String,
    /// Issuing official.
    #[schema(value_type = String, pattern = "^(0x)?[0-9a-fA-F]{40}$")]
    pub issuer: Address,
    /// Holder pseudonym.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub holder: Hash32,
    /// Commitment to the claims.
    #[schema(value_type = String, pattern = "^[0-9a-fA-F]{64}$")]
    pub commitment: Hash32,
    /// Valid from (ms).
    pub valid_from_ms: u64,
    /// Valid until (ms).
    pub valid_until_ms: u64,
    /// Certificate this one renews.
    pub previous: Option<String>,
}

/// A credential, as the holder receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// `govchain-credential/1`.
    pub format: String,
    /// Chain suite.
    pub suite: Suite,
    /// Signed core.
    pub core: CredentialCore,
    /// Issuer's key at issuance.
    pub issuer_key: PublicKey,
    /// Issuer's signature over the core.
    pub signature: Signature,
    /// Every claim with its salt.
    pub claims: Vec<Claim>,
}

/// A presentation: the credential with only some claims revealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Presentation {
    /// `govchain-presentation/1`.
    pub format: String,
    /// Chain suite.
    #[schema(value_type = String, pattern = "^(ed25519-sha256|sm2-sm3)$")]
    pub suite: Suite,
    /// Signed core.
    pub core: CredentialCore,
    /// Issuer's key at issuance (`alg:hex`).
    #[schema(value_type = String, pattern = "^(ed25519|sm2):([0-9a-fA-F]{2})+$")]
    pub issuer_key: PublicKey,
    /// Issuer's signature over the core (`alg:hex`).
    #[schema(value_type = String, pattern = "^(ed25519|sm2):([0-9a-fA-F]{2})+$")]
    pub signature: Signature,
    /// Revealed claims.
    pub disclosed: Vec<Claim>,
    /// Digests (64 hex characters each) of the claims not revealed.
    #[schema(value_type = Vec<String>)]
    pub hidden: Vec<Hash32>,
    /// Proof bundles (base64) for offline verification: the certificate's status at a recent
    /// height, and the type and issuer account at the issuance height.
    #[serde(default)]
    pub proofs: Vec<String>,
}

/// Errors building or parsing credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// A claim does not fit the type's schema.
    #[error("claim {name}: {problem}")]
    Schema {
        /// Field.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// A salt is not 32 bytes of hex.
    #[error("bad salt for claim {0}")]
    BadSalt(String),
    /// A reveal names no claim.
    #[error("no claim named {0}")]
    NoSuchClaim(String),
    /// The pseudonym secret is too short to be a key.
    #[error("the pseudonym secret must be at least {MIN_PSEUDONYM_SECRET} bytes")]
    ShortSecret,
    /// A national id that is empty, too long or not printable.
    #[error("a national id is 1-{MAX_NATIONAL_ID} printable characters")]
    BadNationalId,
}

/// Digest of one claim.
pub fn claim_digest(suite: Suite, c: &Claim) -> Result<Hash32, CredentialError> {
    let salt: [u8; 32] = hex::decode(&c.salt)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| CredentialError::BadSalt(c.name.clone()))?;
    let enc = borsh::to_vec(&(c.name.as_str(), c.value.as_str(), salt)).unwrap_or_default();
    Ok(suite.hash_parts(&[CLAIM_DOMAIN, &enc]))
}

/// Commitment over claim digests (any order; they are sorted).
pub fn commitment(suite: Suite, digests: &[Hash32]) -> Hash32 {
    let mut d = digests.to_vec();
    d.sort();
    suite.hash_parts(&[CLAIMS_DOMAIN, &borsh::to_vec(&d).unwrap_or_default()])
}

/// The bytes the issuer signs.
pub fn sign_bytes(core: &CredentialCore) -> Vec<u8> {
    let mut out = CREDENTIAL_DOMAIN.to_vec();
    out.extend(borsh::to_vec(core).unwrap_or_default());
    out
}

/// Certificate id: hex of `H("GOVCHAIN/CERT-ID/v1\0" || borsh((chain_id, issuer, commitment)))`.
pub fn certificate_id(suite: Suite, chain_id: &str, issuer: &Address, commitment: &Hash32) -> String {
    let enc = borsh::to_vec(&(chain_id, issuer, commitment)).unwrap_or_default();
    suite.hash_parts(&[CERT_ID_DOMAIN, &enc]).to_hex()
}

/// A holder pseudonym: `HMAC_H(secret, "GOVCHAIN/PSEUDONYM/v2\0" || borsh((issuer_org, type_id,
/// national_id)))`, the national id trimmed and upper-cased. The secret (at least 32 bytes) is held
/// by the identity authority; without it the pseudonym cannot be computed or linked to an id, even
/// by trying every possible id. It differs per issuing organisation and certificate type, so one
/// presentation does not reveal, or let a verifier look up, the holder's other certificates
/// (docs/adr/007).
pub fn pseudonym(
    suite: Suite,
    secret: &[u8],
    issuer_org: &str,
    type_id: &str,
    national_id: &str,
) -> Result<Hash32, CredentialError> {
    if secret.len() < MIN_PSEUDONYM_SECRET {
        return Err(CredentialError::ShortSecret);
    }
    let id = national_id.trim().to_uppercase();
    if id.is_empty() || id.len() > MAX_NATIONAL_ID || id.chars().any(|c| c.is_control()) {
        return Err(CredentialError::BadNationalId);
    }
    let msg = borsh::to_vec(&(issuer_org, type_id, id.as_str())).map_err(|_| CredentialError::BadNationalId)?;
    Ok(suite.hmac(secret, &[PSEUDONYM_DOMAIN, &msg]))
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && v[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
        && v[8..10].parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

/// Checks a value against a field kind.
pub(crate) fn check_value(kind: FieldKind, v: &str) -> Result<(), String> {
    if v.len() > MAX_VALUE {
        return Err(format!("longer than {MAX_VALUE} bytes"));
    }
    let ok = match kind {
        FieldKind::Text => true,
        FieldKind::Date => is_date(v),
        FieldKind::Integer => v.parse::<i64>().is_ok_and(|n| n.to_string() == v),
        FieldKind::Boolean => v == "true" || v == "false",
    };
    if ok { Ok(()) } else { Err(format!("not a valid {kind:?} value")) }
}

/// Checks named values against a type: known fields, right kinds, required present, no repeats.
pub fn check_claims(t: &CertType, values: &[(String, String)]) -> Result<(), CredentialError> {
    let err = |n: &str, p: String| CredentialError::Schema { name: n.into(), problem: p };
    for (i, (name, value)) in values.iter().enumerate() {
        let field = t
            .fields
            .iter()
            .find(|f| &f.name == name)
            .ok_or_else(|| err(name, format!("type {} has no such field", t.id)))?;
        check_value(field.kind, value).map_err(|p| err(name, p))?;
        if values[..i].iter().any(|(n, _)| n == name) {
            return Err(err(name, "repeated".into()));
        }
    }
    for f in t.fields.iter().filter(|f| f.required) {
        if !values.iter().any(|(n, _)| n == &f.name) {
            return Err(err(&f.name, "required but missing".into()));
        }
    }
    Ok(())
}

/// Salts the claims and computes their commitment (the issuer's first step).
pub fn salt_claims(suite: Suite, values: &[(String, String)]) -> Result<(Vec<Claim>, Hash32), CredentialError> {
    let claims: Vec<Claim> = values
        .iter()
        .map(|(name, value)| {
            let mut salt = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            Claim { name: name.clone(), value: value.clone(), salt: hex::encode(salt) }
        })
        .collect();
    let digests = claims.iter().map(|c| claim_digest(suite, c)).collect::<Result<Vec<_>, _>>()?;
    Ok((claims, commitment(suite, &digests)))
}

impl CredentialCore {
    /// The `certificates.issue` arguments that put this core on chain.
    pub fn issue_args(&self) -> crate::Issue {
        crate::Issue {
            id: self.certificate_id.clone(),
            type_id: self.type_id.clone(),
            holder: self.holder,
            commitment: self.commitment,
            valid_from_ms: self.valid_from_ms,
            valid_until_ms: self.valid_until_ms,
            previous: self.previous.clone(),
        }
    }
}

impl Credential {
    /// Signs a credential (the issuer's second step, with the core filled in).
    pub fn sign(suite: Suite, core: CredentialCore, claims: Vec<Claim>, key: &SecretKey) -> Credential {
        let signature = key.sign(&sign_bytes(&core));
        Credential { format: CREDENTIAL_FORMAT.into(), suite, core, issuer_key: key.public_key(), signature, claims }
    }

    /// A presentation revealing the named claims.
    pub fn present(&self, reveal: &[String]) -> Result<Presentation, CredentialError> {
        for r in reveal {
            if !self.claims.iter().any(|c| &c.name == r) {
                return Err(CredentialError::NoSuchClaim(r.clone()));
            }
        }
        let mut disclosed = Vec::new();
        let mut hidden = Vec::new();
        for c in &self.claims {
            if reveal.contains(&c.name) {
                disclosed.push(c.clone());
            } else {
                hidden.push(claim_digest(self.suite, c)?);
            }
        }
        hidden.sort();
        Ok(Presentation {
            format: PRESENTATION_FORMAT.into(),
            suite: self.suite,
            core: self.core.clone(),
            issuer_key: self.issuer_key.clone(),
            signature: self.signature.clone(),
            disclosed,
            hidden,
            proofs: vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_and_differ_per_issuer_and_type() {
        let suite = Suite::Ed25519Sha256;
        let secret = [7u8; 32];
        let id = "11010119900101123x";
        let p = pseudonym(suite, &secret, "education", "diploma", id).expect("pseudonym");
        assert_eq!(p, pseudonym(suite, &secret, "education", "diploma", " 11010119900101123X ").expect("same"));
        assert_ne!(p, pseudonym(suite, &secret, "education", "transcript", id).expect("other type"));
        assert_ne!(p, pseudonym(suite, &secret, "market", "diploma", id).expect("other issuer"));
        assert_ne!(p, pseudonym(suite, &[8u8; 32], "education", "diploma", id).expect("other secret"));
        assert_eq!(pseudonym(suite, &[], "education", "diploma", id), Err(CredentialError::ShortSecret));
        assert_eq!(pseudonym(suite, &[7u8; 31], "education", "diploma", id), Err(CredentialError::ShortSecret));
        assert_eq!(pseudonym(suite, &secret, "education", "diploma", "  "), Err(CredentialError::BadNationalId));
    }

    #[test]
    fn dates_integers_booleans() {
        assert!(check_value(FieldKind::Date, "2026-11-22").is_ok());
        assert!(check_value(FieldKind::Date, "2026-13-01").is_err());
        assert!(check_value(FieldKind::Date, "26-11-22").is_err());
        assert!(check_value(FieldKind::Integer, "-42").is_ok());
        assert!(check_value(FieldKind::Integer, "042").is_err(), "one canonical form per number");
        assert!(check_value(FieldKind::Boolean, "yes").is_err());
    }
}
