//! Error pages for people: a browser (a request that accepts `text/html`) that hits an unknown
//! address, a malformed id or a bad query value gets a page with the same status instead of the
//! API's JSON body, which API clients keep.

use askama::Template;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::html::{self, Nav};

/// Largest JSON error body read back (they are a few hundred bytes).
const BODY_LIMIT: usize = 64 * 1024;

/// The middleware; it runs outside the request-id layer, so the error body is final.
pub async fn for_browsers(request: Request, next: Next) -> Response {
    let wants_html = accepts_html(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !wants_html || !is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let error: Value = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        Err(_) => Value::Null,
    };
    let mut page = page(status, &error);
    // Keep what the API layer decided beyond the body (request id, Retry-After, …).
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

/// Whether the client asked for HTML, as browsers do for pages (`Accept: text/html,…`).
fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

/// An error page: what went wrong in words, the API's details of a bad request, the request id
/// of a server error, and the way on (signing in, or back to the overview).
#[derive(Template)]
#[template(path = "status/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    nav: Nav,
    text: &'a str,
    details: Option<&'a str>,
    reference: Option<&'a str>,
    sign_in: bool,
}

/// The page for `status`, with the API's message where it helps a person.
fn page(status: StatusCode, error: &Value) -> Response {
    let message = error["error"].as_str().unwrap_or_default();
    let request_id = error["request_id"].as_str().unwrap_or_default();
    let (title, text) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "There is nothing at this address. It may have been mistyped, or what it showed was deleted.",
        ),
        StatusCode::BAD_REQUEST => (
            "This address is not valid",
            "Part of the address is not something this page understands.",
        ),
        StatusCode::UNAUTHORIZED => ("Please sign in", "This page is for signed-in athletes."),
        StatusCode::FORBIDDEN => ("Not allowed", "Your account may not open this page."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("Not a page", "This address accepts form submissions only.")
        }
        s if s.is_server_error() => (
            "Something went wrong",
            "The server could not answer this time. Please try again in a moment.",
        ),
        _ => ("This request could not be answered", ""),
    };
    let page = ErrorPage {
        title,
        nav: Nav::Anonymous,
        text,
        details: (status == StatusCode::BAD_REQUEST && !message.is_empty()).then_some(message),
        reference: (status.is_server_error() && !request_id.is_empty()).then_some(request_id),
        sign_in: status == StatusCode::UNAUTHORIZED,
    };
    html::render_with(status, &page)
}
