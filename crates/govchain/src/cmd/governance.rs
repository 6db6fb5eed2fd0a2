//! `govchain governance`: propose and approve changes to membership, validators and parameters.

use clap::Subcommand;
use eyre::{Result, eyre};
use govchain_governance::{Action, Approve, Propose};
use govchain_identity::{OrgKind, Organisation, Role};
use govchain_types::{Address, PublicKey, Suite};

use crate::common::{Ctx, print_json, send};

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
    let (_, view) = send(ctx, key, "governance", "propose", &Propose { action, reason }, true).await?;
    print_events(&view);
    Ok(())
}

fn print_events(view: &Option<govchain_api::dto::TxView>) {
    for e in view.iter().flat_map(|v| v.receipt.iter()).flat_map(|r| r.events.iter()) {
        if e.module == "governance" {
            let attrs: Vec<String> = e.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{} {}", e.kind, attrs.join(" "));
        }
    }
}

/// Runs a governance command.
pub async fn run(ctx: &Ctx, c: GovernanceCmd) -> Result<()> {
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
            let kind = match kind.as_str() {
                "government" => OrgKind::Government,
                "institution" => OrgKind::Institution,
                "enterprise" => OrgKind::Enterprise,
                k => return Err(eyre!("unknown kind {k}")),
            };
            let keys: Vec<PublicKey> =
                admin_keys.iter().map(|k| PublicKey::from_text(k).map_err(|e| eyre!("{e}"))).collect::<Result<_>>()?;
            let suite = Suite::from_name(&ctx.client().status().await?.suite).ok_or_else(|| eyre!("suite"))?;
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
            let (_, view) = send(ctx, &key, "governance", "approve", &Approve { id }, true).await?;
            print_events(&view);
            Ok(())
        }
        GovernanceCmd::List => print_json(&ctx.client().proposals().await?),
        GovernanceCmd::Show { id } => print_json(&ctx.client().proposal(id).await?),
    }
}
