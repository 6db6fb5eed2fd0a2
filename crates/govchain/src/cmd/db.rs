//! `govchain db check|backup|restore`: the whole chain store of a node's home — checked,
//! copied while the node runs, restored while it is stopped (docs/operations.md).

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use eyre::{Result, bail, eyre};
use govchain_sdk::cli::Ctx;

/// Store commands.
#[derive(Subcommand)]
pub enum DbCmd {
    /// (node stopped) Check every stored block: header links, state roots against the state
    /// tree, commit certificates against the validator sets, transactions and receipts against
    /// their roots, the transaction index. Exits 1 at the first damage found.
    Check,
    /// (node running) Write a consistent copy of the store as of one committed block, without
    /// stopping the node: asks the node over its admin socket (`run/admin.sock`).
    Backup {
        /// Directory for the copy (default: `<home>/backups`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// (node stopped) Rewrite the store file to return the pages pruning freed to the file
    /// system.
    Compact,
    /// (node stopped) Put a backup in place of the store: checks that it is a store of this
    /// chain's genesis, keeps the current store as `data/chain.redb.before-restore-<height>`,
    /// then checks every block of the restored store. The node resumes at the backup's height
    /// and takes later blocks from its peers.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

fn backup(home: &Path, out: Option<PathBuf>) -> Result<()> {
    let dir = out.unwrap_or_else(|| home.join("backups"));
    std::fs::create_dir_all(&dir)?;
    let dir = dir.canonicalize()?;
    let sock = govchain_node::admin::socket_path(home);
    let mut s = std::os::unix::net::UnixStream::connect(&sock)
        .map_err(|e| eyre!("cannot reach the node at {} ({e}): is it running from this home?", sock.display()))?;
    writeln!(s, "backup {}", dir.display())?;
    let mut answer = String::new();
    std::io::BufReader::new(s).read_line(&mut answer)?;
    let v: serde_json::Value = serde_json::from_str(&answer).map_err(|e| eyre!("bad answer {answer:?}: {e}"))?;
    if v["ok"] != true {
        bail!("backup failed: {}", v["error"].as_str().unwrap_or("unknown error"));
    }
    println!(
        "backup at height {} written to {} ({} bytes)",
        v["height"],
        v["path"].as_str().unwrap_or_default(),
        v["bytes"]
    );
    Ok(())
}

fn restore(ctx: &Ctx, file: &Path) -> Result<()> {
    let cfg = crate::cmd::node::load_config(&ctx.home, None)?;
    let (_, genesis_hash, _) = govchain_node::genesis::load(&cfg.genesis, &govchain_node::components())?;
    let info = govchain_storage::inspect(file).map_err(|e| eyre!("{} is not a readable store: {e}", file.display()))?;
    if info.genesis != genesis_hash.0 {
        bail!("{} is a store of another chain (its genesis is not this home's)", file.display());
    }
    let data = ctx.home.join("data");
    std::fs::create_dir_all(&data)?;
    let current = data.join("chain.redb");
    if current.exists() {
        // Fails while the node runs: redb holds the file locked.
        let now = govchain_storage::inspect(&current)
            .map_err(|e| eyre!("cannot open {} ({e}): stop the node first", current.display()))?;
        let aside = data.join(format!("chain.redb.before-restore-{}", now.height));
        std::fs::rename(&current, &aside)?;
        eprintln!("the store at height {} is kept as {}", now.height, aside.display());
    }
    std::fs::copy(file, &current)?;
    // The search index is rebuilt from the restored chain at the next start.
    let _ = std::fs::remove_dir_all(data.join("search"));
    let (chain, _) = govchain_node::open(&cfg)?;
    let c = chain.check_store(|_| {}).map_err(|e| eyre!("the restored store is damaged: {e}"))?;
    println!("restored height {} ({} heights and {} transactions checked)", info.height, c.heights, c.txs);
    Ok(())
}

/// Runs a store command.
pub fn run(ctx: &Ctx, c: DbCmd) -> Result<()> {
    match c {
        DbCmd::Backup { out } => backup(&ctx.home, out),
        DbCmd::Restore { file } => restore(ctx, &file),
        DbCmd::Compact => {
            let path = ctx.home.join("data").join("chain.redb");
            let before = std::fs::metadata(&path)?.len();
            govchain_storage::compact(&path).map_err(|e| eyre!("{e} (stop the node first)"))?;
            println!(
                "compacted {}: {} MiB → {} MiB",
                path.display(),
                before >> 20,
                std::fs::metadata(&path)?.len() >> 20
            );
            Ok(())
        }
        DbCmd::Check => {
            let cfg = crate::cmd::node::load_config(&ctx.home, None)?;
            let (chain, _) = match govchain_node::open(&cfg) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("DAMAGED: {e:#}");
                    std::process::exit(1);
                }
            };
            let tip = chain.tip().height;
            let bar = indicatif::ProgressBar::new(tip);
            let result = chain.check_store(|h| bar.set_position(h));
            bar.finish_and_clear();
            match result {
                Ok(c) => {
                    println!("store OK: {} heights and {} transactions checked", c.heights, c.txs);
                    Ok(())
                }
                Err(e) => {
                    eprintln!("DAMAGED: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
}
