//! The SQL connector against the databases departments run: a real PostgreSQL server (started
//! here on loopback from the Debian package, stopped even when the test fails) and SQLite, with
//! the same table and the same answers.

use std::path::{Path, PathBuf};
use std::process::Command;

use govchain_crypto::SecretKey;
use govchain_datashare::FieldType;
use govchain_datashare::exchange::{Connector, SourceConfig};
use govchain_types::Algorithm;

const FIELDS: &[(&str, FieldType)] =
    &[("insured", FieldType::Boolean), ("months_paid", FieldType::Integer), ("district", FieldType::Text)];

fn source(url: String) -> SourceConfig {
    SourceConfig {
        connector: "sql".into(),
        url,
        table: Some("insured_persons".into()),
        subject_column: Some("national_id".into()),
        subject_key: "subject_key".into(),
        fields: FIELDS.iter().map(|(f, _)| (f.to_string(), f.to_string())).collect(),
    }
}

fn fields() -> Vec<(String, FieldType)> {
    FIELDS.iter().map(|(f, t)| (f.to_string(), *t)).collect()
}

async fn fill(url: &str, key: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("connect");
    for stmt in [
        "CREATE TABLE insured_persons (national_id TEXT PRIMARY KEY, insured BOOLEAN NOT NULL, months_paid INTEGER NOT NULL, district TEXT, subject_key TEXT)".to_string(),
        format!("INSERT INTO insured_persons VALUES ('110101199003074512', TRUE, 86, '东城区', '{key}')"),
        "INSERT INTO insured_persons VALUES ('110101198511203318', FALSE, 0, NULL, NULL)".to_string(),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(stmt)).execute(&pool).await.expect("statement");
    }
    pool.close().await;
}

async fn same_answers(url: String) {
    let key = SecretKey::from_seed(Algorithm::Ed25519, [3; 32]).public_key();
    fill(&url, &key.to_text()).await;
    let c = Connector::open(source(url.clone()), None).await.expect("open");
    let row = c.fetch("110101199003074512", &fields()).await.expect("query").expect("a row");
    assert_eq!(row.values["insured"], serde_json::json!(true));
    assert_eq!(row.values["months_paid"], serde_json::json!(86));
    assert_eq!(row.values["district"], serde_json::json!("东城区"));
    assert_eq!(row.subject_key, Some(key));
    // Only the fields asked for are read.
    let one = c.fetch("110101199003074512", &fields()[1..2]).await.expect("query").expect("row");
    assert_eq!(one.values.keys().collect::<Vec<_>>(), ["months_paid"]);
    // NULLs stay null; a row without an enrolled key says so.
    let unenrolled = c.fetch("110101198511203318", &fields()).await.expect("query").expect("row");
    assert_eq!(
        (unenrolled.values["insured"].clone(), unenrolled.values["district"].clone()),
        (serde_json::json!(false), serde_json::Value::Null)
    );
    assert_eq!(unenrolled.subject_key, None);
    // Unknown subjects, and a subject id that tries to be SQL, find nothing.
    assert!(c.fetch("999", &fields()).await.expect("query").is_none());
    assert!(c.fetch("' OR '1'='1", &fields()).await.expect("query").is_none());
    // A mapping that is not an identifier never reaches the database.
    let mut bad = source(url);
    bad.fields.insert("insured".into(), "insured\"; DROP TABLE insured_persons; --".into());
    assert!(Connector::open(bad, None).await.is_err());
}

#[tokio::test]
async fn sqlite_answers() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("hrss.db");
    std::fs::File::create(&path).expect("create");
    same_answers(format!("sqlite://{}", path.display())).await;
}

/// A PostgreSQL cluster in a temporary directory, listening on loopback only; stopped on drop.
struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    as_postgres: bool,
    _dir: tempfile::TempDir,
    port: u16,
}

fn pg_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed by scripts/ensure-deps.sh (Debian package postgresql)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop().expect("an initdb under /usr/lib/postgresql/*/bin")
}

impl Postgres {
    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let out = if self.as_postgres {
            Command::new("runuser").arg("-u").arg("postgres").arg("--").arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(ip: &str) -> Postgres {
        let dir = tempfile::Builder::new().prefix("govchain-pg-").tempdir().expect("tmp");
        // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
        let as_postgres = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        if as_postgres {
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().expect("chown");
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind((ip, 0)).and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
        let pg = Postgres { bin: pg_bin(), data: dir.path().join("data"), as_postgres, _dir: dir, port };
        let data = pg.data.display().to_string();
        pg.run("initdb", &["-D", &data, "-U", "govchain", "--auth=trust", "-E", "UTF8", "--locale=C"]);
        let sock = pg.data.parent().unwrap_or(Path::new("/tmp")).display().to_string();
        let opts = format!("-h {ip} -p {port} -k {sock} -c fsync=off");
        pg.run("pg_ctl", &["-D", &data, "-o", &opts, "-w", "-l", &format!("{data}.log"), "start"]);
        pg
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let exe = self.bin.join("pg_ctl");
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(["-D", &data, "-m", "immediate", "stop"])
                .output()
        } else {
            Command::new(&exe).args(["-D", &data, "-m", "immediate", "stop"]).output()
        };
    }
}

#[tokio::test]
async fn postgresql_answers_the_same() {
    let ip = "127.0.0.74";
    let pg = Postgres::start(ip);
    same_answers(format!("postgres://govchain@{ip}:{}/postgres", pg.port)).await;
}

/// A department's existing REST service, as the HTTP connector meets it.
async fn rest_service(key: String) -> std::net::SocketAddr {
    use axum::extract::Path;
    use axum::http::StatusCode;
    let app = axum::Router::new().route(
        "/api/insured/{id}",
        axum::routing::get(move |Path(id): Path<String>| {
            let key = key.clone();
            async move {
                match id.as_str() {
                    "110101199003074512" => Ok(axum::Json(serde_json::json!({
                        "person": {"insured": true, "months_paid": 86, "district": "东城区"},
                        "subject_key": key,
                    }))),
                    "110101198511203318" => Ok(axum::Json(serde_json::json!({
                        "person": {"insured": false, "months_paid": 0, "district": null},
                    }))),
                    _ => Err(StatusCode::NOT_FOUND),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.74:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[tokio::test]
async fn an_http_service_answers_the_same() {
    let key = SecretKey::from_seed(Algorithm::Ed25519, [3; 32]).public_key();
    let addr = rest_service(key.to_text()).await;
    let cfg = SourceConfig {
        connector: "http".into(),
        url: format!("http://{addr}/api/insured/{{subject}}"),
        table: None,
        subject_column: None,
        subject_key: "/subject_key".into(),
        fields: FIELDS.iter().map(|(f, _)| (f.to_string(), format!("/person/{f}"))).collect(),
    };
    let c = Connector::open(cfg.clone(), None).await.expect("open");
    let row = c.fetch("110101199003074512", &fields()).await.expect("GET").expect("a row");
    assert_eq!(row.values["insured"], serde_json::json!(true));
    assert_eq!(row.values["months_paid"], serde_json::json!(86));
    assert_eq!(row.values["district"], serde_json::json!("东城区"));
    assert_eq!(row.subject_key, Some(key));
    let unenrolled = c.fetch("110101198511203318", &fields()).await.expect("GET").expect("row");
    assert_eq!(unenrolled.values["district"], serde_json::Value::Null);
    assert_eq!(unenrolled.subject_key, None);
    // 404 is "no such subject"; an id with path characters is percent-encoded, not a new path.
    assert!(c.fetch("999", &fields()).await.expect("GET").is_none());
    assert!(c.fetch("../admin?x=1", &fields()).await.expect("GET").is_none());
    // A URL without the subject's place is refused when the connector opens.
    let mut bad = cfg;
    bad.url = format!("http://{addr}/api/insured");
    assert!(Connector::open(bad, None).await.is_err());
}
