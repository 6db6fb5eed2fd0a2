//! Every verification reason, and tampering with any claim, salt or signature byte, against an
//! in-memory chain view (one layer; the node's tests use the real state).

use std::collections::BTreeMap;

use govchain_certificates::credential::*;
use govchain_certificates::verify::{ChainView, Reason, ViewError, verify};
use govchain_certificates::*;
use govchain_crypto::{Algorithm, SecretKey};
use govchain_identity::{Account, AccountKind};
use govchain_types::{Address, Hash32, Suite};

const SUITE: Suite = Suite::Ed25519Sha256;
const DAY: u64 = 86_400_000;
const NOW: u64 = 1_800_000_000_000;

#[derive(Default, Clone)]
struct Fake {
    certs: BTreeMap<String, Certificate>,
    types: BTreeMap<(String, u32), CertType>,
    accounts: BTreeMap<(Address, u64), Account>,
}

impl ChainView for Fake {
    fn certificate(&self, id: &str) -> Result<Option<(Certificate, u64)>, ViewError> {
        Ok(self.certs.get(id).cloned().map(|c| (c, 100)))
    }
    fn cert_type(&self, id: &str, version: u32) -> Result<Option<CertType>, ViewError> {
        Ok(self.types.get(&(id.to_string(), version)).cloned())
    }
    fn latest_type(&self, id: &str) -> Result<Option<CertType>, ViewError> {
        Ok(self.types.iter().rev().find(|((i, _), _)| i == id).map(|(_, t)| t.clone()))
    }
    fn account_at(&self, address: &Address, height: Option<u64>) -> Result<Option<Account>, ViewError> {
        let h = height.unwrap_or(100);
        Ok(self.accounts.iter().rev().find(|((a, at), _)| a == address && *at <= h).map(|(_, acc)| acc.clone()))
    }
}

fn licence() -> CertType {
    CertType {
        id: "licence".into(),
        name: "Licence".into(),
        version: 1,
        owner: "market".into(),
        fields: vec![
            Field { name: "name".into(), kind: FieldKind::Text, required: true },
            Field { name: "birth_date".into(), kind: FieldKind::Date, required: true },
            Field { name: "class".into(), kind: FieldKind::Text, required: true },
            Field { name: "address".into(), kind: FieldKind::Text, required: false },
        ],
        issuers: vec!["market".into()],
        default_validity_days: 365,
        height: 1,
    }
}

struct Setup {
    chain: Fake,
    cred: Credential,
}

fn setup() -> Setup {
    let issuer_key = SecretKey::from_seed(Algorithm::Ed25519, [1; 32]);
    let issuer = issuer_key.public_key().address(SUITE);
    let values = vec![
        ("name".to_string(), "张三".to_string()),
        ("birth_date".to_string(), "1990-03-07".to_string()),
        ("class".to_string(), "B".to_string()),
        ("address".to_string(), "北京市东城区".to_string()),
    ];
    check_claims(&licence(), &values).expect("fits the type");
    let (claims, commitment) = salt_claims(SUITE, &values).expect("salted");
    let core = CredentialCore {
        chain_id: "c".into(),
        certificate_id: certificate_id(SUITE, "c", &issuer, &commitment),
        type_id: "licence".into(),
        type_version: 1,
        issuer_org: "market".into(),
        issuer,
        holder: Hash32([7; 32]),
        commitment,
        valid_from_ms: NOW - DAY,
        valid_until_ms: NOW + DAY,
        previous: None,
    };
    let cred = Credential::sign(SUITE, core.clone(), claims, &issuer_key);
    let mut chain = Fake::default();
    chain.types.insert(("licence".into(), 1), licence());
    chain.accounts.insert(
        (issuer, 1),
        Account {
            address: issuer,
            public_key: issuer_key.public_key(),
            kind: AccountKind::Official,
            org: "market".into(),
            roles: vec![],
            active: true,
            registered_at: 1,
        },
    );
    chain.certs.insert(
        core.certificate_id.clone(),
        Certificate {
            id: core.certificate_id.clone(),
            type_id: "licence".into(),
            type_version: 1,
            issuer_org: "market".into(),
            issuer,
            issuer_key: issuer_key.public_key(),
            holder: core.holder,
            commitment,
            valid_from_ms: core.valid_from_ms,
            valid_until_ms: core.valid_until_ms,
            issued_height: 10,
            status: CertStatus::Active,
            previous: None,
            successor: None,
        },
    );
    Setup { chain, cred }
}

fn reveal(c: &Credential, names: &[&str]) -> Presentation {
    c.present(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).expect("present")
}

fn code(p: &Presentation, chain: &Fake, now: u64) -> Option<&'static str> {
    verify(p, "c", chain, now).reason.map(|r| r.code())
}

#[test]
fn a_selective_presentation_verifies_and_hides_the_rest() {
    let s = setup();
    let p = reveal(&s.cred, &["name", "class"]);
    let v = verify(&p, "c", &s.chain, NOW);
    assert!(v.valid, "{:?}", v.reason);
    assert_eq!(v.disclosed, vec![("name".into(), "张三".into()), ("class".into(), "B".into())]);
    assert_eq!(v.hidden_claims, 2);
    let json = serde_json::to_string(&p).expect("json");
    assert!(!json.contains("1990-03-07") && !json.contains("北京市"), "hidden values are absent from the presentation");
}

#[test]
fn every_reason() {
    let s = setup();
    let id = s.cred.core.certificate_id.clone();
    let p = reveal(&s.cred, &["name"]);
    assert_eq!(code(&p, &s.chain, NOW), None);
    assert_eq!(code(&p, &s.chain, NOW + 2 * DAY), Some("expired"));
    assert_eq!(code(&p, &s.chain, NOW - 2 * DAY), Some("not_yet_valid"));

    let mut revoked = s.chain.clone();
    revoked.certs.get_mut(&id).expect("cert").status = CertStatus::Revoked { reason: "fraud".into(), height: 50 };
    let v = verify(&p, "c", &revoked, NOW);
    assert_eq!(v.reason, Some(Reason::Revoked { reason: "fraud".into(), height: 50 }));
    let mut suspended = s.chain.clone();
    suspended.certs.get_mut(&id).expect("cert").status = CertStatus::Suspended { reason: "check".into(), height: 40 };
    assert_eq!(code(&p, &suspended, NOW), Some("suspended"));

    let mut gone = s.chain.clone();
    gone.certs.clear();
    assert_eq!(code(&p, &gone, NOW), Some("commitment_not_on_chain"));
    let mut other = s.chain.clone();
    other.certs.get_mut(&id).expect("cert").commitment = Hash32([9; 32]);
    assert_eq!(code(&p, &other, NOW), Some("commitment_not_on_chain"));

    let mut unauthorised = s.chain.clone();
    unauthorised.types.get_mut(&("licence".into(), 1)).expect("type").issuers = vec!["police".into()];
    assert_eq!(code(&p, &unauthorised, NOW), Some("issuer_not_authorized"));
    let mut wrong_org = s.chain.clone();
    for a in wrong_org.accounts.values_mut() {
        a.org = "police".into();
    }
    assert_eq!(code(&p, &wrong_org, NOW), Some("issuer_not_authorized"));

    let mut forged = s.cred.clone();
    let stranger = SecretKey::from_seed(Algorithm::Ed25519, [2; 32]);
    forged = Credential::sign(SUITE, forged.core.clone(), forged.claims.clone(), &stranger);
    assert_eq!(
        code(&reveal(&forged, &["name"]), &s.chain, NOW),
        Some("issuer_not_authorized"),
        "signed by a key the account never had"
    );

    let mut bad_sig = p.clone();
    bad_sig.signature.sig_bytes_mut()[0] ^= 1;
    assert_eq!(code(&bad_sig, &s.chain, NOW), Some("bad_issuer_signature"));
    let mut core_changed = p.clone();
    core_changed.core.valid_until_ms += DAY;
    assert_eq!(code(&core_changed, &s.chain, NOW), Some("bad_issuer_signature"));
    assert_eq!(verify(&p, "other-chain", &s.chain, NOW).reason, Some(Reason::WrongChain));
}

#[test]
fn a_key_rotated_after_issuance_still_verifies_old_certificates() {
    let mut s = setup();
    let issuer = s.cred.core.issuer;
    let new_key = SecretKey::from_seed(Algorithm::Ed25519, [3; 32]);
    let mut rotated = s.chain.accounts[&(issuer, 1)].clone();
    rotated.public_key = new_key.public_key();
    s.chain.accounts.insert((issuer, 50), rotated);
    assert_eq!(
        code(&reveal(&s.cred, &["name"]), &s.chain, NOW),
        None,
        "checked against the key of the issuance height"
    );
}

#[test]
fn changing_any_claim_salt_or_signature_byte_fails() {
    let s = setup();
    let p = reveal(&s.cred, &["name", "birth_date"]);
    for i in 0..p.disclosed.len() {
        let mut bad = p.clone();
        bad.disclosed[i].value.push('x');
        assert_eq!(code(&bad, &s.chain, NOW), Some("tampered_claim"));
        let mut salt = hex::decode(&p.disclosed[i].salt).expect("hex");
        for b in 0..salt.len() {
            salt[b] ^= 1;
            let mut bad = p.clone();
            bad.disclosed[i].salt = hex::encode(&salt);
            assert_eq!(code(&bad, &s.chain, NOW), Some("tampered_claim"), "salt byte {b}");
            salt[b] ^= 1;
        }
    }
    for i in 0..p.hidden.len() {
        let mut bad = p.clone();
        bad.hidden[i].0[5] ^= 1;
        assert_eq!(code(&bad, &s.chain, NOW), Some("tampered_claim"));
    }
    let mut dropped = p.clone();
    dropped.hidden.pop();
    assert_eq!(code(&dropped, &s.chain, NOW), Some("tampered_claim"));
    for b in 0..64 {
        let mut bad = p.clone();
        bad.signature.sig_bytes_mut()[b] ^= 0x10;
        assert_eq!(code(&bad, &s.chain, NOW), Some("bad_issuer_signature"), "signature byte {b}");
    }
}
