//! Eligibility checks votes and consultations share: the authority records each token it
//! issues against a certificate holder, and a token is accepted once, from the fresh key it
//! was issued for.

use govchain_execution::{TxContext, TxError};
use govchain_types::{Hash32, PublicKey};

use crate::model::{Eligibility, MAX_CONDITION};
use crate::token::{self, Token};

/// Checks the published eligibility of a new vote or consultation.
pub(crate) fn check(e: &Eligibility) -> Result<(), TxError> {
    govchain_types::validate::ident("certificate type", &e.cert_type)?;
    if !e.condition.is_empty() {
        govchain_types::validate::text("condition", &e.condition, MAX_CONDITION)?;
    }
    token::public_key(&e.authority_key).map_err(|e| TxError::invalid_args(e.to_string()))?;
    Ok(())
}

/// Checks that the signer is the authority and `certificate` is of the type and in force:
/// the holder pseudonym a token is recorded against.
pub(crate) fn issuable(ctx: &mut TxContext<'_>, e: &Eligibility, certificate: &str) -> Result<Hash32, TxError> {
    if ctx.signer != e.authority {
        return Err(TxError::unauthorized("only the eligibility authority issues tokens"));
    }
    let (type_id, holder, in_force) = govchain_certificates::facts::holder_of(ctx, certificate)?
        .ok_or_else(|| TxError::rule("not_eligible", format!("no certificate {certificate}")))?;
    if type_id != e.cert_type || !in_force {
        return Err(TxError::rule(
            "not_eligible",
            format!("certificate {certificate} is not a {} in force", e.cert_type),
        ));
    }
    Ok(holder)
}

/// Checks a token for `(kind, id)` presented by the signer's key; returns the hash its spent
/// marker is kept under.
pub(crate) fn token_hash(
    ctx: &TxContext<'_>,
    kind: &str,
    id: &str,
    e: &Eligibility,
    key: &PublicKey,
    t: &Token,
) -> Result<Hash32, TxError> {
    let msg = token::message(kind, id, key);
    token::verify(&e.authority_key, &msg, t).map_err(|e| TxError::rule("bad_token", e.to_string()))?;
    Ok(ctx.env().suite.hash(&msg))
}
