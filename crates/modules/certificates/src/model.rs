use borsh::{BorshDeserialize, BorshSerialize};
use govchain_types::{Address, Hash32, PublicKey};
use serde::{Deserialize, Serialize};

pub use crate::keys::MODULE;

/// Most fields in a type.
pub const MAX_FIELDS: usize = 32;
/// Longest claim value (text), bytes.
pub const MAX_VALUE: usize = 1024;

/// Kind of a claim field. Tags are frozen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum FieldKind {
    /// UTF-8 text.
    Text = 0,
    /// A date `YYYY-MM-DD`.
    Date = 1,
    /// A signed 64-bit integer.
    Integer = 2,
    /// `true` or `false`.
    Boolean = 3,
}

/// A claim field of a certificate type.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Field {
    /// Name (slug), e.g. `licence_class`.
    pub name: String,
    /// Kind.
    pub kind: FieldKind,
    /// Whether every certificate must carry it.
    pub required: bool,
}

/// A certificate type, e.g. a business licence.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CertType {
    /// Identifier (slug), e.g. `business-licence`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Version, from 1; a redefinition is a new version.
    pub version: u32,
    /// Owning organisation (the one that defined it).
    pub owner: String,
    /// Claim fields.
    pub fields: Vec<Field>,
    /// Organisations allowed to issue it.
    pub issuers: Vec<String>,
    /// Validity when the issuer gives none, in days.
    pub default_validity_days: u32,
    /// Height at which this version was defined.
    pub height: u64,
}

/// Status of a certificate. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(tag = "status", rename_all = "snake_case")]
#[repr(u8)]
pub enum CertStatus {
    /// In force.
    Active = 0,
    /// Temporarily not in force.
    Suspended {
        /// Why.
        reason: String,
        /// Height of the suspension.
        height: u64,
    } = 1,
    /// Permanently withdrawn.
    Revoked {
        /// Why.
        reason: String,
        /// Height of the revocation.
        height: u64,
    } = 2,
}

/// What the chain knows of a certificate: no claim values, only their commitment.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Certificate {
    /// Identifier: 64 hex characters chosen by the issuer (see `credential::certificate_id`).
    pub id: String,
    /// Type id.
    pub type_id: String,
    /// Type version at issuance.
    pub type_version: u32,
    /// Issuing organisation.
    pub issuer_org: String,
    /// Issuing official's account.
    pub issuer: Address,
    /// The key the issuance was signed with (credentials are checked against it, even after the
    /// issuer rotates keys).
    pub issuer_key: PublicKey,
    /// Holder pseudonym (not a personal identifier).
    pub holder: Hash32,
    /// Commitment to the salted claims.
    pub commitment: Hash32,
    /// Valid from (ms since epoch).
    pub valid_from_ms: u64,
    /// Valid until (ms since epoch).
    pub valid_until_ms: u64,
    /// Height of issuance.
    pub issued_height: u64,
    /// Status.
    pub status: CertStatus,
    /// The certificate this one renews.
    pub previous: Option<String>,
    /// The certificate that renewed this one.
    pub successor: Option<String>,
}

/// Arguments of `certificates.define_type`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DefineType {
    /// Type id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Issuing organisations.
    pub issuers: Vec<String>,
    /// Default validity in days.
    pub default_validity_days: u32,
}

/// Arguments of `certificates.issue`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Issue {
    /// Certificate id (64 hex).
    pub id: String,
    /// Type id.
    pub type_id: String,
    /// Holder pseudonym.
    pub holder: Hash32,
    /// Commitment to the salted claims.
    pub commitment: Hash32,
    /// Valid from (ms); 0 means the block time.
    pub valid_from_ms: u64,
    /// Valid until (ms); 0 means valid from + the type's default validity.
    pub valid_until_ms: u64,
    /// The certificate this renews, if any.
    pub previous: Option<String>,
}

/// Arguments of `certificates.revoke` (final).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Revoke {
    /// Certificate id.
    pub id: String,
    /// Why (1–512 bytes).
    pub reason: String,
}

/// Arguments of `certificates.suspend` (reversible; the same encoding as [`Revoke`]).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Suspend {
    /// Certificate id.
    pub id: String,
    /// Why (1–512 bytes).
    pub reason: String,
}

/// Arguments of `certificates.reinstate` (of a suspended certificate; the same encoding as
/// [`Revoke`]).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Reinstate {
    /// Certificate id.
    pub id: String,
    /// Why (1–512 bytes).
    pub reason: String,
}

govchain_types::methods! { MODULE;
    DefineType => "define_type",
    Issue => "issue",
    Revoke => "revoke",
    Suspend => "suspend",
    Reinstate => "reinstate",
}

impl FieldKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Date => "date",
            FieldKind::Integer => "integer",
            FieldKind::Boolean => "boolean",
        }
    }

    /// Parses [`FieldKind::as_str`].
    pub fn parse(s: &str) -> Option<FieldKind> {
        [FieldKind::Text, FieldKind::Date, FieldKind::Integer, FieldKind::Boolean].into_iter().find(|k| k.as_str() == s)
    }
}

impl CertStatus {
    /// (`active`|`suspended`|`revoked`, reason, height of the change).
    pub fn parts(&self) -> (&'static str, Option<String>, Option<u64>) {
        match self {
            CertStatus::Active => ("active", None, None),
            CertStatus::Suspended { reason, height } => ("suspended", Some(reason.clone()), Some(*height)),
            CertStatus::Revoked { reason, height } => ("revoked", Some(reason.clone()), Some(*height)),
        }
    }
}
