//! `govchain cert` (feature `cli`): certificate types, issuance, presentations, verification,
//! status changes.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use eyre::{Result, WrapErr, bail, eyre};
use futures::future::BoxFuture;
use govchain_component::Genesis;
use govchain_sdk::cli::{Ctx, DeriveCli, ModuleCli, print_json, send};
use govchain_types::{Hash32, Method};

use crate::client;
use crate::credential::{
    Credential, CredentialCore, Presentation, certificate_id, check_claims, pseudonym, salt_claims,
};
use crate::model::{CertType, DefineType, Field, FieldKind, Reinstate, Revoke, Suspend};
use crate::offline::ProvenState;
use crate::verify::verify;

const DAY_MS: u64 = 86_400_000;

/// Certificate-type commands.
#[derive(Subcommand)]
pub enum TypeCmd {
    /// Define a certificate type (or a new version of one your organisation owns).
    Create {
        /// Signing key (holder of certificates.define_type).
        #[arg(long)]
        key: String,
        /// Type id, e.g. business-licence.
        #[arg(long)]
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Field as name:kind[:required], kind one of text, date, integer, boolean (repeatable).
        #[arg(long = "field", required = true)]
        fields: Vec<String>,
        /// Organisation allowed to issue it (repeatable).
        #[arg(long = "issuer", required = true)]
        issuers: Vec<String>,
        /// Default validity in days.
        #[arg(long, default_value_t = 365)]
        validity_days: u32,
    },
    /// List types.
    List,
}

/// Certificate commands.
#[derive(Subcommand)]
pub enum CertCmd {
    /// Certificate types.
    #[command(subcommand)]
    Type(TypeCmd),
    /// Issue a certificate and write the holder's credential.
    Issue(IssueArgs),
    /// Renew: issue a successor with the same claims (new salts) linked to the old certificate.
    Renew {
        /// Signing key.
        #[arg(long)]
        key: String,
        /// The credential being renewed.
        #[arg(long)]
        credential: PathBuf,
        /// Validity of the successor in days (default: the type's).
        #[arg(long)]
        valid_days: Option<u64>,
        /// Output credential file.
        #[arg(long, short)]
        out: PathBuf,
        /// Also write a QR code with the verification link (PNG when the name ends in .png, SVG
        /// otherwise).
        #[arg(long)]
        qr: Option<PathBuf>,
    },
    /// Make a presentation revealing only some claims.
    Present {
        /// Credential file.
        credential: PathBuf,
        /// Claims to reveal (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        reveal: Vec<String>,
        /// Embed proof bundles so the presentation verifies offline.
        #[arg(long)]
        offline: bool,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Verify a presentation (online by default; --offline uses its proofs and the genesis).
    Verify {
        /// Presentation file.
        presentation: PathBuf,
        /// Verify without a node, from the embedded proofs.
        #[arg(long)]
        offline: bool,
        /// Trusted genesis (offline; default the home's).
        #[arg(long)]
        genesis: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke (final).
    Revoke(StatusArgs),
    /// Suspend (reversible).
    Suspend(StatusArgs),
    /// Reinstate a suspended certificate.
    Reinstate(StatusArgs),
    /// Show a certificate's record and status.
    Show {
        /// Certificate id.
        id: String,
    },
}

/// `cert issue` options.
#[derive(clap::Args)]
pub struct IssueArgs {
    /// Signing key (holder of certificates.issue, in an issuing organisation).
    #[arg(long)]
    key: String,
    /// Type id.
    #[arg(long = "type")]
    type_id: String,
    /// A file holding the holder's national id (`-` reads it from standard input): turned into
    /// a pseudonym with the identity authority's secret. Never given on the command line, where
    /// other users and the shell history would see it.
    #[arg(long, conflicts_with = "holder")]
    holder_id_file: Option<PathBuf>,
    /// The holder's pseudonym (64 hex), when already known.
    #[arg(long)]
    holder: Option<String>,
    /// Claim as name=value (repeatable).
    #[arg(long = "claim")]
    claims: Vec<String>,
    /// Validity in days (default: the type's).
    #[arg(long)]
    valid_days: Option<u64>,
    /// Output credential file.
    #[arg(long, short)]
    out: PathBuf,
    /// Also write a QR code with the verification link (PNG when the name ends in .png, SVG
    /// otherwise).
    #[arg(long)]
    qr: Option<PathBuf>,
}

/// Status change options.
#[derive(clap::Args)]
pub struct StatusArgs {
    /// Signing key (holder of certificates.revoke, of the issuing organisation).
    #[arg(long)]
    key: String,
    /// Certificate id.
    id: String,
    /// Why.
    #[arg(long)]
    reason: String,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn parse_field(s: &str) -> Result<Field> {
    let parts: Vec<&str> = s.split(':').collect();
    let k = parts.get(1).copied().unwrap_or("text");
    let kind = FieldKind::parse(k).ok_or_else(|| eyre!("unknown field kind {k}"))?;
    Ok(Field { name: parts[0].to_string(), kind, required: parts.get(2) == Some(&"required") })
}

/// The identity authority's pseudonym secret: `$GOVCHAIN_PSEUDONYM_SECRET` (hex) or the private
/// file `<home>/keys/pseudonym.secret`; at least 32 bytes (an empty variable is an error, never
/// an empty key).
fn pseudonym_secret(ctx: &Ctx) -> Result<Vec<u8>> {
    let hex_secret = match std::env::var("GOVCHAIN_PSEUDONYM_SECRET") {
        Ok(s) => s,
        Err(_) => {
            let path = ctx.keys_dir().join("pseudonym.secret");
            if !path.exists() {
                bail!("no pseudonym secret: set GOVCHAIN_PSEUDONYM_SECRET or give --holder");
            }
            String::from_utf8(govchain_crypto::files::read_private(&path)?).wrap_err("pseudonym secret is not text")?
        }
    };
    let secret = hex::decode(hex_secret.trim()).wrap_err("pseudonym secret must be hex")?;
    if secret.len() < crate::credential::MIN_PSEUDONYM_SECRET {
        bail!("the pseudonym secret must be at least {} bytes", crate::credential::MIN_PSEUDONYM_SECRET);
    }
    Ok(secret)
}

/// Reads a national id from a file, or from standard input for `-`.
fn read_national_id(path: &Path) -> Result<String> {
    let text = if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut s)?;
        s
    } else {
        std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))?
    };
    Ok(text.trim().to_string())
}

/// Whom a certificate is issued to.
enum Holder {
    /// A pseudonym computed elsewhere.
    Pseudonym(Hash32),
    /// A national id, made into a pseudonym for the issuing organisation and type.
    NationalId(String),
}

async fn load_type(ctx: &Ctx, id: &str) -> Result<CertType> {
    let t = client::cert_type(&ctx.client(), id).await?;
    let fields = t
        .fields
        .iter()
        .map(|f| parse_field(&format!("{}:{}{}", f.name, f.kind, if f.required { ":required" } else { "" })))
        .collect::<Result<_>>()?;
    Ok(CertType {
        id: t.id,
        name: t.name,
        version: t.version,
        owner: t.owner,
        fields,
        issuers: t.issuers,
        default_validity_days: t.default_validity_days,
        height: t.height,
    })
}

/// Writes a QR code of `url`: PNG when the path ends in `.png`, SVG otherwise.
fn write_qr(path: &Path, url: &str) -> Result<()> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| eyre!("QR: {e}"))?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) {
        std::fs::write(path, qr_png(&code)?)?;
    } else {
        let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(256, 256).build();
        std::fs::write(path, svg)?;
    }
    Ok(())
}

/// A grayscale PNG of a QR code: 8 pixels per module and the standard 4-module quiet zone.
fn qr_png(code: &qrcode::QrCode) -> Result<Vec<u8>> {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let n = code.width();
    let side = (n + 2 * QUIET) * SCALE;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % n + QUIET, i / n + QUIET);
            for y in my * SCALE..(my + 1) * SCALE {
                pixels[y * side + mx * SCALE..y * side + (mx + 1) * SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header()?;
    w.write_image_data(&pixels)?;
    w.finish()?;
    Ok(out)
}

struct IssueSpec<'a> {
    key: &'a str,
    cert_type: CertType,
    holder: Holder,
    values: Vec<(String, String)>,
    valid_days: Option<u64>,
    previous: Option<String>,
}

async fn issue(ctx: &Ctx, s: IssueSpec<'_>) -> Result<Credential> {
    check_claims(&s.cert_type, &s.values)?;
    let client = ctx.client();
    let status = client.status().await?;
    let suite = ctx.suite().await?;
    let key = ctx.load_key(s.key)?;
    let issuer_account = govchain_identity::client::account(&client, &key.public_key().address(suite)).await?;
    let issuer = govchain_types::Address::from_text(&issuer_account.address).map_err(|e| eyre!("{e}"))?;
    let holder = match s.holder {
        Holder::Pseudonym(h) => h,
        Holder::NationalId(id) => pseudonym(suite, &pseudonym_secret(ctx)?, &issuer_account.org, &s.cert_type.id, &id)?,
    };
    let (claims, commitment) = salt_claims(suite, &s.values)?;
    let valid_from_ms = now_ms();
    let days = s.valid_days.unwrap_or(s.cert_type.default_validity_days as u64);
    let core = CredentialCore {
        chain_id: status.chain_id.clone(),
        certificate_id: certificate_id(suite, &status.chain_id, &issuer, &commitment),
        type_id: s.cert_type.id.clone(),
        type_version: s.cert_type.version,
        issuer_org: issuer_account.org,
        issuer,
        holder,
        commitment,
        valid_from_ms,
        valid_until_ms: valid_from_ms + days * DAY_MS,
        previous: s.previous.clone(),
    };
    let credential = Credential::sign(suite, core.clone(), claims, &key);
    send(ctx, s.key, &core.issue_args(), true).await?;
    Ok(credential)
}

fn save_credential(ctx: &Ctx, c: &Credential, out: &Path, qr: Option<PathBuf>) -> Result<()> {
    // Every claim in clear: personal data, private to its holder.
    govchain_crypto::files::write_private(out, serde_json::to_string_pretty(c)?.as_bytes())?;
    println!("issued certificate {} → {}", c.core.certificate_id, out.display());
    if let Some(q) = qr {
        let url = format!("{}/verify?cert={}", ctx.api.trim_end_matches('/'), c.core.certificate_id);
        write_qr(&q, &url)?;
        println!("QR code with {url} → {}", q.display());
    }
    Ok(())
}

fn print_verdict(v: &serde_json::Value) {
    let valid = v["valid"].as_bool().unwrap_or(false);
    println!("{}", if valid { "VALID" } else { "NOT VALID" });
    if let Some(r) = v.get("reason").filter(|r| !r.is_null()) {
        println!("  reason       {}", r["code"].as_str().unwrap_or("?"));
        for k in ["reason", "height", "detail"] {
            if let Some(x) = r.get(k) {
                println!("  {k:<12} {x}");
            }
        }
    }
    println!("  certificate  {}", v["certificate_id"].as_str().unwrap_or(""));
    println!("  type         {} {}", v["type_id"].as_str().unwrap_or(""), v["type_name"].as_str().unwrap_or(""));
    println!("  issuer       {}", v["issuer_org"].as_str().unwrap_or(""));
    for c in v["disclosed"].as_array().into_iter().flatten() {
        println!("  claim        {} = {}", c[0].as_str().unwrap_or(""), c[1].as_str().unwrap_or(""));
    }
    println!("  hidden       {} claim(s)", v["hidden_claims"]);
    if let Some(h) = v["status_height"].as_u64() {
        println!("  status as of block {h}");
    }
}

/// Runs a certificate command.
async fn run(ctx: &Ctx, c: CertCmd) -> Result<()> {
    match c {
        CertCmd::Type(TypeCmd::Create { key, id, name, fields, issuers, validity_days }) => {
            let fields = fields.iter().map(|f| parse_field(f)).collect::<Result<_>>()?;
            let args = DefineType { id, name, fields, issuers, default_validity_days: validity_days };
            send(ctx, &key, &args, true).await?;
            Ok(())
        }
        CertCmd::Type(TypeCmd::List) => print_json(&client::cert_types(&ctx.client()).await?),
        CertCmd::Issue(a) => {
            let holder = match (&a.holder, &a.holder_id_file) {
                (Some(h), _) => Holder::Pseudonym(Hash32::from_hex(h).ok_or_else(|| eyre!("--holder must be 64 hex"))?),
                (None, Some(f)) => Holder::NationalId(read_national_id(f)?),
                (None, None) => bail!("give --holder-id-file (a file, or - for standard input) or --holder"),
            };
            let values = a
                .claims
                .iter()
                .map(|c| {
                    c.split_once('=')
                        .map(|(n, v)| (n.to_string(), v.to_string()))
                        .ok_or_else(|| eyre!("claims are name=value"))
                })
                .collect::<Result<Vec<_>>>()?;
            let cert_type = load_type(ctx, &a.type_id).await?;
            let cred = issue(
                ctx,
                IssueSpec { key: &a.key, cert_type, holder, values, valid_days: a.valid_days, previous: None },
            )
            .await?;
            save_credential(ctx, &cred, &a.out, a.qr)
        }
        CertCmd::Renew { key, credential, valid_days, out, qr } => {
            let old: Credential = serde_json::from_str(&std::fs::read_to_string(&credential)?)?;
            let values = old.claims.iter().map(|c| (c.name.clone(), c.value.clone())).collect();
            let cert_type = load_type(ctx, &old.core.type_id).await?;
            let spec = IssueSpec {
                key: &key,
                cert_type,
                holder: Holder::Pseudonym(old.core.holder),
                values,
                valid_days,
                previous: Some(old.core.certificate_id.clone()),
            };
            let cred = issue(ctx, spec).await?;
            save_credential(ctx, &cred, &out, qr)
        }
        CertCmd::Present { credential, reveal, offline, out } => {
            let cred: Credential = serde_json::from_str(&std::fs::read_to_string(&credential)?)?;
            let mut p = cred.present(&reveal)?;
            if offline {
                p.proofs = client::cert_proofs(&ctx.client(), &cred.core.certificate_id).await?.bundles;
            }
            govchain_crypto::files::write_private(&out, serde_json::to_string_pretty(&p)?.as_bytes())?;
            println!(
                "presentation revealing {} of {} claims → {}",
                p.disclosed.len(),
                cred.claims.len(),
                out.display()
            );
            Ok(())
        }
        CertCmd::Verify { presentation, offline, genesis, json } => {
            let text = std::fs::read_to_string(&presentation)?;
            let verdict = if offline {
                let p: Presentation = serde_json::from_str(&text)?;
                let genesis = genesis.unwrap_or_else(|| ctx.home.join("genesis.json"));
                let (g, _) = Genesis::load(&genesis)?;
                let proven =
                    ProvenState::from_bundles(&p.proofs, &g.trust_root()?).map_err(|e| eyre!("proofs: {e}"))?;
                serde_json::to_value(verify(&p, &g.chain_id, &proven, now_ms()))?
            } else {
                let value: serde_json::Value = serde_json::from_str(&text)?;
                client::verify_presentation(&ctx.client(), &value).await?.verdict
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&verdict)?);
            } else {
                print_verdict(&verdict);
            }
            if verdict["valid"].as_bool() != Some(true) {
                std::process::exit(1);
            }
            Ok(())
        }
        CertCmd::Revoke(s) => status_change(ctx, &s, &Revoke { id: s.id.clone(), reason: s.reason.clone() }).await,
        CertCmd::Suspend(s) => status_change(ctx, &s, &Suspend { id: s.id.clone(), reason: s.reason.clone() }).await,
        CertCmd::Reinstate(s) => {
            status_change(ctx, &s, &Reinstate { id: s.id.clone(), reason: s.reason.clone() }).await
        }
        CertCmd::Show { id } => {
            let c = ctx.client();
            print_json(&serde_json::json!({
                "record": client::certificate(&c, &id).await?,
                "status": client::cert_status(&c, &id, false).await?,
            }))
        }
    }
}

async fn status_change<M: Method>(ctx: &Ctx, s: &StatusArgs, args: &M) -> Result<()> {
    send(ctx, &s.key, args, true).await?;
    println!("{}: {}", M::METHOD, s.id);
    Ok(())
}

fn run_boxed(ctx: &Ctx, c: CertCmd) -> BoxFuture<'_, Result<()>> {
    Box::pin(run(ctx, c))
}

/// `govchain cert …`.
pub fn cli() -> Box<dyn ModuleCli> {
    Box::new(DeriveCli::new(
        "cert",
        "Electronic certificates: types, issuance, presentations, verification, revocation",
        run_boxed,
    ))
}
