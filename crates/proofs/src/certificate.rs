use govchain_types::{CommitCertificate, Header, Suite, ValidatorSet, VoteKind, vote_sign_bytes};

use crate::ProofError;

/// Verifies that `cert` commits `header` under `validators`: the certificate names the header's
/// height and hash, every signature is a valid precommit by a distinct member of the set, and the
/// signers hold more than two thirds of the voting power. Any invalid signature fails the whole
/// certificate (a certificate is not "good enough" with a bad signature in it). Returns the
/// signers' voting power.
pub fn verify_commit(
    suite: Suite,
    header: &Header,
    cert: &CommitCertificate,
    validators: &ValidatorSet,
) -> Result<u64, ProofError> {
    let err = |m: String| ProofError::Certificate(m);
    if cert.height != header.height {
        return Err(err(format!("certificate height {} != header height {}", cert.height, header.height)));
    }
    let hash = header.hash(suite);
    if cert.block_hash != hash {
        return Err(err("certificate is for another block hash".into()));
    }
    let msg = vote_sign_bytes(&header.chain_id, cert.height, cert.round, VoteKind::Precommit, Some(hash));
    let mut last = None;
    let mut power: u64 = 0;
    for s in cert.signatures.iter() {
        if last.is_some_and(|l| l >= s.validator) {
            return Err(err("signatures must be in strictly ascending validator-address order".into()));
        }
        last = Some(s.validator);
        let v = validators
            .get(&s.validator)
            .ok_or_else(|| err(format!("signer {} is not in the validator set", s.validator)))?;
        v.public_key.verify(&msg, &s.signature).map_err(|e| err(format!("signature by {}: {e}", s.validator)))?;
        power = power.saturating_add(v.voting_power);
    }
    if !validators.is_quorum(power) {
        return Err(err(format!(
            "signers hold {power} of {} voting power; more than 2/3 needed",
            validators.total_power()
        )));
    }
    Ok(power)
}
