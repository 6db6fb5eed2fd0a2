use std::time::Duration;

use govchain_api_types::ErrorBody;
use govchain_api_types::dto::*;
use govchain_types::{Address, Hash32, SignedTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Client errors.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// Network or protocol failure.
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    /// The node answered with an error.
    #[error("{status} {code}: {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code.
        code: String,
        /// Message.
        message: String,
    },
    /// Waiting timed out.
    #[error("timed out: {0}")]
    Timeout(String),
}

impl SdkError {
    /// The API error code, if this is an API error.
    pub fn code(&self) -> Option<&str> {
        match self {
            SdkError::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// An account's nonces (the fields of the account view every chain serves).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Nonces {
    /// The account's address (differs from the key's after a key rotation).
    pub address: String,
    /// Next nonce in committed state.
    pub next_nonce: u64,
    /// Next nonce counting pending transactions.
    pub pending_nonce: u64,
}

/// A client of one node's REST API.
#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// A client for `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_default();
        Client { base: base.trim_end_matches('/').to_string(), http }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn parse<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, SdkError> {
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.json().await?);
        }
        Err(Self::api_error(status.as_u16(), resp).await)
    }

    async fn api_error(status: u16, resp: reqwest::Response) -> SdkError {
        let text = resp.text().await.unwrap_or_default();
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(b) => SdkError::Api { status, code: b.error.code, message: b.error.message },
            Err(_) => SdkError::Api { status, code: "http_error".into(), message: text },
        }
    }

    /// `GET path` (e.g. `/v1/records/finance-000001`), decoding the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, SdkError> {
        Self::parse(self.http.get(format!("{}{path}", self.base)).send().await?).await
    }

    /// `GET path?query`, decoding the JSON answer.
    pub async fn get_query<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        path: &str,
        query: &Q,
    ) -> Result<T, SdkError> {
        Self::parse(self.http.get(format!("{}{path}", self.base)).query(query).send().await?).await
    }

    /// `POST path` with a JSON body, decoding the JSON answer.
    pub async fn post_json<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, SdkError> {
        Self::parse(self.http.post(format!("{}{path}", self.base)).json(body).send().await?).await
    }

    /// `GET path`, returning the body's bytes (proof bundles).
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, SdkError> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.bytes().await?.to_vec());
        }
        Err(Self::api_error(status.as_u16(), resp).await)
    }

    /// `GET` any JSON path.
    pub async fn get_json(&self, path: &str) -> Result<serde_json::Value, SdkError> {
        self.get(path).await
    }

    /// `GET /status`.
    pub async fn status(&self) -> Result<StatusView, SdkError> {
        self.get("/status").await
    }

    /// The next nonces of the account a key (by its address) acts for: in committed state, and
    /// counting the transactions pending at this node (use `pending_nonce` for a new one). Read
    /// from `GET /v1/accounts/{address}` (identity component).
    pub async fn nonces(&self, key_address: &Address) -> Result<Nonces, SdkError> {
        self.get(&format!("/v1/accounts/{}", key_address.to_text())).await
    }

    /// `POST /v1/txs`.
    pub async fn submit(&self, tx: &SignedTransaction) -> Result<Hash32, SdkError> {
        let body = SubmitTx { tx: hex::encode(tx.encode()) };
        let r: Accepted =
            Self::parse(self.http.post(format!("{}/v1/txs", self.base)).json(&body).send().await?).await?;
        Hash32::from_hex(&r.hash).ok_or_else(|| SdkError::Api {
            status: 200,
            code: "bad_response".into(),
            message: r.hash,
        })
    }

    /// `POST /v1/txs/batch` with the binary body.
    pub async fn submit_batch(&self, txs: &[SignedTransaction]) -> Result<BatchResult, SdkError> {
        let raws: Vec<Vec<u8>> = txs.iter().map(|t| t.encode()).collect();
        let body = govchain_types::codec::encode(&raws);
        let resp = self
            .http
            .post(format!("{}/v1/txs/batch", self.base))
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await?;
        Self::parse(resp).await
    }

    /// `GET /v1/txs/{hash}`.
    pub async fn tx(&self, hash: &Hash32) -> Result<TxView, SdkError> {
        self.get(&format!("/v1/txs/{hash}")).await
    }

    /// Polls a transaction until it is committed or dropped, or `timeout` passes.
    pub async fn wait_tx(&self, hash: &Hash32, timeout: Duration) -> Result<TxView, SdkError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let v = self.tx(hash).await?;
            if v.status != "pending" {
                return Ok(v);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(SdkError::Timeout(format!("transaction {hash} still pending")));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `GET /v1/blocks/{height}` or latest.
    pub async fn block(&self, height: Option<u64>) -> Result<BlockView, SdkError> {
        match height {
            Some(h) => self.get(&format!("/v1/blocks/{h}")).await,
            None => self.get("/v1/blocks/latest").await,
        }
    }

    /// Proof bundle of a transaction.
    pub async fn tx_proof(&self, hash: &Hash32) -> Result<Vec<u8>, SdkError> {
        self.get_bytes(&format!("/v1/proofs/txs/{hash}")).await
    }

    /// Proof bundle of a state key.
    pub async fn state_proof(&self, key: &[u8], height: Option<u64>) -> Result<Vec<u8>, SdkError> {
        let mut path = format!("/v1/proofs/state?key={}", hex::encode(key));
        if let Some(h) = height {
            path.push_str(&format!("&height={h}"));
        }
        self.get_bytes(&path).await
    }

    /// `GET /metrics`.
    pub async fn metrics(&self) -> Result<String, SdkError> {
        Ok(self.http.get(format!("{}/metrics", self.base)).send().await?.text().await?)
    }
}
