//! Relaying client transactions to the other validators.
//!
//! Malachite 0.8.2 has no mempool gossip, and a consortium knows its validators, so a node
//! relays the transactions clients submit to it — and only those — to the APIs listed in
//! `mempool.forward_to`, batched (up to 5 000 or 10 ms), marked with the `x-govchain-forwarded`
//! header so the receiver does not relay them again. Whichever validator proposes next then has
//! them, and validators verify each signature once, at admission. Relaying is best effort: a full
//! queue or an unreachable peer only delays a transaction until a validator that has it proposes.

use std::time::Duration;

use govchain_api::FORWARDED_HEADER;
use tokio::sync::mpsc;
use tracing::debug;

const QUEUE: usize = 256;
const MAX_BATCH: usize = 5000;
const LINGER: Duration = Duration::from_millis(10);

/// Handle to the relay task.
#[derive(Clone)]
pub struct Forwarder {
    tx: mpsc::Sender<Vec<Vec<u8>>>,
}

impl Forwarder {
    /// Starts relaying to `peers` (API base URLs).
    pub fn start(peers: Vec<String>) -> Forwarder {
        let (tx, mut rx) = mpsc::channel::<Vec<Vec<u8>>>(QUEUE);
        tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
            while let Some(first) = rx.recv().await {
                let mut batch = first;
                let deadline = tokio::time::Instant::now() + LINGER;
                while batch.len() < MAX_BATCH {
                    match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some(more)) => batch.extend(more),
                        _ => break,
                    }
                }
                let body = bytes_of(&batch);
                for peer in &peers {
                    let req = http
                        .post(format!("{peer}/v1/txs/batch"))
                        .header("content-type", "application/octet-stream")
                        .header(FORWARDED_HEADER, "1")
                        .body(body.clone());
                    tokio::spawn(async move {
                        if let Err(e) = req.send().await {
                            debug!(error = %e, "relaying transactions failed");
                        }
                    });
                }
            }
        });
        Forwarder { tx }
    }

    /// Queues encoded transactions for relay; drops them if the queue is full.
    pub fn relay(&self, encoded: Vec<Vec<u8>>) {
        if !encoded.is_empty() && self.tx.try_send(encoded).is_err() {
            debug!("relay queue full; transactions stay with this node");
        }
    }
}

fn bytes_of(batch: &[Vec<u8>]) -> Vec<u8> {
    govchain_types::codec::encode(batch)
}
