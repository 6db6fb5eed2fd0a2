//! Typed reads of the workflow state and indexes (what the routes, the CLI and the job worker
//! use).

use base64::Engine as _;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_types::Address;

use crate::keys;
use crate::methods::assignee;
use crate::model::*;
use crate::views::*;

/// Most items a listing returns.
pub const MAX_LIST: usize = 200;
/// Most steps one proof bundle covers (older steps: ask with a lower `upto`).
pub const MAX_PROVEN_STEPS: u32 = 255;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn slug(what: &str, s: &str) -> Result<(), ApiError> {
    govchain_types::validate::slug(what, s).map_err(|e| ApiError::bad_request("invalid_id", e.to_string()))
}

fn instance_id(id: &str) -> Result<(), ApiError> {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(ApiError::bad_request("invalid_id", "an instance id is 64 lower-case hex characters"))
    }
}

/// Parses an account address from a query.
pub fn address(s: &str) -> Result<Address, ApiError> {
    Address::from_text(s).map_err(|_| ApiError::bad_request("invalid_address", "an address is 0x + 40 hex"))
}

/// `GET /v1/workflow/processes`: every process's latest version.
pub fn processes(q: &dyn ChainQuery) -> Result<Vec<ProcessSummary>, ApiError> {
    let height = q.height();
    let prefix = keys::idx_processes(None);
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&prefix, None, MAX_LIST)? {
        let rest = String::from_utf8_lossy(&k[prefix.len()..]).to_string();
        let Some((org, id)) = rest.trim_start_matches('/').split_once('/') else { continue };
        if let Some(h) = q.get_as::<ProcessHead>(&keys::process(org, id), height)? {
            out.push(ProcessSummary {
                org: org.into(),
                id: id.into(),
                name: h.name,
                version: h.version,
                hash: h.hash.to_string(),
            });
        }
    }
    out.sort_by(|a, b| (&a.org, &a.id).cmp(&(&b.org, &b.id)));
    Ok(out)
}

/// A deployed version (0: the latest) at the latest height.
pub fn deployed(q: &dyn ChainQuery, org: &str, id: &str, version: u32) -> Result<Deployed, ApiError> {
    slug("org", org)?;
    slug("process", id)?;
    let height = q.height();
    let missing = || ApiError::not_found("process_not_found", format!("no process {org}/{id}"));
    let version = match version {
        0 => q.get_as::<ProcessHead>(&keys::process(org, id), height)?.ok_or_else(missing)?.version,
        v => v,
    };
    q.get_as(&keys::definition(org, id, version), height)?
        .ok_or_else(|| ApiError::not_found("version_not_found", format!("no version {version} of {org}/{id}")))
}

/// `GET /v1/workflow/processes/{org}/{id}`.
pub fn process(q: &dyn ChainQuery, org: &str, id: &str, version: Option<u32>) -> Result<ProcessView, ApiError> {
    if version == Some(0) {
        return Err(ApiError::bad_request("invalid_query", "versions start at 1"));
    }
    let latest = deployed(q, org, id, 0)?;
    let height = q.height();
    let mut versions = Vec::new();
    for v in 1..=latest.version.min(MAX_LIST as u32) {
        if let Some(d) = q.get_as::<Deployed>(&keys::definition(org, id, v), height)? {
            versions.push(VersionRef { version: v, hash: d.hash.to_string(), height: d.height });
        }
    }
    let deployed = match version {
        Some(v) if v != latest.version => deployed(q, org, id, v)?,
        _ => latest,
    };
    Ok(ProcessView { deployed, versions })
}

/// An instance at the latest height.
pub fn load_instance(q: &dyn ChainQuery, id: &str) -> Result<Instance, ApiError> {
    instance_id(id)?;
    q.get_as(&keys::instance(id), q.height())?
        .ok_or_else(|| ApiError::not_found("instance_not_found", format!("no instance {id}")))
}

fn open_transitions(def: &Definition, inst: &Instance) -> (String, Vec<OpenTransition>) {
    let Some(st) = def.state(&inst.state) else { return (String::new(), Vec::new()) };
    let open = st
        .transitions
        .iter()
        .filter(|t| t.by != Actor::Auto && inst.outcome.is_none())
        .map(|t| OpenTransition {
            id: t.id.clone(),
            label: if t.label.is_empty() { t.id.clone() } else { t.label.clone() },
            by: t.by.clone(),
            reason_required: t.reason_required,
            edits: t.edits.clone(),
        })
        .collect();
    (if st.label.is_empty() { st.id.clone() } else { st.label.clone() }, open)
}

/// `GET /v1/workflow/instances/{id}`: the instance, its timeline, optionally proven.
pub fn instance(q: &dyn ChainQuery, id: &str, proof: bool) -> Result<InstanceView, ApiError> {
    let height = q.latest_block()?;
    let inst = load_instance(q, id)?;
    let mut steps = Vec::new();
    for n in 1..=inst.steps {
        if let Some(s) = q.get_as::<Step>(&keys::step(id, n), height)? {
            steps.push(s);
        }
    }
    let dep = deployed(q, &inst.org, &inst.process, inst.version)?;
    let (state_label, open) = open_transitions(&dep.definition, &inst);
    let proof = if proof {
        let mut ks = vec![keys::instance(id)];
        ks.extend((1..=inst.steps.min(MAX_PROVEN_STEPS)).map(|n| keys::step(id, n)));
        Some(b64(&q.prove(&ks, height)?.bundle))
    } else {
        None
    };
    Ok(InstanceView { instance: inst, steps, state_label, open, height, proof })
}

/// `GET /v1/workflow/processes/{org}/{id}/instances`: a process's instances, newest first.
pub fn process_instances(
    q: &dyn ChainQuery,
    org: &str,
    process: &str,
    limit: Option<usize>,
) -> Result<Vec<InstanceSummary>, ApiError> {
    slug("org", org)?;
    slug("process", process)?;
    listing(q, &keys::idx_instances(org, process), limit)
}

/// `GET /v1/workflow/applicants/{address}/instances`: an applicant's instances, newest first.
pub fn applicant_instances(
    q: &dyn ChainQuery,
    applicant: &str,
    limit: Option<usize>,
) -> Result<Vec<InstanceSummary>, ApiError> {
    listing(q, &keys::idx_mine(&hex::encode(address(applicant)?.0)), limit)
}

fn listing(q: &dyn ChainQuery, prefix: &[u8], limit: Option<usize>) -> Result<Vec<InstanceSummary>, ApiError> {
    let limit = match limit {
        None => 50,
        Some(n @ 1..=MAX_LIST) => n,
        Some(_) => return Err(ApiError::bad_request("invalid_query", format!("limit is 1-{MAX_LIST}"))),
    };
    let height = q.height();
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(prefix, None, limit)? {
        let Some(id) = keys::parse_timed(prefix, &k) else { continue };
        if let Some(i) = q.get_as::<Instance>(&keys::instance(&id), height)? {
            out.push(InstanceSummary::from(&i));
        }
    }
    Ok(out)
}

/// `GET /v1/workflow/tasks?account=`: what waits for this account, its roles and its
/// organisation, with the transitions it may take.
pub fn tasks(q: &dyn ChainQuery, account: &str) -> Result<Vec<TaskView>, ApiError> {
    let addr = address(account)?;
    let height = q.height();
    let acct = govchain_identity::query::account_at(q, &addr, height)?
        .ok_or_else(|| ApiError::not_found("account_not_found", format!("no account {account}")))?;
    let mut assignees = vec![format!("acct:{}", hex::encode(addr.0))];
    if acct.kind == govchain_identity::AccountKind::Official {
        assignees.push(format!("org:{}", acct.org));
        assignees.extend(acct.roles.iter().map(|r| format!("role:{}:{r}", acct.org)));
    }
    let mut out = Vec::new();
    for a in assignees {
        let prefix = keys::idx_tasks(&a);
        for (k, _) in q.index_scan_desc(&prefix, None, MAX_LIST)? {
            let id = String::from_utf8_lossy(&k[prefix.len()..]).to_string();
            let Some(inst) = q.get_as::<Instance>(&keys::instance(&id), height)? else { continue };
            let dep = deployed(q, &inst.org, &inst.process, inst.version)?;
            let (state_label, open) = open_transitions(&dep.definition, &inst);
            let transitions: Vec<_> =
                open.into_iter().filter(|t| assignee(&t.by, &inst).as_deref() == Some(a.as_str())).collect();
            if transitions.is_empty() || out.iter().any(|t: &TaskView| t.instance.id == id) {
                continue;
            }
            out.push(TaskView {
                instance: InstanceSummary::from(&inst),
                state_label,
                assignee: a.clone(),
                transitions,
                due_ms: inst.due_ms,
            });
        }
    }
    out.sort_by(|a, b| a.instance.created_ms.cmp(&b.instance.created_ms).then(a.instance.id.cmp(&b.instance.id)));
    Ok(out)
}

/// `GET /v1/workflow/jobs?org=`: the pending jobs of an organisation's worker, oldest first.
pub fn jobs(q: &dyn ChainQuery, org: &str) -> Result<Vec<JobView>, ApiError> {
    slug("org", org)?;
    let height = q.height();
    let prefix = keys::idx_jobs(org);
    let mut out = Vec::new();
    for (k, _) in q.index_scan_desc(&prefix, None, MAX_LIST)? {
        let rest = String::from_utf8_lossy(&k[prefix.len()..]).to_string();
        let Some((id, job)) = rest.split_once('/') else { continue };
        let Some(inst) = q.get_as::<Instance>(&keys::instance(id), height)? else { continue };
        if let Some(j) = inst.jobs.get(job).filter(|j| j.status == JobStatus::Pending) {
            out.push(JobView {
                instance: inst.id.clone(),
                process: format!("{}/{}", inst.org, inst.process),
                job: j.clone(),
            });
        }
    }
    out.sort_by_key(|j| (j.job.created_height, j.instance.clone(), j.job.id.clone()));
    Ok(out)
}

/// `GET /v1/workflow/registers/{org}/{register}`: the keys of a register.
pub fn register_keys(q: &dyn ChainQuery, org: &str, register: &str) -> Result<Vec<String>, ApiError> {
    slug("org", org)?;
    slug("register", register)?;
    let prefix = keys::idx_register(org, register);
    let mut out: Vec<String> = q
        .index_scan_desc(&prefix, None, MAX_LIST)?
        .into_iter()
        .map(|(k, _)| String::from_utf8_lossy(&k[prefix.len()..]).to_string())
        .collect();
    out.sort();
    Ok(out)
}

/// `GET /v1/workflow/registers/{org}/{register}/{key}`: an entry with its history.
pub fn register_entry(
    q: &dyn ChainQuery,
    org: &str,
    register: &str,
    key: &str,
    proof: bool,
) -> Result<RegisterView, ApiError> {
    slug("org", org)?;
    slug("register", register)?;
    let height = q.latest_block()?;
    let k = keys::register(org, register, key);
    let entry: RegisterEntry = q
        .get_as(&k, height)?
        .ok_or_else(|| ApiError::not_found("entry_not_found", format!("{org}/{register} has no entry {key}")))?;
    let mut history = Vec::new();
    for v in 1..=entry.version.min(MAX_LIST as u32) {
        if let Some(e) = q.get_as::<RegisterEntry>(&keys::register_version(org, register, key, v), height)? {
            history.push(e);
        }
    }
    let proof = if proof { Some(b64(&q.prove(&[k], height)?.bundle)) } else { None };
    Ok(RegisterView { entry, history, height, proof })
}
