use govchain_crypto::SecretKey;
use govchain_types::bounded::BoundedString;
use govchain_types::{Call, Method, Payload, SignedTransaction, Suite, Transaction};

/// Builds and signs transactions for one chain.
#[derive(Clone, Debug)]
pub struct TxBuilder {
    /// Chain id.
    pub chain_id: String,
    /// Suite.
    pub suite: Suite,
}

/// Why a transaction could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the transaction: {0}")]
pub struct BuildError(String);

impl TxBuilder {
    /// A builder for a chain.
    pub fn new(chain_id: &str, suite: Suite) -> TxBuilder {
        TxBuilder { chain_id: chain_id.into(), suite }
    }

    /// Signs a call.
    pub fn sign(
        &self,
        key: &SecretKey,
        nonce: u64,
        expires_at_height: u64,
        call: Call,
    ) -> Result<SignedTransaction, BuildError> {
        let tx = Transaction {
            chain_id: BoundedString::new(self.chain_id.clone()).map_err(|e| BuildError(e.to_string()))?,
            signer: key.public_key(),
            nonce,
            expires_at_height,
            payload: Payload::Call(call),
        };
        let signature = key.sign(&tx.sign_bytes());
        Ok(SignedTransaction { tx, signature })
    }

    /// Signs a typed module call: `args` knows its module and method.
    pub fn call<M: Method>(
        &self,
        key: &SecretKey,
        nonce: u64,
        expires_at_height: u64,
        args: &M,
    ) -> Result<SignedTransaction, BuildError> {
        let call = args.to_call().map_err(|e| BuildError(e.to_string()))?;
        self.sign(key, nonce, expires_at_height, call)
    }
}
