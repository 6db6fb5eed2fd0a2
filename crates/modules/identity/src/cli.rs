//! `govchain identity` (feature `cli`).

use clap::Subcommand;
use eyre::{Result, eyre};
use futures::future::BoxFuture;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send};
use govchain_types::{Address, PublicKey};

use crate::client;
use crate::model::{
    AccountKind, DefineRole, GrantRole, RegisterAccount, RevokeRole, Role, RotateKey, SetAccountActive,
};

/// Identity commands.
#[derive(Subcommand)]
pub enum IdentityCmd {
    /// Register an account (signed by an admin of the organisation).
    Register {
        /// Admin key name.
        #[arg(long)]
        key: String,
        /// The new account's public key (`ed25519:hex` or `sm2:hex`).
        #[arg(long)]
        public_key: String,
        /// official, citizen or business.
        #[arg(long, default_value = "official")]
        kind: String,
        /// Organisation.
        #[arg(long)]
        org: String,
        /// Role (repeatable; officials only).
        #[arg(long = "role")]
        roles: Vec<String>,
    },
    /// Grant a role to an official.
    GrantRole {
        /// Admin key name.
        #[arg(long)]
        key: String,
        /// Account address.
        #[arg(long)]
        account: String,
        /// Role.
        #[arg(long)]
        role: String,
    },
    /// Revoke a role.
    RevokeRole {
        /// Admin key name.
        #[arg(long)]
        key: String,
        /// Account address.
        #[arg(long)]
        account: String,
        /// Role.
        #[arg(long)]
        role: String,
    },
    /// Define (or redefine) a role of an organisation.
    DefineRole {
        /// Admin key name.
        #[arg(long)]
        key: String,
        /// Organisation.
        #[arg(long)]
        org: String,
        /// Role name.
        #[arg(long)]
        role: String,
        /// Permission (repeatable), e.g. records.publish.
        #[arg(long = "permission")]
        permissions: Vec<String>,
    },
    /// Suspend or reactivate an account.
    SetActive {
        /// Admin key name.
        #[arg(long)]
        key: String,
        /// Account address.
        #[arg(long)]
        account: String,
        /// true or false.
        #[arg(long)]
        active: bool,
    },
    /// Replace the signing key of your account (the address and history stay); sign with the
    /// current key, name the keystore of the new one.
    RotateKey {
        /// Current key.
        #[arg(long)]
        key: String,
        /// Keystore name (or path) of the new key.
        #[arg(long)]
        new_key: String,
    },
    /// Bind an Ethereum key you control to your account, so that Ethereum transactions (ethers,
    /// viem, Foundry) signed with it are accepted for the account. Signs the proof of possession
    /// (EIP-191 `personal_sign`) locally with the Ethereum key.
    BindEthKey {
        /// Your account's key.
        #[arg(long)]
        key: String,
        /// File holding the Ethereum private key in hex (as Foundry and ethers keep it).
        #[arg(long)]
        eth_key_file: std::path::PathBuf,
    },
    /// Unbind an Ethereum address (the bound account, or an admin of its organisation).
    UnbindEthKey {
        /// Your key.
        #[arg(long)]
        key: String,
        /// The Ethereum address.
        #[arg(long)]
        address: String,
    },
    /// List organisations.
    Orgs,
    /// Show an account.
    Account {
        /// Address.
        address: String,
    },
}

fn address(s: &str) -> Result<Address> {
    Address::from_text(s).map_err(|e| eyre!("{e}"))
}

/// Runs an identity command.
async fn run(ctx: &Ctx, c: IdentityCmd) -> Result<()> {
    match c {
        IdentityCmd::Register { key, public_key, kind, org, roles } => {
            let pk = PublicKey::from_text(&public_key).map_err(|e| eyre!("{e}"))?;
            let kind = AccountKind::parse(&kind).ok_or_else(|| eyre!("unknown kind {kind}"))?;
            send(ctx, &key, &RegisterAccount { public_key: pk, kind, org, roles }, true).await?;
            Ok(())
        }
        IdentityCmd::GrantRole { key, account, role } => {
            send(ctx, &key, &GrantRole { account: address(&account)?, role }, true).await?;
            Ok(())
        }
        IdentityCmd::RevokeRole { key, account, role } => {
            send(ctx, &key, &RevokeRole { account: address(&account)?, role }, true).await?;
            Ok(())
        }
        IdentityCmd::DefineRole { key, org, role, permissions } => {
            let args = DefineRole { org, role: Role { name: role, permissions } };
            send(ctx, &key, &args, true).await?;
            Ok(())
        }
        IdentityCmd::SetActive { key, account, active } => {
            let args = SetAccountActive { account: address(&account)?, active };
            send(ctx, &key, &args, true).await?;
            Ok(())
        }
        IdentityCmd::RotateKey { key, new_key } => {
            let new = ctx.load_key(&new_key)?.public_key();
            send(ctx, &key, &RotateKey { new_key: new }, true).await?;
            println!("the account now signs with {new_key}");
            Ok(())
        }
        IdentityCmd::BindEthKey { key, eth_key_file } => {
            let text = std::fs::read_to_string(&eth_key_file)?;
            let hex_key = text.trim().trim_start_matches("0x");
            let bytes = hex::decode(hex_key).map_err(|_| eyre!("{}: not a hex private key", eth_key_file.display()))?;
            let eth = govchain_crypto::SecretKey::from_bytes(govchain_crypto::Algorithm::Secp256k1, &bytes)
                .map_err(|e| eyre!("{e}"))?;
            let status = ctx.client().status().await?;
            let suite = govchain_types::Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite"))?;
            let account = ctx.load_key(&key)?.public_key().address(suite);
            let msg = govchain_crypto::secp256k1::personal_message(
                crate::eth::bind_message(&status.chain_id, &account).as_bytes(),
            );
            let args = crate::eth::BindEthKey { public_key: eth.public_key(), proof: eth.sign(&msg) };
            send(ctx, &key, &args, true).await?;
            println!("bound {} to account {account}", eth.public_key().address(suite));
            Ok(())
        }
        IdentityCmd::UnbindEthKey { key, address: a } => {
            send(ctx, &key, &crate::eth::UnbindEthKey { address: address(&a)? }, true).await?;
            Ok(())
        }
        IdentityCmd::Orgs => print_json(&client::organisations(&ctx.client()).await?),
        IdentityCmd::Account { address: a } => print_json(&client::account(&ctx.client(), &address(&a)?).await?),
    }
}

fn run_boxed(ctx: &Ctx, c: IdentityCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain identity …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new("identity", "Manage organisations' members and roles", run_boxed))
}
