use borsh::BorshSerialize;
use govchain_crypto::SecretKey;
use govchain_types::bounded::BoundedString;
use govchain_types::{Call, Payload, SignedTransaction, Suite, Transaction};

/// Builds and signs transactions for one chain.
#[derive(Clone, Debug)]
pub struct TxBuilder {
    /// Chain id.
    pub chain_id: String,
    /// Suite.
    pub suite: Suite,
}

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
    ) -> Result<SignedTransaction, String> {
        let tx = Transaction {
            chain_id: BoundedString::new(self.chain_id.clone()).map_err(|e| e.to_string())?,
            signer: key.public_key(),
            nonce,
            expires_at_height,
            payload: Payload::Call(call),
        };
        let signature = key.sign(&tx.sign_bytes());
        Ok(SignedTransaction { tx, signature })
    }

    /// Signs `module.method(args)` with borsh-encoded arguments.
    pub fn call<A: BorshSerialize>(
        &self,
        key: &SecretKey,
        nonce: u64,
        expires_at_height: u64,
        module: &str,
        method: &str,
        args: &A,
    ) -> Result<SignedTransaction, String> {
        let bytes = borsh::to_vec(args).map_err(|e| e.to_string())?;
        let call = Call::new(module, method, bytes).map_err(|e| e.to_string())?;
        self.sign(key, nonce, expires_at_height, call)
    }
}

/// Argument builders for the built-in modules.
pub mod calls {
    use govchain_identity::{AccountKind, RegisterAccount, RoleChange};
    use govchain_records::{Amend, Publish, RecordContent, Withdraw};
    use govchain_types::{Address, PublicKey};

    /// `records.publish`.
    pub fn publish(category: &str, title: &str, body: &str, tags: Vec<String>) -> Publish {
        Publish {
            content: RecordContent {
                category: category.into(),
                title: title.into(),
                body: body.into(),
                attachments: vec![],
                tags,
            },
        }
    }

    /// `records.amend`.
    pub fn amend(id: &str, content: RecordContent, reason: &str) -> Amend {
        Amend { id: id.into(), content, reason: reason.into() }
    }

    /// `records.withdraw`.
    pub fn withdraw(id: &str, reason: &str) -> Withdraw {
        Withdraw { id: id.into(), reason: reason.into() }
    }

    /// `identity.register_account`.
    pub fn register(public_key: PublicKey, kind: AccountKind, org: &str, roles: Vec<String>) -> RegisterAccount {
        RegisterAccount { public_key, kind, org: org.into(), roles }
    }

    /// `identity.grant_role` / `identity.revoke_role`.
    pub fn role_change(account: Address, role: &str) -> RoleChange {
        RoleChange { account, role: role.into() }
    }
}
