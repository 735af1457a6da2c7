//! Status and body of a failed Strava call → [`ProviderError`] (docs/providers.md §1.6).
//!
//! The status decides; the `Fault` body only refines 400 and 401 and is kept as diagnostic text.
//! 429 is not handled here: it needs the budget (see `StravaClient::rate_limited`).

use reqwest::StatusCode;
use secrecy::SecretString;

use crate::error::{Fault, ProviderError, ReauthReason};
use crate::http::{Response, is_transient_status};

/// Which kind of call failed: the same 400 means different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// An API call under `strava.api_base_url`, or deauthorize.
    Api,
    /// `POST /oauth/token` with `grant_type=authorization_code`.
    Exchange,
    /// `POST /oauth/token` with `grant_type=refresh_token`.
    Refresh,
}

/// Classifies a non-2xx, non-429 response.
pub fn failure(kind: CallKind, response: &Response, secrets: &[&SecretString]) -> ProviderError {
    let status = response.status;
    let body = response.excerpt(secrets);
    let fault = Fault::parse(&response.body).unwrap_or_default();
    match status {
        StatusCode::BAD_REQUEST => bad_request(kind, &fault, body),
        StatusCode::UNAUTHORIZED
            if fault.has(None, Some("activity:read_permission"), Some("missing")) =>
        {
            ProviderError::NeedsReauth {
                reason: ReauthReason::ScopeMissing,
            }
        }
        StatusCode::UNAUTHORIZED => ProviderError::Unauthorized,
        StatusCode::FORBIDDEN => ProviderError::Forbidden { body },
        StatusCode::NOT_FOUND => ProviderError::NotFound,
        _ if is_transient_status(status) => ProviderError::Transient {
            status: Some(status.as_u16()),
            reason: format!("status {}", status.as_u16()),
        },
        _ => ProviderError::Permanent {
            status: status.as_u16(),
            body,
        },
    }
}

fn bad_request(kind: CallKind, fault: &Fault, body: String) -> ProviderError {
    if fault.has(Some("Application"), Some("client_id"), Some("invalid")) {
        return ProviderError::Config { body };
    }
    match kind {
        // Any other 400 on a refresh means the pair is dead (rotated elsewhere or revoked); the
        // caller re-reads the stored row before concluding.
        CallKind::Refresh => ProviderError::RefreshRejected { body },
        CallKind::Exchange if fault.has(None, Some("code"), Some("invalid")) => {
            ProviderError::CodeRejected { body }
        }
        CallKind::Exchange | CallKind::Api => ProviderError::Permanent { status: 400, body },
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn invalid_client_is_a_configuration_error_for_every_call_kind() {
        let body = r#"{"message":"Bad Request","errors":[{"resource":"Application","field":"client_id","code":"invalid"}]}"#;
        for kind in [CallKind::Api, CallKind::Exchange, CallKind::Refresh] {
            assert!(matches!(
                failure(kind, &response(400, body), &[]),
                ProviderError::Config { .. }
            ));
        }
    }

    #[test]
    fn both_invalid_code_forms_are_code_rejections_on_exchange() {
        for resource in ["AuthorizationCode", "RequestToken"] {
            let body = format!(
                r#"{{"message":"Bad Request","errors":[{{"resource":"{resource}","field":"code","code":"invalid"}}]}}"#
            );
            let error = failure(CallKind::Exchange, &response(400, &body), &[]);
            assert!(
                matches!(error, ProviderError::CodeRejected { .. }),
                "{error:?}"
            );
        }
    }

    #[test]
    fn unexpected_statuses_are_permanent_and_server_errors_transient() {
        let teapot = failure(CallKind::Api, &response(418, ""), &[]);
        assert!(matches!(
            teapot,
            ProviderError::Permanent { status: 418, .. }
        ));
        let timeout = failure(CallKind::Api, &response(408, ""), &[]);
        assert!(matches!(
            timeout,
            ProviderError::Transient {
                status: Some(408),
                ..
            }
        ));
    }
}
