//! The certificates methods through the executor on the shared in-memory harness: types and
//! their versions, issuance, suspension, reinstatement, revocation and renewal, each with the
//! rules a department and an auditor rely on.

use std::sync::Arc;

use govchain_certificates::*;
use govchain_component::Component;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_types::{Hash32, Outcome};

const DAY_MS: u64 = 86_400_000;

fn world() -> World {
    let components: Vec<Arc<dyn Component>> = vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent)];
    let certifier: &[(&str, &[&str])] = &[("certifier", &["certificates.*"])];
    let mut w = World::builder()
        .org("market", OrgKind::Government, certifier)
        .org("police", OrgKind::Government, certifier)
        .admin("market-admin", "market", &["certifier"])
        .official("market-officer", "market", &["certifier"])
        .official("market-clerk", "market", &[])
        .admin("police-admin", "police", &["certifier"])
        .citizen("citizen", "market")
        .build(&components);
    assert_eq!(w.run("market-admin", &licence_type("Business licence")), Outcome::Success);
    w
}

fn licence_type(name: &str) -> DefineType {
    DefineType {
        id: "licence".into(),
        name: name.into(),
        fields: vec![Field { name: "class".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["market".into()],
        default_validity_days: 30,
    }
}

fn id(n: u8) -> String {
    hex::encode([n; 32])
}

fn issue(n: u8, previous: Option<String>) -> Issue {
    Issue {
        id: id(n),
        type_id: "licence".into(),
        holder: Hash32([7; 32]),
        commitment: Hash32([n; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous,
    }
}

fn cert(w: &World, n: u8) -> Certificate {
    w.get(&keys::cert(&id(n))).expect("certificate on chain")
}

fn reason(n: u8, r: &str) -> (String, String) {
    (id(n), r.to_string())
}

#[test]
fn types_are_versioned_and_owned_by_their_organisation() {
    let mut w = world();
    assert_eq!(w.run("market-admin", &licence_type("营业执照 Business licence")), Outcome::Success);
    let latest: CertType = w.get(&keys::cert_type("licence")).expect("type");
    assert_eq!((latest.version, latest.name.as_str()), (2, "营业执照 Business licence"));
    let v1: CertType = w.get(&keys::type_version("licence", 1)).expect("version 1 kept");
    assert_eq!(v1.name, "Business licence");
    assert_eq!(code(&w.run("police-admin", &licence_type("taken over"))).as_deref(), Some("unauthorized"));
    let bad = DefineType { id: "Licence!".into(), ..licence_type("x") };
    assert_eq!(w.check("market-admin", &bad).expect_err("refused").code(), "invalid_arguments");
    assert_eq!(w.check("market-clerk", &licence_type("x")).expect_err("refused").code(), "unauthorized");
}

#[test]
fn issuance_records_only_a_commitment_within_the_rules() {
    let mut w = world();
    let at = w.env().time_ms;
    assert_eq!(w.run("market-officer", &issue(1, None)), Outcome::Success);
    let c = cert(&w, 1);
    assert_eq!((c.status.clone(), c.issuer_org.as_str(), c.type_version), (CertStatus::Active, "market", 1));
    assert_eq!(c.commitment, Hash32([1; 32]));
    assert_eq!((c.valid_from_ms, c.valid_until_ms), (at, at + 30 * DAY_MS), "validity defaults to the type's");
    assert_eq!(c.issuer, w.address("market-officer"));
    assert_eq!(code(&w.run("market-officer", &issue(1, None))).as_deref(), Some("already_exists"));
    assert_eq!(code(&w.run("police-admin", &issue(2, None))).as_deref(), Some("unauthorized"), "not an issuer");
    assert_eq!(w.check("citizen", &issue(3, None)).expect_err("refused").code(), "unauthorized");
    let bad_id = Issue { id: "ABC".into(), ..issue(4, None) };
    assert_eq!(w.check("market-officer", &bad_id).expect_err("refused").code(), "invalid_arguments");
    let backwards = Issue { valid_from_ms: 10, valid_until_ms: 5, ..issue(5, None) };
    assert_eq!(code(&w.run("market-officer", &backwards)).as_deref(), Some("invalid_arguments"));
}

#[test]
fn suspension_reinstatement_and_revocation_take_effect_in_the_next_block() {
    let mut w = world();
    w.run("market-officer", &issue(1, None));
    let (i, r) = reason(1, "under investigation");
    assert_eq!(w.run("market-officer", &Suspend { id: i.clone(), reason: r.clone() }), Outcome::Success);
    let suspended_at = w.height;
    assert_eq!(cert(&w, 1).status, CertStatus::Suspended { reason: r, height: suspended_at });
    assert_eq!(
        code(&w.run("market-officer", &Suspend { id: i.clone(), reason: "again".into() })).as_deref(),
        Some("invalid_status")
    );
    assert_eq!(w.run("market-admin", &Reinstate { id: i.clone(), reason: "cleared".into() }), Outcome::Success);
    assert_eq!(cert(&w, 1).status, CertStatus::Active);
    assert_eq!(
        code(&w.run("market-admin", &Reinstate { id: i.clone(), reason: "x".into() })).as_deref(),
        Some("invalid_status")
    );

    assert_eq!(
        code(&w.run("police-admin", &Revoke { id: i.clone(), reason: "not yours".into() })).as_deref(),
        Some("unauthorized")
    );
    assert_eq!(
        code(&w.run("market-officer", &Revoke { id: i.clone(), reason: " ".into() })).as_deref(),
        Some("invalid_arguments")
    );
    let long = "x".repeat(MAX_STATUS_REASON + 1);
    assert_eq!(
        code(&w.run("market-officer", &Revoke { id: i.clone(), reason: long })).as_deref(),
        Some("invalid_arguments")
    );
    assert_eq!(w.run("market-officer", &Revoke { id: i.clone(), reason: "fraud".into() }), Outcome::Success);
    let revoked_at = w.height;
    assert_eq!(cert(&w, 1).status, CertStatus::Revoked { reason: "fraud".into(), height: revoked_at });
    for again in [
        code(&w.run("market-officer", &Reinstate { id: i.clone(), reason: "undo".into() })),
        code(&w.run("market-officer", &Suspend { id: i.clone(), reason: "undo".into() })),
    ] {
        assert_eq!(again.as_deref(), Some("revoked"), "a revocation is final");
    }
    assert_eq!(code(&w.run("market-officer", &Revoke { id: id(9), reason: "x".into() })).as_deref(), Some("not_found"));
}

#[test]
fn a_renewal_links_both_certificates_once() {
    let mut w = world();
    w.run("market-officer", &issue(1, None));
    assert_eq!(w.run("market-admin", &issue(2, Some(id(1)))), Outcome::Success);
    assert_eq!(cert(&w, 1).successor, Some(id(2)));
    assert_eq!(cert(&w, 2).previous, Some(id(1)));
    assert_eq!(code(&w.run("market-admin", &issue(3, Some(id(1))))).as_deref(), Some("already_renewed"));
    let other_holder = Issue { holder: Hash32([8; 32]), ..issue(4, Some(id(2))) };
    assert_eq!(code(&w.run("market-admin", &other_holder)).as_deref(), Some("invalid_arguments"));
    assert_eq!(cert(&w, 2).successor, None, "a refused renewal changes nothing");
}

#[test]
fn extreme_validity_values_are_refused_without_overflow() {
    let mut w = world();
    for (from, until) in [(u64::MAX, 0), (u64::MAX - 1, 0), (u64::MAX, u64::MAX), (1, u64::MAX)] {
        let a = Issue { valid_from_ms: from, valid_until_ms: until, ..issue(9, None) };
        assert_eq!(code(&w.run("market-officer", &a)).as_deref(), Some("invalid_arguments"), "{from} {until}");
    }
    assert!(w.get::<Certificate>(&keys::cert(&id(9))).is_none());
}
