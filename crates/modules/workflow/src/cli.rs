//! `govchain workflow` (feature `cli`): deploy and import process definitions, apply, act on
//! tasks, follow instances.

use std::collections::BTreeMap;

use clap::Subcommand;
use eyre::{Result, eyre};
use futures::future::BoxFuture;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, events_of, print_json, send};

use crate::model::*;
use crate::{bpmn, client, definition};

/// Workflow commands.
#[derive(Subcommand)]
pub enum WorkflowCmd {
    /// Deploy a definition (JSON, YAML, or BPMN 2.0 XML by its `.bpmn` extension) as the next
    /// version of its process, owned by the key's organisation.
    Deploy {
        /// The definition file.
        file: String,
        /// Key of an official holding `workflow.deploy`.
        #[arg(long)]
        key: String,
        /// For BPMN: the organisation whose roles candidate groups name (default: read from
        /// the key's account).
        #[arg(long)]
        org: Option<String>,
    },
    /// Convert a BPMN 2.0 file into a definition and print it (JSON); checks it as deploy would.
    Import {
        /// The `.bpmn` file.
        file: String,
        /// The organisation that will deploy it (candidate groups without one are its roles).
        #[arg(long)]
        org: String,
    },
    /// The process catalog.
    List,
    /// A process definition (`ORG/PROCESS`).
    Show {
        /// `org/process`.
        process: String,
        /// Version (default: latest).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Apply: start an instance of `ORG/PROCESS` with `--field name=value` (types from the
    /// definition; lists comma-separated).
    Apply {
        /// `org/process`.
        process: String,
        /// The applicant's key.
        #[arg(long)]
        key: String,
        /// `name=value` (repeatable).
        #[arg(long = "field")]
        fields: Vec<String>,
        /// Version (default: latest).
        #[arg(long, default_value_t = 0)]
        version: u32,
    },
    /// Take a transition of an instance's current state.
    Act {
        /// Instance id.
        instance: String,
        /// Transition id.
        transition: String,
        /// The actor's key.
        #[arg(long)]
        key: String,
        /// Reason.
        #[arg(long, default_value = "")]
        reason: String,
        /// Changed fields, `name=value` (repeatable; only those the transition allows).
        #[arg(long = "edit")]
        edits: Vec<String>,
    },
    /// The task list of an account (yours with `--key`, or `--account 0x…`).
    Tasks {
        /// Key whose account's tasks to list.
        #[arg(long)]
        key: Option<String>,
        /// Account address.
        #[arg(long)]
        account: Option<String>,
    },
    /// An instance with its timeline (`--proof` adds a proof bundle for `govchain verify`).
    Status {
        /// Instance id.
        instance: String,
        /// Include a proof bundle.
        #[arg(long)]
        proof: bool,
    },
    /// Instances of a process (`ORG/PROCESS`) or of an applicant (`--applicant 0x…`).
    Instances {
        /// `org/process`.
        process: Option<String>,
        /// Applicant address.
        #[arg(long)]
        applicant: Option<String>,
    },
    /// Pending jobs of an organisation's worker.
    Jobs {
        /// Organisation.
        #[arg(long)]
        org: String,
    },
    /// Opens the credential a job sealed to you (the applicant) and writes it to a file.
    Credential {
        /// Instance id.
        instance: String,
        /// Job id (default: the first job with a sealed result).
        #[arg(long)]
        job: Option<String>,
        /// The applicant's key.
        #[arg(long)]
        key: String,
        /// Output file (private).
        #[arg(long)]
        out: String,
    },
    /// A public register's keys, or one entry with its history.
    Register {
        /// `org/register`.
        register: String,
        /// Entry key.
        key: Option<String>,
    },
}

fn split(process: &str) -> Result<(&str, &str)> {
    process.split_once('/').ok_or_else(|| eyre!("give the process as ORG/PROCESS, e.g. market/business-licence"))
}

/// Parses `name=value` pairs with the types the definition declares.
pub fn parse_fields(def: &Definition, pairs: &[String]) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let (name, raw) = p.split_once('=').ok_or_else(|| eyre!("{p}: expected name=value"))?;
        let f = def.field(name).ok_or_else(|| eyre!("the process has no field {name}"))?;
        let v = match f.kind {
            FieldKind::Int => Value::Int(raw.parse().map_err(|_| eyre!("{name}: an integer"))?),
            FieldKind::Bool => Value::Bool(raw.parse().map_err(|_| eyre!("{name}: true or false"))?),
            FieldKind::TextList => {
                Value::List(raw.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            }
            FieldKind::Text | FieldKind::Account | FieldKind::Digest => Value::Text(raw.to_string()),
        };
        crate::check_value(f, &v).map_err(|e| eyre!("{}", e.message))?;
        out.insert(name.to_string(), v);
    }
    Ok(out)
}

fn print_moves(view: &Option<govchain_api_types::dto::TxView>) {
    for e in events_of(view, crate::keys::MODULE) {
        let attrs: Vec<String> = e.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("{} {}", e.kind, attrs.join(" "));
    }
}

async fn key_account(ctx: &Ctx, key: &str) -> Result<String> {
    let suite = ctx.suite().await?;
    let address = ctx.load_key(key)?.public_key().address(suite);
    let acct = govchain_identity::client::account(&ctx.client(), &address).await?;
    Ok(acct.address)
}

async fn run(ctx: &Ctx, c: WorkflowCmd) -> Result<()> {
    let client = ctx.client();
    match c {
        WorkflowCmd::Deploy { file, key, org } => {
            let text = std::fs::read_to_string(&file).map_err(|e| eyre!("{file}: {e}"))?;
            let def = if file.ends_with(".bpmn") {
                let org = match org {
                    Some(o) => o,
                    None => {
                        let suite = ctx.suite().await?;
                        let address = ctx.load_key(&key)?.public_key().address(suite);
                        govchain_identity::client::account(&client, &address).await?.org
                    }
                };
                bpmn::import(&text, &org)?
            } else {
                definition::from_text(&text)?
            };
            definition::check(&def)?;
            let (_, view) = send(ctx, &key, &Deploy { definition: def }, true).await?;
            print_moves(&view);
            Ok(())
        }
        WorkflowCmd::Import { file, org } => {
            let text = std::fs::read_to_string(&file).map_err(|e| eyre!("{file}: {e}"))?;
            let def = bpmn::import(&text, &org)?;
            definition::check(&def)?;
            print_json(&def)
        }
        WorkflowCmd::List => print_json(&client::processes(&client).await?),
        WorkflowCmd::Show { process, version } => {
            let (org, id) = split(&process)?;
            print_json(&client::process(&client, org, id, version).await?)
        }
        WorkflowCmd::Apply { process, key, fields, version } => {
            let (org, id) = split(&process)?;
            let def = client::process(&client, org, id, (version > 0).then_some(version)).await?.deployed.definition;
            let fields = parse_fields(&def, &fields)?;
            let args = Apply { org: org.into(), process: id.into(), version, fields };
            let (hash, view) = send(ctx, &key, &args, true).await?;
            let suite = ctx.suite().await?;
            let instance = crate::instance_id(suite, &hash);
            println!("instance {instance}");
            print_moves(&view);
            let v = client::instance(&client, &instance, false).await?;
            println!("state {} ({})", v.instance.state, v.state_label);
            Ok(())
        }
        WorkflowCmd::Act { instance, transition, key, reason, edits } => {
            let inst = client::instance(&client, &instance, false).await?;
            let def = client::process(&client, &inst.instance.org, &inst.instance.process, Some(inst.instance.version))
                .await?
                .deployed
                .definition;
            let edits = parse_fields(&def, &edits)?;
            let (_, view) =
                send(ctx, &key, &Act { instance: instance.clone(), transition, reason, edits }, true).await?;
            print_moves(&view);
            let v = client::instance(&client, &instance, false).await?;
            println!("state {} ({})", v.instance.state, v.state_label);
            Ok(())
        }
        WorkflowCmd::Tasks { key, account } => {
            let account = match (key, account) {
                (_, Some(a)) => a,
                (Some(k), None) => key_account(ctx, &k).await?,
                (None, None) => return Err(eyre!("give --key or --account")),
            };
            print_json(&client::tasks(&client, &account).await?)
        }
        WorkflowCmd::Status { instance, proof } => print_json(&client::instance(&client, &instance, proof).await?),
        WorkflowCmd::Instances { process, applicant } => match (process, applicant) {
            (Some(p), None) => {
                let (org, id) = split(&p)?;
                print_json(&client::instances(&client, org, id).await?)
            }
            (None, Some(a)) => print_json(&client::instances_of(&client, &a).await?),
            _ => Err(eyre!("give ORG/PROCESS or --applicant")),
        },
        WorkflowCmd::Credential { instance, job, key, out } => {
            let v = client::instance(&client, &instance, false).await?;
            let j = v
                .instance
                .jobs
                .values()
                .find(|j| !j.sealed.is_empty() && job.as_ref().is_none_or(|id| &j.id == id))
                .ok_or_else(|| eyre!("no job of {instance} has a sealed result (yet)"))?;
            let credential = crate::sealed::open_credential(&ctx.load_key(&key)?, &instance, &j.sealed)
                .map_err(|e| eyre!("{}", e.message))?;
            govchain_crypto::files::write_private(
                std::path::Path::new(&out),
                serde_json::to_string_pretty(&credential)?.as_bytes(),
            )?;
            println!("certificate {} → {out}", credential.core.certificate_id);
            Ok(())
        }
        WorkflowCmd::Jobs { org } => print_json(&client::jobs(&client, &org).await?),
        WorkflowCmd::Register { register, key } => {
            let (org, reg) = split(&register)?;
            match key {
                Some(k) => print_json(&client::register_entry(&client, org, reg, &k, false).await?),
                None => print_json(&client::register_keys(&client, org, reg).await?),
            }
        }
    }
}

fn run_boxed(ctx: &Ctx, c: WorkflowCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain workflow …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "workflow",
        "Approval workflows: deploy processes, apply, work tasks, follow instances",
        run_boxed,
    ))
}
