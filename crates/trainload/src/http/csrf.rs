//! Cross-site request forgery protection. A state-changing request (POST, PUT,
//! PATCH, DELETE) that carries cookies is refused with 403 when the browser says it comes from
//! another site: `Sec-Fetch-Site` other than `same-origin` or `none`, or an `Origin` whose host
//! differs from `Host`. Forms need no token field: every browser we support sends one of the two
//! headers, and a request without cookies authenticates nobody (the admin bearer token cannot be
//! attached cross-site), so API clients are not affected.

use axum::extract::Request;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

/// The middleware.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let changes_state = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && request.headers().contains_key(COOKIE) && is_cross_site(request.headers()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "cross-site request refused (CSRF protection)",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether the browser marked the request as coming from another site.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match text(ORIGIN.as_str()) {
        None => false,
        Some(origin) => {
            let origin_host = origin
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'));
            // `Origin: null` (sandboxed frames, some redirects) has no host and is refused.
            origin_host.is_none_or(|host| Some(host) != text(HOST.as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_browser_s_site_and_origin_headers_decide() {
        let host = ("host", "app.example:8000");
        assert!(!is_cross_site(&headers(&[host])));
        assert!(!is_cross_site(&headers(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!is_cross_site(&headers(&[
            host,
            ("sec-fetch-site", "none")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("sec-fetch-site", "same-site")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!is_cross_site(&headers(&[
            host,
            ("origin", "http://app.example:8000")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            host,
            ("origin", "http://app.example:9000")
        ])));
        assert!(is_cross_site(&headers(&[host, ("origin", "null")])));
    }
}
