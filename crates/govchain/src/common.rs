//! Shared CLI plumbing: home paths, keys, sending transactions.

use std::path::{Path, PathBuf};
use std::time::Duration;

use borsh::BorshSerialize;
use eyre::{Result, WrapErr, eyre};
use govchain_crypto::SecretKey;
use govchain_crypto::keystore::Keystore;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Hash32, Suite};

/// Global options.
pub struct Ctx {
    /// Home directory.
    pub home: PathBuf,
    /// API base URL.
    pub api: String,
}

impl Ctx {
    /// API client.
    pub fn client(&self) -> Client {
        Client::new(&self.api)
    }

    /// Keys directory.
    pub fn keys_dir(&self) -> PathBuf {
        self.home.join("keys")
    }

    /// Resolves `--key`: a file path, or a name in the home's keys directory.
    pub fn key_path(&self, name: &str) -> PathBuf {
        let p = Path::new(name);
        if p.is_file() { p.to_path_buf() } else { self.keys_dir().join(format!("{name}.json")) }
    }

    /// Loads and decrypts a key (`$GOVCHAIN_PASSPHRASE` for encrypted keystores).
    pub fn load_key(&self, name: &str) -> Result<SecretKey> {
        let path = self.key_path(name);
        let text = std::fs::read_to_string(&path).wrap_err_with(|| format!("no key {name} ({})", path.display()))?;
        let ks = Keystore::from_json(&text)?;
        let pass = if ks.empty_passphrase {
            String::new()
        } else {
            std::env::var("GOVCHAIN_PASSPHRASE")
                .map_err(|_| eyre!("key {name} is encrypted: set GOVCHAIN_PASSPHRASE"))?
        };
        Ok(ks.decrypt(&pass)?)
    }
}

/// Signs and submits `module.method(args)` with `key`, then (when `wait`) waits for the
/// transaction to be committed and prints its outcome. Returns the transaction id and view.
pub async fn send<A: BorshSerialize>(
    ctx: &Ctx,
    key_name: &str,
    module: &str,
    method: &str,
    args: &A,
    wait: bool,
) -> Result<(Hash32, Option<govchain_api::dto::TxView>)> {
    let client = ctx.client();
    let key = ctx.load_key(key_name)?;
    let status = client.status().await.wrap_err_with(|| format!("cannot reach the node at {}", ctx.api))?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite {}", status.suite))?;
    let address = key.public_key().address(suite);
    let account = client.account(&address).await?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let tx =
        builder.call(&key, account.pending_nonce, status.height + 100, module, method, args).map_err(|e| eyre!(e))?;
    let hash = client.submit(&tx).await?;
    eprintln!("submitted {hash} ({module}.{method} by {address})");
    if !wait {
        return Ok((hash, None));
    }
    let spinner = indicatif::ProgressBar::new_spinner().with_message("waiting for the transaction to be committed");
    spinner.enable_steady_tick(Duration::from_millis(100));
    let view = client.wait_tx(&hash, Duration::from_secs(60)).await;
    spinner.finish_and_clear();
    let view = view?;
    match (&view.status[..], &view.receipt) {
        ("committed", Some(r)) if r.outcome == "success" => {
            eprintln!("committed at height {} (index {})", view.height.unwrap_or(0), view.index.unwrap_or(0));
        }
        ("committed", Some(r)) => {
            return Err(eyre!(
                "committed but failed: {}: {}",
                r.code.clone().unwrap_or_default(),
                r.message.clone().unwrap_or_default()
            ));
        }
        _ => {
            return Err(eyre!("transaction {}: {}", view.status, view.reason.clone().unwrap_or_default()));
        }
    }
    Ok((hash, Some(view)))
}

/// Prints JSON.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}
