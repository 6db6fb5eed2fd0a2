//! The grantee's side: delivery keys, fetching for its officials, keeping what it received
//! under keys that die with the grant, and shredding on an owner's notice.

use govchain_component::{ChainQuery, ChainQueryExt};
use govchain_crypto::{SecretKey, exchange};
use govchain_types::Hash32;

use super::Exchange;
use super::owner::Refused;
use crate::keys;
use crate::model::*;
use crate::wire::*;

fn grant_key_name(request: &str) -> String {
    format!("grant-{request}")
}

fn delivery_key_name(access: &str) -> String {
    format!("delivery-{access}")
}

impl Exchange {
    fn own_official(&self, q: &dyn ChainQuery, key: &govchain_types::PublicKey, perm: &str) -> Result<(), Refused> {
        let (_, org) = govchain_identity::query::official_with(q, key, perm, q.height())?;
        if org.id != self.org {
            return Err(Refused::new(403, "unauthorized", format!("this node serves {}, not {}", self.org, org.id)));
        }
        Ok(())
    }

    /// `POST /exchange/v1/local/delivery-key`: a fresh delivery key for a request an official of
    /// this organisation is about to file; the secret stays in this node's store.
    pub fn delivery_key(&self, req: Signed) -> Result<serde_json::Value, Refused> {
        let (key, body): (_, KeyBody) =
            req.open(KEY_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        if body.chain_id != q.chain_id() {
            return Err(Refused::new(400, "wrong_chain_id", "the request is for another chain"));
        }
        govchain_types::validate::path_id("request", &body.request)
            .map_err(|e| Refused::new(400, "invalid_id", e.to_string()))?;
        self.own_official(q.as_ref(), &key, "datashare.request")?;
        let name = grant_key_name(&body.request);
        let alg = q.suite().default_algorithm();
        if !self.store.has_key(&name) {
            let k = SecretKey::generate(alg);
            self.store.put_key(&name, &k.to_bytes()[..]).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        }
        let bytes = self.store.key(&name).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let k = SecretKey::from_bytes(alg, &bytes).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        Ok(serde_json::json!({"request": body.request, "delivery_key": k.public_key().to_text()}))
    }

    /// `POST /exchange/v1/local/fetch`: an official's signed access request, forwarded to the
    /// owner; the delivery is checked against its committed receipt, opened with the grant's
    /// key, kept sealed under a key of its own, and returned.
    pub async fn fetch(&self, req: Signed) -> Result<serde_json::Value, Refused> {
        let (key, body): (_, AccessBody) =
            req.open(ACCESS_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        self.own_official(q.as_ref(), &key, "datashare.request")?;
        let grant = crate::query::grant_record(q.as_ref(), &body.grant)?.filter(|g| g.grantee == self.org).ok_or_else(
            || Refused::new(404, "grant_not_found", format!("{} holds no grant {}", self.org, body.grant)),
        )?;
        let gkey = self
            .store
            .key(&grant_key_name(&grant.id))
            .map_err(|_| Refused::new(410, "erased", "this node no longer holds the grant's delivery key"))?;
        let gkey = SecretKey::from_bytes(q.suite().default_algorithm(), &gkey)
            .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        let endpoint = crate::query::profile_record(q.as_ref(), &grant.owner)?
            .ok_or_else(|| Refused::new(502, "owner_unreachable", format!("{} has no profile", grant.owner)))?
            .endpoint;
        let url = format!("{}/exchange/v1/access", endpoint.trim_end_matches('/'));
        let resp = self
            .http
            .post(&url)
            .json(&req)
            .send()
            .await
            .map_err(|e| Refused::new(502, "owner_unreachable", e.to_string()))?;
        let status = resp.status().as_u16();
        if status != 200 {
            let r: Option<Refusal> = resp.json().await.ok();
            return Err(match r {
                Some(r) => Refused {
                    status,
                    code: r.error.code,
                    message: r.error.message,
                    receipt: r.receipt.and_then(|t| Hash32::from_hex(&t)),
                },
                None => Refused::new(502, "owner_error", format!("the owner answered {status}")),
            });
        }
        let signed: Signed = resp.json().await.map_err(|e| Refused::new(502, "owner_error", e.to_string()))?;
        let (owner_key, d): (_, DeliveryBody) =
            signed.open(DELIVERY_DOMAIN).map_err(|e| Refused::new(502, "owner_error", e.to_string()))?;
        let (_, owner_org) =
            govchain_identity::query::official_with(q.as_ref(), &owner_key, "datashare.deliver", q.height())?;
        if owner_org.id != grant.owner || d.access_id != body.access_id {
            return Err(Refused::new(502, "owner_error", "the delivery is not the owner's answer to this request"));
        }
        // Never a delivery without a committed receipt naming exactly these bytes.
        self.host.wait_height(d.height, super::COMMIT_TIMEOUT).await?;
        let r: Receipt = q
            .get_as(&keys::receipt(&d.receipt), d.height)?
            .ok_or_else(|| Refused::new(502, "no_receipt", "the delivery's receipt is not on chain"))?;
        let digest_ok = matches!(r.outcome, Outcome::Delivered { digest, .. } if digest == q.suite().hash(&d.sealed));
        if !digest_ok || r.access_id != body.access_id || r.grant.as_deref() != Some(grant.id.as_str()) {
            return Err(Refused::new(502, "no_receipt", "the receipt on chain does not match the delivery"));
        }
        let plain = exchange::open(&gkey, PAYLOAD_INFO, &body.access_id.0, &d.sealed)
            .map_err(|_| Refused::new(502, "owner_error", "the delivery does not open with the grant's key"))?;
        let payload: Payload =
            serde_json::from_slice(&plain).map_err(|e| Refused::new(502, "owner_error", e.to_string()))?;
        let access = body.access_id.to_hex();
        let dkey = delivery_key_name(&access);
        self.store.key_or_new(&dkey).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        self.store
            .seal_file("received", &access, &dkey, &grant.id, &d.receipt.to_hex(), &plain)
            .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        Ok(serde_json::json!({
            "receipt": d.receipt.to_hex(),
            "height": d.height,
            "access_id": access,
            "fields": payload.fields,
        }))
    }

    /// `POST /exchange/v1/erasure-notice`: an owner orders the keys of its deliveries destroyed.
    pub async fn notice(&self, req: Signed) -> Result<serde_json::Value, Refused> {
        let (key, body): (_, NoticeBody) =
            req.open(NOTICE_DOMAIN).map_err(|e| Refused::new(400, "bad_request", e.to_string()))?;
        let q = self.host.query();
        let (_, org) = govchain_identity::query::official_with(q.as_ref(), &key, "datashare.deliver", q.height())?;
        let grant = crate::query::grant_record(q.as_ref(), &body.grant)?
            .filter(|g| g.owner == org.id && org.id == body.owner && g.grantee == self.org)
            .ok_or_else(|| Refused::new(403, "unauthorized", "not the owner of a grant this node holds"))?;
        if body.access_ids.is_empty() || body.access_ids.len() > MAX_SHRED {
            return Err(Refused::new(400, "bad_request", format!("name 1-{MAX_SHRED} deliveries")));
        }
        let mut shredded = Vec::new();
        for a in &body.access_ids {
            let tag: Option<Hash32> = q.get_as(&keys::access(a), q.height())?;
            let r: Option<Receipt> = match tag {
                Some(t) => q.get_as(&keys::receipt(&t), q.height())?,
                None => None,
            };
            if r.is_some_and(|r| r.grant.as_deref() == Some(grant.id.as_str())) {
                self.store
                    .destroy_key(&delivery_key_name(&a.to_hex()))
                    .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
                shredded.push(*a);
            }
        }
        if shredded.is_empty() {
            return Err(Refused::new(404, "not_found", "none of those deliveries is under the grant"));
        }
        let args =
            Shred { grant: grant.id, access_ids: shredded.clone(), whole_grant: false, reason: "owner_erasure".into() };
        let c = self.commit(&args).await?;
        Ok(serde_json::json!({"shredded": shredded.len(), "height": c.height, "failure": c.failure}))
    }

    /// One sweep: the keys of every grant that ended (expired or revoked) or was never granted
    /// are destroyed, with a shredding on chain for each grant that existed.
    pub async fn sweep(&self) -> Result<usize, Refused> {
        let q = self.host.query();
        let mut done = 0;
        let names = self.store.keys_with("grant-").map_err(|e| Refused::new(500, "internal", e.to_string()))?;
        for name in names {
            let id = name.trim_start_matches("grant-").to_string();
            let grant = crate::query::grant_record(q.as_ref(), &id)?;
            let request = q.get_as::<Request>(&keys::request(&id), q.height())?;
            let reason = match (&grant, &request) {
                (Some(g), _) => match g.in_force(q.time_ms()) {
                    Ok(()) => continue,
                    Err("grant_revoked") => "grant_revoked",
                    Err(_) => "grant_ended",
                },
                (None, Some(r))
                    if matches!(r.status, RequestStatus::Rejected { .. } | RequestStatus::Withdrawn { .. }) =>
                {
                    "rejected"
                }
                _ => continue,
            };
            for access in
                self.store.files_about("received", &id).map_err(|e| Refused::new(500, "internal", e.to_string()))?
            {
                self.store
                    .destroy_key(&delivery_key_name(&access))
                    .map_err(|e| Refused::new(500, "internal", e.to_string()))?;
            }
            self.store.destroy_key(&name).map_err(|e| Refused::new(500, "internal", e.to_string()))?;
            if let Some(g) = grant {
                let args = Shred { grant: g.id.clone(), access_ids: vec![], whole_grant: true, reason: reason.into() };
                let c = self.commit(&args).await?;
                tracing::info!(grant = %g.id, reason, height = c.height, "destroyed the keys of an ended grant");
            }
            done += 1;
        }
        Ok(done)
    }

    /// The deliveries this node received under a grant that can still be opened.
    pub fn readable(&self, grant: &str) -> Vec<String> {
        self.store
            .files_about("received", grant)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| self.store.open_file("received", a).ok().flatten().is_some())
            .collect()
    }
}
