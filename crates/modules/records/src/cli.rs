//! `govchain records` (feature `cli`).

use clap::{Args, Subcommand};
use eyre::Result;
use futures::future::BoxFuture;
use govchain_api_types::dto::TxView;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, events_of, print_json, send};

use crate::client;
use crate::model::{Amend, Attachment, Publish, RecordContent, Withdraw};
use crate::views::RecordQuery;

/// Content flags shared by publish and amend.
#[derive(Args)]
pub struct ContentArgs {
    /// Category slug (budget, procurement, penalty, decision, notice, …).
    #[arg(long)]
    category: String,
    /// Title.
    #[arg(long)]
    title: String,
    /// Body text.
    #[arg(long, default_value = "")]
    body: String,
    /// Read the body from a file instead.
    #[arg(long)]
    body_file: Option<std::path::PathBuf>,
    /// Tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Attach a file: only its digest and size go on chain (repeatable).
    #[arg(long = "attach")]
    attachments: Vec<std::path::PathBuf>,
}

/// Record commands.
#[derive(Subcommand)]
pub enum RecordsCmd {
    /// Publish a record.
    Publish {
        /// Signing key name.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        content: ContentArgs,
        /// Do not wait for the commit.
        #[arg(long)]
        no_wait: bool,
    },
    /// Publish a new version of a record.
    Amend {
        /// Record id.
        id: String,
        /// Signing key name.
        #[arg(long)]
        key: String,
        /// Why it changes.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        content: ContentArgs,
    },
    /// Withdraw a record (it stays readable with the reason).
    Withdraw {
        /// Record id.
        id: String,
        /// Signing key name.
        #[arg(long)]
        key: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// List records, newest first.
    List {
        /// Organisation.
        #[arg(long)]
        org: Option<String>,
        /// Category.
        #[arg(long)]
        category: Option<String>,
        /// Published at or after (ms since epoch).
        #[arg(long)]
        from_ms: Option<u64>,
        /// Published before (ms since epoch).
        #[arg(long)]
        to_ms: Option<u64>,
        /// Page size.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Cursor from a previous page.
        #[arg(long)]
        cursor: Option<String>,
    },
    /// Show a record and every version.
    Show {
        /// Record id.
        id: String,
    },
    /// Save a proof bundle of a record version.
    Proof {
        /// Record id.
        id: String,
        /// Version (latest by default).
        #[arg(long)]
        version: Option<u32>,
        /// Output file.
        #[arg(long, short)]
        out: std::path::PathBuf,
    },
}

async fn content(ctx: &Ctx, c: ContentArgs) -> Result<RecordContent> {
    let body = match c.body_file {
        Some(p) => std::fs::read_to_string(p)?,
        None => c.body,
    };
    let suite = ctx.suite().await?;
    let mut attachments = Vec::new();
    for p in c.attachments {
        let bytes = std::fs::read(&p)?;
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        attachments.push(Attachment { name, hash: suite.hash(&bytes), size: bytes.len() as u64 });
    }
    Ok(RecordContent { category: c.category, title: c.title, body, attachments, tags: c.tags })
}

fn print_record_event(view: &Option<TxView>) {
    for e in events_of(view, crate::MODULE) {
        let get = |k: &str| e.attributes.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()).unwrap_or_default();
        println!("{} {} version {}", e.kind, get("id"), get("version"));
    }
}

/// Runs a records command.
async fn run(ctx: &Ctx, c: RecordsCmd) -> Result<()> {
    match c {
        RecordsCmd::Publish { key, content: c, no_wait } => {
            let args = Publish { content: content(ctx, c).await? };
            let (hash, view) = send(ctx, &key, &args, !no_wait).await?;
            if no_wait {
                println!("{hash}");
            }
            print_record_event(&view);
            Ok(())
        }
        RecordsCmd::Amend { id, key, reason, content: c } => {
            let args = Amend { id, content: content(ctx, c).await?, reason };
            let (_, view) = send(ctx, &key, &args, true).await?;
            print_record_event(&view);
            Ok(())
        }
        RecordsCmd::Withdraw { id, key, reason } => {
            let args = Withdraw { id, reason };
            let (_, view) = send(ctx, &key, &args, true).await?;
            print_record_event(&view);
            Ok(())
        }
        RecordsCmd::List { org, category, from_ms, to_ms, limit, cursor } => {
            let q = RecordQuery { org, category, from_ms, to_ms, limit: Some(limit), cursor };
            print_json(&client::records(&ctx.client(), &q).await?)
        }
        RecordsCmd::Show { id } => print_json(&client::record_all_versions(&ctx.client(), &id).await?),
        RecordsCmd::Proof { id, version, out } => {
            let bytes = client::record_proof(&ctx.client(), &id, version).await?;
            std::fs::write(&out, &bytes)?;
            eprintln!(
                "wrote {} ({} bytes); check it with: govchain verify {}",
                out.display(),
                bytes.len(),
                out.display()
            );
            Ok(())
        }
    }
}

fn run_boxed(ctx: &Ctx, c: RecordsCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain records …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new("records", "Publish, amend, withdraw and read public records", run_boxed))
}
