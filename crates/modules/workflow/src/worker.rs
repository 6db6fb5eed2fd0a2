//! The job worker (feature `worker`): what a department's node runs to do its jobs.
//!
//! It polls `GET /v1/workflow/jobs?org=` on its own node, does each job of a kind it knows, and
//! reports the attempt with `workflow.report`, signed by the worker's key (an official of the
//! department holding `workflow.report` and whatever the job needs, e.g. `certificates.issue`).
//! Jobs are idempotent, so a worker killed half-way repeats the job after a restart without
//! doing it twice:
//!
//! * `issue-certificate` (`type`, `holder`, `claim_<name>`…): the claims' salts are derived
//!   from the worker key's deterministic signature over (instance, job, claim), and the validity
//!   starts at the job's block time, so a retry computes the same certificate id; a certificate
//!   already on chain counts as issued. The credential file is sealed to the applicant's account
//!   key and reported with the result (ciphertext only on chain); `govchain workflow credential`
//!   opens it.
//! * `publish-record` (`category`, `title`, `body`, `tags`): publishes a public record. (Not
//!   idempotent: a crash between publishing and reporting publishes it again.)
//!
//! Other kinds are left for other workers.

use std::collections::BTreeMap;
use std::time::Duration;

use govchain_certificates::credential::{Claim, Credential, CredentialCore, certificate_id, claim_digest, commitment};

use crate::sealed::CREDENTIAL_INFO;
use govchain_crypto::SecretKey;
use govchain_sdk::{Client, SdkError, TxBuilder};
use govchain_types::{Address, Hash32, Method, PublicKey, Suite};

use crate::model::{Job, Report, Value};
use crate::views::JobView;

/// What a worker needs to know.
#[derive(Clone)]
pub struct WorkerConfig {
    /// The node's API base URL.
    pub api: String,
    /// The department.
    pub org: String,
    /// The worker's signing key.
    pub key: SecretKey,
    /// How often to look for jobs.
    pub poll: Duration,
}

const DAY_MS: u64 = 86_400_000;

fn sdk(e: SdkError) -> String {
    e.to_string()
}

struct Worker {
    cfg: WorkerConfig,
    client: Client,
    suite: Suite,
    chain_id: String,
    address: Address,
    nonce: Option<u64>,
}

fn text(job: &Job, name: &str) -> Result<String, String> {
    match job.params.get(name) {
        Some(Value::Text(s)) => Ok(s.clone()),
        Some(Value::Int(i)) => Ok(i.to_string()),
        Some(Value::Bool(b)) => Ok(b.to_string()),
        _ => Err(format!("parameter {name} is missing")),
    }
}

impl Worker {
    async fn send<M: Method>(&mut self, args: &M) -> Result<Option<String>, String> {
        let status = self.client.status().await.map_err(sdk)?;
        let nonce = match self.nonce {
            Some(n) => n,
            None => self.client.nonces(&self.address).await.map_err(sdk)?.pending_nonce,
        };
        let tx = TxBuilder::new(&self.chain_id, self.suite)
            .call(&self.cfg.key, nonce, status.height + 100, args)
            .map_err(|e| e.to_string())?;
        let hash = match self.client.submit(&tx).await {
            Ok(h) => h,
            Err(e) => {
                self.nonce = None;
                return Err(sdk(e));
            }
        };
        self.nonce = Some(nonce + 1);
        let view = self.client.wait_tx(&hash, Duration::from_secs(60)).await.map_err(|e| {
            self.nonce = None;
            sdk(e)
        })?;
        match view.receipt {
            Some(r) if r.outcome == "success" => Ok(None),
            Some(r) => Ok(Some(r.code.unwrap_or_default())),
            None => Err(format!("transaction {}: {}", view.status, view.reason.unwrap_or_default())),
        }
    }

    fn salt(&self, view: &JobView, claim: &str) -> String {
        let msg = [
            b"GOVCHAIN/WORKFLOW-SALT/v1\0".as_slice(),
            view.instance.as_bytes(),
            b"/",
            view.job.id.as_bytes(),
            b"/",
            claim.as_bytes(),
        ]
        .concat();
        let sig = self.cfg.key.sign(&msg);
        self.suite.hash(&borsh::to_vec(&sig).unwrap_or_default()).to_hex()
    }

    async fn issue_certificate(&mut self, view: &JobView) -> Result<Report, String> {
        let job = &view.job;
        let type_id = text(job, "type")?;
        let holder = Hash32::from_hex(&text(job, "holder")?).ok_or_else(|| "holder is not 64 hex".to_string())?;
        let t = govchain_certificates::client::cert_type(&self.client, &type_id).await.map_err(sdk)?;
        let mut claims = Vec::new();
        for f in &t.fields {
            match text(job, &format!("claim_{}", f.name)) {
                Ok(value) if !value.is_empty() => {
                    claims.push(Claim { salt: self.salt(view, &f.name), name: f.name.clone(), value })
                }
                _ if f.required => return Err(format!("claim {} is required by {type_id}", f.name)),
                _ => {}
            }
        }
        let digests = claims
            .iter()
            .map(|c| claim_digest(self.suite, c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let commitment = commitment(self.suite, &digests);
        let issuer = self.address;
        let core = CredentialCore {
            chain_id: self.chain_id.clone(),
            certificate_id: certificate_id(self.suite, &self.chain_id, &issuer, &commitment),
            type_id: t.id.clone(),
            type_version: t.version,
            issuer_org: self.cfg.org.clone(),
            issuer,
            holder,
            commitment,
            valid_from_ms: job.created_ms,
            valid_until_ms: job.created_ms + t.default_validity_days as u64 * DAY_MS,
            previous: None,
        };
        let issue = core.issue_args();
        match self.send(&issue).await? {
            None => {}
            Some(code) if code == "already_exists" => {}
            Some(code) => return Err(format!("issuing failed: {code}")),
        }
        if std::env::var("GOVCHAIN_TEST_FAILPOINT").as_deref() == Ok("workflow_after_issue") {
            eprintln!("failpoint workflow_after_issue: aborting after issuing {}", core.certificate_id);
            std::process::abort();
        }
        let credential = Credential::sign(self.suite, core.clone(), claims, &self.cfg.key);
        let inst = crate::client::instance(&self.client, &view.instance, false).await.map_err(sdk)?;
        let acct = govchain_identity::client::account(&self.client, &inst.instance.applicant).await.map_err(sdk)?;
        let pk = PublicKey::from_text(&acct.public_key).map_err(|e| e.to_string())?;
        let json = serde_json::to_vec(&credential).map_err(|e| e.to_string())?;
        let sealed = govchain_crypto::exchange::seal(&pk, CREDENTIAL_INFO, view.instance.as_bytes(), &json)
            .map_err(|e| e.to_string())?;
        Ok(Report {
            instance: view.instance.clone(),
            job: job.id.clone(),
            ok: true,
            output: BTreeMap::from([("certificate".into(), Value::Text(core.certificate_id))]),
            error: String::new(),
            sealed,
        })
    }

    async fn publish_record(&mut self, view: &JobView) -> Result<Report, String> {
        let job = &view.job;
        let tags = match job.params.get("tags") {
            Some(Value::List(l)) => l.clone(),
            Some(Value::Text(t)) if !t.is_empty() => vec![t.clone()],
            _ => Vec::new(),
        };
        let content = govchain_records::RecordContent {
            category: text(job, "category")?,
            title: text(job, "title")?,
            body: text(job, "body").unwrap_or_default(),
            attachments: Vec::new(),
            tags,
        };
        match self.send(&govchain_records::Publish { content }).await? {
            None => Ok(Report {
                instance: view.instance.clone(),
                job: job.id.clone(),
                ok: true,
                output: BTreeMap::new(),
                error: String::new(),
                sealed: vec![],
            }),
            Some(code) => Err(format!("publishing failed: {code}")),
        }
    }

    async fn attempt(&mut self, view: &JobView) -> Option<Report> {
        let result = match view.job.kind.as_str() {
            "issue-certificate" => self.issue_certificate(view).await,
            "publish-record" => self.publish_record(view).await,
            _ => return None,
        };
        Some(result.unwrap_or_else(|error| Report {
            instance: view.instance.clone(),
            job: view.job.id.clone(),
            ok: false,
            output: BTreeMap::new(),
            error: error.chars().take(512).collect(),
            sealed: vec![],
        }))
    }

    async fn round(&mut self, backoff: &mut BTreeMap<(String, String), tokio::time::Instant>) -> Result<usize, String> {
        let jobs = crate::client::jobs(&self.client, &self.cfg.org).await.map_err(sdk)?;
        let mut done = 0;
        for view in jobs {
            let key = (view.instance.clone(), view.job.id.clone());
            if backoff.get(&key).is_some_and(|t| *t > tokio::time::Instant::now()) {
                continue;
            }
            let Some(report) = self.attempt(&view).await else { continue };
            if !report.ok {
                let wait = Duration::from_secs(2u64.saturating_pow(view.job.attempts.min(6)));
                backoff.insert(key, tokio::time::Instant::now() + wait);
                tracing::warn!(instance = %view.instance, job = %view.job.id, error = %report.error, "job attempt failed");
            }
            match self.send(&report).await {
                Ok(None) => done += 1,
                Ok(Some(code)) => {
                    tracing::warn!(instance = %view.instance, job = %view.job.id, %code, "report refused")
                }
                Err(e) => tracing::warn!(instance = %view.instance, job = %view.job.id, error = %e, "report not sent"),
            }
        }
        Ok(done)
    }
}

/// Runs a worker until the task is dropped: one round per `poll`, errors logged and retried.
pub async fn run(cfg: WorkerConfig) {
    let client = Client::new(&cfg.api);
    let mut backoff = BTreeMap::new();
    let mut worker: Option<Worker> = None;
    loop {
        if worker.is_none() {
            match client.status().await {
                Ok(s) => {
                    if let Some(suite) = Suite::from_name(&s.suite) {
                        let address = cfg.key.public_key().address(suite);
                        worker = Some(Worker {
                            cfg: cfg.clone(),
                            client: client.clone(),
                            suite,
                            chain_id: s.chain_id,
                            address,
                            nonce: None,
                        });
                    }
                }
                Err(e) => tracing::debug!(error = %e, "job worker: node not ready"),
            }
        }
        if let Some(w) = worker.as_mut()
            && let Err(e) = w.round(&mut backoff).await
        {
            tracing::debug!(error = %e, "job worker round failed");
        }
        tokio::time::sleep(cfg.poll).await;
    }
}
