//! Request ids: every request carries `x-request-id` (the client's if it sent a sane one, else
//! 16 random bytes as hex), the response echoes it, and every error body names it. Errors that
//! did not come from [`super::ApiError`] (timeouts, body limits, panics) get the house body here;
//! a handler's own JSON or HTML error answer is left alone.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::{ErrorBody, generic_body};

/// The header.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The middleware.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane(v))
        .map_or_else(new_id, str::to_owned);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    request.headers_mut().insert(X_REQUEST_ID, value.clone());
    let response = next.run(request).await;
    let mut response = with_request_id_in_error(response, &id);
    response.headers_mut().insert(X_REQUEST_ID, value);
    response
}

/// Rewrites an error response's JSON body with the request id.
fn with_request_id_in_error(response: Response, id: &str) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let own_answer = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    let mut body = match response.extensions().get::<ErrorBody>() {
        Some(ErrorBody(body)) => body.clone(),
        // A handler's own JSON answer (e.g. `/health` at 503) or error page (a page's 404)
        // stays as it is.
        None if own_answer => return response,
        None => generic_body(status),
    };
    if let Value::Object(map) = &mut body {
        map.insert("request_id".to_owned(), Value::String(id.to_owned()));
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, Body::from(bytes)).into_response()
}

/// Visible ASCII, at most 128 characters: safe to log and echo.
fn is_sane(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
