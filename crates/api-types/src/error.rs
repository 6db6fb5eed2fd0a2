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

#[cfg(feature = "axum")]
impl axum::response::IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::{HeaderValue, StatusCode, header};
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.body())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}
