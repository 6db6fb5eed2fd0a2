//! `govchain consult` (feature `cli`): the consulting department, the eligibility authority,
//! the commenter. docs/participation.md walks through them.

use std::path::PathBuf;

use clap::Subcommand;
use eyre::Result;
use futures::future::BoxFuture;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send, send_signed_by};
use govchain_types::{Address, Hash32};

use super::client;
use super::keys::MODULE;
use super::model::*;
use crate::cli::{TokenCmd, parse_address, read_kit, run_token, unhex};
use crate::model::Eligibility;

/// Consultation commands.
#[derive(Subcommand)]
pub enum ConsultCmd {
    /// (department) Open a consultation.
    Create {
        /// Consultation id.
        id: String,
        /// Key of an official holding `consult.create`.
        #[arg(long)]
        key: String,
        /// Title.
        #[arg(long)]
        title: String,
        /// The full text (its SHA-256 goes on chain).
        #[arg(long)]
        text: Option<PathBuf>,
        /// A document consulted on (repeat; its hash goes on chain).
        #[arg(long = "document")]
        documents: Vec<PathBuf>,
        /// Certificate type commenters hold.
        #[arg(long)]
        cert_type: String,
        /// Claim condition the authority checks (`name = value [and …]`).
        #[arg(long, default_value = "")]
        condition: String,
        /// The authority's account address.
        #[arg(long, value_parser = parse_address)]
        authority: Address,
        /// The authority's public key file (`OUT.pub` of `govchain vote authority-key`).
        #[arg(long)]
        authority_pub: PathBuf,
        /// First height accepting comments.
        #[arg(long)]
        opens: u64,
        /// Last height accepting comments.
        #[arg(long)]
        closes: u64,
    },
    /// The token round (request-token, issue-token, finish-token); the one-time key is your
    /// pseudonym in this consultation.
    #[command(flatten)]
    Token(TokenCmd),
    /// (commenter) Post the kit's one comment.
    Comment {
        /// Kit file.
        #[arg(long)]
        kit: PathBuf,
        /// The comment (public and permanent: write no personal data).
        #[arg(long)]
        text: String,
    },
    /// (department) Answer a comment publicly.
    Answer {
        /// Consultation id.
        id: String,
        /// Comment number.
        comment: u64,
        /// Key of an official holding `consult.respond`.
        #[arg(long)]
        key: String,
        /// The answer.
        #[arg(long)]
        text: String,
    },
    /// (department) Take a comment's text down, with a public reason.
    Moderate {
        /// Consultation id.
        id: String,
        /// Comment number.
        comment: u64,
        /// Key of an official holding `consult.respond`.
        #[arg(long)]
        key: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Every consultation.
    List,
    /// A consultation and its comments.
    Show {
        /// Consultation id.
        id: String,
        /// First comment.
        #[arg(long, default_value_t = 0)]
        from: u64,
    },
}

fn run(ctx: &Ctx, cmd: ConsultCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let c = ctx.client();
        match cmd {
            ConsultCmd::Create {
                id,
                key,
                title,
                text,
                documents,
                cert_type,
                condition,
                authority,
                authority_pub,
                opens,
                closes,
            } => {
                let suite = ctx.suite().await?;
                let text_hash = match text {
                    Some(p) => suite.hash(&std::fs::read(p)?),
                    None => Hash32::default(),
                };
                let documents =
                    documents.iter().map(|p| Ok(suite.hash(&std::fs::read(p)?))).collect::<Result<Vec<_>>>()?;
                let authority_key = unhex("authority public key", &std::fs::read_to_string(authority_pub)?)?;
                let args = CreateConsultation {
                    id,
                    title,
                    text_hash,
                    documents,
                    eligibility: Eligibility { cert_type, condition, authority, authority_key },
                    opens_height: opens,
                    closes_height: closes,
                };
                send(ctx, &key, &args, true).await?;
            }
            ConsultCmd::Token(cmd) => {
                let id = cmd.id(MODULE)?;
                let e = client::consultation(&c, &id, 0).await?.consultation.eligibility;
                run_token(ctx, MODULE, cmd, &e, |certificate, blinded_hash| IssueCommentToken {
                    consultation: id.clone(),
                    certificate,
                    blinded_hash,
                })
                .await?;
            }
            ConsultCmd::Comment { kit, text } => {
                let k = read_kit(&kit, MODULE)?;
                let key = k.key()?;
                send_signed_by(ctx, &key, &PostComment { consultation: k.id.clone(), token: k.token()?, text }, true)
                    .await?;
                eprintln!("comment posted under pseudonym {}", key.public_key().address(ctx.suite().await?));
            }
            ConsultCmd::Answer { id, comment, key, text } => {
                send(ctx, &key, &AnswerComment { consultation: id, comment, text }, true).await?;
            }
            ConsultCmd::Moderate { id, comment, key, reason } => {
                send(ctx, &key, &ModerateComment { consultation: id, comment, reason }, true).await?;
            }
            ConsultCmd::List => print_json(&client::consultations(&c).await?)?,
            ConsultCmd::Show { id, from } => print_json(&client::consultation(&c, &id, from).await?)?,
        }
        Ok(())
    })
}

/// `govchain consult`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "consult",
        "Public consultations: open, tokens, comment once under a pseudonym, answer, moderate",
        run as for<'a> fn(&'a Ctx, ConsultCmd) -> BoxFuture<'a, Result<()>>,
    ))
}
