//! The data-sharing methods through the executor on the shared in-memory harness: the catalog,
//! requests decided by an officer or by a policy in the same block, grants that expire and are
//! revoked, access receipts that only an in-force grant allows, subject tags a citizen walks to
//! a proven end, and shredding.

use std::sync::Arc;

use govchain_component::Component;
use govchain_crypto::SecretKey;
use govchain_datashare::subject::{ReceiptDetails, SubjectKey, random_tag, scope_commitment};
use govchain_datashare::*;
use govchain_identity::testing::{World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_types::{Address, Algorithm, Hash32, Outcome as TxOutcome, Suite};

const DAY_MS: u64 = 86_400_000;

fn world() -> World {
    let components: Vec<Arc<dyn Component>> = vec![Arc::new(IdentityComponent), Arc::new(DatashareComponent)];
    let owner_roles: &[(&str, &[&str])] = &[("data-officer", &["datashare.*"]), ("clerk", &[])];
    let requester_roles: &[(&str, &[&str])] = &[("caseworker", &["datashare.request"])];
    let mut w = World::builder()
        .org("hrss", OrgKind::Government, owner_roles)
        .org("civil-affairs", OrgKind::Government, requester_roles)
        .org("police", OrgKind::Government, requester_roles)
        .admin("hrss-admin", "hrss", &["data-officer"])
        .official("hrss-node", "hrss", &["data-officer"])
        .official("hrss-clerk", "hrss", &["clerk"])
        .admin("civil-admin", "civil-affairs", &[])
        .official("caseworker", "civil-affairs", &["caseworker"])
        .admin("police-admin", "police", &[])
        .official("police-officer", "police", &["caseworker"])
        .build(&components);
    let exchange = exchange_key().public_key();
    let profile = SetProfile { endpoint: "http://127.0.0.1:9/".into(), exchange_key: exchange };
    assert_eq!(w.run("hrss-admin", &profile), TxOutcome::Success);
    assert_eq!(w.run("hrss-admin", &dataset(true)), TxOutcome::Success);
    assert_eq!(w.run("hrss-admin", &subsidy_policy()), TxOutcome::Success);
    w
}

fn exchange_key() -> SecretKey {
    SecretKey::from_seed(Algorithm::Ed25519, [42; 32])
}

fn field(name: &str, sensitivity: Sensitivity) -> DataField {
    DataField { name: name.into(), kind: FieldType::Integer, sensitivity, description: String::new() }
}

fn dataset(active: bool) -> PublishDataset {
    PublishDataset {
        id: "social-insurance".into(),
        name: "Social insurance contributions".into(),
        description: "Insured status and months paid per citizen".into(),
        fields: vec![
            field("insured", Sensitivity::Personal),
            field("months_paid", Sensitivity::Personal),
            field("salary", Sensitivity::Sensitive),
        ],
        concerns_citizens: true,
        legal_basis: "Social Insurance Law art. 74".into(),
        active,
    }
}

fn subsidy_policy() -> SetPolicy {
    SetPolicy {
        dataset: "social-insurance".into(),
        id: "civil-affairs-subsidy".into(),
        requester: Some("civil-affairs".into()),
        purposes: vec!["subsidy-eligibility".into()],
        fields: vec!["insured".into(), "months_paid".into()],
        max_days: 30,
        allow_all_subjects: true,
        active: true,
    }
}

fn request(id: &str, fields: &[&str], days: u32) -> FileRequest {
    FileRequest {
        id: id.into(),
        dataset: "social-insurance".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        purpose_code: "subsidy-eligibility".into(),
        purpose: "Check eligibility for the low-income subsidy".into(),
        legal_basis: "Social Assistance Measures art. 9".into(),
        scope: Scope::All,
        duration_days: days,
        case_ref: "MZ-2026-SUBSIDY".into(),
        delivery_key: SecretKey::from_seed(Algorithm::Ed25519, [7; 32]).public_key(),
    }
}

fn citizen(n: u8) -> SecretKey {
    SecretKey::from_seed(Algorithm::Ed25519, [100 + n; 32])
}

/// The owner's node's view of a citizen's subject key.
fn owner_side(n: u8) -> SubjectKey {
    SubjectKey::owner_side(Suite::Ed25519Sha256, &exchange_key(), &citizen(n).public_key(), "hrss", 1).expect("agree")
}

fn delivery(tag: Hash32, access: u8, grant: &str, fields: &[&str]) -> RecordAccess {
    RecordAccess {
        tag,
        key_version: 1,
        access_id: Hash32([access; 32]),
        dataset: "social-insurance".into(),
        requester: "civil-affairs".into(),
        grant: Some(grant.into()),
        purpose_code: "subsidy-eligibility".into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
        outcome: Outcome::Delivered { digest: Hash32([access; 32]), bytes: 100 },
        details: Vec::new(),
    }
}

fn refusal(tag: Hash32, access: u8, grant: Option<&str>, code: &str) -> RecordAccess {
    RecordAccess {
        grant: grant.map(String::from),
        outcome: Outcome::Refused { code: code.into() },
        ..delivery(tag, access, "unused", &["insured"])
    }
}

fn err(w: &World, who: &str, args: &RecordAccess) -> String {
    w.check(who, args).expect_err("refused").code().to_string()
}

#[test]
fn the_catalog_is_versioned_and_owned() {
    let mut w = world();
    let v1: Dataset = w.get(&keys::dataset("social-insurance")).expect("published");
    assert_eq!((v1.version, v1.owner.as_str(), v1.fields.len()), (1, "hrss", 3));
    assert_eq!(w.run("hrss-admin", &dataset(false)), TxOutcome::Success);
    let v2: Dataset = w.get(&keys::dataset("social-insurance")).expect("v2");
    assert_eq!((v2.version, v2.active), (2, false));
    assert!(w.get::<Dataset>(&keys::dataset_version("social-insurance", 1)).expect("v1 kept").active);
    // Another department cannot take it over; a clerk without the permission cannot publish.
    assert_eq!(w.check("caseworker", &dataset(true)).expect_err("no permission").code(), "unauthorized");
    assert_eq!(w.check("hrss-clerk", &dataset(true)).expect_err("no permission").code(), "unauthorized");
    let repeated = PublishDataset { fields: vec![field("a", Sensitivity::Public); 2], ..dataset(true) };
    assert_eq!(w.check("hrss-admin", &repeated).expect_err("repeated").code(), "invalid_arguments");
    // A withdrawn data set takes no requests.
    assert_eq!(code(&w.run("caseworker", &request("r1", &["insured"], 10))).as_deref(), Some("dataset_withdrawn"));
}

#[test]
fn a_matching_policy_grants_in_the_same_block_and_anything_else_waits_for_an_officer() {
    let mut w = world();
    assert_eq!(w.run("caseworker", &request("auto", &["insured", "months_paid"], 30)), TxOutcome::Success);
    let r: Request = w.get(&keys::request("auto")).expect("request");
    assert_eq!(r.status, RequestStatus::Granted);
    let g: Grant = w.get(&keys::grant("auto")).expect("granted in the block that filed it");
    assert_eq!(g.decided_by, Decider::Policy { id: "civil-affairs-subsidy".into(), version: 1 });
    assert_eq!(g.expires_ms, r_time(&w) + 30 * DAY_MS);

    // A field outside the policy, a longer duration, or another requester: pending.
    for (id, who, fields, days) in [
        ("salary", "caseworker", &["insured", "salary"][..], 30),
        ("long", "caseworker", &["insured"][..], 31),
        ("police", "police-officer", &["insured"][..], 10),
    ] {
        assert_eq!(w.run(who, &request(id, fields, days)), TxOutcome::Success);
        let r: Request = w.get(&keys::request(id)).expect("request");
        assert_eq!(r.status, RequestStatus::Pending, "{id}");
        assert!(w.get::<Grant>(&keys::grant(id)).is_none(), "{id}");
    }

    // The officer grants narrower than asked; a second decision is refused.
    let narrow = Decide {
        request: "salary".into(),
        approve: true,
        reason: String::new(),
        fields: Some(vec!["insured".into()]),
        duration_days: Some(7),
    };
    assert_eq!(w.check("caseworker", &narrow).expect_err("not the owner").code(), "unauthorized");
    assert_eq!(w.run("hrss-admin", &narrow), TxOutcome::Success);
    let g: Grant = w.get(&keys::grant("salary")).expect("grant");
    assert_eq!(g.fields, vec!["insured".to_string()]);
    assert!(matches!(g.decided_by, Decider::Officer { .. }));
    assert_eq!(code(&w.run("hrss-admin", &narrow)).as_deref(), Some("not_pending"));
    let wider = Decide { request: "long".into(), fields: Some(vec!["salary".into()]), ..narrow.clone() };
    assert_eq!(w.check("hrss-admin", &wider).expect_err("not asked for").code(), "fields_outside");

    // A rejection needs a reason and is kept.
    let reject =
        Decide { request: "police".into(), approve: false, reason: String::new(), fields: None, duration_days: None };
    assert_eq!(w.check("hrss-admin", &reject).expect_err("no reason").code(), "invalid_arguments");
    let reject = Decide { reason: "no legal basis for police access".into(), ..reject };
    assert_eq!(w.run("hrss-admin", &reject), TxOutcome::Success);
    let r: Request = w.get(&keys::request("police")).expect("request");
    assert!(
        matches!(r.status, RequestStatus::Rejected { ref reason, .. } if reason == "no legal basis for police access")
    );
    // Requests are unique; an unknown field or a key of another algorithm is refused.
    assert_eq!(code(&w.run("caseworker", &request("auto", &["insured"], 1))).as_deref(), Some("already_exists"));
    assert_eq!(w.check("caseworker", &request("x", &["iris_scan"], 1)).expect_err("unknown").code(), "fields_outside");
    let sm2 = FileRequest {
        delivery_key: SecretKey::from_seed(Algorithm::Sm2, [1; 32]).public_key(),
        ..request("x", &["insured"], 1)
    };
    assert_eq!(w.check("caseworker", &sm2).expect_err("wrong algorithm").code(), "wrong_algorithm");
}

fn r_time(w: &World) -> u64 {
    // The block that executed the request was the last one.
    govchain_identity::testing::START_MS + (w.height - 1) * 1000 + w.time_offset_ms
}

#[test]
fn a_delivery_receipt_needs_an_in_force_grant_covering_the_fields_and_refusals_are_receipts_too() {
    let mut w = world();
    assert_eq!(w.run("caseworker", &request("g", &["insured", "months_paid"], 30)), TxOutcome::Success);
    let s = owner_side(1);
    // Only the owner's officials with datashare.deliver record receipts.
    assert_eq!(err(&w, "caseworker", &delivery(s.tag(0), 1, "g", &["insured"])), "unauthorized");
    assert_eq!(err(&w, "hrss-clerk", &delivery(s.tag(0), 1, "g", &["insured"])), "unauthorized");
    // Fields outside the grant are never receipted as delivered.
    assert_eq!(err(&w, "hrss-node", &delivery(s.tag(0), 1, "g", &["salary"])), "fields_outside");
    assert_eq!(w.run("hrss-node", &delivery(s.tag(0), 1, "g", &["insured"])), TxOutcome::Success);
    // A tag or an access id is used once.
    assert_eq!(err(&w, "hrss-node", &delivery(s.tag(0), 2, "g", &["insured"])), "tag_used");
    assert_eq!(err(&w, "hrss-node", &delivery(s.tag(1), 1, "g", &["insured"])), "already_exists");

    // After expiry no delivery can be receipted; the refusal is.
    w.time_offset_ms = 30 * DAY_MS;
    assert_eq!(err(&w, "hrss-node", &delivery(s.tag(1), 2, "g", &["insured"])), "grant_expired");
    assert_eq!(w.run("hrss-node", &refusal(s.tag(1), 2, Some("g"), "grant_expired")), TxOutcome::Success);
    assert_eq!(err(&w, "hrss-node", &refusal(s.tag(2), 3, Some("g"), "made_up")), "invalid_arguments");

    // A revoked grant likewise.
    w.time_offset_ms = 0;
    assert_eq!(w.run("caseworker", &request("h", &["insured"], 30)), TxOutcome::Success);
    let revoke = RevokeGrant { grant: "h".into(), reason: "case closed".into() };
    assert_eq!(w.check("police-officer", &revoke).expect_err("a stranger").code(), "unauthorized");
    assert_eq!(w.run("hrss-admin", &revoke), TxOutcome::Success);
    assert_eq!(code(&w.run("caseworker", &revoke)).as_deref(), Some("grant_revoked"));
    assert_eq!(err(&w, "hrss-node", &delivery(s.tag(2), 4, "h", &["insured"])), "grant_revoked");
    // An unauthorised attempt (no grant at all) is a receipt with a random tag.
    assert_eq!(
        w.run("hrss-node", &RecordAccess { key_version: 0, ..refusal(random_tag(), 5, None, "no_grant") }),
        TxOutcome::Success
    );

    let count: u64 = w.get(keys::RECEIPTS).expect("count");
    assert_eq!(count, 3);
    // Public counts per month (block time): the expiry refusal fell 30 days later.
    let start = govchain_identity::testing::START_MS;
    let stat = |ms: u64| -> Stat {
        w.get(&keys::stat(&month_of(ms), "social-insurance", "civil-affairs", "subsidy-eligibility")).expect("counts")
    };
    assert_ne!(month_of(start), month_of(start + 30 * DAY_MS));
    assert_eq!((stat(start).delivered, stat(start).refused), (1, 1));
    assert_eq!((stat(start + 30 * DAY_MS).delivered, stat(start + 30 * DAY_MS).refused), (0, 1));
}

#[test]
fn the_subject_walks_their_tags_to_a_proven_end_and_reads_the_details() {
    let mut w = world();
    assert_eq!(w.run("caseworker", &request("g", &["insured", "months_paid"], 30)), TxOutcome::Success);
    let (alice, bob) = (owner_side(1), owner_side(2));
    let details =
        |n| ReceiptDetails { official: Address([1; 20]), case_ref: format!("case-{n}"), n, payload_hash: None };
    for (i, (s, n)) in [(&alice, 0), (&bob, 0), (&alice, 1), (&alice, 2), (&bob, 1)].into_iter().enumerate() {
        let r =
            RecordAccess { details: s.seal_details(n, &details(n)), ..delivery(s.tag(n), i as u8, "g", &["insured"]) };
        assert_eq!(w.run("hrss-node", &r), TxOutcome::Success);
    }
    // Alice, from her own key and the owner's exchange key on chain, finds exactly her three.
    let profile: Profile = w.get(&keys::profile("hrss")).expect("profile");
    let mine =
        SubjectKey::subject_side(Suite::Ed25519Sha256, &citizen(1), &profile.exchange_key, "hrss", profile.version)
            .expect("agree");
    let found: Vec<Receipt> = (0..).map_while(|n| w.get::<Receipt>(&keys::receipt(&mine.tag(n)))).collect();
    assert_eq!(found.len(), 3);
    for (n, r) in found.iter().enumerate() {
        assert_eq!(mine.open_details(n as u64, &r.details), Some(details(n as u64)));
    }
    // Nobody else opens them: Bob's key does not.
    let bobs =
        SubjectKey::subject_side(Suite::Ed25519Sha256, &citizen(2), &profile.exchange_key, "hrss", 1).expect("agree");
    assert!(bobs.open_details(0, &found[0].details).is_none());
}

#[test]
fn grantees_record_shredding_of_their_own_deliveries_only() {
    let mut w = world();
    assert_eq!(w.run("caseworker", &request("g", &["insured"], 30)), TxOutcome::Success);
    let s = owner_side(1);
    assert_eq!(w.run("hrss-node", &delivery(s.tag(0), 1, "g", &["insured"])), TxOutcome::Success);
    let one = Shred {
        grant: "g".into(),
        access_ids: vec![Hash32([1; 32])],
        whole_grant: false,
        reason: "owner_erasure".into(),
    };
    assert_eq!(w.check("police-officer", &one).expect_err("not the grantee").code(), "unauthorized");
    let unknown = Shred { access_ids: vec![Hash32([9; 32])], ..one.clone() };
    assert_eq!(w.check("caseworker", &unknown).expect_err("no such delivery").code(), "not_found");
    assert_eq!(w.run("caseworker", &one), TxOutcome::Success);
    let all = Shred { access_ids: vec![], whole_grant: true, reason: "grant_ended".into(), ..one };
    assert_eq!(w.run("caseworker", &all), TxOutcome::Success);
    let last: Shredding = w.get(&keys::shred(1)).expect("second shredding");
    assert!(last.whole_grant);
    // An erasure receipt in the subject's sequence.
    let erase = RecordAccess {
        requester: String::new(),
        grant: None,
        outcome: Outcome::Erased { what: "subject".into() },
        ..delivery(s.tag(1), 2, "g", &[])
    };
    assert_eq!(w.run("hrss-node", &erase), TxOutcome::Success);
    assert!(matches!(w.get::<Receipt>(&keys::receipt(&s.tag(1))).expect("erasure").outcome, Outcome::Erased { .. }));
}

#[test]
fn subject_lists_in_scope_are_commitments() {
    let mut w = world();
    let salt = [5u8; 32];
    let mut commitments = vec![
        scope_commitment(Suite::Ed25519Sha256, &salt, "110101199003071234"),
        scope_commitment(Suite::Ed25519Sha256, &salt, "110101198512125678"),
    ];
    let unsorted =
        FileRequest { scope: Scope::Subjects { commitments: commitments.clone() }, ..request("s", &["insured"], 5) };
    commitments.sort();
    let sorted = FileRequest { scope: Scope::Subjects { commitments }, ..request("s", &["insured"], 5) };
    if unsorted != sorted {
        assert_eq!(w.check("caseworker", &unsorted).expect_err("unsorted").code(), "invalid_arguments");
    }
    assert_eq!(w.run("caseworker", &sorted), TxOutcome::Success);
    let stored = borsh::to_vec(&w.get::<Request>(&keys::request("s")).expect("request")).expect("encode");
    assert!(!stored.windows(18).any(|win| win == b"110101199003071234"), "no national id on chain");
}
