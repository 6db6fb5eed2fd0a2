//! The owner's side: answering access requests, receipt first; erasing a subject.

use std::collections::BTreeMap;
use std::sync::Arc;

use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_crypto::exchange;
use govchain_types::{Address, Hash32};

use super::{Exchange, connector::Row};
use crate::keys;
use crate::model::*;
use crate::subject::{ReceiptDetails, SubjectKey, random_tag, scope_commitment};
use crate::wire::*;

/// A refusal: an HTTP status, a code, and the receipt recording it (if one was committed).
#[derive(Debug)]
pub struct Refused {
    /// HTTP status.
    pub status: u16,
    /// Stable code.
    pub code: String,
    /// Explanation.
    pub message: String,
    /// The refusal's receipt.
    pub receipt: Option<Hash32>,
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Refused {
        Refused { status: e.status, code: e.code, message: e.message, receipt: None }
    }
}

impl Refused {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Refused {
        Refused { status, code: code.into(), message: message.into(), receipt: None }
    }
}

/// The subject as the owner resolved it.
struct Resolved {
    key: SubjectKey,
    tag0: Hash32,
    version: u32,
}

impl Exchange {
    fn subject_key(&self, q: &dyn ChainQuery, row: &Row) -> Result<Option<Resolved>, Refused> {
        let Some(pk) = &row.subject_key else { return Ok(None) };
        let profile = crate::query::profile_record(q, &self.org)?
            .ok_or_else(|| Refused::new(503, "no_profile", format!("{} has no data-sharing profile", self.org)))?;
        if profile.exchange_key != self.exchange_secret.public_key() {
            return Err(Refused::new(503, "stale_profile", "the profile's exchange key is not this node's"));
        }
        let key = SubjectKey::owner_side(q.suite(), &self.exchange_secret, pk, &self.org, profile.version)
            .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        Ok(Some(Resolved { tag0: key.tag(0), key, version: profile.version }))
    }

    fn lock_for(&self, tag0: Hash32) -> Arc<tokio::sync::Mutex<u64>> {
        self.subjects.lock().entry(tag0).or_default().clone()
    }

    /// The next unused position of a subject's sequence (`cached` is where the last search
    /// ended; the chain is the authority).
    fn next_position(q: &dyn ChainQuery, s: &SubjectKey, cached: u64) -> Result<u64, ApiError> {
        let h = q.height();
        let mut n = cached;
        while q.get(&keys::receipt(&s.tag(n)), h)?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    /// Records a receipt for this access and returns its tag. `resolved` is the subject when the
    /// owner knows them (else the tag is random).
    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        resolved: Option<&Resolved>,
        access: &AccessBody,
        dataset: &str,
        requester: &str,
        official: Address,
        purpose: &str,
        outcome: Outcome,
        payload_hash: Option<Hash32>,
    ) -> Result<(Hash32, u64), Refused> {
        let q = self.host.query();
        let (tag, details, kv, guard) = match resolved {
            Some(r) => {
                let lock = self.lock_for(r.tag0);
                let mut guard = lock.lock_owned().await;
                let n = Self::next_position(q.as_ref(), &r.key, *guard)?;
                *guard = n;
                let d = ReceiptDetails { official, case_ref: access.case_ref.clone(), n, payload_hash };
                (r.key.tag(n), r.key.seal_details(n, &d), r.version, Some(guard))
            }
            None => (random_tag(), Vec::new(), 0, None),
        };
        let args = RecordAccess {
            tag,
            key_version: kv,
            access_id: access.access_id,
            dataset: dataset.into(),
            requester: requester.into(),
            grant: Some(access.grant.clone())
                .filter(|g| crate::query::grant_record(q.as_ref(), g).ok().flatten().is_some()),
            purpose_code: purpose.into(),
            fields: access.fields.clone(),
            outcome,
            details,
        };
        let c = self.commit(&args).await?;
        if let Some(mut g) = guard {
            *g += 1;
        }
        match c.failure {
            None => Ok((tag, c.height)),
            Some(code) => Err(Refused::new(409, &code, "the access receipt was not committed; nothing was delivered")),
        }
    }

    /// `POST /exchange/v1/access`: checks, receipt, then delivery.
    pub async fn access(&self, req: Signed) -> Result<Signed, Refused> {
        let (key, body): (_, AccessBody) =
            req.open(ACCESS_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        if body.chain_id != q.chain_id() {
            return Err(Refused::new(400, "wrong_chain_id", "the request is for another chain"));
        }
        let now = Self::now_ms();
        if body.issued_ms.abs_diff(now) > self.max_skew_ms {
            return Err(Refused::new(400, "stale_request", "the request's time is too far from this node's clock"));
        }
        // A retry of a recorded access gets the recorded answer.
        if let Some(tag) = q.get_as::<Hash32>(&keys::access(&body.access_id), q.height())? {
            return self.replay(q.as_ref(), &body, tag);
        }
        let ds = crate::query::dataset_record(q.as_ref(), &body.dataset)?
            .filter(|d| d.owner == self.org && self.sources.contains_key(&d.id))
            .ok_or_else(|| {
                Refused::new(404, "dataset_not_found", format!("{} serves no data set {}", self.org, body.dataset))
            })?;
        let purpose = crate::query::grant_record(q.as_ref(), &body.grant)?
            .map(|g| g.purpose_code)
            .unwrap_or_else(|| "none".into());
        let subject: Option<SubjectRef> =
            exchange::open(&self.exchange_secret, SUBJECT_INFO, &body.access_id.0, &body.subject)
                .ok()
                .and_then(|b| borsh::from_slice(&b).ok());
        let height = q.height();
        let official = govchain_identity::query::official_with(q.as_ref(), &key, "datashare.request", height);
        let (requester, official_addr) = match &official {
            Ok((a, o)) => (o.id.clone(), a.address),
            Err(_) => {
                let addr = govchain_identity::query::account_of_key(q.as_ref(), &key.address(q.suite()), height)?;
                let org =
                    govchain_identity::query::account_at(q.as_ref(), &addr, height)?.map(|a| a.org).unwrap_or_default();
                (org, addr)
            }
        };
        // The row, when the subject is readable: refusals about a known subject go into their
        // sequence too.
        let field_types: Vec<(String, FieldType)> = body
            .fields
            .iter()
            .filter_map(|f| ds.fields.iter().find(|x| &x.name == f).map(|x| (f.clone(), x.kind)))
            .collect();
        let row = match &subject {
            Some(s) => self.sources[&ds.id]
                .fetch(&s.id, &field_types)
                .await
                .map_err(|e| Refused::new(502, "source_unavailable", e.to_string()))?,
            None => None,
        };
        let resolved = match &row {
            Some(r) => self.subject_key(q.as_ref(), r)?,
            None => None,
        };
        let refusal = self.check(
            q.as_ref(),
            &body,
            &ds,
            official.as_ref().err(),
            &requester,
            subject.as_ref(),
            row.as_ref(),
            field_types.len(),
        );
        if let Err((code, message)) = refusal {
            let outcome = Outcome::Refused { code: code.into() };
            let (tag, _) = self
                .record(resolved.as_ref(), &body, &ds.id, &requester, official_addr, &purpose, outcome, None)
                .await?;
            return Err(Refused { status: 403, code: code.into(), message, receipt: Some(tag) });
        }
        let (Some(row), Some(resolved)) = (row, resolved) else {
            return Err(Refused::new(500, "internal", "subject checks passed without a subject"));
        };
        let grant = crate::query::grant_record(q.as_ref(), &body.grant)?
            .ok_or_else(|| Refused::new(500, "internal", "grant vanished"))?;
        let payload = Payload { access_id: body.access_id.to_hex(), dataset: ds.id.clone(), fields: row.values };
        let plain = serde_json::to_vec(&payload).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let sealed = exchange::seal(&grant.delivery_key, PAYLOAD_INFO, &body.access_id.0, &plain)
            .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let suite = q.suite();
        // The exact bytes are kept (sealed under the subject's storage key) before the receipt,
        // so a retry after a crash re-sends what the receipt's digest names.
        let skey = format!("subject-{}", resolved.tag0.to_hex());
        self.store.key_or_new(&skey).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let access_hex = body.access_id.to_hex();
        self.store
            .seal_file("sent", &access_hex, &skey, &ds.id, "", &sealed)
            .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let outcome = Outcome::Delivered { digest: suite.hash(&sealed), bytes: sealed.len() as u32 };
        let (tag, height) = self
            .record(
                Some(&resolved),
                &body,
                &ds.id,
                &requester,
                official_addr,
                &grant.purpose_code,
                outcome,
                Some(suite.hash(&plain)),
            )
            .await?;
        if self.abort_after_receipt {
            tracing::error!("test failpoint datashare_after_receipt: aborting after the receipt, before the delivery");
            std::process::abort();
        }
        let d = DeliveryBody { access_id: body.access_id, receipt: tag, height, sealed };
        Ok(Signed::sign(DELIVERY_DOMAIN, &d, &self.operator))
    }

    /// Every rule an access must pass, in order; the first broken one names the refusal.
    #[allow(clippy::too_many_arguments)]
    fn check(
        &self,
        q: &dyn ChainQuery,
        body: &AccessBody,
        ds: &Dataset,
        official: Option<&ApiError>,
        requester: &str,
        subject: Option<&SubjectRef>,
        row: Option<&Row>,
        known_fields: usize,
    ) -> Result<(), (&'static str, String)> {
        if let Some(e) = official {
            return Err(("unauthorized", e.message.clone()));
        }
        let Some(subject) = subject else { return Err(("bad_request", "the subject could not be opened".into())) };
        let grant = match crate::query::grant_record(q, &body.grant) {
            Ok(Some(g)) if g.dataset == ds.id => g,
            _ => return Err(("no_grant", format!("no grant {} on {}", body.grant, ds.id))),
        };
        if grant.grantee != requester {
            return Err(("wrong_grantee", format!("grant {} is held by {}", grant.id, grant.grantee)));
        }
        grant.in_force(q.time_ms()).map_err(|c| (c, format!("grant {} is not in force", grant.id)))?;
        if body.fields.is_empty()
            || known_fields != body.fields.len()
            || body.fields.iter().any(|f| !grant.fields.contains(f))
        {
            return Err(("fields_outside_grant", format!("grant {} covers {:?}", grant.id, grant.fields)));
        }
        if let Scope::Subjects { commitments } = &grant.scope {
            let inside =
                subject.salt.is_some_and(|s| commitments.contains(&scope_commitment(q.suite(), &s, &subject.id)));
            if !inside {
                return Err(("subject_outside_scope", "the subject is not among the grant's subjects".into()));
            }
        }
        let Some(row) = row else { return Err(("subject_not_found", "no such subject".into())) };
        if row.subject_key.is_none() {
            return Err((
                "subject_not_enrolled",
                "the subject has no enrolled key: their receipts could not reach them".into(),
            ));
        }
        Ok(())
    }

    fn replay(&self, q: &dyn ChainQuery, body: &AccessBody, tag: Hash32) -> Result<Signed, Refused> {
        let r: Receipt = q
            .get_as(&keys::receipt(&tag), q.height())?
            .ok_or_else(|| Refused::new(500, "internal", "receipt vanished"))?;
        match &r.outcome {
            Outcome::Delivered { digest, .. } => {
                let sealed = match self.store.open_file("sent", &body.access_id.to_hex()) {
                    Ok(Some(s)) => s,
                    Ok(None) => return Err(Refused::new(410, "erased", "the delivery is no longer kept")),
                    Err(super::store::StoreError::Erased(_)) => {
                        return Err(Refused::new(410, "erased", "the subject's data was erased"));
                    }
                    Err(e) => return Err(Refused::new(500, "internal", e.to_string())),
                };
                if q.suite().hash(&sealed) != *digest {
                    return Err(Refused::new(500, "internal", "kept delivery does not match its receipt"));
                }
                let d = DeliveryBody { access_id: body.access_id, receipt: tag, height: r.height, sealed };
                Ok(Signed::sign(DELIVERY_DOMAIN, &d, &self.operator))
            }
            Outcome::Refused { code } => Err(Refused {
                status: 403,
                code: code.clone(),
                message: "refused (recorded)".into(),
                receipt: Some(tag),
            }),
            Outcome::Erased { .. } => Err(Refused::new(409, "already_exists", "that id is an erasure")),
        }
    }

    /// The checks an order about one subject passes (an erasure, an audit): the chain and the
    /// time, the signer's permission, the data set served here, the subject and their key.
    #[allow(clippy::too_many_arguments)]
    async fn order(
        &self,
        q: &dyn ChainQuery,
        key: &govchain_types::PublicKey,
        permission: &str,
        chain_id: &str,
        issued_ms: u64,
        dataset: &str,
        subject: &str,
    ) -> Result<(govchain_identity::Account, govchain_identity::Organisation, Dataset, Resolved), Refused> {
        if chain_id != q.chain_id() || issued_ms.abs_diff(Self::now_ms()) > self.max_skew_ms {
            return Err(Refused::new(400, "stale_request", "wrong chain or stale request"));
        }
        let (acct, org) = govchain_identity::query::official_with(q, key, permission, q.height())?;
        let ds = crate::query::dataset_record(q, dataset)?
            .filter(|d| d.owner == self.org && self.sources.contains_key(&d.id))
            .ok_or_else(|| Refused::new(404, "dataset_not_found", "not a data set of this node"))?;
        let row = self.sources[&ds.id]
            .fetch(subject, &[])
            .await
            .map_err(|e| Refused::new(502, "source_unavailable", e.to_string()))?
            .ok_or_else(|| Refused::new(404, "subject_not_found", "no such subject"))?;
        let resolved =
            self.subject_key(q, &row)?.ok_or_else(|| Refused::new(409, "subject_not_enrolled", "no enrolled key"))?;
        Ok((acct, org, ds, resolved))
    }

    /// `POST /exchange/v1/local/erase`: a data officer of this organisation erases a subject —
    /// an `Erased` receipt in their sequence, the subject's storage key destroyed, and every
    /// grantee that received their data told to destroy it.
    pub async fn erase(&self, req: Signed) -> Result<serde_json::Value, Refused> {
        let (key, body): (_, EraseBody) =
            req.open(ERASE_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        let (_, org, ds, resolved) = self
            .order(q.as_ref(), &key, "datashare.deliver", &body.chain_id, body.issued_ms, &body.dataset, &body.subject)
            .await?;
        if org.id != self.org {
            return Err(Refused::new(403, "unauthorized", "only this organisation's officers erase its data"));
        }
        // Deliveries of this subject, by grant: walk the sequence.
        let mut by_grant: BTreeMap<String, Vec<Hash32>> = BTreeMap::new();
        let h = q.height();
        let mut n = 0;
        while let Some(r) = q.get_as::<Receipt>(&keys::receipt(&resolved.key.tag(n)), h)? {
            if let (Outcome::Delivered { .. }, Some(g)) = (&r.outcome, &r.grant) {
                by_grant.entry(g.clone()).or_default().push(r.access_id);
            }
            n += 1;
        }
        let access = AccessBody {
            chain_id: body.chain_id.clone(),
            access_id: random_tag(),
            grant: String::new(),
            dataset: ds.id.clone(),
            fields: vec![],
            subject: vec![],
            case_ref: "erasure".into(),
            issued_ms: body.issued_ms,
        };
        let outcome = Outcome::Erased { what: "subject".into() };
        let (tag, height) =
            self.record(Some(&resolved), &access, &ds.id, "", Address([0; 20]), "erasure", outcome, None).await?;
        let destroyed = self.store.destroy_key(&format!("subject-{}", resolved.tag0.to_hex())).unwrap_or(false);
        let mut notices = Vec::new();
        for (grant, access_ids) in by_grant {
            notices.push(self.notify(q.as_ref(), &grant, access_ids).await);
        }
        Ok(serde_json::json!({
            "receipt": tag.to_hex(),
            "height": height,
            "owner_copies_destroyed": destroyed,
            "grantees": notices,
        }))
    }

    /// `POST /exchange/v1/audit`: an official with `datashare.audit` (a data-protection
    /// authority) gets the key of one subject's sequence at this owner, to walk and verify their
    /// receipts as the subject would. The key reveals that subject's receipts here and nothing
    /// else.
    pub async fn audit(&self, req: Signed) -> Result<serde_json::Value, Refused> {
        let (key, body): (_, AuditBody) =
            req.open(AUDIT_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        let (acct, org, ds, resolved) = self
            .order(q.as_ref(), &key, "datashare.audit", &body.chain_id, body.issued_ms, &body.dataset, &body.subject)
            .await?;
        tracing::info!(auditor = %acct.address, org = %org.id, case = %body.case_ref, dataset = %ds.id, "subject key given to an auditor");
        Ok(serde_json::json!({
            "owner": self.org,
            "key_version": resolved.version,
            "subject_key": resolved.key.to_hex(),
        }))
    }

    async fn notify(&self, q: &dyn ChainQuery, grant: &str, access_ids: Vec<Hash32>) -> serde_json::Value {
        let count = access_ids.len();
        let g = crate::query::grant_record(q, grant).ok().flatten();
        let endpoint =
            g.as_ref().and_then(|g| crate::query::profile_record(q, &g.grantee).ok().flatten()).map(|p| p.endpoint);
        let (Some(g), Some(endpoint)) = (g, endpoint) else {
            return serde_json::json!({"grant": grant, "deliveries": count, "ok": false, "error": "grantee has no profile"});
        };
        let notice =
            NoticeBody { chain_id: q.chain_id().into(), owner: self.org.clone(), grant: grant.into(), access_ids };
        let msg = Signed::sign(NOTICE_DOMAIN, &notice, &self.operator);
        let url = format!("{}/exchange/v1/erasure-notice", endpoint.trim_end_matches('/'));
        let res = self.http.post(&url).json(&msg).send().await;
        let (ok, error) = match res {
            Ok(r) if r.status().is_success() => (true, None),
            Ok(r) => (false, Some(format!("answered {}", r.status()))),
            Err(e) => (false, Some(e.to_string())),
        };
        serde_json::json!({"grant": grant, "grantee": g.grantee, "deliveries": count, "ok": ok, "error": error})
    }
}
