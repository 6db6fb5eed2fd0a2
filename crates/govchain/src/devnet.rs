//! Writing networks: the development chain's home (one validator, four demo departments with
//! officials and roles, a citizen and a business, development keystores with an empty
//! passphrase) and multi-node networks for `govchain init` and `govchain testnet`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use eyre::Result;
use govchain_crypto::files;
use govchain_crypto::keystore::{KdfParams, Keystore};
use govchain_crypto::{Algorithm, SecretKey};
use govchain_identity::{AccountKind, GenesisAccount, IdentityGenesis, OrgKind, Organisation, Role};
use govchain_node::{ChainParams, Genesis, GenesisValidator};
use govchain_types::Suite;
use rand::RngCore;

/// A demo account: key name, organisation, kind, roles, admin of its organisation.
pub struct DemoAccount {
    /// Key name (file `keys/<name>.json`).
    pub name: &'static str,
    /// Organisation.
    pub org: &'static str,
    /// Kind.
    pub kind: AccountKind,
    /// Roles.
    pub roles: &'static [&'static str],
    /// Whether it administers its organisation.
    pub admin: bool,
}

/// Demo departments: (id, bilingual name).
pub const ORGS: &[(&str, &str)] = &[
    ("finance", "财政局 Finance Bureau"),
    ("market", "市场监督管理局 Market Regulation Administration"),
    ("police", "公安局 Public Security Bureau"),
    ("education", "教育局 Education Bureau"),
    ("hrss", "人力资源和社会保障局 Human Resources and Social Security Bureau"),
    ("civil-affairs", "民政局 Civil Affairs Bureau"),
    ("audit", "审计局 Audit Office"),
];

/// Demo accounts.
pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        name: "finance-admin",
        org: "finance",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: true,
    },
    DemoAccount {
        name: "finance-officer",
        org: "finance",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: false,
    },
    DemoAccount { name: "finance-clerk", org: "finance", kind: AccountKind::Official, roles: &[], admin: false },
    DemoAccount {
        name: "market-admin",
        org: "market",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier", "process-designer", "contract-developer"],
        admin: true,
    },
    DemoAccount {
        name: "market-officer",
        org: "market",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier", "licensing"],
        admin: false,
    },
    DemoAccount {
        name: "market-worker",
        org: "market",
        kind: AccountKind::Official,
        roles: &["job-worker"],
        admin: false,
    },
    DemoAccount {
        name: "police-admin",
        org: "police",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: true,
    },
    DemoAccount {
        name: "police-officer",
        org: "police",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: false,
    },
    DemoAccount {
        name: "education-admin",
        org: "education",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: true,
    },
    DemoAccount {
        name: "education-officer",
        org: "education",
        kind: AccountKind::Official,
        roles: &["publisher", "certifier"],
        admin: false,
    },
    DemoAccount { name: "hrss-admin", org: "hrss", kind: AccountKind::Official, roles: &["data-officer"], admin: true },
    DemoAccount {
        name: "hrss-exchange",
        org: "hrss",
        kind: AccountKind::Official,
        roles: &["data-exchange"],
        admin: false,
    },
    DemoAccount {
        name: "civil-admin",
        org: "civil-affairs",
        kind: AccountKind::Official,
        roles: &["data-officer", "vote-organiser", "tender-officer", "consultation-officer"],
        admin: true,
    },
    DemoAccount {
        name: "civil-caseworker",
        org: "civil-affairs",
        kind: AccountKind::Official,
        roles: &["caseworker"],
        admin: false,
    },
    DemoAccount {
        name: "civil-exchange",
        org: "civil-affairs",
        kind: AccountKind::Official,
        roles: &["data-exchange"],
        admin: false,
    },
    DemoAccount { name: "auditor", org: "audit", kind: AccountKind::Official, roles: &["data-auditor"], admin: true },
    DemoAccount { name: "citizen-demo", org: "police", kind: AccountKind::Citizen, roles: &[], admin: false },
    DemoAccount { name: "business-demo", org: "market", kind: AccountKind::Business, roles: &[], admin: false },
];

fn roles() -> Vec<Role> {
    vec![
        Role {
            name: "certifier".into(),
            permissions: vec![
                "certificates.define_type".into(),
                "certificates.issue".into(),
                "certificates.revoke".into(),
            ],
        },
        Role {
            name: "publisher".into(),
            permissions: vec!["records.publish".into(), "records.amend".into(), "records.withdraw".into()],
        },
        Role { name: "data-officer".into(), permissions: vec!["datashare.*".into()] },
        Role { name: "process-designer".into(), permissions: vec!["workflow.deploy".into()] },
        Role { name: "licensing".into(), permissions: vec![] },
        Role { name: "contract-developer".into(), permissions: vec!["evm.deploy".into()] },
        Role { name: "vote-organiser".into(), permissions: vec!["vote.create".into()] },
        Role { name: "tender-officer".into(), permissions: vec!["tender.create".into()] },
        Role {
            name: "consultation-officer".into(),
            permissions: vec!["consult.create".into(), "consult.respond".into()],
        },
        Role {
            name: "job-worker".into(),
            permissions: vec!["workflow.report".into(), "certificates.issue".into(), "records.publish".into()],
        },
        Role { name: "caseworker".into(), permissions: vec!["datashare.request".into()] },
        Role { name: "data-auditor".into(), permissions: vec!["datashare.audit".into()] },
        Role {
            name: "data-exchange".into(),
            permissions: vec!["datashare.deliver".into(), "datashare.request".into()],
        },
    ]
}

/// One node of a network to write.
pub struct NodeSpec {
    /// Node name (moniker).
    pub name: String,
    /// Home directory.
    pub home: PathBuf,
    /// API listen address.
    pub api: String,
    /// P2P listen multiaddr.
    pub p2p: String,
    /// Validator (true) or observer (false).
    pub validator: bool,
    /// Operating organisation (validators).
    pub org: String,
}

/// A network to write: genesis, one home per node, and the demo accounts' keys.
pub struct NetworkSpec {
    /// Chain id.
    pub chain_id: String,
    /// Suite.
    pub suite: Suite,
    /// Nodes.
    pub nodes: Vec<NodeSpec>,
    /// Directory for the demo accounts' keystores (`<dir>/<name>.json`).
    pub account_keys: PathBuf,
    /// Passphrase of every keystore written (empty: development only).
    pub passphrase: String,
}

fn write_key(dir: &Path, name: &str, key: &SecretKey, passphrase: &str) -> Result<()> {
    let ks = Keystore::encrypt(name, key, passphrase, KdfParams::default())?;
    files::write_private(&dir.join(format!("{name}.json")), ks.to_json().as_bytes())?;
    Ok(())
}

fn config_toml(n: &NodeSpec, peers: &[String], forward_to: &[String]) -> String {
    let quote = |v: &[String]| v.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
    format!(
        "# GovChain node configuration.\nmoniker = \"{}\"\ngenesis = \"genesis.json\"\n\n[api]\nlisten = \"{}\"\nportal = true\n\n[p2p]\nlisten = \"{}\"\npersistent_peers = [{}]\n\n[keys]\nvalidator = \"{}\"\np2p = \"keys/p2p.key\"\n\n[block]\nmin_interval_ms = 50\nempty_interval_ms = 1000\n\n[mempool]\nforward_to = [{}]\n",
        n.name,
        n.api,
        n.p2p,
        quote(peers),
        if n.validator { "keys/validator.json" } else { "" },
        quote(forward_to),
    )
}

/// Writes every node's home (config, genesis, validator and p2p keys) and the demo accounts'
/// keystores. Returns the genesis.
pub fn write_network(spec: &NetworkSpec) -> Result<Genesis> {
    let alg: Algorithm = spec.suite.default_algorithm();
    let mut validators = Vec::new();
    let mut peer_addrs = Vec::new();
    for n in &spec.nodes {
        let keys = n.home.join("keys");
        files::private_dir(&keys)?;
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        files::write_private(&keys.join("p2p.key"), hex::encode(seed).as_bytes())?;
        peer_addrs.push(format!("{}/p2p/{}", n.p2p, govchain_node::peer_id(seed)?));
        if n.validator {
            let k = SecretKey::generate(alg);
            write_key(&keys, "validator", &k, &spec.passphrase)?;
            validators.push(GenesisValidator {
                name: n.name.clone(),
                public_key: k.public_key(),
                voting_power: 1,
                org: n.org.clone(),
            });
        }
    }
    let mut pseudonym_secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut pseudonym_secret);
    files::private_dir(&spec.account_keys)?;
    files::write_private(&spec.account_keys.join("pseudonym.secret"), hex::encode(pseudonym_secret).as_bytes())?;
    let mut accounts = Vec::new();
    let mut admins: Vec<(&str, govchain_types::Address)> = Vec::new();
    for a in ACCOUNTS {
        let k = SecretKey::generate(alg);
        write_key(&spec.account_keys, a.name, &k, &spec.passphrase)?;
        let pk = k.public_key();
        if a.admin {
            admins.push((a.org, pk.address(spec.suite)));
        }
        accounts.push(GenesisAccount {
            label: a.name.into(),
            public_key: pk,
            kind: a.kind,
            org: a.org.into(),
            roles: a.roles.iter().map(|r| r.to_string()).collect(),
        });
    }
    let organisations = ORGS
        .iter()
        .map(|(id, name)| Organisation {
            id: id.to_string(),
            name: name.to_string(),
            kind: OrgKind::Government,
            admins: admins.iter().filter(|(o, _)| o == id).map(|(_, a)| *a).collect(),
            roles: roles(),
            active: true,
        })
        .collect();
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
    let mut genesis = Genesis {
        chain_id: spec.chain_id.clone(),
        suite: spec.suite,
        genesis_time_ms: now,
        params: ChainParams::default(),
        validators,
        sections: Default::default(),
    };
    genesis.set_section(govchain_identity::MODULE, &IdentityGenesis { organisations, accounts })?;
    genesis.set_section(govchain_governance::MODULE, &govchain_governance::GovConfig::default())?;
    govchain_node::genesis::state(&genesis, &govchain_node::components())?;
    let json = serde_json::to_string_pretty(&genesis)?;
    for (i, n) in spec.nodes.iter().enumerate() {
        std::fs::write(n.home.join("genesis.json"), &json)?;
        let peers: Vec<String> =
            peer_addrs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| p.clone()).collect();
        let forward_to: Vec<String> = spec
            .nodes
            .iter()
            .filter(|m| m.validator && m.name != n.name)
            .map(|m| format!("http://{}", m.api))
            .collect();
        std::fs::write(n.home.join("config.toml"), config_toml(n, &peers, &forward_to))?;
    }
    Ok(genesis)
}

/// Writes a development home (one validator, the demo accounts' keys beside it, empty
/// passphrases) unless it already has a genesis. Returns true when it was created.
pub fn create(home: &Path, suite: Suite, api: &str, p2p: &str) -> Result<bool> {
    if home.join("genesis.json").exists() {
        return Ok(false);
    }
    write_network(&NetworkSpec {
        chain_id: "govchain-dev".into(),
        suite,
        nodes: vec![NodeSpec {
            name: "dev-validator".into(),
            home: home.to_path_buf(),
            api: api.into(),
            p2p: p2p.into(),
            validator: true,
            org: "finance".into(),
        }],
        account_keys: home.join("keys"),
        passphrase: String::new(),
    })?;
    // The dev node runs both demo bureaus' data exchanges, with their exchange keys.
    for name in ["hrss-exchange-key", "civil-exchange-key"] {
        write_key(&home.join("keys"), name, &SecretKey::generate(suite.default_algorithm()), "")?;
    }
    let mut cfg = std::fs::read_to_string(home.join("config.toml"))?;
    cfg.push_str(&crate::devshare::config_toml(api));
    cfg.push_str(crate::devflow::CONFIG_TOML);
    std::fs::write(home.join("config.toml"), cfg)?;
    Ok(true)
}

/// A demo certificate type defined on a fresh dev chain.
pub struct DemoType {
    /// Key that defines it.
    pub key: &'static str,
    /// Type id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Fields as `name:kind[:required]`.
    pub fields: &'static [&'static str],
    /// Issuing organisations.
    pub issuers: &'static [&'static str],
    /// Default validity (days).
    pub days: u32,
}

/// Demo certificate types defined on a fresh dev chain.
pub const DEMO_TYPES: &[DemoType] = &[
    DemoType {
        key: "market-admin",
        id: "business-licence",
        name: "营业执照 Business Licence",
        fields: &[
            "company_name:text:required",
            "registration_number:text:required",
            "legal_representative:text:required",
            "business_scope:text",
            "established:date",
        ],
        issuers: &["market"],
        days: 1825,
    },
    DemoType {
        key: "education-admin",
        id: "diploma",
        name: "毕业证书 Diploma",
        fields: &[
            "holder_name:text:required",
            "birth_date:date:required",
            "degree:text:required",
            "major:text:required",
            "graduation_date:date:required",
        ],
        issuers: &["education"],
        days: 36500,
    },
    DemoType {
        key: "police-admin",
        id: "resident-id",
        name: "居民身份证明 Resident identity",
        fields: &["name:text:required", "birth_date:date:required"],
        issuers: &["police"],
        days: 3650,
    },
];

/// Demo public records published on a fresh dev chain: (key, category, title, body, tags).
pub const DEMO_RECORDS: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "finance-officer",
        "budget",
        "2027年市级部门预算公开 2027 Municipal Department Budget",
        "市财政局公开2027年市级部门预算，一般公共预算支出合计128.6亿元，其中教育支出31.2亿元。The Finance Bureau discloses the 2027 municipal budget: general public expenditure of 12.86 billion yuan, of which education 3.12 billion.",
        &["预算", "budget", "2027"],
    ),
    (
        "market-officer",
        "penalty",
        "行政处罚决定书 市监罚〔2026〕15号 Administrative Penalty Decision No. 15",
        "某食品公司销售过期食品，依据《食品安全法》第一百二十四条，处罚款五万元。A food company sold expired food; under Article 124 of the Food Safety Law it is fined 50,000 yuan.",
        &["食品安全", "food-safety"],
    ),
    (
        "finance-officer",
        "procurement",
        "政府采购公告：办公设备采购项目 Procurement Notice: Office Equipment",
        "采购预算金额86万元，投标截止时间为2026年12月20日。Budget 860,000 yuan; bids close on 20 December 2026.",
        &["采购", "procurement"],
    ),
    (
        "police-officer",
        "notice",
        "户籍业务办理时间调整公告 Notice on Household Registration Service Hours",
        "自2026年12月1日起，户籍窗口周六上午开放。From 1 December 2026 the household registration counter opens on Saturday mornings.",
        &["户籍", "service-hours"],
    ),
];
