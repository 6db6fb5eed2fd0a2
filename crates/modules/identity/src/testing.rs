//! The test harness every module's tests share (feature `testing`): an in-memory state, a
//! builder of organisations, accounts and validators, and blocks executed through the same
//! executor and genesis path the node uses (`govchain_component::{executor, genesis_state}`).

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_component::{Component, Genesis, GenesisValidator, executor, genesis_state};
use govchain_crypto::{Algorithm, SecretKey};
use govchain_execution::{BlockEnv, BlockError, BlockOutput, Executor, Mode, StateError, StateRead, TxError};
use govchain_types::{Address, Method, Outcome, SignedTransaction, Suite};

use crate::genesis::{GenesisAccount, IdentityGenesis};
use crate::model::{AccountKind, OrgKind, Organisation, Role};

/// The chain id of every test world.
pub const CHAIN_ID: &str = "test-chain";
/// Block time of block 1 (ms); each block is one second later.
pub const START_MS: u64 = 1_800_000_000_000;

/// State as a sorted map.
#[derive(Clone, Debug, Default)]
pub struct MemState(pub BTreeMap<Vec<u8>, Vec<u8>>);

impl StateRead for MemState {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.0.get(key).cloned())
    }
}

/// The key of a test account: a fixed function of its label (at most 32 bytes).
pub fn key(label: &str) -> SecretKey {
    let mut seed = [0u8; 32];
    let n = label.len().min(32);
    seed[..n].copy_from_slice(&label.as_bytes()[..n]);
    SecretKey::from_seed(Algorithm::Ed25519, seed)
}

/// The code of a failed outcome.
pub fn code(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Failed { code, .. } => Some(code.to_string()),
        Outcome::Success => None,
    }
}

struct AccountSpec {
    label: String,
    org: String,
    kind: AccountKind,
    roles: Vec<String>,
    admin: bool,
}

/// Describes a world: organisations with roles, accounts, validators, other genesis sections.
pub struct WorldBuilder {
    suite: Suite,
    orgs: Vec<(String, OrgKind, Vec<Role>)>,
    accounts: Vec<AccountSpec>,
    validators: Vec<(String, String)>,
    sections: Vec<(String, serde_json::Value)>,
}

impl WorldBuilder {
    /// An organisation with roles `(name, permissions)`.
    pub fn org(mut self, id: &str, kind: OrgKind, roles: &[(&str, &[&str])]) -> Self {
        let roles = roles
            .iter()
            .map(|(n, ps)| Role { name: n.to_string(), permissions: ps.iter().map(|p| p.to_string()).collect() })
            .collect();
        self.orgs.push((id.into(), kind, roles));
        self
    }

    fn account(mut self, label: &str, org: &str, kind: AccountKind, roles: &[&str], admin: bool) -> Self {
        let roles = roles.iter().map(|r| r.to_string()).collect();
        self.accounts.push(AccountSpec { label: label.into(), org: org.into(), kind, roles, admin });
        self
    }

    /// An admin (an official) of `org` holding `roles`.
    pub fn admin(self, label: &str, org: &str, roles: &[&str]) -> Self {
        self.account(label, org, AccountKind::Official, roles, true)
    }

    /// An official of `org` holding `roles`.
    pub fn official(self, label: &str, org: &str, roles: &[&str]) -> Self {
        self.account(label, org, AccountKind::Official, roles, false)
    }

    /// A citizen registered by `org`.
    pub fn citizen(self, label: &str, org: &str) -> Self {
        self.account(label, org, AccountKind::Citizen, &[], false)
    }

    /// A business registered by `org`.
    pub fn business(self, label: &str, org: &str) -> Self {
        self.account(label, org, AccountKind::Business, &[], false)
    }

    /// A validator run by `org` (default: one run by the first organisation).
    pub fn validator(mut self, label: &str, org: &str) -> Self {
        self.validators.push((label.into(), org.into()));
        self
    }

    /// Another component's genesis section.
    pub fn section<T: serde::Serialize>(mut self, name: &str, value: &T) -> Self {
        self.sections.push((name.into(), serde_json::to_value(value).unwrap_or_default()));
        self
    }

    /// The genesis file this world starts from.
    pub fn genesis(&self) -> Genesis {
        let suite = self.suite;
        let organisations = self
            .orgs
            .iter()
            .map(|(id, kind, roles)| Organisation {
                id: id.clone(),
                name: id.clone(),
                kind: *kind,
                admins: self
                    .accounts
                    .iter()
                    .filter(|a| a.admin && &a.org == id)
                    .map(|a| key(&a.label).public_key().address(suite))
                    .collect(),
                roles: roles.clone(),
                active: true,
            })
            .collect();
        let accounts = self
            .accounts
            .iter()
            .map(|a| GenesisAccount {
                label: a.label.clone(),
                public_key: key(&a.label).public_key(),
                kind: a.kind,
                org: a.org.clone(),
                roles: a.roles.clone(),
            })
            .collect();
        let mut validators = self.validators.clone();
        if validators.is_empty()
            && let Some((org, ..)) = self.orgs.first()
        {
            validators.push((format!("{org}-validator"), org.clone()));
        }
        let mut g = Genesis {
            chain_id: CHAIN_ID.into(),
            suite,
            genesis_time_ms: START_MS - 1000,
            params: Default::default(),
            validators: validators
                .iter()
                .map(|(label, org)| GenesisValidator {
                    name: label.clone(),
                    public_key: key(label).public_key(),
                    voting_power: 1,
                    org: org.clone(),
                })
                .collect(),
            sections: self.sections.iter().cloned().collect(),
        };
        g.sections.insert(
            crate::MODULE.into(),
            serde_json::to_value(IdentityGenesis { organisations, accounts }).unwrap_or_default(),
        );
        g
    }

    /// The world, with the given components (identity among them).
    ///
    /// # Panics
    /// When the genesis or the component list is invalid (a test setup error).
    pub fn build(self, components: &[Arc<dyn Component>]) -> World {
        let genesis = self.genesis();
        let state = genesis_state(&genesis, components).expect("a valid test genesis");
        World {
            state: MemState(state.writes),
            exec: executor(components).expect("a valid component list"),
            height: 0,
            time_offset_ms: 0,
            suite: self.suite,
            nonces: BTreeMap::new(),
            keys: BTreeMap::new(),
        }
    }
}

/// An in-memory chain.
pub struct World {
    /// State after the last block.
    pub state: MemState,
    /// The executor over the world's components.
    pub exec: Executor,
    /// Last executed height.
    pub height: u64,
    /// Added to every later block's time (block `h` has time `START_MS + (h - 1)·1000 + offset`):
    /// tests of expiry move time forward without executing days of blocks.
    pub time_offset_ms: u64,
    /// Suite.
    pub suite: Suite,
    nonces: BTreeMap<String, u64>,
    keys: BTreeMap<String, SecretKey>,
}

impl World {
    /// A builder (Ed25519/SHA-256).
    pub fn builder() -> WorldBuilder {
        WorldBuilder {
            suite: Suite::Ed25519Sha256,
            orgs: Vec::new(),
            accounts: Vec::new(),
            validators: Vec::new(),
            sections: Vec::new(),
        }
    }

    /// The key `who` signs with: one given by [`World::add_key`], else [`key`]`(who)` (so an
    /// account registered later under a label signs with that label's key).
    pub fn key_of(&self, who: &str) -> SecretKey {
        self.keys.get(who).cloned().unwrap_or_else(|| key(who))
    }

    /// The address of an account's key.
    pub fn address(&self, who: &str) -> Address {
        self.key_of(who).public_key().address(self.suite)
    }

    /// Lets `who` sign with `k` (a key registered later, or a stranger).
    pub fn add_key(&mut self, who: &str, k: SecretKey) {
        self.keys.insert(who.into(), k);
    }

    /// A transaction of `who` calling `args`, with `who`'s next nonce.
    pub fn tx<M: Method>(&mut self, who: &str, args: &M) -> SignedTransaction {
        let n = *self.nonces.get(who).unwrap_or(&0);
        self.nonces.insert(who.into(), n + 1);
        self.tx_with_nonce(who, args, n)
    }

    /// A transaction with an explicit nonce (the world's counter does not move).
    pub fn tx_with_nonce<M: Method>(&self, who: &str, args: &M, nonce: u64) -> SignedTransaction {
        let builder_call = args.to_call().expect("arguments within the call limits");
        let key_of_who = self.key_of(who);
        let tx = govchain_types::Transaction {
            chain_id: govchain_types::BoundedString::new(CHAIN_ID).expect("short"),
            signer: key_of_who.public_key(),
            nonce,
            expires_at_height: self.height + 1000,
            payload: govchain_types::Payload::Call(builder_call),
        };
        SignedTransaction { signature: key_of_who.sign(&tx.sign_bytes()), tx }
    }

    /// The environment of the next block.
    pub fn env(&self) -> BlockEnv {
        BlockEnv {
            chain_id: CHAIN_ID.into(),
            suite: self.suite,
            height: self.height + 1,
            time_ms: START_MS + self.height * 1000 + self.time_offset_ms,
        }
    }

    /// Executes `txs` as the next block without applying it.
    pub fn execute(&self, txs: &[SignedTransaction], mode: Mode) -> Result<BlockOutput, BlockError> {
        let hashes: Vec<_> = txs.iter().map(|t| t.hash(self.suite)).collect();
        self.exec.execute_block(&self.env(), &self.state, txs, &hashes, mode)
    }

    /// Executes and applies the next block (validate mode: every transaction must be valid);
    /// returns the outcomes.
    ///
    /// # Panics
    /// When the block is invalid.
    pub fn block(&mut self, txs: &[SignedTransaction]) -> Vec<Outcome> {
        let out = self.execute(txs, Mode::Validate).expect("a valid block");
        for (k, v) in out.writes {
            match v {
                Some(v) => self.state.0.insert(k, v),
                None => self.state.0.remove(&k),
            };
        }
        self.height += 1;
        out.receipts.into_iter().map(|r| r.outcome).collect()
    }

    /// One transaction in its own block.
    pub fn run<M: Method>(&mut self, who: &str, args: &M) -> Outcome {
        let t = self.tx(who, args);
        self.block(&[t]).pop().expect("one receipt")
    }

    /// The admission check of `who` calling `args` against the current state.
    pub fn check<M: Method>(&self, who: &str, args: &M) -> Result<(), TxError> {
        let t = self.tx_with_nonce(who, args, *self.nonces.get(who).unwrap_or(&0));
        self.exec.check_tx(&self.env(), &self.state, &t, t.hash(self.suite))
    }

    /// A decoded state value.
    pub fn get<T: borsh::BorshDeserialize>(&self, key: &[u8]) -> Option<T> {
        self.state.0.get(key).map(|b| borsh::from_slice(b).expect("a decodable value"))
    }
}
