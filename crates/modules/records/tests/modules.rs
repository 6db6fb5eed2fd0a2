//! The identity and records modules through the executor, on an in-memory state (a unit test of
//! the execution layer: storage and consensus are exercised by the node's tests).

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_crypto::{Algorithm, SecretKey};
use govchain_execution::{BlockEnv, BlockError, Executor, Mode, StateRead};
use govchain_identity::*;
use govchain_records::*;
use govchain_types::bounded::BoundedString;
use govchain_types::{Call, Outcome, Payload, SignedTransaction, Suite, Transaction};

const SUITE: Suite = Suite::Ed25519Sha256;

#[derive(Default)]
struct Mem(BTreeMap<Vec<u8>, Vec<u8>>);

impl StateRead for Mem {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        Ok(self.0.get(key).cloned())
    }
}

struct World {
    state: Mem,
    exec: Executor,
    height: u64,
    nonces: BTreeMap<String, u64>,
    keys: BTreeMap<&'static str, SecretKey>,
}

fn hashes(txs: &[SignedTransaction]) -> Vec<govchain_types::Hash32> {
    txs.iter().map(|t| t.hash(SUITE)).collect()
}

fn key(i: u8) -> SecretKey {
    SecretKey::from_seed(Algorithm::Ed25519, [i; 32])
}

fn publisher() -> Role {
    Role { name: "publisher".into(), permissions: vec!["records.*".into()] }
}

impl World {
    fn new() -> World {
        let names: [(&'static str, u8, &str, AccountKind, &[&str]); 5] = [
            ("fin-admin", 1, "finance", AccountKind::Official, &["publisher"]),
            ("fin-officer", 2, "finance", AccountKind::Official, &["publisher"]),
            ("fin-clerk", 3, "finance", AccountKind::Official, &[]),
            ("mkt-officer", 4, "market", AccountKind::Official, &["publisher"]),
            ("citizen", 5, "market", AccountKind::Citizen, &[]),
        ];
        let keys: BTreeMap<&'static str, SecretKey> = names.iter().map(|(n, i, ..)| (*n, key(*i))).collect();
        let mkt_admin = key(6);
        let g = IdentityGenesis {
            organisations: vec![
                Organisation {
                    id: "finance".into(),
                    name: "Finance".into(),
                    kind: OrgKind::Government,
                    admins: vec![keys["fin-admin"].public_key().address(SUITE)],
                    roles: vec![publisher()],
                    active: true,
                },
                Organisation {
                    id: "market".into(),
                    name: "Market".into(),
                    kind: OrgKind::Government,
                    admins: vec![mkt_admin.public_key().address(SUITE)],
                    roles: vec![publisher()],
                    active: true,
                },
            ],
            accounts: names
                .iter()
                .map(|(n, _, org, kind, roles)| GenesisAccount {
                    label: n.to_string(),
                    public_key: keys[n].public_key(),
                    kind: *kind,
                    org: org.to_string(),
                    roles: roles.iter().map(|r| r.to_string()).collect(),
                })
                .chain([GenesisAccount {
                    label: "mkt-admin".into(),
                    public_key: mkt_admin.public_key(),
                    kind: AccountKind::Official,
                    org: "market".into(),
                    roles: vec![],
                }])
                .collect(),
        };
        let (writes, _) = genesis_writes(SUITE, &g).expect("genesis");
        let exec = Executor::new(vec![Arc::new(IdentityModule), Arc::new(RecordsModule)], Arc::new(IdentityGate));
        World { state: Mem(writes.into_iter().collect()), exec, height: 0, nonces: BTreeMap::new(), keys }
    }

    fn tx<A: borsh::BorshSerialize>(&mut self, who: &str, method: (&str, &str), args: &A) -> SignedTransaction {
        let k = self.keys[who].clone();
        let n = self.nonces.entry(who.into()).or_default();
        let tx = Transaction {
            chain_id: BoundedString::new("test-chain").expect("short"),
            signer: k.public_key(),
            nonce: *n,
            expires_at_height: 100,
            payload: Payload::Call(Call::new(method.0, method.1, borsh::to_vec(args).expect("enc")).expect("bounded")),
        };
        *n += 1;
        SignedTransaction { signature: k.sign(&tx.sign_bytes()), tx }
    }

    fn env(&self) -> BlockEnv {
        BlockEnv { chain_id: "test-chain".into(), suite: SUITE, height: self.height + 1, time_ms: 1_000 + self.height }
    }

    /// Executes one block in validate mode and applies it.
    fn block(&mut self, txs: &[SignedTransaction]) -> Vec<Outcome> {
        let env = self.env();
        let out = self.exec.execute_block(&env, &self.state, txs, &hashes(txs), Mode::Validate).expect("valid block");
        for (k, v) in out.writes {
            match v {
                Some(v) => self.state.0.insert(k, v),
                None => self.state.0.remove(&k),
            };
        }
        self.height += 1;
        out.receipts.into_iter().map(|r| r.outcome).collect()
    }

    fn record(&self, id: &str, v: u32) -> Option<Record> {
        self.state.0.get(&version_key(id, v)).map(|b| borsh::from_slice(b).expect("record"))
    }
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

fn failed_code(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Failed { code, .. } => Some(code.to_string()),
        Outcome::Success => None,
    }
}

#[test]
fn publish_amend_withdraw_keeps_every_linked_version() {
    let mut w = World::new();
    let p = w.tx("fin-officer", ("records", "publish"), &Publish { content: content("v1") });
    assert_eq!(w.block(&[p]), vec![Outcome::Success]);
    let v1 = w.record("finance-000001", 1).expect("v1");
    assert_eq!(v1.previous, None);

    let a = w.tx(
        "fin-admin",
        ("records", "amend"),
        &Amend { id: "finance-000001".into(), content: content("v2"), reason: "fix".into() },
    );
    let d = w.tx(
        "fin-officer",
        ("records", "withdraw"),
        &Withdraw { id: "finance-000001".into(), reason: "superseded".into() },
    );
    assert_eq!(w.block(&[a, d]), vec![Outcome::Success, Outcome::Success]);
    let v2 = w.record("finance-000001", 2).expect("v2");
    let v3 = w.record("finance-000001", 3).expect("v3");
    assert_eq!(v2.previous, Some(v1.hash(SUITE)));
    assert_eq!(v3.previous, Some(v2.hash(SUITE)));
    assert_eq!(v3.status, RecordStatus::Withdrawn);
    assert_eq!(v3.reason, "superseded");
    assert_eq!(w.record("finance-000001", 1), Some(v1), "old versions are never rewritten");

    let again = w.tx(
        "fin-officer",
        ("records", "amend"),
        &Amend { id: "finance-000001".into(), content: content("v4"), reason: "x".into() },
    );
    assert_eq!(failed_code(&w.block(&[again])[0]).as_deref(), Some("withdrawn"));
}

#[test]
fn authorisation_is_checked_at_admission_and_at_execution() {
    let mut w = World::new();
    let env = w.env();
    for who in ["citizen", "fin-clerk"] {
        let t = w.tx(who, ("records", "publish"), &Publish { content: content("x") });
        let e = w.exec.check_tx(&env, &w.state, &t, t.hash(SUITE)).expect_err("refused at admission");
        assert_eq!(e.code, "unauthorized", "{who}");
        let before = w.state.0.len();
        let out = w.block(&[t]);
        assert_eq!(failed_code(&out[0]).as_deref(), Some("unauthorized"), "{who}");
        assert_eq!(w.state.0.len(), before + 1, "only the signer's nonce key appears");
        assert!(w.record(&format!("finance-{:06}", 1), 1).is_none());
    }
    let p = w.tx("fin-officer", ("records", "publish"), &Publish { content: content("mine") });
    w.block(&[p]);
    let other = w.tx(
        "mkt-officer",
        ("records", "amend"),
        &Amend { id: "finance-000001".into(), content: content("theirs"), reason: "x".into() },
    );
    assert_eq!(failed_code(&w.block(&[other])[0]).as_deref(), Some("unauthorized"));
}

#[test]
fn admins_manage_members_and_roles() {
    let mut w = World::new();
    let newbie = key(50);
    w.keys.insert("newbie", newbie.clone());
    let reg = RegisterAccount {
        public_key: newbie.public_key(),
        kind: AccountKind::Official,
        org: "finance".into(),
        roles: vec![],
    };
    let by_officer = w.tx("fin-officer", ("identity", "register_account"), &reg);
    assert_eq!(failed_code(&w.block(&[by_officer])[0]).as_deref(), Some("unauthorized"));
    let by_admin = w.tx("fin-admin", ("identity", "register_account"), &reg);
    assert_eq!(w.block(&[by_admin]), vec![Outcome::Success]);

    let publish = w.tx("newbie", ("records", "publish"), &Publish { content: content("n") });
    assert_eq!(failed_code(&w.block(&[publish])[0]).as_deref(), Some("unauthorized"));
    let addr = newbie.public_key().address(SUITE);
    let grant = w.tx("fin-admin", ("identity", "grant_role"), &RoleChange { account: addr, role: "publisher".into() });
    let publish = w.tx("newbie", ("records", "publish"), &Publish { content: content("n") });
    assert_eq!(w.block(&[grant, publish]), vec![Outcome::Success, Outcome::Success]);
    let revoke =
        w.tx("fin-admin", ("identity", "revoke_role"), &RoleChange { account: addr, role: "publisher".into() });
    let publish = w.tx("newbie", ("records", "publish"), &Publish { content: content("n2") });
    let out = w.block(&[revoke, publish]);
    assert_eq!(out[0], Outcome::Success);
    assert_eq!(failed_code(&out[1]).as_deref(), Some("unauthorized"), "revocation takes effect at once");
}

#[test]
fn invalid_transactions_are_skipped_when_building_and_reject_a_block_when_validating() {
    let mut w = World::new();
    let good = w.tx("fin-officer", ("records", "publish"), &Publish { content: content("a") });
    let mut gap = w.tx("fin-officer", ("records", "publish"), &Publish { content: content("b") });
    gap.tx.nonce = 5;
    gap.signature = w.keys["fin-officer"].sign(&gap.tx.sign_bytes());
    let mut expired = w.tx("fin-admin", ("records", "publish"), &Publish { content: content("c") });
    expired.tx.expires_at_height = 0;
    expired.signature = w.keys["fin-admin"].sign(&expired.tx.sign_bytes());
    let stranger = SecretKey::from_seed(Algorithm::Sm2, [77; 32]);
    let mut unknown = good.clone();
    unknown.tx.signer = stranger.public_key();
    unknown.signature = stranger.sign(&unknown.tx.sign_bytes());

    let txs = vec![good.clone(), gap.clone(), expired.clone(), unknown.clone()];
    let out = w.exec.execute_block(&w.env(), &w.state, &txs, &hashes(&txs), Mode::Build).expect("build");
    assert_eq!(out.included, vec![0]);
    let codes: Vec<&str> = out.rejected.iter().map(|(_, e)| e.code.as_str()).collect();
    assert_eq!(codes, vec!["bad_nonce", "expired", "unknown_signer"]);
    for (i, bad) in [gap, expired, unknown].into_iter().enumerate() {
        let pair = [good.clone(), bad];
        let r = w.exec.execute_block(&w.env(), &w.state, &pair, &hashes(&pair), Mode::Validate);
        assert!(matches!(r, Err(BlockError::InvalidTx { index: 1, .. })), "case {i}: {r:?}");
    }
}

#[test]
fn execution_is_deterministic() {
    let mut a = World::new();
    let txs: Vec<SignedTransaction> = (0..20)
        .map(|i| a.tx("fin-officer", ("records", "publish"), &Publish { content: content(&format!("r{i}")) }))
        .collect();
    let b = World::new();
    let o1 = a.exec.execute_block(&a.env(), &a.state, &txs, &hashes(&txs), Mode::Validate).expect("ok");
    let o2 = b.exec.execute_block(&b.env(), &b.state, &txs, &hashes(&txs), Mode::Validate).expect("ok");
    assert_eq!(o1.writes, o2.writes);
    assert_eq!(o1.receipts, o2.receipts);
}
