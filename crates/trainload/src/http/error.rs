//! The API's one error type: a status, a stable machine code, a human message and
//! an optional detail, answered as `{"error", "code", "detail", "request_id"}`. Client errors are
//! logged at debug; a 5xx answers an opaque body and logs its cause once, in the request span.
//! The request id is filled in by the request-id middleware, which also gives the same shape to
//! errors raised outside handlers (unknown route, timeout, body too large, panic).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use queue::QueueError;
use serde_json::{Map, Value, json};

/// `Result` of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    detail: Value,
    /// Extra top-level fields (e.g. `live_run_id` on an overlap).
    extra: Map<String, Value>,
    retry_after_s: Option<u64>,
}

/// The error body before the request id is known; the middleware completes it.
#[derive(Debug, Clone)]
pub(crate) struct ErrorBody(pub Value);

impl ApiError {
    /// An error with `status`, machine `code` and human `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            detail: Value::Null,
            extra: Map::new(),
            retry_after_s: None,
        }
    }

    /// A 500 whose cause is logged, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 for an unknown `what`.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    /// 401: no or a wrong admin token.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "admin token required (Authorization: Bearer <token>)",
        )
    }

    /// Adds a `detail` value.
    #[must_use]
    pub fn with_detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }

    /// Adds a top-level field.
    #[must_use]
    pub fn with_field(mut self, name: &str, value: Value) -> Self {
        self.extra.insert(name.to_owned(), value);
        self
    }

    /// Adds a `Retry-After` header, seconds.
    #[must_use]
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    /// The human message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<QueueError> for ApiError {
    fn from(error: QueueError) -> Self {
        match error {
            QueueError::JobNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "job_not_found",
                format!("job {id} not found"),
            ),
            QueueError::RunNotFound(id) => Self::new(
                StatusCode::NOT_FOUND,
                "run_not_found",
                format!("run {id} not found"),
            ),
            QueueError::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", message),
            other => Self::internal(other),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::internal(error)
    }
}

impl From<crate::read::ReadError> for ApiError {
    fn from(error: crate::read::ReadError) -> Self {
        use crate::read::ReadError;
        match error {
            ReadError::NotFound(what) => Self::not_found(what),
            ReadError::Invalid { code, message } => Self::bad_request(code, message),
            ReadError::Store(error) => error.into(),
            ReadError::Queue(error) => error.into(),
            ReadError::Failed(cause) => Self::internal(cause),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::debug!(status = %self.status, code = self.code, message = %self.message, "client error");
        }
        let mut body = json!({
            "error": self.message,
            "code": self.code,
            "detail": self.detail,
            "request_id": Value::Null,
        });
        if let Value::Object(map) = &mut body {
            map.extend(self.extra);
        }
        let mut response = (self.status, Json(body.clone())).into_response();
        response.extensions_mut().insert(ErrorBody(body));
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after_s {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The house body for an error raised outside a handler (no [`ErrorBody`] attached).
pub(crate) fn generic_body(status: StatusCode) -> Value {
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "error",
    };
    let message = if status.is_server_error() {
        "internal server error".to_owned()
    } else {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    };
    json!({ "error": message, "code": code, "detail": Value::Null, "request_id": Value::Null })
}
