//! Connectors: how an owner's node reads a subject's fields from the department's own system —
//! an SQL database (SQLite or PostgreSQL, through sqlx) or an existing REST service.

use std::collections::BTreeMap;

use govchain_types::PublicKey;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::model::{Dataset, FieldType};

/// Where one data set's rows live (`[datashare.datasets.<id>]` in the node's config).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// `sql` or `http`.
    pub connector: String,
    /// `sqlite://path`, `postgres://user@host/db`, or for `http` a URL with `{subject}` in it,
    /// e.g. `http://10.0.0.5/api/insured/{subject}`.
    pub url: String,
    /// `sql`: the table.
    #[serde(default)]
    pub table: Option<String>,
    /// `sql`: the column holding the subject id; `http`: unused.
    #[serde(default)]
    pub subject_column: Option<String>,
    /// The column (`sql`) or JSON pointer (`http`, e.g. `/subject_key`) of the subject's enrolled
    /// public key (`ed25519:…`/`sm2:…`); a subject without one is refused
    /// (`subject_not_enrolled`).
    pub subject_key: String,
    /// Catalog field → column (`sql`) or JSON pointer (`http`).
    pub fields: BTreeMap<String, String>,
}

/// One subject's row: the values of the fields asked for and the enrolled key.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Field values.
    pub values: BTreeMap<String, serde_json::Value>,
    /// The subject's enrolled key, if any.
    pub subject_key: Option<PublicKey>,
}

/// A connector that failed (the department's system, not the request).
#[derive(Debug, thiserror::Error)]
#[error("connector: {0}")]
pub struct ConnectorError(pub String);

/// An open connector.
pub enum Connector {
    /// SQL through a pool.
    Sql {
        /// Pool.
        pool: sqlx::AnyPool,
        /// Config.
        cfg: SourceConfig,
    },
    /// HTTP.
    Http {
        /// Client.
        client: reqwest::Client,
        /// Config.
        cfg: SourceConfig,
    },
}

fn sql_ident(what: &str, s: &str) -> Result<(), ConnectorError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok { Ok(()) } else { Err(ConnectorError(format!("{what} {s:?} is not an SQL identifier"))) }
}

impl Connector {
    /// Opens a connector and checks its mapping against the data set's fields.
    pub async fn open(cfg: SourceConfig, dataset: Option<&Dataset>) -> Result<Connector, ConnectorError> {
        if let Some(d) = dataset
            && let Some(f) = cfg.fields.keys().find(|f| !d.fields.iter().any(|x| &x.name == *f))
        {
            return Err(ConnectorError(format!("field {f} is not in data set {}", d.id)));
        }
        match cfg.connector.as_str() {
            "sql" => {
                sql_ident("table", cfg.table.as_deref().unwrap_or(""))?;
                sql_ident("subject_column", cfg.subject_column.as_deref().unwrap_or(""))?;
                sql_ident("subject_key", &cfg.subject_key)?;
                for c in cfg.fields.values() {
                    sql_ident("column", c)?;
                }
                sqlx::any::install_default_drivers();
                let pool = sqlx::any::AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(&cfg.url)
                    .await
                    .map_err(|e| ConnectorError(format!("cannot open {}: {e}", redact(&cfg.url))))?;
                Ok(Connector::Sql { pool, cfg })
            }
            "http" => {
                if !cfg.url.contains("{subject}") {
                    return Err(ConnectorError("an http connector's url has {subject} in it".into()));
                }
                let client = reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(10))
                    .build()
                    .map_err(|e| ConnectorError(e.to_string()))?;
                Ok(Connector::Http { client, cfg })
            }
            other => Err(ConnectorError(format!("unknown connector {other:?} (sql or http)"))),
        }
    }

    /// Reads `fields` of `subject`; `None` when the owner has no such subject.
    pub async fn fetch(&self, subject: &str, fields: &[(String, FieldType)]) -> Result<Option<Row>, ConnectorError> {
        match self {
            Connector::Sql { pool, cfg } => {
                let cols: Vec<(String, String, FieldType)> = fields
                    .iter()
                    .map(|(f, t)| {
                        cfg.fields
                            .get(f)
                            .map(|c| (f.clone(), c.clone(), *t))
                            .ok_or_else(|| ConnectorError(format!("field {f} has no column")))
                    })
                    .collect::<Result<_, _>>()?;
                let mut select: Vec<String> = vec![format!("CAST(\"{}\" AS TEXT)", cfg.subject_key)];
                select.extend(cols.iter().map(|(_, c, t)| match t {
                    FieldType::Integer => format!("CAST(\"{c}\" AS BIGINT)"),
                    FieldType::Boolean => format!("CAST(CASE WHEN \"{c}\" THEN 1 ELSE 0 END AS BIGINT)"),
                    _ => format!("CAST(\"{c}\" AS TEXT)"),
                }));
                let sql = format!(
                    "SELECT {} FROM \"{}\" WHERE \"{}\" = $1",
                    select.join(", "),
                    cfg.table.as_deref().unwrap_or_default(),
                    cfg.subject_column.as_deref().unwrap_or_default()
                );
                // Audited: every identifier in `sql` passed `sql_ident` when the connector opened
                // (letters, digits, '_'; quoted), and the subject is a bound parameter.
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(subject.to_string())
                    .fetch_optional(pool)
                    .await
                    .map_err(|e| ConnectorError(format!("query failed: {e}")))?;
                let Some(row) = row else { return Ok(None) };
                let key: Option<String> = row.try_get(0).map_err(|e| ConnectorError(e.to_string()))?;
                let mut values = BTreeMap::new();
                for (i, (f, _, t)) in cols.iter().enumerate() {
                    let v = match t {
                        FieldType::Integer => {
                            row.try_get::<Option<i64>, _>(i + 1).map(|v| v.map(serde_json::Value::from))
                        }
                        FieldType::Boolean => {
                            row.try_get::<Option<i64>, _>(i + 1).map(|v| v.map(|n| serde_json::Value::Bool(n != 0)))
                        }
                        _ => row.try_get::<Option<String>, _>(i + 1).map(|v| v.map(serde_json::Value::String)),
                    }
                    .map_err(|e| ConnectorError(format!("column of {f}: {e}")))?;
                    values.insert(f.clone(), v.unwrap_or(serde_json::Value::Null));
                }
                Ok(Some(Row { values, subject_key: key.and_then(|k| PublicKey::from_text(k.trim()).ok()) }))
            }
            Connector::Http { client, cfg } => {
                let url = cfg.url.replace("{subject}", &urlencode(subject));
                let resp = client.get(&url).send().await.map_err(|e| ConnectorError(format!("GET failed: {e}")))?;
                if resp.status() == reqwest::StatusCode::NOT_FOUND {
                    return Ok(None);
                }
                if !resp.status().is_success() {
                    return Err(ConnectorError(format!("GET answered {}", resp.status())));
                }
                let doc: serde_json::Value = resp.json().await.map_err(|e| ConnectorError(format!("not JSON: {e}")))?;
                let mut values = BTreeMap::new();
                for (f, _) in fields {
                    let ptr = cfg.fields.get(f).ok_or_else(|| ConnectorError(format!("field {f} has no pointer")))?;
                    values.insert(f.clone(), doc.pointer(ptr).cloned().unwrap_or(serde_json::Value::Null));
                }
                let key =
                    doc.pointer(&cfg.subject_key).and_then(|v| v.as_str()).and_then(|k| PublicKey::from_text(k).ok());
                Ok(Some(Row { values, subject_key: key }))
            }
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(a)) if a > s => format!("{}://…@{}", &url[..s], &url[a + 1..]),
        _ => url.to_string(),
    }
}
