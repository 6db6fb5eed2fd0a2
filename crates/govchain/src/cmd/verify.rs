//! `govchain verify FILE`: offline verification of a proof bundle against a trusted genesis.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use clap::Args;
use eyre::{Result, eyre};
use govchain_node::Genesis;
use govchain_proofs::{ProofBundle, Verified, VerifiedClaim};
use govchain_types::Outcome;

use govchain_sdk::cli::Ctx;

/// `govchain verify` options.
#[derive(Args)]
pub struct VerifyArgs {
    /// The proof bundle file.
    file: PathBuf,
    /// Trusted genesis file (default: the home's genesis.json).
    #[arg(long)]
    genesis: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Human form of a state key, from the component that owns it (text or hex otherwise).
fn key_text(key: &[u8]) -> String {
    if let Some(d) = govchain_node::components().iter().find_map(|c| c.describe(key, None)) {
        return d.key;
    }
    match std::str::from_utf8(key) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ => format!("0x{}", hex::encode(key)),
    }
}

/// What a proven value is, as its component describes it (hex otherwise).
fn describe_value(key: &[u8], value: &[u8]) -> String {
    govchain_node::components()
        .iter()
        .find_map(|c| c.describe(key, Some(value)).and_then(|d| d.value))
        .unwrap_or_else(|| format!("value 0x{}", hex::encode(value)))
}

fn print(v: &Verified) {
    let time = humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(v.time_ms));
    println!("VERIFIED");
    println!("  chain      {}", v.chain_id);
    println!("  height     {}", v.height);
    println!("  block      {}", v.block_hash);
    println!("  time       {time}");
    println!(
        "  signed by  {} validator(s) holding {}/{} voting power: {}",
        v.signers.len(),
        v.signed_power,
        v.total_power,
        v.signers.iter().map(|a| a.to_text()).collect::<Vec<_>>().join(", ")
    );
    match &v.claim {
        VerifiedClaim::StatePresent { key, value } => {
            println!("  proven     state key {} is PRESENT after block {}", key_text(key), v.height);
            println!("  {}", describe_value(key, value));
        }
        VerifiedClaim::StateAbsent { key } => {
            println!("  proven     state key {} is ABSENT after block {}", key_text(key), v.height);
        }
        VerifiedClaim::States { entries } => {
            for (key, value) in entries {
                match value {
                    Some(value) => {
                        println!("  proven     state key {} is PRESENT after block {}", key_text(key), v.height);
                        println!("  {}", describe_value(key, value));
                    }
                    None => println!("  proven     state key {} is ABSENT after block {}", key_text(key), v.height),
                }
            }
        }
        VerifiedClaim::Transaction { tx_hash, index, receipt } => {
            println!("  proven     transaction {tx_hash} is #{index} of block {}", v.height);
            match &receipt.outcome {
                Outcome::Success => {
                    println!("  receipt    success, {} event(s)", receipt.events.len())
                }
                Outcome::Failed { code, message } => {
                    println!("  receipt    failed: {code}: {message}")
                }
            }
            for e in receipt.events.iter() {
                let attrs: Vec<String> = e.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
                println!("             {}.{} {}", e.module, e.kind, attrs.join(" "));
            }
        }
    }
}

/// Verifies a bundle; exits with status 1 when it does not verify.
pub fn run(ctx: &Ctx, a: VerifyArgs) -> Result<()> {
    let genesis_path = a.genesis.unwrap_or_else(|| ctx.home.join("genesis.json"));
    let (genesis, _) =
        Genesis::load(&genesis_path).map_err(|e| eyre!("trusted genesis {}: {e}", genesis_path.display()))?;
    let trust = genesis.trust_root()?;
    let bytes = std::fs::read(&a.file).map_err(|e| eyre!("{}: {e}", a.file.display()))?;
    let result = ProofBundle::from_bytes(&bytes).and_then(|b| b.verify(&trust));
    match result {
        Ok(v) if a.json => {
            println!("{}", serde_json::to_string_pretty(&v)?);
            Ok(())
        }
        Ok(v) => {
            print(&v);
            Ok(())
        }
        Err(e) => {
            eprintln!("NOT VERIFIED: {e}");
            std::process::exit(1);
        }
    }
}
