//! The development chain's data-sharing demo: the social-insurance data set of the human
//! resources and social security bureau (人社局, `hrss`) backed by a SQLite table of demo
//! citizens, a policy that grants the civil-affairs bureau (民政局, `civil-affairs`) subsidy
//! eligibility checks, one exchange per bureau on the dev node, and the demo citizen's key
//! enrolled beside their row.

use std::path::Path;
use std::time::Duration;

use eyre::{Result, WrapErr};
use govchain_crypto::SecretKey;
use govchain_datashare::SetProfile;
use govchain_datashare::demo::{dataset, policy};
use govchain_sdk::cli::Ctx;
use govchain_sdk::{Client, TxBuilder};
use govchain_types::Suite;

/// The demo data set.
pub use govchain_datashare::demo::DATASET;
/// The demo citizens' table (all invented): national id, name, insured, months paid, monthly
/// salary. The first is the demo citizen whose key is `keys/citizen-demo.json`.
pub const CITIZENS: &[(&str, &str, bool, i64, i64)] = &[
    ("110101199003074512", "张伟 Zhang Wei", true, 86, 7800),
    ("110101198511203318", "王芳 Wang Fang", true, 152, 9200),
    ("110101197702146627", "李娜 Li Na", false, 23, 0),
    ("110101200108301154", "刘洋 Liu Yang", true, 31, 5600),
];
/// Where the demo citizen's national id is kept, for `--subject-file` in the README tour.
pub const SUBJECT_FILE: &str = "keys/citizen-demo.subject";

/// The `[[datashare]]` sections of the dev node's config: one exchange per bureau, on the API's
/// IP at ports 7090 (hrss) and 7091 (civil-affairs).
pub fn config_toml(api_listen: &str) -> String {
    let ip = api_listen.rsplit_once(':').map(|(ip, _)| ip).unwrap_or("127.0.0.1");
    format!(
        "\n[[datashare]]\nlisten = \"{ip}:7090\"\noperator_key = \"keys/hrss-exchange.json\"\nexchange_key = \"keys/hrss-exchange-key.json\"\nstore = \"exchange/hrss\"\n\n[datashare.datasets.{DATASET}]\nconnector = \"sql\"\nurl = \"sqlite://hrss-social-insurance.db\"\ntable = \"insured_persons\"\nsubject_column = \"national_id\"\nsubject_key = \"subject_key\"\nfields = {{ insured = \"insured\", months_paid = \"months_paid\", monthly_salary = \"monthly_salary\" }}\n\n[[datashare]]\nlisten = \"{ip}:7091\"\noperator_key = \"keys/civil-exchange.json\"\nexchange_key = \"keys/civil-exchange-key.json\"\nstore = \"exchange/civil-affairs\"\n"
    )
}

/// The exchange endpoints of the dev node.
pub fn endpoints(api_listen: &str) -> (String, String) {
    let ip = api_listen.rsplit_once(':').map(|(ip, _)| ip).unwrap_or("127.0.0.1");
    (format!("http://{ip}:7090"), format!("http://{ip}:7091"))
}

/// Writes the demo citizens' SQLite database (the bureau's "own database"), enrolling the demo
/// citizen's public key beside their row.
pub async fn write_database(home: &Path, citizen: &SecretKey) -> Result<()> {
    use sqlx::ConnectOptions as _;
    let path = home.join("hrss-social-insurance.db");
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).create_if_missing(true);
    let mut conn = opts.connect().await.wrap_err("creating the demo database")?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS insured_persons (national_id TEXT PRIMARY KEY, name TEXT NOT NULL, \
         insured BOOLEAN NOT NULL, months_paid INTEGER NOT NULL, monthly_salary INTEGER NOT NULL, subject_key TEXT)",
    )
    .execute(&mut conn)
    .await?;
    for (i, (id, name, insured, months, salary)) in CITIZENS.iter().enumerate() {
        let key = (i == 0).then(|| citizen.public_key().to_text());
        sqlx::query("INSERT OR REPLACE INTO insured_persons VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(*id)
            .bind(*name)
            .bind(*insured)
            .bind(*months)
            .bind(*salary)
            .bind(key)
            .execute(&mut conn)
            .await?;
    }
    govchain_crypto::files::write_private(&home.join(SUBJECT_FILE), CITIZENS[0].0.as_bytes())?;
    Ok(())
}

/// Publishes both profiles, the data set and the policy on a fresh dev chain.
pub async fn seed(url: &str, home: &Path, api_listen: &str) -> Result<()> {
    let client = Client::new(url);
    let ctx = Ctx { home: home.to_path_buf(), api: url.to_string() };
    let status = client.status().await?;
    let suite = Suite::from_name(&status.suite).ok_or_else(|| eyre::eyre!("suite"))?;
    let builder = TxBuilder::new(&status.chain_id, suite);
    let (hrss, civil) = endpoints(api_listen);
    let hrss_admin = ctx.load_key("hrss-admin")?;
    let civil_admin = ctx.load_key("civil-admin")?;
    let txs = [
        builder.call(
            &hrss_admin,
            0,
            status.height + 1000,
            &SetProfile { endpoint: hrss, exchange_key: ctx.load_key("hrss-exchange-key")?.public_key() },
        )?,
        builder.call(&hrss_admin, 1, status.height + 1000, &dataset())?,
        builder.call(&hrss_admin, 2, status.height + 1000, &policy())?,
        builder.call(
            &civil_admin,
            0,
            status.height + 1000,
            &SetProfile { endpoint: civil, exchange_key: ctx.load_key("civil-exchange-key")?.public_key() },
        )?,
    ];
    for tx in &txs {
        let hash = client.submit(tx).await?;
        client.wait_tx(&hash, Duration::from_secs(30)).await?;
    }
    tracing::info!("published the data-sharing demo: profiles of hrss and civil-affairs, {DATASET}, its policy");
    Ok(())
}
