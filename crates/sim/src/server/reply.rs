//! Response builders in the providers' own shapes.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

/// Marks a response with the athlete it served, for the per-athlete counters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AthleteTag(pub usize);

/// A response with a raw body and content type.
pub(crate) fn raw(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A JSON response.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => raw(status, "application/json; charset=utf-8", bytes),
        Err(_) => raw(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain",
            "serialisation failed",
        ),
    }
}

/// A Strava `Fault` with one error.
pub(crate) fn strava_fault(
    status: StatusCode,
    message: &str,
    resource: &str,
    field: &str,
    code: &str,
) -> Response {
    json(
        status,
        &json!({"message": message, "errors": [{"resource": resource, "field": field, "code": code}]}),
    )
}

/// Strava's 401 for an unknown, expired or revoked token.
pub(crate) fn strava_unauthorized() -> Response {
    strava_fault(
        StatusCode::UNAUTHORIZED,
        "Authorization Error",
        "Application",
        "",
        "invalid",
    )
}

/// Strava's 404: an empty body.
pub(crate) fn strava_not_found() -> Response {
    raw(
        StatusCode::NOT_FOUND,
        "application/json; charset=utf-8",
        Body::empty(),
    )
}

/// Strava's 400 for a bad or replaced refresh token.
pub(crate) fn refresh_invalid() -> Response {
    strava_fault(
        StatusCode::BAD_REQUEST,
        "Bad Request",
        "RefreshToken",
        "refresh_token",
        "invalid",
    )
}

/// An Intervals.icu error `{"status": …, "error": …}`.
pub(crate) fn intervals_error(status: StatusCode, error: &str) -> Response {
    json(status, &json!({"status": status.as_u16(), "error": error}))
}

/// Adds the athlete tag to a response.
pub(crate) fn tagged(mut response: Response, index: usize) -> Response {
    response.extensions_mut().insert(AthleteTag(index));
    response
}
