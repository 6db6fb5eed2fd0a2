//! Governance through the executor on an in-memory state (a unit test of the execution layer).

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_crypto::{Algorithm, SecretKey};
use govchain_execution::system::PendingValidators;
use govchain_execution::{BlockEnv, ChainParams, Executor, Mode, StateRead, keys};
use govchain_governance::*;
use govchain_identity::*;
use govchain_types::bounded::BoundedString;
use govchain_types::{Call, Outcome, Payload, SignedTransaction, Suite, Transaction, Validator, ValidatorSet};

const SUITE: Suite = Suite::Ed25519Sha256;

struct World {
    state: BTreeMap<Vec<u8>, Vec<u8>>,
    exec: Executor,
    height: u64,
    nonces: BTreeMap<String, u64>,
}

struct Mem<'a>(&'a BTreeMap<Vec<u8>, Vec<u8>>);
impl StateRead for Mem<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        Ok(self.0.get(key).cloned())
    }
}

fn key(name: &str) -> SecretKey {
    let mut seed = [0u8; 32];
    seed[..name.len()].copy_from_slice(name.as_bytes());
    SecretKey::from_seed(Algorithm::Ed25519, seed)
}

fn org(id: &str, kind: OrgKind) -> Organisation {
    Organisation {
        id: id.into(),
        name: id.into(),
        kind,
        admins: vec![key(&format!("{id}-admin")).public_key().address(SUITE)],
        roles: vec![],
        active: true,
    }
}

impl World {
    /// Four government departments and one enterprise; two validators run by finance and market.
    fn new() -> World {
        let orgs = vec![
            org("finance", OrgKind::Government),
            org("market", OrgKind::Government),
            org("police", OrgKind::Government),
            org("education", OrgKind::Government),
            org("bank", OrgKind::Enterprise),
        ];
        let accounts = orgs
            .iter()
            .map(|o| GenesisAccount {
                label: format!("{}-admin", o.id),
                public_key: key(&format!("{}-admin", o.id)).public_key(),
                kind: AccountKind::Official,
                org: o.id.clone(),
                roles: vec![],
            })
            .collect();
        let (writes, _) = genesis_writes(SUITE, &IdentityGenesis { organisations: orgs, accounts }).expect("genesis");
        let mut state: BTreeMap<Vec<u8>, Vec<u8>> = writes.into_iter().collect();
        let set = ValidatorSet::new(
            ["finance", "market"]
                .iter()
                .map(|o| {
                    let k = key(&format!("{o}-validator")).public_key();
                    Validator {
                        address: k.address(SUITE),
                        public_key: k,
                        voting_power: 1,
                        org: BoundedString::new(*o).expect("short"),
                    }
                })
                .collect(),
        )
        .expect("set");
        state.insert(keys::VALIDATORS.to_vec(), borsh::to_vec(&set).expect("enc"));
        state.insert(keys::PARAMS.to_vec(), borsh::to_vec(&ChainParams::default()).expect("enc"));
        state.insert(CONFIG_KEY.to_vec(), borsh::to_vec(&GovConfig::default()).expect("enc"));
        let exec = Executor::new(vec![Arc::new(IdentityModule), Arc::new(GovernanceModule)], Arc::new(IdentityGate));
        World { state, exec, height: 0, nonces: BTreeMap::new() }
    }

    fn run<A: borsh::BorshSerialize>(&mut self, who: &str, method: &str, args: &A) -> Outcome {
        let k = key(who);
        let n = self.nonces.entry(who.into()).or_default();
        let tx = Transaction {
            chain_id: BoundedString::new("gov-test").expect("short"),
            signer: k.public_key(),
            nonce: *n,
            expires_at_height: 1_000_000,
            payload: Payload::Call(
                Call::new(govchain_governance::MODULE, method, borsh::to_vec(args).expect("enc")).expect("bounded"),
            ),
        };
        *n += 1;
        let stx = SignedTransaction { signature: k.sign(&tx.sign_bytes()), tx };
        self.block(&[stx]).pop().expect("one receipt")
    }

    fn block(&mut self, txs: &[SignedTransaction]) -> Vec<Outcome> {
        self.height += 1;
        let env = BlockEnv { chain_id: "gov-test".into(), suite: SUITE, height: self.height, time_ms: self.height };
        let hashes: Vec<_> = txs.iter().map(|t| t.hash(SUITE)).collect();
        let out = self.exec.execute_block(&env, &Mem(&self.state), txs, &hashes, Mode::Validate).expect("valid");
        for (k, v) in out.writes {
            match v {
                Some(v) => self.state.insert(k, v),
                None => self.state.remove(&k),
            };
        }
        out.receipts.into_iter().map(|r| r.outcome).collect()
    }

    fn get<T: borsh::BorshDeserialize>(&self, k: &[u8]) -> Option<T> {
        self.state.get(k).map(|b| borsh::from_slice(b).expect("decode"))
    }
}

fn code(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Failed { code, .. } => Some(code.to_string()),
        Outcome::Success => None,
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
    let mut w = World::new();
    assert_eq!(w.run("finance-admin", "propose", &add_validator("police-validator")), Outcome::Success);
    let p: Proposal = w.get(&proposal_key(1)).expect("proposal");
    assert_eq!(p.approvals, vec!["finance"]);
    assert_eq!(code(&w.run("finance-admin", "approve", &Approve { id: 1 })).as_deref(), Some("already_approved"));
    assert_eq!(
        code(&w.run("bank-admin", "approve", &Approve { id: 1 })).as_deref(),
        Some("unauthorized"),
        "enterprises do not vote"
    );
    assert_eq!(w.run("market-admin", "approve", &Approve { id: 1 }), Outcome::Success);
    assert!(w.get::<PendingValidators>(keys::VALIDATORS_PENDING).is_none(), "2 of 4 is not two thirds");
    assert_eq!(w.run("police-admin", "approve", &Approve { id: 1 }), Outcome::Success);
    let approved_at = w.height;
    let pending: PendingValidators = w.get(keys::VALIDATORS_PENDING).expect("scheduled");
    assert_eq!(pending.effective_height, approved_at + GovConfig::default().activation_delay);
    let p: Proposal = w.get(&proposal_key(1)).expect("proposal");
    assert_eq!(p.status, ProposalStatus::Executed { height: approved_at, effective_height: pending.effective_height });
    assert_eq!(code(&w.run("education-admin", "approve", &Approve { id: 1 })).as_deref(), Some("proposal_closed"));

    // The set changes while executing the block before the effective height, not earlier.
    while w.height + 1 < pending.effective_height - 1 {
        w.block(&[]);
        assert_eq!(w.get::<ValidatorSet>(keys::VALIDATORS).expect("set").validators.len(), 2);
    }
    w.block(&[]);
    assert_eq!(w.height + 1, pending.effective_height);
    let set: ValidatorSet = w.get(keys::VALIDATORS).expect("set");
    assert_eq!(set.validators.len(), 3);
    assert!(w.get::<PendingValidators>(keys::VALIDATORS_PENDING).is_none());
}

#[test]
fn actions_are_checked_and_organisations_can_join() {
    let mut w = World::new();
    let bad = Propose { action: Action::RemoveOrganisation { id: "finance".into() }, reason: "x".into() };
    assert_eq!(
        code(&w.run("police-admin", "propose", &bad)).as_deref(),
        Some("invalid_arguments"),
        "finance runs a validator"
    );
    let param = Propose { action: Action::SetParam { name: "max_block_txs".into(), value: 0 }, reason: "x".into() };
    assert_eq!(code(&w.run("police-admin", "propose", &param)).as_deref(), Some("invalid_arguments"));
    let last = Propose {
        action: Action::RemoveValidator { address: key("finance-validator").public_key().address(SUITE) },
        reason: "x".into(),
    };
    assert_eq!(w.run("police-admin", "propose", &last), Outcome::Success, "removing one of two is allowed");

    let health = Organisation {
        id: "health".into(),
        name: "卫生健康委 Health Commission".into(),
        ..org("health", OrgKind::Government)
    };
    let add = Propose {
        action: Action::AddOrganisation { organisation: health, admin_keys: vec![key("health-admin").public_key()] },
        reason: "joins".into(),
    };
    assert_eq!(w.run("education-admin", "propose", &add), Outcome::Success);
    for a in ["finance-admin", "market-admin"] {
        assert_eq!(w.run(a, "approve", &Approve { id: 2 }), Outcome::Success);
    }
    let h: Organisation = w.get(&org_key("health")).expect("new org");
    assert!(h.active);
    let acct: Account = w.get(&account_key(&key("health-admin").public_key().address(SUITE))).expect("admin account");
    assert_eq!(acct.org, "health");
    // Five government departments now: four approvals are needed.
    let p = Propose {
        action: Action::SetParam { name: "max_block_txs".into(), value: 5000 },
        reason: "smaller blocks".into(),
    };
    assert_eq!(w.run("health-admin", "propose", &p), Outcome::Success);
    for a in ["finance-admin", "market-admin"] {
        w.run(a, "approve", &Approve { id: 3 });
    }
    assert_eq!(w.get::<ChainParams>(keys::PARAMS).expect("params").max_block_txs, 10_000, "3 of 5 is not enough");
    w.run("police-admin", "approve", &Approve { id: 3 });
    assert_eq!(w.get::<ChainParams>(keys::PARAMS).expect("params").max_block_txs, 5000);
}
