//! Conversions from chain types to API views.

use govchain_api::dto::*;
use govchain_identity::{Account, AccountKind, OrgKind, Organisation};
use govchain_records::{Record, RecordStatus};
use govchain_types::{CommitCertificate, Header, Outcome, Receipt, Validator};

pub fn header(h: &Header) -> HeaderView {
    HeaderView {
        chain_id: h.chain_id.to_string(),
        height: h.height,
        time_ms: h.time_ms,
        prev_hash: h.prev_hash.to_hex(),
        tx_root: h.tx_root.to_hex(),
        receipts_root: h.receipts_root.to_hex(),
        state_root: h.state_root.to_hex(),
        validator_set_hash: h.validator_set_hash.to_hex(),
        proposer: h.proposer.to_text(),
    }
}

pub fn certificate(c: &CommitCertificate) -> CertificateView {
    CertificateView {
        height: c.height,
        round: c.round,
        block_hash: c.block_hash.to_hex(),
        signatures: c
            .signatures
            .iter()
            .map(|s| SignatureView { validator: s.validator.to_text(), signature: s.signature.to_text() })
            .collect(),
    }
}

pub fn receipt(r: &Receipt) -> ReceiptView {
    let (outcome, code, message) = match &r.outcome {
        Outcome::Success => ("success", None, None),
        Outcome::Failed { code, message } => ("failed", Some(code.to_string()), Some(message.to_string())),
    };
    ReceiptView {
        outcome: outcome.into(),
        code,
        message,
        events: r
            .events
            .iter()
            .map(|e| EventView {
                module: e.module.to_string(),
                kind: e.kind.to_string(),
                attributes: e.attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            })
            .collect(),
    }
}

pub fn validator(v: &Validator) -> ValidatorView {
    ValidatorView {
        address: v.address.to_text(),
        public_key: v.public_key.to_text(),
        voting_power: v.voting_power,
        org: v.org.to_string(),
    }
}

pub fn record(r: &Record) -> RecordView {
    RecordView {
        id: r.id.clone(),
        org: r.org.clone(),
        version: r.version,
        category: r.content.category.clone(),
        title: r.content.title.clone(),
        body: r.content.body.clone(),
        attachments: r
            .content
            .attachments
            .iter()
            .map(|a| AttachmentView { name: a.name.clone(), hash: a.hash.to_hex(), size: a.size })
            .collect(),
        tags: r.content.tags.clone(),
        status: match r.status {
            RecordStatus::Active => "active".into(),
            RecordStatus::Withdrawn => "withdrawn".into(),
        },
        reason: r.reason.clone(),
        previous: r.previous.map(|h| h.to_hex()),
        author: r.author.to_text(),
        height: r.height,
        time_ms: r.time_ms,
        published_ms: r.published_ms,
        tx_hash: r.tx_hash.to_hex(),
    }
}

pub fn org(o: &Organisation, validators: Vec<String>) -> OrgView {
    OrgView {
        id: o.id.clone(),
        name: o.name.clone(),
        kind: match o.kind {
            OrgKind::Government => "government",
            OrgKind::Institution => "institution",
            OrgKind::Enterprise => "enterprise",
        }
        .into(),
        admins: o.admins.iter().map(|a| a.to_text()).collect(),
        roles: o.roles.iter().map(|r| RoleView { name: r.name.clone(), permissions: r.permissions.clone() }).collect(),
        active: o.active,
        validators,
    }
}

pub fn account(a: &Account, next_nonce: u64, pending_nonce: u64) -> AccountView {
    AccountView {
        address: a.address.to_text(),
        public_key: a.public_key.to_text(),
        kind: match a.kind {
            AccountKind::Official => "official",
            AccountKind::Citizen => "citizen",
            AccountKind::Business => "business",
        }
        .into(),
        org: a.org.clone(),
        roles: a.roles.clone(),
        active: a.active,
        registered_at: a.registered_at,
        next_nonce,
        pending_nonce,
    }
}

pub fn proposal(p: &govchain_governance::Proposal, required: u64) -> ProposalView {
    let (status, executed_height, effective_height) = match p.status {
        govchain_governance::ProposalStatus::Open => ("open", None, None),
        govchain_governance::ProposalStatus::Executed { height, effective_height } => {
            ("executed", Some(height), Some(effective_height))
        }
    };
    ProposalView {
        id: p.id,
        action: serde_json::to_value(&p.action).unwrap_or_default(),
        reason: p.reason.clone(),
        proposer: p.proposer.to_text(),
        created_height: p.created_height,
        expires_height: p.expires_height,
        approvals: p.approvals.clone(),
        required,
        status: status.into(),
        executed_height,
        effective_height,
    }
}
