//! Signing and verification of consensus messages with GovChain keys.

use async_trait::async_trait;
use govchain_crypto::SecretKey;
use govchain_types::{PublicKey, Signature};
use malachitebft_core_types::{SignedMessage, ValidatorProof, VoteExtensionScope};
use malachitebft_signing::{Error, Signer, VerificationResult, Verifier};

use crate::context::{GovContext, Proposal, Vote};

const EXTENSION_DOMAIN: &[u8] = b"GOVCHAIN/VOTE-EXT/v1\0";

fn extension_bytes(ctx: &GovContext, scope: &VoteExtensionScope<GovContext>) -> Vec<u8> {
    let mut out = EXTENSION_DOMAIN.to_vec();
    out.extend(ctx.chain_id.as_bytes());
    out.extend(scope.height.0.to_be_bytes());
    out.extend(scope.round.as_i64().to_be_bytes());
    out.extend(scope.value_id.0.0);
    out.extend(scope.validator_address.0.0);
    out
}

/// Signs votes and proposals with the validator's consensus key.
pub struct GovSigner {
    key: SecretKey,
    ctx: GovContext,
}

impl GovSigner {
    /// A signer for `key` on the chain of `ctx`.
    pub fn new(key: SecretKey, ctx: GovContext) -> GovSigner {
        GovSigner { key, ctx }
    }

    /// Signs raw bytes (proposal-part streams).
    pub fn sign_bytes(&self, msg: &[u8]) -> Signature {
        self.key.sign(msg)
    }
}

#[async_trait]
impl Signer<GovContext> for GovSigner {
    async fn sign_vote(&self, vote: Vote) -> Result<SignedMessage<GovContext, Vote>, Error> {
        let signature = self.key.sign(&vote.sign_bytes(&self.ctx.chain_id));
        Ok(SignedMessage::new(vote, signature))
    }

    async fn sign_proposal(&self, proposal: Proposal) -> Result<SignedMessage<GovContext, Proposal>, Error> {
        let signature = self.key.sign(&proposal.sign_bytes(&self.ctx.chain_id));
        Ok(SignedMessage::new(proposal, signature))
    }

    async fn sign_vote_extension(
        &self,
        scope: VoteExtensionScope<GovContext>,
        extension: (),
    ) -> Result<SignedMessage<GovContext, ()>, Error> {
        let signature = self.key.sign(&extension_bytes(&self.ctx, &scope));
        Ok(SignedMessage::new(extension, signature))
    }

    async fn sign_validator_proof(
        &self,
        public_key: Vec<u8>,
        peer_id: Vec<u8>,
    ) -> Result<ValidatorProof<GovContext>, Error> {
        let bytes = ValidatorProof::<GovContext>::signing_bytes(&public_key, &peer_id);
        Ok(ValidatorProof::new(public_key, peer_id, self.key.sign(&bytes)))
    }
}

/// Verifies consensus signatures under GovChain's rules (the same functions as transactions).
pub struct GovVerifier {
    ctx: GovContext,
}

impl GovVerifier {
    /// A verifier for the chain of `ctx`.
    pub fn new(ctx: GovContext) -> GovVerifier {
        GovVerifier { ctx }
    }
}

fn result(ok: bool) -> Result<VerificationResult, Error> {
    Ok(VerificationResult::from_bool(ok))
}

#[async_trait]
impl Verifier<GovContext> for GovVerifier {
    async fn verify_signed_vote(
        &self,
        vote: &Vote,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        result(public_key.verify(&vote.sign_bytes(&self.ctx.chain_id), signature).is_ok())
    }

    async fn verify_signed_proposal(
        &self,
        proposal: &Proposal,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        result(public_key.verify(&proposal.sign_bytes(&self.ctx.chain_id), signature).is_ok())
    }

    async fn verify_signed_vote_extension(
        &self,
        scope: &VoteExtensionScope<GovContext>,
        _extension: &(),
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        result(public_key.verify(&extension_bytes(&self.ctx, scope), signature).is_ok())
    }

    async fn verify_validator_proof(&self, proof: &ValidatorProof<GovContext>) -> Result<VerificationResult, Error> {
        let Ok(pk) = borsh::from_slice::<PublicKey>(&proof.public_key) else {
            return result(false);
        };
        result(pk.verify(&proof.preimage(), &proof.signature).is_ok())
    }
}
