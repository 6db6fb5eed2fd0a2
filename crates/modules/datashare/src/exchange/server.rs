//! The exchange's HTTP listener: the routes between departments and the local routes for the
//! node's own officials (docs/datashare.md).

use std::sync::Arc;

use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::Exchange;
use super::owner::Refused;
use crate::wire::{MAX_MESSAGE, Refusal, Signed};

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let status =
            axum::http::StatusCode::from_u16(self.status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        let message = if status.is_server_error() {
            tracing::error!(code = %self.code, detail = %self.message, "data exchange failed");
            "internal error; see this node's log".to_string()
        } else {
            self.message
        };
        let body = Refusal {
            error: govchain_api_types::ErrorDetail { code: self.code, message },
            receipt: self.receipt.map(|t| t.to_hex()),
        };
        (status, Json(body)).into_response()
    }
}

type Ex = Arc<Exchange>;

fn body(r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>) -> Result<Signed, Refused> {
    r.map(|Json(s)| s).map_err(|e| Refused::new(400, "bad_request", e.body_text()))
}

async fn access(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Signed>, Refused> {
    x.access(body(r)?).await.map(Json)
}

async fn notice(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, Refused> {
    x.notice(body(r)?).await.map(Json)
}

async fn delivery_key(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, Refused> {
    x.delivery_key(body(r)?).map(Json)
}

async fn fetch(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, Refused> {
    x.fetch(body(r)?).await.map(Json)
}

async fn erase(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, Refused> {
    x.erase(body(r)?).await.map(Json)
}

async fn audit(
    State(x): State<Ex>,
    r: Result<Json<Signed>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<serde_json::Value>, Refused> {
    x.audit(body(r)?).await.map(Json)
}

/// The exchange's routes.
pub fn router(x: Ex) -> axum::Router {
    axum::Router::new()
        .route("/exchange/v1/access", post(access))
        .route("/exchange/v1/erasure-notice", post(notice))
        .route("/exchange/v1/audit", post(audit))
        .route("/exchange/v1/local/delivery-key", post(delivery_key))
        .route("/exchange/v1/local/fetch", post(fetch))
        .route("/exchange/v1/local/erase", post(erase))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE))
        .with_state(x)
}

/// Serves the exchange on `listener` and sweeps for ended grants, until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, x: Ex) {
    let sweeper = {
        let x = x.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(x.sweep_interval);
            loop {
                tick.tick().await;
                if let Err(e) = x.sweep().await {
                    tracing::warn!(code = %e.code, message = %e.message, "grant sweep failed");
                }
            }
        })
    };
    if let Err(e) = axum::serve(listener, router(x)).await {
        tracing::error!(error = %e, "data exchange listener stopped");
    }
    sweeper.abort();
}
