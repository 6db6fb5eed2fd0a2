use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::bounded::{BoundedBytes, BoundedString};
use crate::codec::{self, DecodeError};
use crate::limits::{MAX_CALL_ARGS, MAX_CHAIN_ID, MAX_METHOD_NAME, MAX_MODULE_NAME, MAX_TX_BYTES};
use crate::{Hash32, PublicKey, Signature, Suite, domain};

/// The signed body of a transaction.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Transaction {
    /// Chain the transaction is for; stops replay on another chain.
    pub chain_id: BoundedString<MAX_CHAIN_ID>,
    /// The signer's public key (with its algorithm tag).
    pub signer: PublicKey,
    /// The signer's sequence number: must equal the account's next nonce when executed.
    pub nonce: u64,
    /// Last height at which the transaction may be included.
    pub expires_at_height: u64,
    /// What to do.
    pub payload: Payload,
}

/// What a transaction does. Tags are frozen.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[borsh(use_discriminant = true)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Payload {
    /// A call to a module method.
    Call(Call) = 0,
}

/// A module call: `module.method(args)`; `args` is the borsh encoding of the method's argument
/// struct, defined by the module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Call {
    /// Module name, e.g. `records`.
    pub module: BoundedString<MAX_MODULE_NAME>,
    /// Method name, e.g. `publish`.
    pub method: BoundedString<MAX_METHOD_NAME>,
    /// Encoded arguments.
    pub args: BoundedBytes<MAX_CALL_ARGS>,
}

/// A transaction with its signature over [`Transaction::sign_bytes`].
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SignedTransaction {
    /// The signed body.
    pub tx: Transaction,
    /// Signature by `tx.signer`.
    pub signature: Signature,
}

impl Transaction {
    /// The bytes that are signed: `GOVCHAIN/TX/v1\0 || borsh(tx)`.
    pub fn sign_bytes(&self) -> Vec<u8> {
        let mut out = domain::TX.to_vec();
        out.extend(codec::encode(self));
        out
    }

    /// The transaction id: `H(sign bytes)`. The signature is not part of the id, so a
    /// transaction cannot be given a second id by re-encoding its signature.
    pub fn hash(&self, suite: Suite) -> Hash32 {
        suite.hash(&self.sign_bytes())
    }
}

impl SignedTransaction {
    /// The transaction id (see [`Transaction::hash`]).
    pub fn hash(&self, suite: Suite) -> Hash32 {
        self.tx.hash(suite)
    }

    /// Canonical encoding.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Decodes with the transaction size cap.
    pub fn decode(bytes: &[u8]) -> Result<SignedTransaction, DecodeError> {
        codec::decode(bytes, MAX_TX_BYTES)
    }

    /// Whether the transaction is signed with the chain's own algorithm (`suite`'s), so that
    /// the node verifies its signature over [`Transaction::sign_bytes`] in batches. Any other
    /// transaction (an Ethereum transaction carried by the `evm` module, signed with secp256k1
    /// over its own encoding) is verified by its module, in admission and in every execution.
    pub fn is_native(&self, suite: Suite) -> bool {
        let alg = suite.default_algorithm();
        self.tx.signer.algorithm() == alg && self.signature.algorithm() == alg
    }

    /// The call, if the payload is a module call.
    pub fn call(&self) -> &Call {
        match &self.tx.payload {
            Payload::Call(c) => c,
        }
    }
}

impl Call {
    /// Builds a call, checking the bounds.
    pub fn new(module: &str, method: &str, args: Vec<u8>) -> Result<Call, crate::bounded::LengthExceeded> {
        Ok(Call {
            module: BoundedString::new(module)?,
            method: BoundedString::new(method)?,
            args: BoundedBytes::new(args)?,
        })
    }
}
