use govchain_types::ErrorClass;
use govchain_types::validate::Invalid;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An API error: an HTTP status plus a JSON body `{"error": {"code", "message"}}` whose `code`
/// is stable (documented in `docs/api.md`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Stable code.
    pub code: String,
    /// Explanation.
    pub message: String,
}

/// The JSON error body.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Error code and message.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `wrong_chain_id`, `mempool_full`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl ApiError {
    /// Builds an error.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, code: code.into(), message: message.into() }
    }
    /// An error of a class (the class decides the status).
    pub fn from_class(class: ErrorClass, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(class.http_status(), code, message)
    }
    /// 400.
    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }
    /// 400 for a parameter that breaks a validation rule.
    pub fn invalid(code: &str, e: Invalid) -> ApiError {
        ApiError::bad_request(code, e.to_string())
    }
    /// 404.
    pub fn not_found(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(404, code, message)
    }
    /// 413.
    pub fn too_large(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(413, code, message)
    }
    /// 503.
    pub fn unavailable(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(503, code, message)
    }
    /// 500 `internal`.
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(500, "internal", message.to_string())
    }
    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.clone(), message: self.message.clone() } }
    }
}

/// A reference for an internal failure, unique within this process: the client sees it, the log
/// holds the details under it.
#[cfg(feature = "axum")]
fn reference() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static START: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
    });
    format!("{start:x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(feature = "axum")]
impl axum::response::IntoResponse for ApiError {
    fn into_response(mut self) -> axum::response::Response {
        use axum::http::{HeaderValue, StatusCode, header};
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            // Internal details (storage paths, decoder messages) go to the log, not to clients.
            let reference = reference();
            tracing::error!(%reference, code = %self.code, detail = %self.message, "internal error answering a request");
            self.message = format!("internal error; reference {reference} in this node's log");
        }
        let mut resp = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}

#[cfg(all(test, feature = "axum"))]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn internal_details_never_reach_the_client() {
        let resp = ApiError::internal("redb: corrupt page at /var/lib/govchain/data/chain.redb").into_response();
        assert_eq!(resp.status(), 500);
        let body = futures_body(resp);
        assert!(!body.contains("redb") && !body.contains("/var/lib"), "{body}");
        assert!(body.contains("\"internal\"") && body.contains("reference"), "{body}");
        let not_found = futures_body(ApiError::not_found("record_not_found", "no record x").into_response());
        assert!(not_found.contains("no record x"), "client errors keep their message: {not_found}");
    }

    fn futures_body(resp: axum::response::Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let bytes = rt.block_on(axum::body::to_bytes(resp.into_body(), 1 << 16)).expect("body");
        String::from_utf8(bytes.to_vec()).expect("utf-8")
    }
}
