//! `govchain`: the node and the command-line interface in one binary.

mod cmd;
mod devevm;
mod devflow;
mod devnet;
mod devshare;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use govchain_sdk::cli::{Ctx, ModuleCli};

/// Options of every command.
#[derive(Args)]
struct Globals {
    /// Node home directory (keys, genesis, data).
    #[arg(long, global = true, env = "GOVCHAIN_HOME", default_value = ".govchain/dev")]
    home: std::path::PathBuf,
    /// API of the node to talk to.
    #[arg(long, global = true, env = "GOVCHAIN_API", default_value = "http://127.0.0.1:8080")]
    api: String,
    /// Log filter (e.g. `info`, `govchain=debug`).
    #[arg(long, global = true, env = "GOVCHAIN_LOG", default_value = "info")]
    log: String,
}

/// GovChain: a permissioned blockchain for government services. Besides the commands below,
/// every component of the chain adds its own (`records`, `identity`, `cert`, `governance`, …).
#[derive(Parser)]
#[command(name = "govchain", version, about)]
struct Cli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a one-validator development chain with demo departments (creates it on first run).
    Dev(cmd::node::DevArgs),
    /// Run a node from its home directory.
    Node(cmd::node::NodeArgs),
    /// Write a multi-node network: genesis, one home per node, demo accounts' keys.
    Init(cmd::network::InitArgs),
    /// Create (first run) and run a local network of validator processes on 127.0.0.x.
    Testnet(cmd::network::TestnetArgs),
    /// Manage encrypted keys.
    #[command(subcommand)]
    Keys(cmd::keys::KeysCmd),
    /// Check the chain store of a node's home (the node stopped).
    #[command(subcommand)]
    Db(cmd::db::DbCmd),
    /// State snapshots: export one from a running node, import one into a new node's home.
    #[command(subcommand)]
    Snapshot(cmd::snapshot::SnapshotCmd),
    /// Chain status.
    Status,
    /// Show a block (latest by default).
    Block {
        /// Height.
        height: Option<u64>,
    },
    /// Transaction status, receipt and proof.
    #[command(subcommand)]
    Tx(cmd::query::TxCmd),
    /// Authenticated state.
    #[command(subcommand)]
    State(cmd::query::StateCmd),
    /// Verify a proof bundle offline against the genesis.
    Verify(cmd::verify::VerifyArgs),
    /// Load a running chain with signed record publications and report throughput and latency.
    Bench(cmd::bench::BenchArgs),
    /// Certificate status checks with proofs at 10 000 and 1 000 000 certificates.
    BenchCerts(cmd::bench_certs::BenchCertsArgs),
    /// Benchmark state sync: a new observer of a chain with 1,000,000 certificates in 100,000
    /// blocks serving verified proofs from a snapshot, against replaying every block.
    BenchSync(cmd::bench_sync::BenchSyncArgs),
    /// Benchmark data sharing: access round trips at 100 concurrent requests, receipts per
    /// second beside the records bench, and "who used my data" for a citizen with 1,000 of
    /// 1,000,000 receipts (answer and verification times).
    BenchData(cmd::bench_data::BenchDataArgs),
    /// Benchmark approval workflows: business-licence applications decided by their rules at an offered rate.
    BenchWorkflow(cmd::bench_workflow::BenchWorkflowArgs),
    /// Benchmark votes: ballots cast per second, and the tally and independent recount of 100,000 ballots.
    BenchVote(cmd::bench_vote::BenchVoteArgs),
    /// Benchmark: ERC-20-style transfers signed with secp256k1, sent with eth_sendRawTransaction
    BenchEvm(cmd::bench_evm::BenchEvmArgs),
}

/// Drops the engine's `NoPeersSubscribedToTopic` errors: a validator alone (the dev chain), or one
/// whose peers are still connecting, has nobody to gossip to; that is not an operator problem.
struct DropNoPeerNoise;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for DropNoPeerNoise {
    fn event_enabled(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) -> bool {
        struct Find(bool);
        impl tracing::field::Visit for Find {
            fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if format!("{value:?}").contains("NoPeersSubscribedToTopic") {
                    self.0 = true;
                }
            }
        }
        let mut f = Find(false);
        event.record(&mut f);
        !f.0
    }
}

fn init_logging(filter: &str) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::EnvFilter::try_new(format!(
        "{filter},libp2p=warn,libp2p_gossipsub=error,informalsystems_malachitebft=warn,arc_malachitebft_network=error,arc_malachitebft_engine=warn,arc_malachitebft_sync=warn,arc_malachitebft_core_consensus=warn,ractor=warn"
    ))
    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(DropNoPeerNoise)
        .with(tracing_subscriber::fmt::layer().with_target(false).with_writer(std::io::stderr))
        .init();
}

/// The core commands and every component's commands, in one command line.
fn command(modules: &[Box<dyn ModuleCli>]) -> clap::Command {
    modules.iter().fold(Cli::command(), |c, m| c.subcommand(m.command()))
}

fn main() {
    let modules: Vec<Box<dyn ModuleCli>> = govchain_node::components().iter().filter_map(|c| c.cli()).collect();
    let matches = command(&modules).get_matches();
    if let Err(e) = run(&modules, &matches) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(modules: &[Box<dyn ModuleCli>], matches: &clap::ArgMatches) -> eyre::Result<()> {
    let globals = Globals::from_arg_matches(matches)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let ctx = Ctx { home: globals.home, api: globals.api };
    if let Some((name, sub)) = matches.subcommand()
        && let Some(m) = modules.iter().find(|m| m.command().get_name() == name)
    {
        return runtime.block_on(m.run(&ctx, sub));
    }
    let cli = Cli::from_arg_matches(matches)?;
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Dev(a) => {
                init_logging(&cli.globals.log);
                cmd::node::dev(&ctx, a).await
            }
            Command::Node(a) => {
                init_logging(&cli.globals.log);
                cmd::node::node(&ctx, a).await
            }
            Command::Init(a) => cmd::network::init(&ctx, a),
            Command::Testnet(a) => cmd::network::testnet(a).await,
            Command::Keys(c) => cmd::keys::run(&ctx, c),
            Command::Db(c) => cmd::db::run(&ctx, c),
            Command::Snapshot(c) => {
                init_logging("warn");
                cmd::snapshot::run(&ctx, c).await
            }
            Command::Status => cmd::query::status(&ctx).await,
            Command::Block { height } => cmd::query::block(&ctx, height).await,
            Command::Tx(c) => cmd::query::tx(&ctx, c).await,
            Command::State(c) => cmd::query::state(&ctx, c).await,
            Command::Verify(a) => cmd::verify::run(&ctx, a),
            Command::Bench(a) => cmd::bench::run(&ctx, a).await.map(|_| ()),
            Command::BenchSync(a) => {
                init_logging("warn");
                cmd::bench_sync::run(a).await
            }
            Command::BenchData(a) => {
                init_logging("warn");
                cmd::bench_data::run(&ctx, a).await
            }
            Command::BenchWorkflow(a) => {
                init_logging("warn");
                cmd::bench_workflow::run(&ctx, a).await
            }
            Command::BenchVote(a) => {
                init_logging("warn");
                cmd::bench_vote::run(a).await
            }
            Command::BenchEvm(a) => {
                init_logging("warn");
                cmd::bench_evm::run(&ctx, a).await
            }
            Command::BenchCerts(a) => {
                init_logging("warn");
                cmd::bench_certs::run(&ctx, a).await
            }
        }
    });
    // Background threads (the search index follower waits for the next block) are not waited
    // for: every committed block is already durable when a command returns.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    result
}
