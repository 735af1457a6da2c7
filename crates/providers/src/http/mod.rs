//! HTTP plumbing shared by both clients: one `reqwest::Client` per API, one attempt per call,
//! transport failures mapped to [`ProviderError::Transient`] without URLs (list and delete of
//! Strava push subscriptions carry the client secret in the query string).

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{RequestBuilder, StatusCode};
use secrecy::SecretString;
use serde::de::DeserializeOwned;

use crate::error::ProviderError;
use crate::redact;

/// `User-Agent` sent on every request.
pub const USER_AGENT: &str = concat!("trainload/", env!("CARGO_PKG_VERSION"));

/// Builds the client of one API: timeouts and user agent.
pub fn build_client(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|error| ProviderError::Setup(format!("HTTP client: {}", error.without_url())))
}

/// Checks a configured base URL and returns it without a trailing slash.
pub fn normalise_base_url(name: &str, base_url: &str) -> Result<String, ProviderError> {
    let parsed = reqwest::Url::parse(base_url)
        .map_err(|error| ProviderError::Setup(format!("{name} {base_url:?}: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(ProviderError::Setup(format!(
            "{name} {base_url:?}: an http(s) URL without a query is expected"
        )));
    }
    Ok(base_url.trim_end_matches('/').to_owned())
}

/// A complete response: status, headers and the whole body.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers (names are case-insensitive).
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Response {
    /// The `Content-Type` header as text.
    pub fn content_type(&self) -> Option<String> {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The redacted body excerpt for an error.
    pub fn excerpt(&self, secrets: &[&SecretString]) -> String {
        redact::excerpt(&self.body, secrets)
    }

    /// Parses the body as JSON, or explains why not as [`ProviderError::Malformed`].
    pub fn json<T: DeserializeOwned>(&self, secrets: &[&SecretString]) -> Result<T, ProviderError> {
        serde_json::from_slice(&self.body).map_err(|error| self.malformed(&error, secrets))
    }

    /// A [`ProviderError::Malformed`] for this response with `why` (no body values in it).
    pub fn malformed(
        &self,
        why: &dyn std::fmt::Display,
        secrets: &[&SecretString],
    ) -> ProviderError {
        ProviderError::Malformed {
            status: self.status.as_u16(),
            content_type: self.content_type(),
            excerpt: format!("{why}; body: {}", self.excerpt(secrets)),
        }
    }
}

/// Sends a request and reads the whole body (bounded by the client's request timeout).
pub async fn send(request: RequestBuilder) -> Result<Response, ProviderError> {
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|error| {
        let mut failure = transport_error(error);
        if let ProviderError::Transient { status: slot, .. } = &mut failure {
            *slot = Some(status.as_u16());
        }
        failure
    })?;
    Ok(Response {
        status,
        headers,
        body: body.to_vec(),
    })
}

/// Maps a transport failure; never includes the URL (it may carry credentials in its query).
fn transport_error(error: reqwest::Error) -> ProviderError {
    let reason = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect error"
    } else if error.is_body() || error.is_decode() {
        "response body cut off"
    } else if error.is_builder() {
        return ProviderError::Setup("request could not be built".to_owned());
    } else {
        "request failed"
    };
    ProviderError::transient(reason)
}

/// The current time, epoch ms.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The most common non-2xx mapping shared by both providers: 5xx and 408 are transient.
pub fn is_transient_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT
}
