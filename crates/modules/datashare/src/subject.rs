//! Subject tags: how receipts about one person are findable by that person and by nobody else
//! (docs/adr/008-access-receipts.md).
//!
//! The owner of a data set and the subject share a secret by key agreement between the owner's
//! exchange key (on chain, in its profile) and the subject's key (held by the citizen; its
//! public part is enrolled in the owner's own database beside the citizen's row, never on
//! chain). From it, [`SubjectKey`] derives a sequence of tags `t0, t1, …`: receipt `n` about the
//! subject at this owner is stored under `tn`. Tags are HMAC outputs: without the secret they
//! are indistinguishable from random and unlinkable. The subject proves completeness up to a
//! height with one proof bundle: `t0 … t(N-1)` present and `tN` absent.

use borsh::{BorshDeserialize, BorshSerialize};
use govchain_crypto::SecretKey;
use govchain_crypto::exchange;
use govchain_types::{Address, Hash32, PublicKey, Suite};
use zeroize::Zeroizing;

/// Domain of the per-subject key.
const SUBJECT_DOMAIN: &[u8] = b"govchain/datashare/subject/v1";
/// Domain of scope commitments.
const SCOPE_DOMAIN: &[u8] = b"govchain/datashare/scope/v1";

/// The secret a subject shares with one owner (one version of its exchange key).
pub struct SubjectKey {
    suite: Suite,
    k: Zeroizing<[u8; 32]>,
}

impl SubjectKey {
    fn derive(suite: Suite, shared: &[u8; 32], owner: &str, key_version: u32) -> SubjectKey {
        let k = suite.hmac(shared, &[SUBJECT_DOMAIN, owner.as_bytes(), &key_version.to_be_bytes()]);
        SubjectKey { suite, k: Zeroizing::new(k.0) }
    }

    /// The owner's side: its exchange secret and the subject's enrolled public key.
    pub fn owner_side(
        suite: Suite,
        exchange_secret: &SecretKey,
        subject: &PublicKey,
        owner: &str,
        key_version: u32,
    ) -> Result<SubjectKey, govchain_crypto::CryptoError> {
        let shared = exchange::agree(exchange_secret, subject)?;
        Ok(SubjectKey::derive(suite, &shared, owner, key_version))
    }

    /// The subject's side: their own key and the owner's exchange key (from its profile).
    pub fn subject_side(
        suite: Suite,
        subject_secret: &SecretKey,
        exchange_key: &PublicKey,
        owner: &str,
        key_version: u32,
    ) -> Result<SubjectKey, govchain_crypto::CryptoError> {
        let shared = exchange::agree(subject_secret, exchange_key)?;
        Ok(SubjectKey::derive(suite, &shared, owner, key_version))
    }

    /// A key given to an auditor (hex of [`SubjectKey::to_hex`]).
    pub fn from_hex(suite: Suite, hex_key: &str) -> Option<SubjectKey> {
        let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
        Some(SubjectKey { suite, k: Zeroizing::new(bytes) })
    }

    /// The key in hex (for an auditor with the legal role; it reveals this subject's receipts
    /// at this owner and nothing else).
    pub fn to_hex(&self) -> String {
        hex::encode(*self.k)
    }

    /// Tag `n` of the sequence.
    pub fn tag(&self, n: u64) -> Hash32 {
        self.suite.hmac(&self.k[..], &[b"tag", &n.to_be_bytes()])
    }

    fn details_key(&self, n: u64) -> [u8; 32] {
        self.suite.hmac(&self.k[..], &[b"details", &n.to_be_bytes()]).0
    }

    /// Seals receipt `n`'s details (a key used once: the nonce is fixed).
    pub fn seal_details(&self, n: u64, details: &ReceiptDetails) -> Vec<u8> {
        let bytes = borsh::to_vec(details).unwrap_or_default();
        exchange::aead_seal(self.suite == Suite::Sm2Sm3, &self.details_key(n), &[0; 12], &self.tag(n).0, &bytes)
            .unwrap_or_default()
    }

    /// Opens receipt `n`'s details.
    pub fn open_details(&self, n: u64, sealed: &[u8]) -> Option<ReceiptDetails> {
        let bytes =
            exchange::aead_open(self.suite == Suite::Sm2Sm3, &self.details_key(n), &[0; 12], &self.tag(n).0, sealed)
                .ok()?;
        borsh::from_slice(&bytes).ok()
    }
}

/// What only the subject (and an auditor) reads in a receipt.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct ReceiptDetails {
    /// The official who asked (empty address for an erasure).
    pub official: Address,
    /// The case reference of this access.
    pub case_ref: String,
    /// The sequence number `n` of this receipt in the subject's sequence (lets the subject check
    /// the tag was not copied from elsewhere).
    pub n: u64,
    /// The suite hash of the delivered plaintext fields (the subject can match it against a copy
    /// they are shown).
    pub payload_hash: Option<Hash32>,
}

/// A random tag, for an attempt about nobody the owner knows.
pub fn random_tag() -> Hash32 {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    Hash32(b)
}

/// The commitment of a subject in a request's scope: `H(domain || salt || id)`.
pub fn scope_commitment(suite: Suite, salt: &[u8; 32], subject_id: &str) -> Hash32 {
    suite.hash_parts(&[SCOPE_DOMAIN, salt, subject_id.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use govchain_types::Algorithm;

    #[test]
    fn owner_and_subject_derive_the_same_tags_and_nobody_else_does() {
        for (suite, alg) in [(Suite::Ed25519Sha256, Algorithm::Ed25519), (Suite::Sm2Sm3, Algorithm::Sm2)] {
            let owner = SecretKey::from_seed(alg, [1; 32]);
            let citizen = SecretKey::from_seed(alg, [2; 32]);
            let other = SecretKey::from_seed(alg, [3; 32]);
            let o = SubjectKey::owner_side(suite, &owner, &citizen.public_key(), "hrss", 1).expect("owner");
            let s = SubjectKey::subject_side(suite, &citizen, &owner.public_key(), "hrss", 1).expect("subject");
            let x = SubjectKey::subject_side(suite, &other, &owner.public_key(), "hrss", 1).expect("other");
            let v2 = SubjectKey::subject_side(suite, &citizen, &owner.public_key(), "hrss", 2).expect("v2");
            assert_eq!(o.tag(0), s.tag(0));
            assert_ne!(o.tag(0), o.tag(1));
            assert_ne!(s.tag(0), x.tag(0));
            assert_ne!(s.tag(0), v2.tag(0), "each key version has its own sequence");
            let d = ReceiptDetails { official: Address([9; 20]), case_ref: "MZ-1".into(), n: 0, payload_hash: None };
            let sealed = o.seal_details(0, &d);
            assert_eq!(s.open_details(0, &sealed), Some(d));
            assert_eq!(x.open_details(0, &sealed), None);
            assert_eq!(s.open_details(1, &sealed), None, "bound to its position");
            let auditor = SubjectKey::from_hex(suite, &o.to_hex()).expect("hex");
            assert_eq!(auditor.tag(5), s.tag(5));
        }
    }
}
