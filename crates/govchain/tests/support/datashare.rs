//! Data-sharing set-up shared by the data-sharing and portal tests: both demo bureaus' profiles,
//! the social-insurance data set and its policy, published through the CLI; requests and
//! fetches as a caseworker makes them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Node, text};

pub fn json(s: &str) -> serde_json::Value {
    // The first JSON document in the output (progress lines on stderr follow it).
    let start = s.find(['{', '[']).unwrap_or(0);
    let mut docs = serde_json::Deserializer::from_str(&s[start..]).into_iter::<serde_json::Value>();
    docs.next().and_then(Result::ok).unwrap_or_else(|| panic!("not JSON: {s}"))
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

pub struct Bureaus {
    pub node: Node,
    pub ip: String,
    pub files: tempfile::TempDir,
}

impl Bureaus {
    pub fn hrss(&self) -> String {
        format!("http://{}:7090", self.ip)
    }
    pub fn civil(&self) -> String {
        format!("http://{}:7091", self.ip)
    }
    pub fn subject_file(&self, id: &str) -> String {
        write(self.files.path(), &format!("{id}.subject"), id).display().to_string()
    }
}

/// A dev home on `ip`, started, with both profiles, the data set and the policy published through
/// the CLI.
pub async fn bureaus(ip: &str, suite: &str) -> Bureaus {
    let mut node = Node::init(ip, suite);
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    Bureaus::publish(node, ip)
}

impl Bureaus {
    /// Publishes the demo's profiles, data set and policy on a running dev node on `ip`.
    pub fn publish(node: Node, ip: &str) -> Bureaus {
        let files = tempfile::tempdir().expect("tmp");
        let ds = govchain_datashare::demo::dataset();
        let policy = govchain_datashare::demo::policy();
        let ds_file = write(files.path(), "ds.json", &serde_json::to_string(&ds).expect("json"));
        let pol_file = write(files.path(), "policy.json", &serde_json::to_string(&policy).expect("json"));
        let b = Bureaus { node, ip: ip.into(), files };
        let (hrss, civil) = (b.hrss(), b.civil());
        b.node.cli_ok(&[
            "data",
            "profile",
            "--key",
            "hrss-admin",
            "--endpoint",
            &hrss,
            "--exchange-key",
            "hrss-exchange-key",
        ]);
        b.node.cli_ok(&[
            "data",
            "profile",
            "--key",
            "civil-admin",
            "--endpoint",
            &civil,
            "--exchange-key",
            "civil-exchange-key",
        ]);
        b.node.cli_ok(&["data", "publish", "--key", "hrss-admin", "--file", &ds_file.display().to_string()]);
        b.node.cli_ok(&["data", "policy", "--key", "hrss-admin", "--file", &pol_file.display().to_string()]);
        b
    }
}

pub fn request(b: &Bureaus, id: &str, fields: &[&str], subjects: Option<&str>) -> serde_json::Value {
    let civil = b.civil();
    let mut args = vec![
        "data",
        "request",
        "--key",
        "civil-caseworker",
        "--exchange",
        &civil,
        "--id",
        id,
        "--dataset",
        "social-insurance",
        "--purpose-code",
        "subsidy-eligibility",
        "--purpose",
        "低保资格审核 subsidy eligibility",
        "--legal-basis",
        "Social Assistance Measures art. 9",
        "--days",
        "30",
        "--case-ref",
        "MZ-2026-001",
    ];
    for f in fields {
        args.extend(["--field", f]);
    }
    let subjects_file;
    if let Some(s) = subjects {
        subjects_file = b.subject_file(s);
        args.extend(["--subjects-file", &subjects_file]);
    }
    json(&b.node.cli_ok(&args))
}

/// `govchain data fetch`: Ok(answer) or Err(error text).
pub fn fetch(b: &Bureaus, grant: &str, subject: &str, fields: &[&str]) -> Result<serde_json::Value, String> {
    let civil = b.civil();
    let sf = b.subject_file(subject);
    let mut args = vec![
        "data",
        "fetch",
        "--key",
        "civil-caseworker",
        "--exchange",
        &civil,
        "--grant",
        grant,
        "--subject-file",
        &sf,
        "--case-ref",
        "case-7",
    ];
    for f in fields {
        args.extend(["--field", f]);
    }
    let o = b.node.cli(&args);
    if o.status.success() { Ok(json(&String::from_utf8_lossy(&o.stdout))) } else { Err(text(&o)) }
}
