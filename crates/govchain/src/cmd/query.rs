//! `govchain status | block | tx | state`.

use clap::Subcommand;
use eyre::{Result, eyre};
use govchain_types::Hash32;

use govchain_sdk::cli::{Ctx, print_json};

/// Transaction queries.
#[derive(Subcommand)]
pub enum TxCmd {
    /// Status and receipt.
    Status {
        /// Transaction id.
        hash: String,
    },
    /// Save a proof bundle of the transaction and its receipt.
    Proof {
        /// Transaction id.
        hash: String,
        /// Output file.
        #[arg(long, short)]
        out: std::path::PathBuf,
    },
}

/// State queries.
#[derive(Subcommand)]
pub enum StateCmd {
    /// Save a proof bundle of a state key (present or absent).
    Proof {
        /// The key as text (e.g. `records/head/finance-000001`) or `0x`-prefixed hex.
        key: String,
        /// Height (latest by default).
        #[arg(long)]
        height: Option<u64>,
        /// Output file.
        #[arg(long, short)]
        out: std::path::PathBuf,
    },
}

fn hash(s: &str) -> Result<Hash32> {
    Hash32::from_hex(s).ok_or_else(|| eyre!("expected a 64-hex-character transaction id"))
}

/// `govchain status`.
pub async fn status(ctx: &Ctx) -> Result<()> {
    print_json(&ctx.client().status().await?)
}

/// `govchain block`.
pub async fn block(ctx: &Ctx, height: Option<u64>) -> Result<()> {
    print_json(&ctx.client().block(height).await?)
}

/// `govchain tx`.
pub async fn tx(ctx: &Ctx, c: TxCmd) -> Result<()> {
    match c {
        TxCmd::Status { hash: h } => print_json(&ctx.client().tx(&hash(&h)?).await?),
        TxCmd::Proof { hash: h, out } => {
            let bytes = ctx.client().tx_proof(&hash(&h)?).await?;
            std::fs::write(&out, &bytes)?;
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
    }
}

/// `govchain state`.
pub async fn state(ctx: &Ctx, c: StateCmd) -> Result<()> {
    match c {
        StateCmd::Proof { key, height, out } => {
            let k = match key.strip_prefix("0x") {
                Some(h) => hex::decode(h)?,
                None => key.into_bytes(),
            };
            let bytes = ctx.client().state_proof(&k, height).await?;
            std::fs::write(&out, &bytes)?;
            eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
            Ok(())
        }
    }
}
