//! Typed client calls of the workflow routes (feature `client`).

use govchain_sdk::{Client, SdkError};

use crate::views::*;

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /v1/workflow/processes`.
pub async fn processes(c: &Client) -> Result<Vec<ProcessSummary>, SdkError> {
    c.get("/v1/workflow/processes").await
}

/// `GET /v1/workflow/processes/{org}/{id}[?version=]`.
pub async fn process(c: &Client, org: &str, id: &str, version: Option<u32>) -> Result<ProcessView, SdkError> {
    let v = version.map(|v| format!("?version={v}")).unwrap_or_default();
    c.get(&format!("/v1/workflow/processes/{}/{}{v}", enc(org), enc(id))).await
}

/// `GET /v1/workflow/instances/{id}[?proof=true]`.
pub async fn instance(c: &Client, id: &str, proof: bool) -> Result<InstanceView, SdkError> {
    c.get(&format!("/v1/workflow/instances/{}?proof={proof}", enc(id))).await
}

/// `GET /v1/workflow/applicants/{address}/instances`.
pub async fn instances_of(c: &Client, applicant: &str) -> Result<Vec<InstanceSummary>, SdkError> {
    c.get(&format!("/v1/workflow/applicants/{}/instances", enc(applicant))).await
}

/// `GET /v1/workflow/processes/{org}/{id}/instances`.
pub async fn instances(c: &Client, org: &str, process: &str) -> Result<Vec<InstanceSummary>, SdkError> {
    c.get(&format!("/v1/workflow/processes/{}/{}/instances", enc(org), enc(process))).await
}

/// `GET /v1/workflow/tasks?account=`.
pub async fn tasks(c: &Client, account: &str) -> Result<Vec<TaskView>, SdkError> {
    c.get(&format!("/v1/workflow/tasks?account={}", enc(account))).await
}

/// `GET /v1/workflow/jobs?org=`.
pub async fn jobs(c: &Client, org: &str) -> Result<Vec<JobView>, SdkError> {
    c.get(&format!("/v1/workflow/jobs?org={}", enc(org))).await
}

/// `GET /v1/workflow/registers/{org}/{register}`.
pub async fn register_keys(c: &Client, org: &str, register: &str) -> Result<Vec<String>, SdkError> {
    c.get(&format!("/v1/workflow/registers/{}/{}", enc(org), enc(register))).await
}

/// `GET /v1/workflow/registers/{org}/{register}/{key}[?proof=true]`.
pub async fn register_entry(
    c: &Client,
    org: &str,
    register: &str,
    key: &str,
    proof: bool,
) -> Result<RegisterView, SdkError> {
    c.get(&format!("/v1/workflow/registers/{}/{}/{}?proof={proof}", enc(org), enc(register), enc(key))).await
}
