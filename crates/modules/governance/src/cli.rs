//! `govchain governance` (feature `cli`): propose and approve changes to membership, validators
//! and parameters.

use clap::Subcommand;
use eyre::{Result, eyre};
use futures::future::BoxFuture;
use govchain_api_types::dto::TxView;
use govchain_identity::{OrgKind, Organisation, Role};
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, events_of, print_json, send};
use govchain_types::{Address, PublicKey};

use crate::client;
use crate::model::{Action, Approve, Propose};

/// Governance commands. Proposals and approvals are signed by admins of government organisations.
#[derive(Subcommand)]
pub enum GovernanceCmd {
    /// Propose adding a validator.
    AddValidator {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Consensus public key (`ed25519:hex` or `sm2:hex`).
        #[arg(long)]
        public_key: String,
        /// Voting power.
        #[arg(long, default_value_t = 1)]
        power: u64,
        /// Operating organisation.
        #[arg(long)]
        org: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Propose removing a validator.
    RemoveValidator {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Validator address.
        #[arg(long)]
        address: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Propose a new voting power.
    SetPower {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Validator address.
        #[arg(long)]
        address: String,
        /// New power.
        #[arg(long)]
        power: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Propose a chain parameter change (max_block_txs, max_block_bytes, max_tx_bytes).
    SetParam {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Parameter.
        #[arg(long)]
        name: String,
        /// Value.
        #[arg(long)]
        value: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Propose a new organisation.
    AddOrg {
        /// Admin key (of an existing government organisation).
        #[arg(long)]
        key: String,
        /// New organisation id.
        #[arg(long)]
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// government, institution or enterprise.
        #[arg(long, default_value = "government")]
        kind: String,
        /// Public key of an admin of the new organisation (repeatable).
        #[arg(long = "admin-key", required = true)]
        admin_keys: Vec<String>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Propose deactivating an organisation.
    RemoveOrg {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Organisation id.
        #[arg(long)]
        id: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Approve a proposal on behalf of your organisation.
    Approve {
        /// Admin key.
        #[arg(long)]
        key: String,
        /// Proposal id.
        id: u64,
    },
    /// List proposals.
    List,
    /// Show a proposal.
    Show {
        /// Proposal id.
        id: u64,
    },
}

fn address(s: &str) -> Result<Address> {
    Address::from_text(s).map_err(|e| eyre!("{e}"))
}

async fn propose(ctx: &Ctx, key: &str, action: Action, reason: String) -> Result<()> {
    let (_, view) = send(ctx, key, &Propose { action, reason }, true).await?;
    print_events(&view);
    Ok(())
}

fn print_events(view: &Option<TxView>) {
    for e in events_of(view, crate::MODULE) {
        let attrs: Vec<String> = e.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("{} {}", e.kind, attrs.join(" "));
    }
}

/// Runs a governance command.
async fn run(ctx: &Ctx, c: GovernanceCmd) -> Result<()> {
    match c {
        GovernanceCmd::AddValidator { key, public_key, power, org, reason } => {
            let public_key = PublicKey::from_text(&public_key).map_err(|e| eyre!("{e}"))?;
            propose(ctx, &key, Action::AddValidator { public_key, voting_power: power, org }, reason).await
        }
        GovernanceCmd::RemoveValidator { key, address: a, reason } => {
            propose(ctx, &key, Action::RemoveValidator { address: address(&a)? }, reason).await
        }
        GovernanceCmd::SetPower { key, address: a, power, reason } => {
            propose(ctx, &key, Action::SetVotingPower { address: address(&a)?, voting_power: power }, reason).await
        }
        GovernanceCmd::SetParam { key, name, value, reason } => {
            propose(ctx, &key, Action::SetParam { name, value }, reason).await
        }
        GovernanceCmd::AddOrg { key, id, name, kind, admin_keys, reason } => {
            let kind = OrgKind::parse(&kind).ok_or_else(|| eyre!("unknown kind {kind}"))?;
            let keys: Vec<PublicKey> =
                admin_keys.iter().map(|k| PublicKey::from_text(k).map_err(|e| eyre!("{e}"))).collect::<Result<_>>()?;
            let suite = ctx.suite().await?;
            let organisation = Organisation {
                id,
                name,
                kind,
                admins: keys.iter().map(|k| k.address(suite)).collect(),
                roles: vec![Role {
                    name: "publisher".into(),
                    permissions: vec!["records.publish".into(), "records.amend".into(), "records.withdraw".into()],
                }],
                active: true,
            };
            propose(ctx, &key, Action::AddOrganisation { organisation, admin_keys: keys }, reason).await
        }
        GovernanceCmd::RemoveOrg { key, id, reason } => {
            propose(ctx, &key, Action::RemoveOrganisation { id }, reason).await
        }
        GovernanceCmd::Approve { key, id } => {
            let (_, view) = send(ctx, &key, &Approve { id }, true).await?;
            print_events(&view);
            Ok(())
        }
        GovernanceCmd::List => print_json(&client::proposals(&ctx.client()).await?),
        GovernanceCmd::Show { id } => print_json(&client::proposal(&ctx.client(), id).await?),
    }
}

fn run_boxed(ctx: &Ctx, c: GovernanceCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain governance …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new("governance", "Propose and approve membership, validator and parameter changes", run_boxed))
}
