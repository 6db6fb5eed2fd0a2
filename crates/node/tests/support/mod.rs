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
    pub cfg: NodeConfig,
    pub dir: tempfile::TempDir,
}

impl Driver {
    /// A fresh chain with `genesis` and `components`.
    pub fn open(genesis: &Genesis, components: &[Arc<dyn Component>]) -> Driver {
        let dir = tempfile::tempdir().expect("tmp");
        let cfg = write_home(dir.path(), genesis, "127.0.0.1:0", "/ip4/127.0.0.1/tcp/0");
        let (chain, _) = govchain_node::open_with(&cfg, components).expect("open");
        let service = Arc::new(NodeService::new(chain.clone()));
        Driver { chain, service, builder: TxBuilder::new(CHAIN_ID, SUITE), cfg, dir }
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
        let cert = self.certificate(self.chain.tip().height + 1, hash);
        self.chain.commit(cert).await.expect("commit");
    }

    /// A round-0 commit certificate for `hash` at `height`, signed by the validator.
    pub fn certificate(&self, height: u64, hash: Hash32) -> CommitCertificate {
        let msg = govchain_types::vote_sign_bytes(CHAIN_ID, height, 0, VoteKind::Precommit, Some(hash));
        let sig = CommitSignature { validator: self.proposer(), signature: key("validator").sign(&msg) };
        CommitCertificate { height, round: 0, block_hash: hash, signatures: BoundedVec::new(vec![sig]).expect("one") }
    }
}

/// The genesis of an `n`-validator network run by `town` (validators `validator-0` …), with
/// `params` as the chain parameters.
pub fn network_genesis(n: usize, params: govchain_execution::ChainParams) -> Genesis {
    let mut g = genesis(&["records.*"]);
    g.params = params;
    g.validators = (0..n)
        .map(|i| GenesisValidator {
            name: format!("validator-{i}"),
            public_key: key(&format!("validator-{i}")).public_key(),
            voting_power: 1,
            org: "town".into(),
        })
        .collect();
    g
}

/// Homes for the validators of `genesis` on 127.0.0.`first_ip`…, each a persistent peer of the
/// others and relaying client transactions to them; short consensus timeouts.
pub fn write_network(dir: &Path, genesis: &Genesis, first_ip: u8) -> Vec<NodeConfig> {
    let keys: Vec<usize> = (0..genesis.validators.len()).collect();
    write_nodes(dir, genesis, first_ip, &keys)
}

/// Homes for nodes on 127.0.0.`first_ip`…, node `i` signing with validator `keys[i]`'s key (two
/// nodes sharing a key make a validator that votes twice).
pub fn write_nodes(dir: &Path, genesis: &Genesis, first_ip: u8, keys: &[usize]) -> Vec<NodeConfig> {
    let n = keys.len();
    let ip = |i: usize| format!("127.0.0.{}", first_ip as usize + i);
    let seed = |i: usize| [first_ip.wrapping_add(i as u8).wrapping_add(1); 32];
    let peers: Vec<String> = (0..n)
        .map(|i| format!("/ip4/{}/tcp/28800/p2p/{}", ip(i), govchain_node::peer_id(seed(i)).expect("peer id")))
        .collect();
    (0..n)
        .map(|i| {
            let home = dir.join(format!("node{i}"));
            files::write_private(&home.join("keys/p2p.key"), hex::encode(seed(i)).as_bytes()).expect("p2p key");
            let ks = Keystore::encrypt("validator", &key(&format!("validator-{}", keys[i])), "", KdfParams::default())
                .expect("keystore");
            files::write_private(&home.join("keys/validator.json"), ks.to_json().as_bytes()).expect("key");
            std::fs::write(home.join("genesis.json"), serde_json::to_vec_pretty(genesis).expect("json"))
                .expect("genesis");
            let quote = |v: Vec<String>| v.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
            let others = |f: &dyn Fn(usize) -> String| quote((0..n).filter(|j| *j != i).map(f).collect());
            let config = format!(
                "moniker = \"v{i}\"\ngenesis = \"genesis.json\"\n[api]\nlisten = \"{}:18800\"\nportal = false\n\
                 [p2p]\nlisten = \"/ip4/{}/tcp/28800\"\npersistent_peers = [{}]\n\
                 [keys]\nvalidator = \"keys/validator.json\"\np2p = \"keys/p2p.key\"\n\
                 [block]\nmin_interval_ms = 20\nempty_interval_ms = 200\n\
                 [mempool]\nforward_to = [{}]\n\
                 [consensus]\ntimeout_propose_ms = 800\ntimeout_prevote_ms = 300\ntimeout_precommit_ms = 300\n",
                ip(i),
                ip(i),
                others(&|j| peers[j].clone()),
                others(&|j| format!("http://{}:18800", ip(j))),
            );
            std::fs::write(home.join("config.toml"), config).expect("config");
            govchain_node::RawConfig::load(&home.join("config.toml")).expect("config").check(&home).expect("valid")
        })
        .collect()
}
