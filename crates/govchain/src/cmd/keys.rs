//! `govchain keys`: encrypted keystores.

use clap::Subcommand;
use eyre::{Result, bail, eyre};
use govchain_crypto::keystore::{KdfParams, Keystore};
use govchain_crypto::{Algorithm, SecretKey, Suite};

use govchain_sdk::cli::{Ctx, print_json};

/// Key commands.
#[derive(Subcommand)]
pub enum KeysCmd {
    /// Create a key, encrypted with $GOVCHAIN_PASSPHRASE (or an empty passphrase with --insecure-empty-passphrase).
    New {
        /// Key name.
        name: String,
        /// Algorithm: ed25519 or sm2.
        #[arg(long, default_value = "ed25519")]
        alg: String,
        /// Allow an empty passphrase (development only).
        #[arg(long)]
        insecure_empty_passphrase: bool,
    },
    /// List keys in the home directory.
    List,
    /// Show a key's public key and addresses.
    Show {
        /// Key name.
        name: String,
    },
}

/// Runs a key command.
pub fn run(ctx: &Ctx, c: KeysCmd) -> Result<()> {
    match c {
        KeysCmd::New { name, alg, insecure_empty_passphrase } => {
            let alg = Algorithm::from_name(&alg).ok_or_else(|| eyre!("--alg must be ed25519 or sm2"))?;
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                bail!("key names use A-Z a-z 0-9 - _");
            }
            let path = ctx.keys_dir().join(format!("{name}.json"));
            if path.exists() {
                bail!("{} already exists", path.display());
            }
            let pass = match std::env::var("GOVCHAIN_PASSPHRASE") {
                Ok(p) if !p.is_empty() => p,
                _ if insecure_empty_passphrase => String::new(),
                _ => bail!(
                    "set GOVCHAIN_PASSPHRASE to encrypt the key (or pass --insecure-empty-passphrase for development)"
                ),
            };
            let key = SecretKey::generate(alg);
            let ks = Keystore::encrypt(&name, &key, &pass, KdfParams::default())?;
            govchain_crypto::files::write_private(&path, ks.to_json().as_bytes())?;
            println!("{}", key.public_key());
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        KeysCmd::List => {
            let mut names = Vec::new();
            if let Ok(rd) = std::fs::read_dir(ctx.keys_dir()) {
                for e in rd.flatten() {
                    let p = e.path();
                    if p.extension().is_some_and(|x| x == "json")
                        && let Ok(ks) = Keystore::from_json(&std::fs::read_to_string(&p)?)
                    {
                        names.push(serde_json::json!({
                            "name": ks.name,
                            "public_key": ks.public_key,
                            "empty_passphrase": ks.empty_passphrase,
                        }));
                    }
                }
            }
            names.sort_by_key(|v| v["name"].as_str().unwrap_or_default().to_string());
            print_json(&names)
        }
        KeysCmd::Show { name } => {
            let ks = Keystore::from_json(&std::fs::read_to_string(ctx.key_path(&name))?)?;
            print_json(&serde_json::json!({
                "name": ks.name,
                "public_key": ks.public_key,
                "address_ed25519_sha256_chain": ks.public_key.address(Suite::Ed25519Sha256),
                "address_sm2_sm3_chain": ks.public_key.address(Suite::Sm2Sm3),
                "empty_passphrase": ks.empty_passphrase,
            }))
        }
    }
}
