//! `govchain db check`: verifies the whole chain store of a node's home.

use clap::Subcommand;
use eyre::Result;
use govchain_sdk::cli::Ctx;

/// Store commands (run with the node stopped).
#[derive(Subcommand)]
pub enum DbCmd {
    /// Check every stored block: header links, state roots against the state tree, commit
    /// certificates against the validator sets, transactions and receipts against their roots,
    /// the transaction index. Exits 1 at the first damage found.
    Check,
}

/// Runs a store command.
pub fn run(ctx: &Ctx, c: DbCmd) -> Result<()> {
    match c {
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
