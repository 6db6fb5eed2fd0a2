//! Governance through the executor on an in-memory state (a unit test of the execution layer).

use std::sync::Arc;

use govchain_component::Component;
use govchain_execution::system::PendingValidators;
use govchain_execution::{ChainParams, keys as sys};
use govchain_governance::*;
use govchain_identity::testing::{World, code, key};
use govchain_identity::*;
use govchain_types::{Outcome, ValidatorSet};

/// Four government departments and one enterprise; two validators run by finance and market.
fn world() -> World {
    let components: Vec<Arc<dyn Component>> = vec![Arc::new(IdentityComponent), Arc::new(GovernanceComponent)];
    let mut b = World::builder();
    for (id, kind) in [
        ("finance", OrgKind::Government),
        ("market", OrgKind::Government),
        ("police", OrgKind::Government),
        ("education", OrgKind::Government),
        ("bank", OrgKind::Enterprise),
    ] {
        b = b.org(id, kind, &[]).admin(&format!("{id}-admin"), id, &[]);
    }
    b.validator("finance-validator", "finance").validator("market-validator", "market").build(&components)
}

fn org(id: &str, kind: OrgKind) -> Organisation {
    Organisation {
        id: id.into(),
        name: id.into(),
        kind,
        admins: vec![key(&format!("{id}-admin")).public_key().address(govchain_types::Suite::Ed25519Sha256)],
        roles: vec![],
        active: true,
    }
}

fn add_validator(name: &str) -> Propose {
    Propose {
        action: Action::AddValidator { public_key: key(name).public_key(), voting_power: 1, org: "police".into() },
        reason: "police runs a node".into(),
    }
}

#[test]
fn three_of_four_departments_add_a_validator_at_a_later_height() {
    let mut w = world();
    assert_eq!(w.run("finance-admin", &add_validator("police-validator")), Outcome::Success);
    let p: Proposal = w.get(&govchain_governance::keys::proposal(1)).expect("proposal");
    assert_eq!(p.approvals, vec!["finance"]);
    assert_eq!(code(&w.run("finance-admin", &Approve { id: 1 })).as_deref(), Some("already_approved"));
    assert_eq!(
        code(&w.run("bank-admin", &Approve { id: 1 })).as_deref(),
        Some("unauthorized"),
        "enterprises do not vote"
    );
    assert_eq!(w.run("market-admin", &Approve { id: 1 }), Outcome::Success);
    assert!(w.get::<PendingValidators>(sys::VALIDATORS_PENDING).is_none(), "2 of 4 is not two thirds");
    assert_eq!(w.run("police-admin", &Approve { id: 1 }), Outcome::Success);
    let approved_at = w.height;
    let pending: PendingValidators = w.get(sys::VALIDATORS_PENDING).expect("scheduled");
    assert_eq!(pending.effective_height, approved_at + GovConfig::default().activation_delay);
    let p: Proposal = w.get(&govchain_governance::keys::proposal(1)).expect("proposal");
    assert_eq!(p.status, ProposalStatus::Executed { height: approved_at, effective_height: pending.effective_height });
    assert_eq!(code(&w.run("education-admin", &Approve { id: 1 })).as_deref(), Some("proposal_closed"));

    // The set changes while executing the block before the effective height, not earlier.
    while w.height + 1 < pending.effective_height - 1 {
        w.block(&[]);
        assert_eq!(w.get::<ValidatorSet>(sys::VALIDATORS).expect("set").validators.len(), 2);
    }
    w.block(&[]);
    assert_eq!(w.height + 1, pending.effective_height);
    let set: ValidatorSet = w.get(sys::VALIDATORS).expect("set");
    assert_eq!(set.validators.len(), 3);
    assert!(w.get::<PendingValidators>(sys::VALIDATORS_PENDING).is_none());
}

#[test]
fn actions_are_checked_and_organisations_can_join() {
    let mut w = world();
    let bad = Propose { action: Action::RemoveOrganisation { id: "finance".into() }, reason: "x".into() };
    assert_eq!(code(&w.run("police-admin", &bad)).as_deref(), Some("invalid_arguments"), "finance runs a validator");
    let param = Propose { action: Action::SetParam { name: "max_block_txs".into(), value: 0 }, reason: "x".into() };
    assert_eq!(code(&w.run("police-admin", &param)).as_deref(), Some("invalid_arguments"));
    let last = Propose {
        action: Action::RemoveValidator { address: key("finance-validator").public_key().address(w.suite) },
        reason: "x".into(),
    };
    assert_eq!(w.run("police-admin", &last), Outcome::Success, "removing one of two is allowed");

    let health = Organisation {
        id: "health".into(),
        name: "卫生健康委 Health Commission".into(),
        ..org("health", OrgKind::Government)
    };
    let add = Propose {
        action: Action::AddOrganisation { organisation: health, admin_keys: vec![key("health-admin").public_key()] },
        reason: "joins".into(),
    };
    assert_eq!(w.run("education-admin", &add), Outcome::Success);
    for a in ["finance-admin", "market-admin"] {
        assert_eq!(w.run(a, &Approve { id: 2 }), Outcome::Success);
    }
    let h: Organisation = w.get(&govchain_identity::keys::org("health")).expect("new org");
    assert!(h.active);
    let acct: Account = w
        .get(&govchain_identity::keys::account(&key("health-admin").public_key().address(w.suite)))
        .expect("admin account");
    assert_eq!(acct.org, "health");
    // Five government departments now: four approvals are needed.
    let p = Propose {
        action: Action::SetParam { name: "max_block_txs".into(), value: 5000 },
        reason: "smaller blocks".into(),
    };
    assert_eq!(w.run("health-admin", &p), Outcome::Success);
    for a in ["finance-admin", "market-admin"] {
        w.run(a, &Approve { id: 3 });
    }
    assert_eq!(w.get::<ChainParams>(sys::PARAMS).expect("params").max_block_txs, 10_000, "3 of 5 is not enough");
    w.run("police-admin", &Approve { id: 3 });
    assert_eq!(w.get::<ChainParams>(sys::PARAMS).expect("params").max_block_txs, 5000);
}

#[test]
fn governance_settings_are_bounded_at_genesis() {
    for cfg in [
        GovConfig { voting_period: u64::MAX, ..GovConfig::default() },
        GovConfig { activation_delay: u64::MAX, ..GovConfig::default() },
        GovConfig { activation_delay: 1, ..GovConfig::default() },
        GovConfig { threshold_num: 3, threshold_den: 2, ..GovConfig::default() },
    ] {
        assert!(cfg.validate().is_err(), "{cfg:?}");
    }
    assert!(GovConfig::default().validate().is_ok());
}
