//! `govchain data` (feature `cli`): the catalog, requests and decisions, fetching through one's
//! own node's exchange, erasure, and "who used my data".
//!
//! Subject ids (national ids) are read from a file or stdin (`--subject-file -`), never from
//! the command line, where other users of the machine could read them.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use eyre::{Result, WrapErr, bail, eyre};
use futures::future::BoxFuture;
use govchain_component::Genesis;
use govchain_crypto::exchange;
use govchain_sdk::Client;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send};
use govchain_types::{Hash32, PublicKey};
use rand::RngCore;

use crate::client;
use crate::model::*;
use crate::subject::scope_commitment;
use crate::wire::*;

/// `govchain data …`.
#[derive(Subcommand)]
pub enum DataCmd {
    /// Set your organisation's data-sharing profile (endpoint and exchange key).
    Profile {
        /// Signing key (datashare.admin).
        #[arg(long)]
        key: String,
        /// Base URL of your node's data exchange.
        #[arg(long)]
        endpoint: String,
        /// The exchange keystore (its public key is published).
        #[arg(long)]
        exchange_key: String,
    },
    /// Publish (or version, or withdraw) a data set from a JSON file of `PublishDataset`.
    Publish {
        /// Signing key (datashare.publish).
        #[arg(long)]
        key: String,
        /// The data set JSON.
        #[arg(long)]
        file: PathBuf,
    },
    /// Set an automatic policy from a JSON file of `SetPolicy`.
    Policy {
        /// Signing key (datashare.approve).
        #[arg(long)]
        key: String,
        /// The policy JSON.
        #[arg(long)]
        file: PathBuf,
    },
    /// List the catalog.
    Catalog {
        /// Words to search for.
        #[arg(long)]
        q: Option<String>,
    },
    /// File a request for access (the delivery key is made by your node's exchange).
    Request(RequestArgs),
    /// Show a request and its grant.
    Show {
        /// Request id.
        id: String,
    },
    /// Grant or reject a pending request.
    Decide {
        /// Signing key (datashare.approve).
        #[arg(long)]
        key: String,
        /// Request id.
        #[arg(long)]
        request: String,
        /// Grant it.
        #[arg(long, conflicts_with = "reject")]
        approve: bool,
        /// Reject it (with --reason).
        #[arg(long)]
        reject: bool,
        /// Reason.
        #[arg(long, default_value = "")]
        reason: String,
        /// Grant only these fields (repeatable).
        #[arg(long = "field")]
        fields: Vec<String>,
        /// Grant for fewer days.
        #[arg(long)]
        days: Option<u32>,
    },
    /// Revoke (owner) or relinquish (grantee) a grant.
    Revoke {
        /// Signing key.
        #[arg(long)]
        key: String,
        /// Grant id.
        #[arg(long)]
        grant: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Fetch one subject's fields under a grant, through your node's exchange.
    Fetch(FetchArgs),
    /// Erase a subject's data in a data set of yours (through your node's exchange).
    Erase {
        /// Signing key (datashare.deliver).
        #[arg(long)]
        key: String,
        /// Your node's exchange URL.
        #[arg(long)]
        exchange: String,
        /// Data set.
        #[arg(long)]
        dataset: String,
        /// File with the subject id (`-`: stdin).
        #[arg(long)]
        subject_file: PathBuf,
    },
    /// Who used my data: every receipt about you, verified, with the proven count at each owner.
    WhoUsed {
        /// Your key (the one your enrolment holds).
        #[arg(long)]
        key: String,
        /// Trusted genesis (default: the home's).
        #[arg(long)]
        genesis: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Audit one subject (permission datashare.audit): get their sequence key from the data
    /// set's owner and list their receipts there, verified, as the subject would.
    Audit {
        /// Signing key (datashare.audit).
        #[arg(long)]
        key: String,
        /// Data set.
        #[arg(long)]
        dataset: String,
        /// File with the subject id (`-`: stdin).
        #[arg(long)]
        subject_file: PathBuf,
        /// The audit's case reference (in the owner's log).
        #[arg(long)]
        case_ref: String,
        /// Trusted genesis (default: the home's).
        #[arg(long)]
        genesis: Option<PathBuf>,
    },
    /// Public counts of a month.
    Stats {
        /// `YYYY-MM`.
        #[arg(long)]
        month: String,
    },
}

/// `govchain data request`.
#[derive(clap::Args)]
pub struct RequestArgs {
    /// Signing key (datashare.request).
    #[arg(long)]
    key: String,
    /// Your node's exchange URL (it makes and keeps the delivery key).
    #[arg(long)]
    exchange: String,
    /// Request id (default: random).
    #[arg(long)]
    id: Option<String>,
    /// Data set.
    #[arg(long)]
    dataset: String,
    /// Field (repeatable).
    #[arg(long = "field", required = true)]
    fields: Vec<String>,
    /// Purpose code.
    #[arg(long)]
    purpose_code: String,
    /// Purpose in words.
    #[arg(long)]
    purpose: String,
    /// Legal basis.
    #[arg(long)]
    legal_basis: String,
    /// Days.
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Case reference.
    #[arg(long)]
    case_ref: String,
    /// File of subject ids, one per line, for a request about listed subjects (default: all).
    #[arg(long)]
    subjects_file: Option<PathBuf>,
}

/// `govchain data fetch`.
#[derive(clap::Args)]
pub struct FetchArgs {
    /// Signing key (datashare.request).
    #[arg(long)]
    key: String,
    /// Your node's exchange URL.
    #[arg(long)]
    exchange: String,
    /// Grant id.
    #[arg(long)]
    grant: String,
    /// File with the subject id (`-`: stdin).
    #[arg(long)]
    subject_file: PathBuf,
    /// Fields (default: all the grant's).
    #[arg(long = "field")]
    fields: Vec<String>,
    /// Case reference of this access.
    #[arg(long, default_value = "")]
    case_ref: String,
}

fn read_lines(p: &Path) -> Result<Vec<String>> {
    let text = if p == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(p).wrap_err_with(|| format!("reading {}", p.display()))?
    };
    Ok(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
}

fn salt_path(ctx: &Ctx, request: &str) -> PathBuf {
    ctx.home.join("datashare-requests").join(format!("{request}.salt"))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn random_id() -> String {
    let mut b = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

async fn post_signed(url: &str, path: &str, body: &Signed) -> Result<serde_json::Value> {
    Client::new(url).post_json(path, body).await.map_err(|e| eyre!("{e}"))
}

fn read_json<T: serde::de::DeserializeOwned>(p: &Path) -> Result<T> {
    let text = std::fs::read_to_string(p).wrap_err_with(|| format!("reading {}", p.display()))?;
    serde_json::from_str(&text).wrap_err_with(|| format!("{} is not valid", p.display()))
}

async fn run(ctx: &Ctx, cmd: DataCmd) -> Result<()> {
    let c = ctx.client();
    match cmd {
        DataCmd::Profile { key, endpoint, exchange_key } => {
            let exchange_key = ctx.load_key(&exchange_key)?.public_key();
            send(ctx, &key, &SetProfile { endpoint, exchange_key }, true).await?;
            Ok(())
        }
        DataCmd::Publish { key, file } => {
            let d: PublishDataset = read_json(&file)?;
            send(ctx, &key, &d, true).await?;
            println!("published {}", d.id);
            Ok(())
        }
        DataCmd::Policy { key, file } => {
            let p: SetPolicy = read_json(&file)?;
            send(ctx, &key, &p, true).await?;
            println!("policy {} on {}", p.id, p.dataset);
            Ok(())
        }
        DataCmd::Catalog { q } => print_json(&client::datasets(&c, &q.unwrap_or_default()).await?),
        DataCmd::Request(a) => request(ctx, a).await,
        DataCmd::Show { id } => print_json(&client::request(&c, &id).await?),
        DataCmd::Decide { key, request, approve, reject, reason, fields, days } => {
            if approve == reject {
                bail!("say --approve or --reject");
            }
            let args = Decide {
                request,
                approve,
                reason,
                fields: (!fields.is_empty()).then_some(fields),
                duration_days: days,
            };
            send(ctx, &key, &args, true).await?;
            print_json(&client::request(&c, &args.request).await?)
        }
        DataCmd::Revoke { key, grant, reason } => {
            send(ctx, &key, &RevokeGrant { grant: grant.clone(), reason }, true).await?;
            println!("revoked {grant}");
            Ok(())
        }
        DataCmd::Fetch(a) => fetch(ctx, a).await,
        DataCmd::Erase { key, exchange, dataset, subject_file } => {
            let subject = read_lines(&subject_file)?.into_iter().next().ok_or_else(|| eyre!("no subject id"))?;
            let status = c.status().await?;
            let k = ctx.load_key(&key)?;
            let body = EraseBody { chain_id: status.chain_id, dataset, subject, issued_ms: now_ms() };
            print_json(
                &post_signed(&exchange, "/exchange/v1/local/erase", &Signed::sign(ERASE_DOMAIN, &body, &k)).await?,
            )
        }
        DataCmd::WhoUsed { key, genesis, json } => who_used(ctx, &key, genesis, json).await,
        DataCmd::Audit { key, dataset, subject_file, case_ref, genesis } => {
            let subject = read_lines(&subject_file)?.into_iter().next().ok_or_else(|| eyre!("no subject id"))?;
            let status = c.status().await?;
            let ds = client::dataset(&c, &dataset).await?;
            let profile = client::profile(&c, &ds.dataset.owner).await?;
            let k = ctx.load_key(&key)?;
            let body = AuditBody { chain_id: status.chain_id, dataset, subject, case_ref, issued_ms: now_ms() };
            let got =
                post_signed(&profile.latest.endpoint, "/exchange/v1/audit", &Signed::sign(AUDIT_DOMAIN, &body, &k))
                    .await?;
            let suite = govchain_types::Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite"))?;
            let sk = crate::subject::SubjectKey::from_hex(suite, got["subject_key"].as_str().unwrap_or_default())
                .ok_or_else(|| eyre!("the owner gave no subject key"))?;
            let version = got["key_version"].as_u64().unwrap_or(0) as u32;
            let (g, _) = Genesis::load(&genesis.unwrap_or_else(|| ctx.home.join("genesis.json")))?;
            let keys = vec![(ds.dataset.owner.clone(), version, sk)];
            let report = crate::who::walk_keys(&g.trust_root()?, &keys, status.height, |req| {
                let c = c.clone();
                async move { client::lookup(&c, &req).await.map_err(|e| e.to_string()) }
            })
            .await
            .map_err(|e| eyre!("{e}"))?;
            print_json(&report)
        }
        DataCmd::Stats { month } => print_json(&client::stats(&c, &month).await?),
    }
}

async fn request(ctx: &Ctx, a: RequestArgs) -> Result<()> {
    let c = ctx.client();
    let status = c.status().await?;
    let suite = govchain_types::Suite::from_name(&status.suite).ok_or_else(|| eyre!("unknown suite"))?;
    let id = a.id.unwrap_or_else(random_id);
    let k = ctx.load_key(&a.key)?;
    let dk = post_signed(
        &a.exchange,
        "/exchange/v1/local/delivery-key",
        &Signed::sign(KEY_DOMAIN, &KeyBody { chain_id: status.chain_id.clone(), request: id.clone() }, &k),
    )
    .await?;
    let delivery_key = PublicKey::from_text(dk["delivery_key"].as_str().unwrap_or_default())?;
    let scope = match &a.subjects_file {
        None => Scope::All,
        Some(f) => {
            let mut salt = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            let mut commitments: Vec<Hash32> =
                read_lines(f)?.iter().map(|s| scope_commitment(suite, &salt, s)).collect();
            commitments.sort();
            commitments.dedup();
            let p = salt_path(ctx, &id);
            std::fs::create_dir_all(p.parent().unwrap_or(Path::new(".")))?;
            govchain_crypto::files::write_private(&p, hex::encode(salt).as_bytes())?;
            Scope::Subjects { commitments }
        }
    };
    let args = FileRequest {
        id: id.clone(),
        dataset: a.dataset,
        fields: a.fields,
        purpose_code: a.purpose_code,
        purpose: a.purpose,
        legal_basis: a.legal_basis,
        scope,
        duration_days: a.days,
        case_ref: a.case_ref,
        delivery_key,
    };
    send(ctx, &a.key, &args, true).await?;
    print_json(&client::request(&c, &id).await?)
}

async fn fetch(ctx: &Ctx, a: FetchArgs) -> Result<()> {
    let c = ctx.client();
    let status = c.status().await?;
    let subject = read_lines(&a.subject_file)?.into_iter().next().ok_or_else(|| eyre!("no subject id"))?;
    let grant = client::grant(&c, &a.grant).await?;
    let profile = client::profile(&c, &grant.owner).await?;
    let owner_key = PublicKey::from_text(&profile.latest.exchange_key)?;
    let salt = match std::fs::read_to_string(salt_path(ctx, &a.grant)) {
        Ok(h) => Some(hex::decode(h.trim())?.try_into().map_err(|_| eyre!("bad salt file"))?),
        Err(_) => None,
    };
    let mut access_id = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut access_id);
    let access_id = Hash32(access_id);
    let sref = borsh::to_vec(&SubjectRef { id: subject, salt })?;
    let sealed = exchange::seal(&owner_key, SUBJECT_INFO, &access_id.0, &sref)?;
    let body = AccessBody {
        chain_id: status.chain_id,
        access_id,
        grant: a.grant,
        dataset: grant.dataset,
        fields: if a.fields.is_empty() { grant.fields } else { a.fields },
        subject: sealed,
        case_ref: a.case_ref,
        issued_ms: now_ms(),
    };
    let k = ctx.load_key(&a.key)?;
    print_json(&post_signed(&a.exchange, "/exchange/v1/local/fetch", &Signed::sign(ACCESS_DOMAIN, &body, &k)).await?)
}

async fn who_used(ctx: &Ctx, key: &str, genesis: Option<PathBuf>, json: bool) -> Result<()> {
    let c = ctx.client();
    let (g, _) = Genesis::load(&genesis.unwrap_or_else(|| ctx.home.join("genesis.json")))?;
    let trust = g.trust_root()?;
    let me = ctx.load_key(key)?;
    let profiles = client::profiles(&c).await?;
    let mut owners = Vec::new();
    for p in profiles.iter().filter(|p| p.holds_citizen_data) {
        for v in &p.versions {
            owners.push((p.org.clone(), v.version, PublicKey::from_text(&v.exchange_key)?));
        }
    }
    let height = c.status().await?.height;
    let report = crate::who::walk(&trust, &me, &owners, height, |req| {
        let c = c.clone();
        async move { client::lookup(&c, &req).await.map_err(|e| e.to_string()) }
    })
    .await
    .map_err(|e| eyre!("{e}"))?;
    if json {
        return print_json(&report);
    }
    println!(
        "Who used your data, verified against the genesis at height {} ({} proof bundles):",
        report.height, report.bundles_verified
    );
    for f in &report.found {
        let r = &f.receipt;
        let what = match &r.outcome {
            Outcome::Delivered { .. } => format!("DELIVERED {}", r.fields.join(", ")),
            Outcome::Refused { code } => format!("REFUSED ({code}) {}", r.fields.join(", ")),
            Outcome::Erased { what } => format!("ERASED {what}"),
        };
        let case = f.details.as_ref().map(|d| d.case_ref.clone()).unwrap_or_default();
        println!(
            "  #{} {} · {} → {} · purpose {} · case {} · height {}",
            f.n,
            what,
            r.owner,
            if r.requester.is_empty() { "-" } else { &r.requester },
            r.purpose_code,
            case,
            r.height
        );
    }
    for cnt in &report.counts {
        println!(
            "  {} (key v{}): exactly {} receipt(s) about you, proven complete",
            cnt.owner, cnt.key_version, cnt.receipts
        );
    }
    Ok(())
}

fn run_boxed(ctx: &Ctx, c: DataCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain data …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "data",
        "Cross-department data sharing: catalog, requests, grants, fetch, erasure, who used my data",
        run_boxed,
    ))
}
