//! The node side of the data exchange (`[datashare]` in the config): what the exchange needs
//! from its node — the committed state, admission of its receipts and waiting for their commit.

use std::sync::Arc;
use std::time::Duration;

use govchain_api::NodeApi;
use govchain_api_types::ApiError;
use govchain_component::{ChainQuery, at_height};
use govchain_crypto::SecretKey;
use govchain_datashare::exchange::{Committed, ExchangeHost};
use govchain_types::{BoundedString, Call, Hash32, Payload, SignedTransaction, Transaction};

use crate::service::NodeService;

/// How many blocks an exchange transaction may wait in the pool.
const TX_LIFETIME_BLOCKS: u64 = 100;

/// The exchange's view of its node.
pub(crate) struct NodeExchangeHost {
    pub(crate) service: Arc<NodeService>,
    /// The next nonce this host will use per signing key: the chain's view can lag by a block
    /// that commits between reading the state and the pool (the exchange serialises its
    /// submissions, so its own count is exact).
    pub(crate) nonces: Arc<parking_lot::Mutex<std::collections::BTreeMap<govchain_types::Address, u64>>>,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

#[async_trait::async_trait]
impl ExchangeHost for NodeExchangeHost {
    fn query(&self) -> Arc<dyn ChainQuery> {
        self.service.clone()
    }

    async fn submit(&self, key: &SecretKey, call: Call) -> Result<Hash32, ApiError> {
        let svc = self.service.clone();
        let key = key.clone();
        let nonces = self.nonces.clone();
        tokio::task::spawn_blocking(move || {
            let chain = &svc.chain;
            let tip = chain.tip();
            let pk = key.public_key();
            let key_address = pk.address(chain.suite);
            let view = at_height(svc.as_ref(), tip.height);
            let committed = chain.executor.nonce_of_key(&view, &key_address).map_err(internal)?;
            let mut known = nonces.lock();
            let nonce = svc.pending_nonce(&key_address, committed).max(known.get(&key_address).copied().unwrap_or(0));
            let tx = Transaction {
                chain_id: BoundedString::new(chain.chain_id.clone()).map_err(internal)?,
                signer: pk,
                nonce,
                expires_at_height: tip.height + TX_LIFETIME_BLOCKS,
                payload: Payload::Call(call),
            };
            let signed = SignedTransaction { signature: key.sign(&tx.sign_bytes()), tx };
            let r = govchain_component::ChainQuery::submit(svc.as_ref(), signed);
            match &r {
                Ok(_) => {
                    known.insert(key_address, nonce + 1);
                }
                // Another writer used the account (or the count was lost): start again from the
                // chain's view next time.
                Err(e) if e.code == "nonce_too_low" || e.code == "bad_nonce" => {
                    known.remove(&key_address);
                }
                Err(_) => {}
            }
            r
        })
        .await
        .map_err(internal)?
    }

    async fn wait_height(&self, height: u64, timeout: Duration) -> Result<(), ApiError> {
        let mut blocks = self.service.chain.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        while self.service.chain.tip().height < height {
            match tokio::time::timeout_at(deadline, blocks.recv()).await {
                Err(_) => {
                    return Err(ApiError::new(504, "behind", format!("this node has not reached height {height}")));
                }
                Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => {
                    return Err(ApiError::new(503, "stopping", "the node is stopping"));
                }
                Ok(_) => {}
            }
        }
        Ok(())
    }

    async fn wait(&self, hash: Hash32, timeout: Duration) -> Result<Committed, ApiError> {
        // Subscribed before the first look, so no commit falls between the look and the wait.
        let mut blocks = self.service.chain.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let svc = self.service.clone();
            let view = tokio::task::spawn_blocking(move || svc.tx(&hash)).await.map_err(internal)??;
            match view.status.as_str() {
                "committed" => {
                    let failure = view.receipt.and_then(|r| if r.outcome == "success" { None } else { r.code });
                    return Ok(Committed { height: view.height.unwrap_or(0), failure });
                }
                "dropped" => {
                    return Err(ApiError::new(
                        409,
                        view.reason_code.as_deref().unwrap_or("dropped"),
                        view.reason.unwrap_or_else(|| "the transaction was dropped".into()),
                    ));
                }
                _ => {}
            }
            match tokio::time::timeout_at(deadline, blocks.recv()).await {
                Err(_) => return Err(ApiError::new(504, "commit_timeout", "the receipt was not committed in time")),
                Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) => {
                    return Err(ApiError::new(503, "stopping", "the node is stopping"));
                }
                Ok(_) => {}
            }
        }
    }
}
