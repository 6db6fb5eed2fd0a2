//! `govchain init` (write a multi-node network) and `govchain testnet` (run one locally).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use govchain_types::Suite;

use crate::devnet::{self, NetworkSpec, NodeSpec, ORGS};
use govchain_sdk::cli::Ctx;

/// `govchain init` options.
#[derive(Args)]
pub struct InitArgs {
    /// Output directory: `node0…`, `keys/` (demo accounts) and `genesis.json`.
    #[arg(long)]
    out: PathBuf,
    /// Number of validators (each run by a department, round-robin).
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// Number of observer nodes (follow the chain, serve the API, do not vote).
    #[arg(long, default_value_t = 0)]
    observers: usize,
    /// Crypto suite: ed25519 or sm2.
    #[arg(long, default_value = "ed25519")]
    suite: String,
    /// Chain id.
    #[arg(long, default_value = "govchain-net")]
    chain_id: String,
    /// Node i listens on `<ip-prefix><i + ip-start>`.
    #[arg(long, default_value = "127.0.0.")]
    ip_prefix: String,
    /// Last octet of node 0's address.
    #[arg(long, default_value_t = 2)]
    ip_start: u8,
    /// API port of every node.
    #[arg(long, default_value_t = 8080)]
    api_port: u16,
    /// P2P port of every node.
    #[arg(long, default_value_t = 26656)]
    p2p_port: u16,
    /// Write keystores with an empty passphrase (development only); otherwise $GOVCHAIN_PASSPHRASE.
    #[arg(long)]
    insecure_empty_passphrase: bool,
}

/// `govchain testnet` options.
#[derive(Args)]
pub struct TestnetArgs {
    /// Directory of the network (created on first run).
    #[arg(long, default_value = ".govchain/testnet")]
    dir: PathBuf,
    /// Validators.
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// Observers.
    #[arg(long, default_value_t = 0)]
    observers: usize,
    /// Crypto suite of a new network.
    #[arg(long, default_value = "ed25519")]
    suite: String,
}

fn write(a: &InitArgs, passphrase: String) -> Result<()> {
    let suite = Suite::from_name(&a.suite).ok_or_else(|| eyre!("--suite must be ed25519 or sm2"))?;
    if a.validators == 0 || a.validators > 64 {
        bail!("--validators must be 1-64");
    }
    if a.out.join("node0").join("genesis.json").exists() {
        bail!("{} already holds a network", a.out.display());
    }
    let nodes = (0..a.validators + a.observers)
        .map(|i| {
            let ip = format!("{}{}", a.ip_prefix, a.ip_start as usize + i);
            let validator = i < a.validators;
            NodeSpec {
                name: if validator { format!("validator-{i}") } else { format!("observer-{}", i - a.validators) },
                home: a.out.join(format!("node{i}")),
                api: format!("{ip}:{}", a.api_port),
                p2p: format!("/ip4/{ip}/tcp/{}", a.p2p_port),
                validator,
                org: ORGS[i % ORGS.len()].0.into(),
            }
        })
        .collect::<Vec<_>>();
    let spec = NetworkSpec { chain_id: a.chain_id.clone(), suite, nodes, account_keys: a.out.join("keys"), passphrase };
    let genesis = devnet::write_network(&spec)?;
    std::fs::write(a.out.join("genesis.json"), serde_json::to_string_pretty(&genesis)?)?;
    for n in &spec.nodes {
        println!("{:<12} home {}  api http://{}  p2p {}", n.name, n.home.display(), n.api, n.p2p);
    }
    Ok(())
}

/// Writes a network.
pub fn init(_: &Ctx, a: InitArgs) -> Result<()> {
    let passphrase = match std::env::var("GOVCHAIN_PASSPHRASE") {
        Ok(p) if !p.is_empty() => p,
        _ if a.insecure_empty_passphrase => String::new(),
        _ => bail!("set GOVCHAIN_PASSPHRASE to encrypt the keys (or pass --insecure-empty-passphrase for development)"),
    };
    write(&a, passphrase)
}

struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn(home: &Path, log: &str) -> Result<Child> {
    let file = std::fs::File::create(home.join("node.log"))?;
    Command::new(std::env::current_exe()?)
        .args(["node", "--log", log])
        .env("GOVCHAIN_HOME", home)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .wrap_err("starting a node")
}

/// Creates (on first run) and runs a local network, one process per node.
pub async fn testnet(a: TestnetArgs) -> Result<()> {
    if !a.dir.join("node0").join("genesis.json").exists() {
        write(
            &InitArgs {
                out: a.dir.clone(),
                validators: a.validators,
                observers: a.observers,
                suite: a.suite.clone(),
                chain_id: "govchain-testnet".into(),
                ip_prefix: "127.0.0.".into(),
                ip_start: 2,
                api_port: 8080,
                p2p_port: 26656,
                insecure_empty_passphrase: true,
            },
            String::new(),
        )?;
        println!("WARNING: testnet keystores have an EMPTY passphrase (development only)");
    }
    let mut children = Children(Vec::new());
    let mut i = 0;
    while a.dir.join(format!("node{i}")).exists() {
        let home = a.dir.join(format!("node{i}"));
        children.0.push(spawn(&home, "info")?);
        i += 1;
    }
    println!("started {i} nodes; logs in {}/node*/node.log; Ctrl-C or SIGTERM stops them", a.dir.display());
    let signal = crate::cmd::node::stop_signal().await?;
    let n = children.0.len();
    drop(children);
    println!("{signal}: stopped {n} nodes");
    Ok(())
}
