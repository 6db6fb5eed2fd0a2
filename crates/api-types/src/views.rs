//! Conversions from the chain's core types to their JSON views.

use govchain_types::{CommitCertificate, Event, Header, Outcome, Receipt, Validator};

use crate::dto::*;

impl From<&Header> for HeaderView {
    fn from(h: &Header) -> HeaderView {
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
}

impl From<&CommitCertificate> for CertificateView {
    fn from(c: &CommitCertificate) -> CertificateView {
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
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> EventView {
        EventView {
            module: e.module.to_string(),
            kind: e.kind.to_string(),
            attributes: e.attributes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }
}

impl From<&Receipt> for ReceiptView {
    fn from(r: &Receipt) -> ReceiptView {
        let (outcome, code, message) = match &r.outcome {
            Outcome::Success => ("success", None, None),
            Outcome::Failed { code, message } => ("failed", Some(code.to_string()), Some(message.to_string())),
        };
        ReceiptView { outcome: outcome.into(), code, message, events: r.events.iter().map(EventView::from).collect() }
    }
}

impl From<&Validator> for ValidatorView {
    fn from(v: &Validator) -> ValidatorView {
        ValidatorView {
            address: v.address.to_text(),
            public_key: v.public_key.to_text(),
            voting_power: v.voting_power,
            org: v.org.to_string(),
        }
    }
}
