//! `govchain vote` (feature `cli`): the organiser, the trustees, the eligibility authority, the
//! voter and the observer. docs/participation.md walks through them in order.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use eyre::{Result, bail, eyre};
use futures::future::BoxFuture;
use govchain_certificates::credential::Presentation;
use govchain_component::Genesis;
use govchain_crypto::SecretKey;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send, send_signed_by};
use govchain_types::{Address, Hash32};
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::token::{self, Blinding, Token};
use crate::{client, sealing, tally};

/// Vote commands.
#[derive(Subcommand)]
pub enum VoteCmd {
    /// (authority) Make an eligibility authority's RSA key: the secret key to `OUT` (PEM, 0600),
    /// the public key (DER, hex) to `OUT.pub`.
    AuthorityKey {
        /// Secret key file.
        out: PathBuf,
    },
    /// (organiser) Create a vote.
    Create {
        /// Vote id.
        id: String,
        /// Organiser's key (holds `vote.create`).
        #[arg(long)]
        key: String,
        /// Title.
        #[arg(long)]
        title: String,
        /// The full text (its SHA-256 goes on chain).
        #[arg(long)]
        text: Option<PathBuf>,
        /// An option (repeat, in order).
        #[arg(long = "option", required = true)]
        options: Vec<String>,
        /// Certificate type voters hold.
        #[arg(long)]
        cert_type: String,
        /// Claim condition the authority checks (`name = value [and …]`).
        #[arg(long, default_value = "")]
        condition: String,
        /// The authority's account address.
        #[arg(long, value_parser = parse_address)]
        authority: Address,
        /// The authority's public key file (`OUT.pub` of `authority-key`).
        #[arg(long)]
        authority_pub: PathBuf,
        /// First height accepting ballots.
        #[arg(long)]
        opens: u64,
        /// Last height accepting ballots.
        #[arg(long)]
        closes: u64,
        /// Threshold of trustees needed to open.
        #[arg(long)]
        k: u8,
        /// A trustee account (repeat; distinct organisations).
        #[arg(long = "trustee", required = true, value_parser = parse_address)]
        trustees: Vec<Address>,
    },
    /// (trustee) Deal your part of the sealing key.
    Deal {
        /// Vote id.
        id: String,
        /// The trustee's key.
        #[arg(long)]
        key: String,
    },
    /// The token round (request-token, issue-token, finish-token).
    #[command(flatten)]
    Token(TokenCmd),
    /// (voter) Cast the kit's ballot for an option (its number from 0, or its label).
    Cast {
        /// Kit file.
        #[arg(long)]
        kit: PathBuf,
        /// Option.
        #[arg(long)]
        option: String,
    },
    /// (trustee) After the close: open the shares dealt to you and release your part.
    Release {
        /// Vote id.
        id: String,
        /// The trustee's key.
        #[arg(long)]
        key: String,
    },
    /// Every vote.
    List,
    /// A vote and its count.
    Show {
        /// Vote id.
        id: String,
    },
    /// Recount a vote from chain data alone (proven against the genesis validators); exits 1
    /// when the recount differs from the chain's count.
    VerifyTally {
        /// Vote id.
        id: String,
        /// Genesis file to trust (default: the home's).
        #[arg(long)]
        genesis: Option<PathBuf>,
    },
}

/// The token round, the same for a vote's ballots and a consultation's comments.
#[derive(Subcommand)]
pub enum TokenCmd {
    /// (participant) Make a one-time key and a blinded token request; writes the kit (keep it
    /// secret) and prints the blinded message to take to the authority.
    #[command(name = "request-token")]
    Request {
        /// Vote or consultation id.
        id: String,
        /// Kit file to write.
        #[arg(long)]
        kit: PathBuf,
    },
    /// (authority) Check a presentation, record the issuance on chain, and blind-sign.
    #[command(name = "issue-token")]
    Issue {
        /// Vote or consultation id.
        id: String,
        /// The authority's account key.
        #[arg(long)]
        key: String,
        /// The authority's RSA secret key (PEM).
        #[arg(long)]
        authority_secret: PathBuf,
        /// The participant's presentation.
        #[arg(long)]
        presentation: PathBuf,
        /// The blinded message (hex) the participant brought.
        #[arg(long)]
        blinded: String,
    },
    /// (participant) Unblind the authority's answer into the kit.
    #[command(name = "finish-token")]
    Finish {
        /// Kit file.
        #[arg(long)]
        kit: PathBuf,
        /// The blind signature (hex) the authority returned.
        #[arg(long)]
        blind_signature: String,
    },
}

impl TokenCmd {
    /// The vote or consultation the command is about (read from the kit for `finish-token`).
    pub(crate) fn id(&self, kind: &str) -> Result<String> {
        match self {
            TokenCmd::Request { id, .. } | TokenCmd::Issue { id, .. } => Ok(id.clone()),
            TokenCmd::Finish { kit, .. } => Ok(read_kit(kit, kind)?.id),
        }
    }
}

/// Runs a token-round command for `kind` under eligibility `e`; `issuance(certificate,
/// blinded_hash)` is the module's on-chain issuance record.
pub(crate) async fn run_token<M: govchain_types::Method>(
    ctx: &Ctx,
    kind: &str,
    cmd: TokenCmd,
    e: &Eligibility,
    issuance: impl FnOnce(String, Hash32) -> M,
) -> Result<()> {
    match cmd {
        TokenCmd::Request { id, kit } => request_token(ctx.suite().await?, kind, &id, &e.authority_key, &kit),
        TokenCmd::Issue { key, authority_secret, presentation, blinded, .. } => {
            let p = check_presentation(&ctx.client(), &presentation, &e.cert_type, &e.condition).await?;
            let blinded = unhex("blinded message", &blinded)?;
            let args = issuance(p.core.certificate_id.clone(), ctx.suite().await?.hash(&blinded));
            send(ctx, &key, &args, true).await?;
            println!("{}", blind_sign(&authority_secret, &blinded)?);
            Ok(())
        }
        TokenCmd::Finish { kit, blind_signature } => finish_token(&kit, kind, &e.authority_key, &blind_signature),
    }
}

/// A participant's kit: the one-time key a ballot or comment is signed with, the blinding
/// state, then the token. Whoever holds it can use the token: keep it secret.
#[derive(Serialize, Deserialize)]
pub struct Kit {
    /// Format tag.
    pub format: String,
    /// What the token is for: `vote` or `consult`.
    #[serde(default = "vote_kind")]
    pub kind: String,
    /// The vote or consultation id.
    #[serde(alias = "vote")]
    pub id: String,
    /// Algorithm of the one-time key.
    pub algorithm: govchain_types::Algorithm,
    /// Its seed (hex).
    pub seed: String,
    /// Blinding state.
    pub blinding: Blinding,
    /// The token, once finished.
    pub token: Option<Token>,
}

fn vote_kind() -> String {
    crate::keys::MODULE.into()
}

/// Format tag of kit files.
pub const KIT_FORMAT: &str = "govchain-token-kit/1";

impl Kit {
    /// The one-time key.
    pub fn key(&self) -> Result<SecretKey> {
        let seed: [u8; 32] = hex::decode(&self.seed)?.try_into().map_err(|_| eyre!("bad seed in the kit"))?;
        Ok(SecretKey::from_seed(self.algorithm, seed))
    }

    /// The token, once finished.
    pub fn token(&self) -> Result<Token> {
        self.token.clone().ok_or_else(|| eyre!("the kit has no token yet: run finish-token"))
    }
}

/// Reads a kit for `kind`.
pub(crate) fn read_kit(path: &Path, kind: &str) -> Result<Kit> {
    let kit: Kit = serde_json::from_slice(&govchain_crypto::files::read_private(path)?)?;
    if kit.format != KIT_FORMAT && kit.format != "govchain-ballot-kit/1" {
        bail!("{} is not a token kit", path.display());
    }
    if kit.kind != kind {
        bail!("{} is a kit for a {}, not a {kind}", path.display(), kit.kind);
    }
    Ok(kit)
}

fn write_kit(path: &Path, kit: &Kit) -> Result<()> {
    Ok(govchain_crypto::files::write_private(path, serde_json::to_string_pretty(kit)?.as_bytes())?)
}

/// Makes a fresh one-time key and a blinded token request for `(kind, id)`; writes the kit and
/// prints the blinded message to take to the authority.
fn request_token(suite: govchain_types::Suite, kind: &str, id: &str, authority_key: &[u8], path: &Path) -> Result<()> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| eyre!("no randomness: {e}"))?;
    let algorithm = suite.default_algorithm();
    let one_time = SecretKey::from_seed(algorithm, seed);
    let blinding = token::blind(authority_key, &token::message(kind, id, &one_time.public_key()))?;
    let blinded = blinding.blinded.clone();
    let k = Kit {
        format: KIT_FORMAT.into(),
        kind: kind.into(),
        id: id.into(),
        algorithm,
        seed: hex::encode(seed),
        blinding,
        token: None,
    };
    write_kit(path, &k)?;
    eprintln!("kit written to {}; take the blinded message and your presentation to the authority", path.display());
    println!("{blinded}");
    Ok(())
}

/// Unblinds the authority's blind signature into the kit's token.
fn finish_token(path: &Path, kind: &str, authority_key: &[u8], blind_signature: &str) -> Result<()> {
    let mut k = read_kit(path, kind)?;
    let msg = token::message(kind, &k.id, &k.key()?.public_key());
    let bs = unhex("blind signature", blind_signature)?;
    k.token = Some(token::finalize(authority_key, &k.blinding, &bs, &msg)?);
    write_kit(path, &k)?;
    eprintln!("token ready in {}", path.display());
    Ok(())
}

/// The authority's blind signature over `blinded` (hex), with its RSA secret key file.
fn blind_sign(authority_secret: &Path, blinded: &[u8]) -> Result<String> {
    let pem = String::from_utf8(govchain_crypto::files::read_private(authority_secret)?)?;
    Ok(hex::encode(token::sign_blinded(&pem, blinded)?))
}

/// A trustee's part of a board's key: opens the shares dealt to the account of `key`, checks
/// each against its dealer's commitments, and sums them.
pub(crate) async fn own_part(ctx: &Ctx, s: &Sealing, key: &str, aad: &[u8]) -> Result<[u8; 32]> {
    let secret = ctx.load_key(key)?;
    let me = secret.public_key().address(ctx.suite().await?);
    let t = s.trustees.iter().position(|a| *a == me).ok_or_else(|| eyre!("{me} is not a trustee"))?;
    let dealings = s.all_dealings().ok_or_else(|| eyre!("not every trustee has dealt"))?;
    Ok(sealing::own_part(&dealings.iter().collect::<Vec<_>>(), t, &secret, aad)?)
}

/// The trust root of `genesis` (default: the home's genesis file).
pub(crate) fn trust_root(ctx: &Ctx, genesis: Option<PathBuf>) -> Result<govchain_proofs::TrustRoot> {
    let (g, _) = Genesis::load(&genesis.unwrap_or_else(|| ctx.home.join("genesis.json")))?;
    Ok(g.trust_root()?)
}

/// Prints a recomputation's report; exits 1 when it does not match the chain.
pub(crate) fn print_report<T: Serialize>(report: &T, matches: bool) -> Result<()> {
    print_json(report)?;
    if !matches {
        std::process::exit(1);
    }
    Ok(())
}

/// Reads a presentation, verifies it online (signature, certificate in force), and checks its
/// type and the published claim condition.
pub(crate) async fn check_presentation(
    c: &govchain_sdk::Client,
    path: &Path,
    cert_type: &str,
    condition: &str,
) -> Result<Presentation> {
    let text = std::fs::read_to_string(path)?;
    let p: Presentation = serde_json::from_str(&text)?;
    let verdict = govchain_certificates::client::verify_presentation(c, &serde_json::from_str(&text)?).await?;
    if !verdict.valid {
        bail!("not eligible: the presentation is not valid ({})", verdict.reason.unwrap_or_default());
    }
    if p.core.type_id != cert_type {
        bail!("not eligible: a {} is not a {cert_type}", p.core.type_id);
    }
    check_condition(condition, &p)?;
    Ok(p)
}

pub(crate) fn parse_address(s: &str) -> Result<Address> {
    Address::from_text(s).map_err(|e| eyre!("{e}"))
}

pub(crate) fn unhex(what: &str, s: &str) -> Result<Vec<u8>> {
    hex::decode(s.trim().trim_start_matches("0x")).map_err(|e| eyre!("{what}: {e}"))
}

/// Checks `name = value [and name = value …]` against the disclosed claims.
fn check_condition(condition: &str, p: &Presentation) -> Result<()> {
    if condition.trim().is_empty() {
        return Ok(());
    }
    for clause in condition.split(" and ") {
        let (name, value) = clause.split_once('=').ok_or_else(|| eyre!("condition {clause:?} is not name = value"))?;
        let (name, value) = (name.trim(), value.trim());
        match p.disclosed.iter().find(|c| c.name == name) {
            Some(c) if c.value == value => {}
            Some(c) => bail!("not eligible: {name} is {:?}, not {value:?}", c.value),
            None => bail!("not eligible: the presentation does not disclose {name}"),
        }
    }
    Ok(())
}

fn run(ctx: &Ctx, cmd: VoteCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(async move {
        let c = ctx.client();
        match cmd {
            VoteCmd::AuthorityKey { out } => {
                let (pem, der) = token::generate_authority()?;
                govchain_crypto::files::write_private(&out, pem.as_bytes())?;
                let public = out.with_extension("pub");
                std::fs::write(&public, hex::encode(&der))?;
                println!("secret key {}; public key {}", out.display(), public.display());
            }
            VoteCmd::Create {
                id,
                key,
                title,
                text,
                options,
                cert_type,
                condition,
                authority,
                authority_pub,
                opens,
                closes,
                k,
                trustees,
            } => {
                let suite = ctx.suite().await?;
                let text_hash = match text {
                    Some(p) => suite.hash(&std::fs::read(p)?),
                    None => Hash32::default(),
                };
                let authority_key = unhex("authority public key", &std::fs::read_to_string(authority_pub)?)?;
                let eligibility = Eligibility { cert_type, condition, authority, authority_key };
                let args = CreateVote {
                    id,
                    title,
                    text_hash,
                    options,
                    eligibility,
                    opens_height: opens,
                    closes_height: closes,
                    k,
                    trustees,
                };
                send(ctx, &key, &args, true).await?;
            }
            VoteCmd::Deal { id, key } => {
                let v = client::vote(&c, &id, false).await?.vote;
                let d = sealing::deal(v.sealing.k as usize, &v.sealing.trustee_keys, &share_aad(&id))?;
                let dealing = StoredDealing { commitments: d.commitments, shares: d.shares };
                send(ctx, &key, &Deal { vote: id, dealing }, true).await?;
            }
            VoteCmd::Token(cmd) => {
                let id = cmd.id(crate::keys::MODULE)?;
                let e = client::vote(&c, &id, false).await?.vote.eligibility;
                run_token(ctx, crate::keys::MODULE, cmd, &e, |certificate, blinded_hash| IssueToken {
                    vote: id.clone(),
                    certificate,
                    blinded_hash,
                })
                .await?;
            }
            VoteCmd::Cast { kit, option } => {
                let k = read_kit(&kit, crate::keys::MODULE)?;
                let token = k.token()?;
                let v = client::vote(&c, &k.id, false).await?.vote;
                let choice = match option.parse::<u32>() {
                    Ok(n) if (n as usize) < v.options.len() => n,
                    _ => {
                        v.options.iter().position(|o| *o == option).ok_or_else(|| eyre!("no option {option:?}"))? as u32
                    }
                };
                let key = k.key()?;
                let sealed = tally::seal_choice(&v.sealing.public_key, &k.id, &key.public_key(), choice)?;
                send_signed_by(ctx, &key, &Cast { vote: k.id.clone(), token, sealed }, true).await?;
                eprintln!("ballot cast for {:?}", v.options[choice as usize]);
            }
            VoteCmd::Release { id, key } => {
                let v = client::vote(&c, &id, false).await?.vote;
                let part = own_part(ctx, &v.sealing, &key, &share_aad(&id)).await?;
                send(ctx, &key, &Release { vote: id, part }, true).await?;
            }
            VoteCmd::List => print_json(&client::votes(&c).await?)?,
            VoteCmd::Show { id } => print_json(&client::vote(&c, &id, false).await?)?,
            VoteCmd::VerifyTally { id, genesis } => {
                let report = client::verify_tally(&c, &trust_root(ctx, genesis)?, &id).await.map_err(|e| eyre!(e))?;
                print_report(&report, report.matches)?;
            }
        }
        Ok(())
    })
}

/// `govchain vote`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "vote",
        "Votes: create, deal, tokens, cast, release, recount",
        run as for<'a> fn(&'a Ctx, VoteCmd) -> BoxFuture<'a, Result<()>>,
    ))
}
