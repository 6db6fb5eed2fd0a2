//! What a component's HTTP routes are built with.
//!
//! A component returns [`Routes`]: a `utoipa_axum` router whose routes are added with
//! `routes!(handler)`, so a route cannot exist without its OpenAPI entry. Handlers take
//! `State<Host>` (the node's [`ChainQuery`]) and answer `Result<Json<T>, ApiError>`.

use std::sync::Arc;

pub use govchain_api_types::ApiError;
pub use utoipa_axum::router::OpenApiRouter;
pub use utoipa_axum::routes;

use crate::ChainQuery;

/// The state every component route gets: the node's read view.
pub type Host = Arc<dyn ChainQuery>;

/// A component's routes.
pub type Routes = OpenApiRouter<Host>;

/// Runs a query on the blocking thread pool (storage reads may block) and returns its result.
pub async fn blocking<T: Send + 'static>(
    host: &Host,
    f: impl FnOnce(&dyn ChainQuery) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let host = host.clone();
    tokio::task::spawn_blocking(move || f(host.as_ref())).await.map_err(ApiError::internal)?
}

/// Maps a query-string rejection to `400 invalid_query`.
pub fn bad_query(e: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::bad_request("invalid_query", e.body_text())
}

/// `413 body_too_large`.
pub fn body_too_large(limit: usize) -> ApiError {
    ApiError::too_large("body_too_large", format!("request body exceeds {limit} bytes"))
}

/// Reads a request body of at most `limit` bytes: a declared `Content-Length` over the limit is
/// refused before anything is read; a body that grows past the limit is cut off. Returns whether
/// the body is declared `application/octet-stream`, and the bytes.
pub async fn read_body(req: axum::extract::Request, limit: usize) -> Result<(bool, axum::body::Bytes), ApiError> {
    use axum::http::header;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(body_too_large(limit));
    }
    let binary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/octet-stream"));
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| body_too_large(limit))?;
    Ok((binary, bytes))
}

/// Maps a JSON body that does not parse to `400 missing_field` or `400 invalid_json`.
pub fn json_error(e: serde_json::Error) -> ApiError {
    let msg = e.to_string();
    let code = if msg.contains("missing field") { "missing_field" } else { "invalid_json" };
    ApiError::bad_request(code, msg)
}
