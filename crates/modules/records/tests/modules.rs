//! The identity and records modules through the executor, on the shared in-memory harness (a
//! unit test of the execution layer: storage and consensus are exercised by the node's tests).

use std::sync::Arc;

use govchain_component::Component;
use govchain_crypto::{Algorithm, SecretKey};
use govchain_execution::{BlockError, Mode};
use govchain_identity::testing::{World, code, key};
use govchain_identity::*;
use govchain_records::*;
use govchain_types::{Outcome, SignedTransaction};

fn components() -> Vec<Arc<dyn Component>> {
    vec![Arc::new(IdentityComponent), Arc::new(RecordsComponent)]
}

fn world() -> World {
    let publisher: &[(&str, &[&str])] = &[("publisher", &["records.*"])];
    World::builder()
        .org("finance", OrgKind::Government, publisher)
        .org("market", OrgKind::Government, publisher)
        .admin("fin-admin", "finance", &["publisher"])
        .official("fin-officer", "finance", &["publisher"])
        .official("fin-clerk", "finance", &[])
        .admin("mkt-admin", "market", &[])
        .official("mkt-officer", "market", &["publisher"])
        .citizen("citizen", "market")
        .build(&components())
}

fn record(w: &World, id: &str, v: u32) -> Option<Record> {
    w.get(&govchain_records::keys::version(id, v))
}

fn content(title: &str) -> RecordContent {
    RecordContent {
        category: "budget".into(),
        title: title.into(),
        body: "正文 body".into(),
        attachments: vec![],
        tags: vec![],
    }
}

fn amend(id: &str, title: &str) -> Amend {
    Amend { id: id.into(), content: content(title), reason: "fix".into() }
}

#[test]
fn publish_amend_withdraw_keeps_every_linked_version() {
    let mut w = world();
    assert_eq!(w.run("fin-officer", &Publish { content: content("v1") }), Outcome::Success);
    let v1 = record(&w, "finance-000001", 1).expect("v1");
    assert_eq!(v1.previous, None);

    let a = w.tx("fin-admin", &amend("finance-000001", "v2"));
    let d = w.tx("fin-officer", &Withdraw { id: "finance-000001".into(), reason: "superseded".into() });
    assert_eq!(w.block(&[a, d]), vec![Outcome::Success, Outcome::Success]);
    let v2 = record(&w, "finance-000001", 2).expect("v2");
    let v3 = record(&w, "finance-000001", 3).expect("v3");
    assert_eq!(v2.previous, Some(v1.hash(w.suite)));
    assert_eq!(v3.previous, Some(v2.hash(w.suite)));
    assert_eq!(v3.status, RecordStatus::Withdrawn);
    assert_eq!(v3.reason, "superseded");
    assert_eq!(record(&w, "finance-000001", 1), Some(v1), "old versions are never rewritten");
    assert_eq!(code(&w.run("fin-officer", &amend("finance-000001", "v4"))).as_deref(), Some("withdrawn"));
}

#[test]
fn arguments_are_checked_with_the_shared_rules() {
    let mut w = world();
    let bad_category = Publish { content: RecordContent { category: "Budget!".into(), ..content("x") } };
    let e = w.check("fin-officer", &bad_category).expect_err("refused at admission");
    assert_eq!(e.code(), "invalid_arguments");
    assert!(e.message.contains("category"), "{e}");
    w.run("fin-officer", &Publish { content: content("v1") });
    let blank = Amend { id: "finance-000001".into(), content: content("v2"), reason: "  ".into() };
    assert_eq!(code(&w.run("fin-officer", &blank)).as_deref(), Some("invalid_arguments"));
}

#[test]
fn authorisation_is_checked_at_admission_and_at_execution() {
    let mut w = world();
    for who in ["citizen", "fin-clerk"] {
        let e = w.check(who, &Publish { content: content("x") }).expect_err("refused at admission");
        assert_eq!(e.code(), "unauthorized", "{who}");
        let before = w.state.0.len();
        let out = w.run(who, &Publish { content: content("x") });
        assert_eq!(code(&out).as_deref(), Some("unauthorized"), "{who}");
        assert_eq!(w.state.0.len(), before + 1, "only the signer's nonce key appears");
        assert!(record(&w, "finance-000001", 1).is_none());
    }
    w.run("fin-officer", &Publish { content: content("mine") });
    assert_eq!(code(&w.run("mkt-officer", &amend("finance-000001", "theirs"))).as_deref(), Some("unauthorized"));
}

#[test]
fn admins_manage_members_and_roles() {
    let mut w = world();
    let newbie = key("newbie");
    w.add_key("newbie", newbie.clone());
    let reg = RegisterAccount {
        public_key: newbie.public_key(),
        kind: AccountKind::Official,
        org: "finance".into(),
        roles: vec![],
    };
    assert_eq!(code(&w.run("fin-officer", &reg)).as_deref(), Some("unauthorized"));
    assert_eq!(w.run("fin-admin", &reg), Outcome::Success);

    assert_eq!(code(&w.run("newbie", &Publish { content: content("n") })).as_deref(), Some("unauthorized"));
    let addr = w.address("newbie");
    let grant = w.tx("fin-admin", &GrantRole { account: addr, role: "publisher".into() });
    let publish = w.tx("newbie", &Publish { content: content("n") });
    assert_eq!(w.block(&[grant, publish]), vec![Outcome::Success, Outcome::Success]);
    let revoke = w.tx("fin-admin", &RevokeRole { account: addr, role: "publisher".into() });
    let publish = w.tx("newbie", &Publish { content: content("n2") });
    let out = w.block(&[revoke, publish]);
    assert_eq!(out[0], Outcome::Success);
    assert_eq!(code(&out[1]).as_deref(), Some("unauthorized"), "revocation takes effect at once");
}

#[test]
fn invalid_transactions_are_skipped_when_building_and_reject_a_block_when_validating() {
    let mut w = world();
    let good = w.tx("fin-officer", &Publish { content: content("a") });
    let gap = w.tx_with_nonce("fin-officer", &Publish { content: content("b") }, 5);
    let mut expired = w.tx("fin-admin", &Publish { content: content("c") });
    expired.tx.expires_at_height = 0;
    expired.signature = w.key_of("fin-admin").sign(&expired.tx.sign_bytes());
    let resigned = |k: SecretKey| {
        let mut t = good.clone();
        t.tx.signer = k.public_key();
        t.signature = k.sign(&t.tx.sign_bytes());
        t
    };
    let unknown = resigned(SecretKey::from_seed(Algorithm::Ed25519, [77; 32]));
    let other_suite = resigned(SecretKey::from_seed(Algorithm::Sm2, [77; 32]));

    let txs = vec![good.clone(), gap.clone(), expired.clone(), unknown.clone(), other_suite.clone()];
    let out = w.execute(&txs, Mode::Build).expect("build");
    assert_eq!(out.included, vec![0]);
    let codes: Vec<&str> = out.rejected.iter().map(|(_, e)| e.code()).collect();
    assert_eq!(codes, vec!["bad_nonce", "expired", "unknown_signer", "wrong_algorithm"]);
    for (i, bad) in [gap, expired, unknown, other_suite].into_iter().enumerate() {
        let r = w.execute(&[good.clone(), bad], Mode::Validate);
        assert!(matches!(r, Err(BlockError::InvalidTx { index: 1, .. })), "case {i}: {r:?}");
    }
}

#[test]
fn execution_is_deterministic() {
    let mut a = world();
    let txs: Vec<SignedTransaction> =
        (0..20).map(|i| a.tx("fin-officer", &Publish { content: content(&format!("r{i}")) })).collect();
    let b = world();
    let o1 = a.execute(&txs, Mode::Validate).expect("ok");
    let o2 = b.execute(&txs, Mode::Validate).expect("ok");
    assert_eq!(o1.writes, o2.writes);
    assert_eq!(o1.receipts, o2.receipts);
}
