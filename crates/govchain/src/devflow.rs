//! The approval-workflow part of the dev chain: the market-regulation bureau's business-licence
//! process (examples/business-licence), its job worker on the dev node, and a resident identity
//! certificate for the demo citizen so an application can be approved automatically.

use std::path::Path;
use std::time::Duration;

use eyre::{Result, eyre};
use govchain_certificates::credential::{Credential, CredentialCore, certificate_id, pseudonym, salt_claims};
use govchain_sdk::cli::Ctx;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::{Method, Suite};

/// The `[[workflow_worker]]` section of the dev node's config.
pub const CONFIG_TOML: &str = "\n# The market-regulation bureau's workflow job worker (issues licences).\n[[workflow_worker]]\norg = \"market\"\nkey = \"keys/market-worker.json\"\n";
/// The business-licence process definition.
pub const BUSINESS_LICENCE: &str = include_str!("../../../examples/business-licence/process.yaml");
/// Where the demo citizen's resident-id pseudonym is written (the `founder` field of a
/// business-licence application).
pub const PSEUDONYM_FILE: &str = "keys/citizen-demo.pseudonym";
/// The demo citizen's resident identity credential.
pub const CREDENTIAL_FILE: &str = "keys/citizen-demo.resident-id.json";
const DAY_MS: u64 = 86_400_000;

/// Signs, submits and waits for one call; fails when its receipt does.
pub async fn send<M: Method>(client: &Client, suite: Suite, key: &govchain_crypto::SecretKey, args: &M) -> Result<()> {
    let status = client.status().await?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let height = status.height;
    let address = key.public_key().address(suite);
    let nonce = client.nonces(&address).await?.pending_nonce;
    let tx = builder.call(key, nonce, height + 1000, args)?;
    let hash = client.submit(&tx).await?;
    let view = client.wait_tx(&hash, Duration::from_secs(30)).await?;
    match view.receipt {
        Some(r) if r.outcome == "success" => Ok(()),
        r => Err(eyre!("{}.{} failed: {:?}", M::MODULE, M::METHOD, r.and_then(|r| r.code))),
    }
}

/// The dev pseudonym secret (`keys/pseudonym.secret`), written on first use.
fn pseudonym_secret(home: &Path) -> Result<Vec<u8>> {
    let path = home.join("keys/pseudonym.secret");
    if !path.exists() {
        let secret: [u8; 32] = rand::random();
        govchain_crypto::files::write_private(&path, hex::encode(secret).as_bytes())?;
    }
    let text = String::from_utf8(govchain_crypto::files::read_private(&path)?)?;
    Ok(hex::decode(text.trim())?)
}

/// Issues the demo citizen's resident identity certificate and deploys the business-licence
/// process (a fresh dev chain, after the demo certificate types are defined).
pub async fn seed(url: &str, home: &Path) -> Result<()> {
    let client = Client::new(url);
    let ctx = Ctx { home: home.to_path_buf(), api: url.to_string() };
    let status = client.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre!("suite"))?;
    let (national_id, name, ..) = crate::devshare::CITIZENS[0];
    let holder = pseudonym(suite, &pseudonym_secret(home)?, "police", "resident-id", national_id)?;
    let police = ctx.load_key("police-admin")?;
    let issuer = police.public_key().address(suite);
    let values = vec![("name".to_string(), name.to_string()), ("birth_date".to_string(), "1990-03-07".to_string())];
    let (claims, commitment) = salt_claims(suite, &values)?;
    let t = govchain_certificates::client::cert_type(&client, "resident-id").await?;
    let valid_from_ms = status.latest_block_time_ms;
    let core = CredentialCore {
        chain_id: status.chain_id.clone(),
        certificate_id: certificate_id(suite, &status.chain_id, &issuer, &commitment),
        type_id: t.id.clone(),
        type_version: t.version,
        issuer_org: "police".into(),
        issuer,
        holder,
        commitment,
        valid_from_ms,
        valid_until_ms: valid_from_ms + t.default_validity_days as u64 * DAY_MS,
        previous: None,
    };
    let issue = core.issue_args();
    send(&client, suite, &police, &issue).await?;
    let credential = Credential::sign(suite, core, claims, &police);
    govchain_crypto::files::write_private(
        &home.join(CREDENTIAL_FILE),
        serde_json::to_string_pretty(&credential)?.as_bytes(),
    )?;
    govchain_crypto::files::write_private(&home.join(PSEUDONYM_FILE), holder.to_hex().as_bytes())?;
    let definition = govchain_workflow::definition::from_text(BUSINESS_LICENCE)?;
    let market = ctx.load_key("market-admin")?;
    send(&client, suite, &market, &govchain_workflow::Deploy { definition }).await?;
    tracing::info!("deployed market/business-licence; the demo citizen holds resident-id certificate {}", issue.id);
    Ok(())
}
