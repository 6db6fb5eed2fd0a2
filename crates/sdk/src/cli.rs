//! CLI support (feature `cli`): what the `govchain` binary and every module's subcommands share —
//! the home directory and its keys, signing and sending a typed call, printing — and the
//! [`ModuleCli`] trait through which a module contributes `govchain <module> …`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use eyre::{Result, WrapErr, eyre};
use futures::future::BoxFuture;
use govchain_api_types::dto::{EventView, TxView};
use govchain_crypto::SecretKey;
use govchain_crypto::keystore::Keystore;
use govchain_types::{Hash32, Method, Suite};

use crate::{Client, TxBuilder};

/// Global options of every command.
pub struct Ctx {
    /// Home directory (keys, genesis, data).
    pub home: PathBuf,
    /// API base URL of the node to talk to.
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
        if !path.exists() {
            return Err(eyre!("no key {name} ({})", path.display()));
        }
        let bytes = govchain_crypto::files::read_private(&path)?;
        let ks = Keystore::from_json(&String::from_utf8_lossy(&bytes))?;
        let pass = if ks.empty_passphrase {
            String::new()
        } else {
            std::env::var("GOVCHAIN_PASSPHRASE")
                .map_err(|_| eyre!("key {name} is encrypted: set GOVCHAIN_PASSPHRASE"))?
        };
        Ok(ks.decrypt(&pass)?)
    }

    /// The chain's suite, asked of the node.
    pub async fn suite(&self) -> Result<Suite> {
        let status = self.client().status().await?;
        Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite {}", status.suite))
    }
}

/// Signs `args` (a typed module call) with `key`, submits it, and (when `wait`) waits for it
/// to be committed, failing when its receipt says it failed. Returns its id and, when waited
/// for, its view.
pub async fn send<M: Method>(ctx: &Ctx, key_name: &str, args: &M, wait: bool) -> Result<(Hash32, Option<TxView>)> {
    send_signed_by(ctx, &ctx.load_key(key_name)?, args, wait).await
}

/// [`send`] with a key in hand (a one-time ballot key, say) instead of a name.
pub async fn send_signed_by<M: Method>(
    ctx: &Ctx,
    key: &SecretKey,
    args: &M,
    wait: bool,
) -> Result<(Hash32, Option<TxView>)> {
    let client = ctx.client();
    let status = client.status().await.wrap_err_with(|| format!("cannot reach the node at {}", ctx.api))?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite {}", status.suite))?;
    let address = key.public_key().address(suite);
    // A key no account holds (a one-time ballot key) starts at nonce 0.
    let nonce = match client.nonces(&address).await {
        Ok(n) => n.pending_nonce,
        Err(e) if e.code() == Some("account_not_found") => 0,
        Err(e) => return Err(e.into()),
    };
    let builder = TxBuilder::new(&status.chain_id, suite);
    let tx = builder.call(key, nonce, status.height + 100, args)?;
    let hash = client.submit(&tx).await?;
    eprintln!("submitted {hash} ({}.{} by {address})", M::MODULE, M::METHOD);
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

/// The events of `module` in a committed transaction's receipt.
pub fn events_of<'a>(view: &'a Option<TxView>, module: &'a str) -> impl Iterator<Item = &'a EventView> + 'a {
    view.iter().flat_map(|v| v.receipt.iter()).flat_map(|r| r.events.iter()).filter(move |e| e.module == module)
}

/// Prints JSON.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// A module's CLI subcommand, `govchain <name> …`.
#[async_trait::async_trait]
pub trait ModuleCli: Send + Sync {
    /// The subcommand with its arguments.
    fn command(&self) -> clap::Command;
    /// Runs it with the subcommand's matches.
    async fn run(&self, ctx: &Ctx, matches: &clap::ArgMatches) -> Result<()>;
}

/// Runs a parsed subcommand.
pub type Runner<C> = for<'a> fn(&'a Ctx, C) -> BoxFuture<'a, Result<()>>;

/// A [`ModuleCli`] from a clap-derived `Subcommand` enum and the function that runs it.
pub struct DeriveCli<C> {
    name: &'static str,
    about: &'static str,
    run: Runner<C>,
}

impl<C> DeriveCli<C> {
    /// `govchain <name>` with the subcommands of `C`.
    pub fn new(name: &'static str, about: &'static str, run: Runner<C>) -> DeriveCli<C> {
        DeriveCli { name, about, run }
    }
}

#[async_trait::async_trait]
impl<C: clap::Subcommand + Send + Sync + 'static> ModuleCli for DeriveCli<C> {
    fn command(&self) -> clap::Command {
        // After the derive, whose enum doc comment would otherwise become the description.
        C::augment_subcommands(clap::Command::new(self.name))
            .about(self.about)
            .long_about(None)
            .subcommand_required(true)
    }

    async fn run(&self, ctx: &Ctx, matches: &clap::ArgMatches) -> Result<()> {
        let c = C::from_arg_matches(matches)?;
        (self.run)(ctx, c).await
    }
}
