//! A one-validator chain in a temporary home, for the node's in-process tests: its genesis
//! (organisation `town` with an admin and a clerk), its config, and a driver that commits blocks
//! without the consensus engine (as `govchain bench-certs` seeds), signing each commit
//! certificate with the validator's key.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use govchain_api::NodeApi;
use govchain_component::{Component, Genesis, GenesisValidator};
use govchain_crypto::files;
use govchain_crypto::keystore::{KdfParams, Keystore};
use govchain_crypto::{Algorithm, SecretKey};
use govchain_identity::{AccountKind, GenesisAccount, IdentityGenesis, OrgKind, Organisation, Role};
use govchain_node::service::NodeService;
use govchain_node::{Chain, NodeConfig};
use govchain_sdk::TxBuilder;
use govchain_types::bounded::BoundedVec;
use govchain_types::{CommitCertificate, CommitSignature, Hash32, Method, SignedTransaction, Suite, VoteKind};

pub const SUITE: Suite = Suite::Ed25519Sha256;
pub const CHAIN_ID: &str = "node-test";

/// The key of a test account or the validator: a fixed function of its label.
pub fn key(label: &str) -> SecretKey {
    let mut seed = [0u8; 32];
    seed[..label.len()].copy_from_slice(label.as_bytes());
    SecretKey::from_seed(Algorithm::Ed25519, seed)
}

/// The genesis: organisation `town` (admin `town-admin`, clerk `town-clerk` holding `clerk`
/// with `clerk_permissions`), one validator run by `town`.
pub fn genesis(clerk_permissions: &[&str]) -> Genesis {
    let mut g = Genesis {
        chain_id: CHAIN_ID.into(),
        suite: SUITE,
        genesis_time_ms: 1_700_000_000_000,
        params: Default::default(),
        validators: vec![GenesisValidator {
            name: "v".into(),
            public_key: key("validator").public_key(),
            voting_power: 1,
            org: "town".into(),
        }],
        sections: Default::default(),
    };
    let identity = IdentityGenesis {
        organisations: vec![Organisation {
            id: "town".into(),
            name: "Town hall".into(),
            kind: OrgKind::Government,
            admins: vec![key("town-admin").public_key().address(SUITE)],
            roles: vec![Role {
                name: "clerk".into(),
                permissions: clerk_permissions.iter().map(|p| p.to_string()).collect(),
            }],
            active: true,
        }],
        accounts: ["town-admin", "town-clerk"]
            .iter()
            .map(|l| GenesisAccount {
                label: l.to_string(),
                public_key: key(l).public_key(),
                kind: AccountKind::Official,
                org: "town".into(),
                roles: if *l == "town-clerk" { vec!["clerk".into()] } else { vec![] },
            })
            .collect(),
    };
    g.set_section("identity", &identity).expect("section");
    g
}

/// Writes a node home for `genesis` (API on `api`, p2p on `p2p`) and returns its checked config.
pub fn write_home(dir: &Path, genesis: &Genesis, api: &str, p2p: &str) -> NodeConfig {
    files::write_private(&dir.join("keys/p2p.key"), hex::encode([9u8; 32]).as_bytes()).expect("p2p key");
    let ks = Keystore::encrypt("validator", &key("validator"), "", KdfParams::default()).expect("keystore");
    files::write_private(&dir.join("keys/validator.json"), ks.to_json().as_bytes()).expect("validator key");
    std::fs::write(dir.join("genesis.json"), serde_json::to_vec_pretty(genesis).expect("json")).expect("genesis");
    let config = format!(
        "moniker = \"test\"\ngenesis = \"genesis.json\"\n[api]\nlisten = \"{api}\"\nportal = false\n[p2p]\nlisten = \"{p2p}\"\npersistent_peers = []\n[keys]\nvalidator = \"keys/validator.json\"\np2p = \"keys/p2p.key\"\n[block]\nmin_interval_ms = 1\nempty_interval_ms = 1\n"
    );
    std::fs::write(dir.join("config.toml"), config).expect("config");
    govchain_node::RawConfig::load(&dir.join("config.toml")).expect("config").check(dir).expect("valid config")
}

/// A chain driven block by block, without consensus.
pub struct Driver {
    pub chain: Arc<Chain>,
    pub service: Arc<NodeService>,
    pub builder: TxBuilder,
    _dir: tempfile::TempDir,
}

impl Driver {
    /// A fresh chain with `genesis` and `components`.
    pub fn open(genesis: &Genesis, components: &[Arc<dyn Component>]) -> Driver {
        let dir = tempfile::tempdir().expect("tmp");
        let cfg = write_home(dir.path(), genesis, "127.0.0.1:0", "/ip4/127.0.0.1/tcp/0");
        let (chain, _) = govchain_node::open_with(&cfg, components).expect("open");
        let service = Arc::new(NodeService::new(chain.clone()));
        Driver { chain, service, builder: TxBuilder::new(CHAIN_ID, SUITE), _dir: dir }
    }

    /// The validator's address (the proposer of every block).
    pub fn proposer(&self) -> govchain_types::Address {
        key("validator").public_key().address(SUITE)
    }

    /// `who` signing `args` with `nonce`, expiring 100 blocks ahead.
    pub fn tx<M: Method>(&self, who: &str, nonce: u64, args: &M) -> SignedTransaction {
        self.builder.call(&key(who), nonce, self.chain.tip().height + 100, args).expect("sign")
    }

    /// Admits transactions; returns each one's result code (`ok` or the error code).
    pub fn submit(&self, txs: &[SignedTransaction]) -> Vec<String> {
        let items = txs.iter().map(|t| (t.clone(), t.encode().len())).collect();
        self.service
            .submit(items, true)
            .into_iter()
            .map(|r| r.map(|_| "ok".to_string()).unwrap_or_else(|e| e.code))
            .collect()
    }

    /// Builds the next block from the pool (not committed).
    pub async fn build(&self) -> (Hash32, Vec<u8>) {
        let height = self.chain.tip().height + 1;
        self.chain.build(height, self.proposer(), Instant::now() + Duration::from_secs(5)).await.expect("build")
    }

    /// Checks proposed block bytes for the next height: Ok, or the reason it is invalid.
    pub async fn check(&self, bytes: Vec<u8>) -> Result<(), String> {
        let height = self.chain.tip().height + 1;
        let (_, verdict) = self.chain.check(height, bytes, self.proposer(), false).await.expect("a block");
        verdict
    }

    /// Builds and commits the next block (with a certificate signed by the validator).
    pub async fn commit_next(&self) -> Hash32 {
        let (hash, _) = self.build().await;
        self.commit(hash).await;
        hash
    }

    /// Commits a block the chain has already built or checked.
    pub async fn commit(&self, hash: Hash32) {
        let height = self.chain.tip().height + 1;
        let msg = govchain_types::vote_sign_bytes(CHAIN_ID, height, 0, VoteKind::Precommit, Some(hash));
        let sig = CommitSignature { validator: self.proposer(), signature: key("validator").sign(&msg) };
        let cert = CommitCertificate {
            height,
            round: 0,
            block_hash: hash,
            signatures: BoundedVec::new(vec![sig]).expect("one"),
        };
        self.chain.commit(cert).await.expect("commit");
    }
}
