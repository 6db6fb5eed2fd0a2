//! Workflow set-up shared by the workflow and portal tests: the certificate types the
//! business-licence pack needs, a resident-id certificate for the demo citizen, applications
//! through the CLI.
#![allow(dead_code)]

use super::Node;

pub const FOUNDER_ID: &str = "110101199003074512";

pub fn examples(file: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(file).display().to_string()
}

/// Defines the resident-id and business-licence types and issues a resident id to the demo
/// citizen; returns its pseudonym.
pub fn resident_id(node: &Node, dir: &std::path::Path) -> String {
    node.cli_ok(&[
        "cert",
        "type",
        "create",
        "--key",
        "police-admin",
        "--id",
        "resident-id",
        "--name",
        "Resident identity",
        "--field",
        "name:text:required",
        "--issuer",
        "police",
        "--validity-days",
        "3650",
    ]);
    node.cli_ok(&[
        "cert",
        "type",
        "create",
        "--key",
        "market-admin",
        "--id",
        "business-licence",
        "--name",
        "Business licence",
        "--field",
        "company_name:text:required",
        "--field",
        "registration_number:text:required",
        "--field",
        "legal_representative:text:required",
        "--field",
        "business_scope:text",
        "--issuer",
        "market",
        "--validity-days",
        "1825",
    ]);
    std::fs::write(node.home.join("keys/pseudonym.secret"), "ab".repeat(32)).expect("secret");
    let out = dir.join("resident.json").display().to_string();
    node.cli_ok_stdin(
        FOUNDER_ID,
        &[
            "cert",
            "issue",
            "--key",
            "police-officer",
            "--type",
            "resident-id",
            "--holder-id-file",
            "-",
            "--claim",
            "name=张伟",
            "-o",
            &out,
        ],
    );
    let cred: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    cred["core"]["holder"].as_str().expect("holder").to_string()
}

pub fn apply(node: &Node, name: &str, founder: &str) -> (String, String) {
    let out = node.cli_ok(&[
        "workflow",
        "apply",
        "market/business-licence",
        "--key",
        "citizen-demo",
        "--field",
        &format!("business_name={name}"),
        "--field",
        "representative=张伟",
        "--field",
        "address=1 Renmin Road",
        "--field",
        "capital=100000",
        "--field",
        "scope=retail,tea",
        "--field",
        &format!("founder={founder}"),
    ]);
    let id = out.lines().find_map(|l| l.strip_prefix("instance ")).expect("instance id").to_string();
    let state = out.lines().find_map(|l| l.strip_prefix("state ")).expect("state").to_string();
    (id, state)
}
