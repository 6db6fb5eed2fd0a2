//! Every state and index key of the workflow module. No other crate spells these prefixes.
//!
//! State:
//! * `workflow/proc/<org>/<process>` → [`ProcessHead`](crate::ProcessHead);
//!   `workflow/def/<org>/<process>/<version BE>` → [`Deployed`](crate::Deployed).
//! * `workflow/inst/<id>` → [`Instance`](crate::Instance); `workflow/step/<id>/<n BE>` →
//!   [`Step`](crate::Step).
//! * `workflow/due/<hour BE>` → the deadlines falling in that hour, `(due_ms, instance)` sorted;
//!   `workflow/due_cursor` → the first hour not yet fully processed.
//! * `workflow/reg/<org>/<register>/<key>` → latest [`RegisterEntry`](crate::RegisterEntry);
//!   `workflow/reg_v/<org>/<register>/<key>/<version BE>` → each version.
//!
//! Query index: `workflow/i/procs/<org>/<process>`; `workflow/i/inst/<org>/<process>/<ms BE><id>`;
//! `workflow/i/mine/<applicant hex>/<ms BE><id>`; `workflow/i/task/<assignee>/<id>` (value: the
//! state); `workflow/i/job/<org>/<id>/<job>`; `workflow/i/reg/<org>/<register>/<key>`.

/// Module name in calls and first segment of every key.
pub const MODULE: &str = "workflow";

const PROC: &[u8] = b"workflow/proc/";
const DEF: &[u8] = b"workflow/def/";
const INST: &[u8] = b"workflow/inst/";
const STEP: &[u8] = b"workflow/step/";
const DUE: &[u8] = b"workflow/due/";
/// The deadline cursor.
pub const DUE_CURSOR: &[u8] = b"workflow/due_cursor";
const REG: &[u8] = b"workflow/reg/";
const REG_V: &[u8] = b"workflow/reg_v/";
const IDX: &[u8] = b"workflow/i/";

fn key(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(b'/');
        }
        k.extend(*p);
    }
    k
}

/// `workflow/proc/<org>/<process>`.
pub fn process(org: &str, id: &str) -> Vec<u8> {
    key(PROC, &[org.as_bytes(), id.as_bytes()])
}

/// `workflow/def/<org>/<process>/<version BE>`.
pub fn definition(org: &str, id: &str, version: u32) -> Vec<u8> {
    key(DEF, &[org.as_bytes(), id.as_bytes(), &version.to_be_bytes()])
}

/// `workflow/inst/<id>`.
pub fn instance(id: &str) -> Vec<u8> {
    key(INST, &[id.as_bytes()])
}

/// `workflow/step/<id>/<n BE>`.
pub fn step(id: &str, n: u32) -> Vec<u8> {
    key(STEP, &[id.as_bytes(), &n.to_be_bytes()])
}

/// `workflow/due/<hour BE>`.
pub fn due(hour: u64) -> Vec<u8> {
    key(DUE, &[&hour.to_be_bytes()])
}

/// `workflow/reg/<org>/<register>/<key>`.
pub fn register(org: &str, register: &str, k: &str) -> Vec<u8> {
    key(REG, &[org.as_bytes(), register.as_bytes(), k.as_bytes()])
}

/// `workflow/reg_v/<org>/<register>/<key>/<version BE>`.
pub fn register_version(org: &str, register: &str, k: &str, version: u32) -> Vec<u8> {
    key(REG_V, &[org.as_bytes(), register.as_bytes(), k.as_bytes(), &version.to_be_bytes()])
}

/// Index: processes of an organisation (all with `None`).
pub fn idx_processes(org: Option<&str>) -> Vec<u8> {
    let mut k = key(IDX, &[b"procs", org.unwrap_or_default().as_bytes()]);
    if org.is_none() {
        k.pop();
    } else {
        k.push(b'/');
    }
    k
}

/// Index entry of a process.
pub fn idx_process(org: &str, id: &str) -> Vec<u8> {
    key(IDX, &[b"procs", org.as_bytes(), id.as_bytes()])
}

/// Index prefix: instances of a process.
pub fn idx_instances(org: &str, process: &str) -> Vec<u8> {
    let mut k = key(IDX, &[b"inst", org.as_bytes(), process.as_bytes()]);
    k.push(b'/');
    k
}

/// Index prefix: an applicant's instances.
pub fn idx_mine(applicant_hex: &str) -> Vec<u8> {
    let mut k = key(IDX, &[b"mine", applicant_hex.as_bytes()]);
    k.push(b'/');
    k
}

/// Appends `<ms BE><id>` to a listing prefix.
pub fn timed(prefix: &[u8], ms: u64, id: &str) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend(ms.to_be_bytes());
    k.extend(id.as_bytes());
    k
}

/// The instance id at the end of a timed index key.
pub fn parse_timed(prefix: &[u8], k: &[u8]) -> Option<String> {
    let rest = k.strip_prefix(prefix)?;
    (rest.len() > 8).then(|| String::from_utf8_lossy(&rest[8..]).to_string())
}

/// Index prefix: the tasks of an assignee (`role:<org>:<role>`, `org:<org>`, `acct:<hex>`).
pub fn idx_tasks(assignee: &str) -> Vec<u8> {
    let mut k = key(IDX, &[b"task", assignee.as_bytes()]);
    k.push(b'/');
    k
}

/// Index entry of one task.
pub fn idx_task(assignee: &str, instance: &str) -> Vec<u8> {
    let mut k = idx_tasks(assignee);
    k.extend(instance.as_bytes());
    k
}

/// Index prefix: the pending jobs of an organisation's worker.
pub fn idx_jobs(org: &str) -> Vec<u8> {
    let mut k = key(IDX, &[b"job", org.as_bytes()]);
    k.push(b'/');
    k
}

/// Index entry of one pending job.
pub fn idx_job(org: &str, instance: &str, job: &str) -> Vec<u8> {
    let mut k = idx_jobs(org);
    k.extend(instance.as_bytes());
    k.push(b'/');
    k.extend(job.as_bytes());
    k
}

/// Index prefix: the entries of a register.
pub fn idx_register(org: &str, register: &str) -> Vec<u8> {
    let mut k = key(IDX, &[b"reg", org.as_bytes(), register.as_bytes()]);
    k.push(b'/');
    k
}

/// Readable form of a key of this module.
pub fn describe(k: &[u8]) -> Option<String> {
    if !k.starts_with(b"workflow/") {
        return None;
    }
    let be = |prefix: &[u8]| -> Option<String> {
        let rest = k.strip_prefix(prefix)?;
        let (head, tail) = rest.split_at(rest.len().checked_sub(4)?);
        let n = u32::from_be_bytes(tail.try_into().ok()?);
        Some(format!("{}{}{n}", String::from_utf8_lossy(prefix), String::from_utf8_lossy(head)))
    };
    if let Some(s) = [STEP, DEF, REG_V].iter().find_map(|p| be(p)) {
        return Some(s);
    }
    if let Some(rest) = k.strip_prefix(DUE)
        && let Ok(h) = <[u8; 8]>::try_from(rest)
    {
        return Some(format!("workflow/due/{}", u64::from_be_bytes(h)));
    }
    Some(String::from_utf8_lossy(k).chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect())
}
