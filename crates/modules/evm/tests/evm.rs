//! The EVM through the executor on the shared in-memory harness: Ethereum transactions from
//! bound keys, native calls, permissions, reverts, gas limits, chain-id replay, precompiles
//! reading the state of the block, Cancun opcodes. The contracts are `contracts/*.sol`,
//! compiled into `contracts/out/` (checked fresh by `node contracts/build.mjs --check`).

use std::sync::Arc;

use alloy_sol_types::{SolCall as _, sol};
use govchain_certificates::{CertificatesComponent, DefineType, Field, FieldKind, Issue, Revoke};
use govchain_component::Component;
use govchain_crypto::{Algorithm, SecretKey, secp256k1};
use govchain_evm::{EvmCall, EvmComponent, TxRecord, TxStatus, ethtx, exec, keys};
use govchain_execution::{BlockError, Mode, TxContext};
use govchain_identity::eth::{BindEthKey, bind_message};
use govchain_identity::testing::{CHAIN_ID, World, code};
use govchain_identity::{IdentityComponent, OrgKind};
use govchain_types::{Address, Hash32, Outcome, PublicKey, SignedTransaction};

sol! {
    interface IToken {
        function balanceOf(address who) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function burn(uint256 rounds) external returns (uint256);
    }
    interface IGate {
        function admit(string certId) external;
        function admitted(string certId) external view returns (bool);
        function officialOf(address who) external view returns (string);
        function cancun(uint256 x) external returns (uint256);
    }
}

fn artifact(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../../contracts/out/{name}.json"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).expect("artifact")).expect("json");
    hex::decode(v["bytecode"].as_str().expect("bytecode").trim_start_matches("0x")).expect("hex")
}

fn token_init(supply: u64) -> Vec<u8> {
    use alloy_sol_types::SolValue as _;
    let mut code = artifact("Token");
    code.extend(("GovCoin".to_string(), alloy_primitives::U256::from(supply)).abi_encode_params());
    code
}

struct Chain {
    w: World,
    eth_chain_id: u64,
}

fn eth_key(n: u8) -> SecretKey {
    SecretKey::from_seed(Algorithm::Secp256k1, [n; 32])
}

fn eth_addr(k: &SecretKey) -> Address {
    k.public_key().address(govchain_types::Suite::Ed25519Sha256)
}

fn chain() -> Chain {
    let components: Vec<Arc<dyn Component>> =
        vec![Arc::new(IdentityComponent), Arc::new(CertificatesComponent), Arc::new(EvmComponent)];
    let market: &[(&str, &[&str])] = &[("developer", &["evm.deploy"]), ("clerk", &[])];
    let police: &[(&str, &[&str])] =
        &[("certifier", &["certificates.define_type", "certificates.issue", "certificates.revoke"])];
    let mut w = World::builder()
        .org("market", OrgKind::Government, market)
        .org("police", OrgKind::Government, police)
        .admin("market-admin", "market", &["developer"])
        .official("clerk", "market", &["clerk"])
        .admin("police-admin", "police", &["certifier"])
        .citizen("alice", "police")
        .build(&components);
    let t = DefineType {
        id: "trade-licence".into(),
        name: "Trade licence".into(),
        fields: vec![Field { name: "name".into(), kind: FieldKind::Text, required: true }],
        issuers: vec!["police".into()],
        default_validity_days: 365,
    };
    assert_eq!(w.run("police-admin", &t), Outcome::Success);
    let eth_chain_id = govchain_evm::EvmGenesis::default().params(CHAIN_ID).chain_id;
    Chain { w, eth_chain_id }
}

impl Chain {
    fn bind(&mut self, who: &str, k: &SecretKey) -> Outcome {
        let msg = secp256k1::personal_message(bind_message(CHAIN_ID, &self.w.address(who)).as_bytes());
        let b = BindEthKey { public_key: k.public_key(), proof: k.sign(&msg) };
        self.w.run(who, &b)
    }

    fn eth_tx(
        &self,
        k: &SecretKey,
        nonce: u64,
        to: Option<Address>,
        input: Vec<u8>,
        gas: u64,
        chain: u64,
    ) -> (SignedTransaction, [u8; 32]) {
        let tx = alloy_consensus::TxEip1559 {
            chain_id: chain,
            nonce,
            gas_limit: gas,
            max_fee_per_gas: 0,
            max_priority_fee_per_gas: 0,
            to: match to {
                Some(a) => alloy_primitives::TxKind::Call(alloy_primitives::Address::from(a.0)),
                None => alloy_primitives::TxKind::Create,
            },
            value: alloy_primitives::U256::ZERO,
            access_list: Default::default(),
            input: input.into(),
        };
        let raw = ethtx::sign_1559(k, tx).expect("secp256k1 key");
        let d = ethtx::decode(&raw, chain).expect("decodes");
        (ethtx::envelope(CHAIN_ID, &raw, &d).expect("envelope"), d.hash)
    }

    fn send(&mut self, k: &SecretKey, nonce: u64, to: Option<Address>, input: Vec<u8>, gas: u64) -> TxRecord {
        let (stx, hash) = self.eth_tx(k, nonce, to, input, gas, self.eth_chain_id);
        assert_eq!(self.w.block(&[stx]), vec![Outcome::Success]);
        self.w.get::<TxRecord>(&keys::tx(&hash)).expect("an EVM receipt")
    }

    fn view(&self, to: Address, input: Vec<u8>) -> (TxStatus, Vec<u8>) {
        let env = self.w.env();
        let params = self.w.get::<govchain_evm::EvmParams>(keys::PARAMS).expect("params");
        let run = exec::Run {
            caller: Address::default(),
            to: Some(to),
            input,
            gas_limit: 1_000_000,
            nonce: 0,
            access_list: vec![],
        };
        let ran = TxContext::simulate(&env, &self.w.state, Address::default(), |ctx| exec::run(ctx, &params, &run))
            .expect("runs");
        (ran.status, ran.output)
    }

    fn balance(&self, token: Address, who: Address) -> u64 {
        let (s, out) =
            self.view(token, IToken::balanceOfCall { who: alloy_primitives::Address::from(who.0) }.abi_encode());
        assert_eq!(s, TxStatus::Success);
        IToken::balanceOfCall::abi_decode_returns(&out).expect("uint").to::<u64>()
    }
}

#[test]
fn a_bound_key_deploys_a_token_and_transfers_with_events_and_a_receipt() {
    let mut c = chain();
    let k = eth_key(1);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let deployed = c.send(&k, 0, None, token_init(1_000), 3_000_000);
    assert_eq!(deployed.status, TxStatus::Success, "{deployed:?}");
    let token = deployed.contract.expect("a contract address");
    // The address Ethereum tools predict: keccak(rlp(sender, nonce)).
    let predicted = alloy_primitives::Address::from(eth_addr(&k).0).create(0);
    assert_eq!(token.0, predicted.0.0);
    assert_eq!(c.balance(token, eth_addr(&k)), 1_000);

    let to = Address([7; 20]);
    let sent = c.send(
        &k,
        1,
        Some(token),
        IToken::transferCall { to: alloy_primitives::Address::from(to.0), value: alloy_primitives::U256::from(250) }
            .abi_encode(),
        100_000,
    );
    assert_eq!(sent.status, TxStatus::Success);
    assert!(sent.gas_used > 21_000 && sent.gas_used < 100_000, "{}", sent.gas_used);
    assert_eq!(sent.logs.len(), 1, "one Transfer event");
    assert_eq!(sent.logs[0].topics[2][12..], to.0);
    assert_eq!((c.balance(token, eth_addr(&k)), c.balance(token, to)), (750, 250));
    // The sender's nonce is the chain's: the next transaction must carry 2.
    let (stale, _) = c.eth_tx(&k, 1, Some(token), vec![], 50_000, c.eth_chain_id);
    assert!(matches!(c.w.execute(&[stale], Mode::Validate), Err(BlockError::InvalidTx { .. })));
}

#[test]
fn an_unbound_key_is_refused_at_admission_and_in_blocks() {
    let c = chain();
    let k = eth_key(2);
    let (stx, _) = c.eth_tx(&k, 0, Some(Address([1; 20])), vec![], 50_000, c.eth_chain_id);
    let e = c.w.exec.check_tx(&c.w.env(), &c.w.state, &stx, stx.hash(c.w.suite)).expect_err("unbound");
    assert_eq!(e.code(), "unknown_signer", "{e}");
    assert!(matches!(c.w.execute(&[stx], Mode::Validate), Err(BlockError::InvalidTx { .. })));
}

#[test]
fn a_citizen_cannot_bind_and_a_bound_key_needs_a_role_to_deploy() {
    let mut c = chain();
    assert_eq!(code(&c.bind("alice", &eth_key(3))).as_deref(), Some("unauthorized"));
    let k = eth_key(4);
    assert_eq!(c.bind("clerk", &k), Outcome::Success);
    let (stx, _) = c.eth_tx(&k, 0, None, token_init(5), 3_000_000, c.eth_chain_id);
    let e = c.w.exec.check_tx(&c.w.env(), &c.w.state, &stx, stx.hash(c.w.suite)).expect_err("no deploy role");
    assert_eq!(e.code(), "unauthorized", "{e}");
    // Native: the same rule for evm.call without a callee.
    let native = EvmCall { to: None, input: token_init(5), gas_limit: 3_000_000 };
    assert_eq!(c.w.check("clerk", &native).expect_err("no role").code(), "unauthorized");
    assert_eq!(c.w.run("market-admin", &native), Outcome::Success);
}

#[test]
fn a_proof_of_possession_by_another_key_is_refused() {
    let mut c = chain();
    let k = eth_key(5);
    let other = eth_key(6);
    let msg = secp256k1::personal_message(bind_message(CHAIN_ID, &c.w.address("clerk")).as_bytes());
    let b = BindEthKey { public_key: k.public_key(), proof: other.sign(&msg) };
    assert_eq!(code(&c.w.run("clerk", &b)).as_deref(), Some("unauthorized"));
    assert!(matches!(k.public_key(), PublicKey::Secp256k1(_)));
}

#[test]
fn a_transaction_signed_for_another_chain_id_is_refused() {
    let mut c = chain();
    let k = eth_key(7);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let tx = alloy_consensus::TxEip1559 {
        chain_id: c.eth_chain_id + 1,
        nonce: 0,
        gas_limit: 50_000,
        to: alloy_primitives::TxKind::Call(alloy_primitives::Address::ZERO),
        ..Default::default()
    };
    let raw = ethtx::sign_1559(&k, tx).expect("signs");
    assert!(matches!(ethtx::decode(&raw, c.eth_chain_id), Err(ethtx::EthTxError::WrongChainId { .. })));
    // Wrapped anyway (as another chain's node would), the envelope check refuses it.
    let d = ethtx::decode(&raw, c.eth_chain_id + 1).expect("valid for its own chain");
    let stx = ethtx::envelope(CHAIN_ID, &raw, &d).expect("envelope");
    let e = c.w.exec.check_tx(&c.w.env(), &c.w.state, &stx, stx.hash(c.w.suite)).expect_err("other chain");
    assert_eq!(e.code(), "wrong_chain_id");
}

#[test]
fn a_tampered_envelope_is_refused() {
    let mut c = chain();
    let k = eth_key(8);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let (mut stx, _) = c.eth_tx(&k, 0, Some(Address([1; 20])), vec![], 50_000, c.eth_chain_id);
    stx.tx.nonce = 5;
    let e = c.w.exec.check_tx(&c.w.env(), &c.w.state, &stx, stx.hash(c.w.suite)).expect_err("nonce differs");
    assert_eq!(e.code(), "unknown_signer");
}

#[test]
fn a_revert_keeps_nothing_but_the_nonce_and_carries_its_reason() {
    let mut c = chain();
    let k = eth_key(9);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let token = c.send(&k, 0, None, token_init(10), 3_000_000).contract.expect("deployed");
    let r = c.send(
        &k,
        1,
        Some(token),
        IToken::transferCall { to: alloy_primitives::Address::ZERO, value: alloy_primitives::U256::from(11) }
            .abi_encode(),
        100_000,
    );
    assert_eq!(r.status, TxStatus::Reverted);
    assert_eq!(alloy_sol_types::decode_revert_reason(&r.output).as_deref(), Some("revert: insufficient balance"));
    assert!(r.logs.is_empty());
    assert_eq!(c.balance(token, eth_addr(&k)), 10);
    // The nonce advanced: the next transaction is nonce 2.
    assert_eq!(c.send(&k, 2, Some(token), vec![], 100_000).nonce, 2);
}

#[test]
fn exceeding_the_gas_limit_halts_with_a_receipt_and_changes_nothing() {
    let mut c = chain();
    let k = eth_key(10);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let token = c.send(&k, 0, None, token_init(10), 3_000_000).contract.expect("deployed");
    let before: Vec<_> = c.w.state.0.keys().filter(|k| k.starts_with(b"evm/slot/")).cloned().collect();
    let r = c.send(
        &k,
        1,
        Some(token),
        IToken::burnCall { rounds: alloy_primitives::U256::from(10_000) }.abi_encode(),
        200_000,
    );
    assert_eq!(r.status, TxStatus::Halted, "{r:?}");
    assert!(r.reason.contains("OutOfGas"), "{}", r.reason);
    assert_eq!(r.gas_used, 200_000);
    let after: Vec<_> = c.w.state.0.keys().filter(|k| k.starts_with(b"evm/slot/")).cloned().collect();
    assert_eq!(before, after, "no storage slot was written");
    // Asking for more than the per-transaction limit is refused before execution.
    let (big, _) = c.eth_tx(&k, 2, Some(token), vec![], 30_000_001, c.eth_chain_id);
    let e = c.w.exec.check_tx(&c.w.env(), &c.w.state, &big, big.hash(c.w.suite)).expect_err("over the limit");
    assert_eq!(e.code(), "tx_too_expensive");
}

#[test]
fn a_contract_sees_a_certificate_revoked_in_the_previous_block() {
    let mut c = chain();
    let k = eth_key(11);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let gate = c.send(&k, 0, None, artifact("LicenceGate"), 3_000_000).contract.expect("deployed");
    let id = hex::encode([0x42; 32]);
    let issue = Issue {
        id: id.clone(),
        type_id: "trade-licence".into(),
        holder: Hash32([1; 32]),
        commitment: Hash32([2; 32]),
        valid_from_ms: 0,
        valid_until_ms: 0,
        previous: None,
    };
    assert_eq!(c.w.run("police-admin", &issue), Outcome::Success);
    let first = c.send(&k, 1, Some(gate), IGate::admitCall { certId: id.clone() }.abi_encode(), 200_000);
    assert_eq!(first.status, TxStatus::Success, "{first:?}");
    assert_eq!(c.w.run("police-admin", &Revoke { id: id.clone(), reason: "fraud".into() }), Outcome::Success);
    let second = c.send(&k, 2, Some(gate), IGate::admitCall { certId: id }.abi_encode(), 200_000);
    assert_eq!(second.status, TxStatus::Reverted);
    assert_eq!(
        alloy_sol_types::decode_revert_reason(&second.output).as_deref(),
        Some("revert: certificate not in force")
    );
    // Identity precompile: the bound key acts for market-admin, of market.
    let (s, out) =
        c.view(gate, IGate::officialOfCall { who: alloy_primitives::Address::from(eth_addr(&k).0) }.abi_encode());
    assert_eq!(s, TxStatus::Success);
    assert_eq!(IGate::officialOfCall::abi_decode_returns(&out).expect("string"), "market");
}

#[test]
fn cancun_opcodes_run() {
    let mut c = chain();
    let k = eth_key(12);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let gate = c.send(&k, 0, None, artifact("LicenceGate"), 3_000_000).contract.expect("deployed");
    let (s, out) = c.view(gate, IGate::cancunCall { x: alloy_primitives::U256::from(21) }.abi_encode());
    assert_eq!(s, TxStatus::Success);
    assert_eq!(IGate::cancunCall::abi_decode_returns(&out).expect("uint"), alloy_primitives::U256::from(42));
}

#[test]
fn the_same_block_gives_the_same_writes_every_time() {
    let mut c = chain();
    let k = eth_key(13);
    assert_eq!(c.bind("market-admin", &k), Outcome::Success);
    let (deploy, _) = c.eth_tx(&k, 0, None, token_init(99), 3_000_000, c.eth_chain_id);
    let a = c.w.execute(std::slice::from_ref(&deploy), Mode::Validate).expect("valid");
    let b = c.w.execute(&[deploy], Mode::Validate).expect("valid");
    assert_eq!(a.writes, b.writes);
    assert!(a.writes.keys().any(|k| k.starts_with(b"evm/slot/")));
}
