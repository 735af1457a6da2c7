//! The one error type of both clients and the classes that drive retries (docs/providers.md §1.6).
//!
//! The client makes one attempt and classifies what happened; the caller (a task or a request
//! handler) decides whether to retry, because only it sees attempts and the shared budget.
//! Nothing in here ever holds a token, an API key or a client secret: bodies are cut to 2 KiB and
//! redacted before they are stored (see [`crate::redact`]).

use crate::budget::BudgetError;

/// Why an integration needs the athlete to authorise again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReauthReason {
    /// Strava: the token lacks `activity:read` (401
    /// `AccessToken`/`activity:read_permission`/`missing`).
    ScopeMissing,
    /// Strava: the refresh token was rejected and the stored token version did not move.
    RefreshTokenInvalid,
    /// Intervals.icu: the API key was refused (401 or 403).
    KeyRejected,
    /// Intervals.icu: the stored athlete id is unknown (a 404 during a sync).
    AthleteNotFound,
}

impl ReauthReason {
    /// The reason as stored in `integrations.status_reason`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ScopeMissing => "scope_missing",
            Self::RefreshTokenInvalid => "refresh_token_invalid",
            Self::KeyRejected => "key_rejected",
            Self::AthleteNotFound => "athlete_not_found",
        }
    }
}

/// What the caller should do with a failed call: every error is classified once, where it is
/// understood, so the queue decides retries from the class and never from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Back off and try again; the attempt counts.
    Retryable,
    /// Fail the task with its reason; no retry.
    Permanent,
    /// Stop all calls for the integration and ask the athlete to reconnect.
    NeedsReauth,
    /// Re-queue at `until_ms` (epoch ms) without consuming an attempt.
    RateLimited {
        /// When the call may be tried again, epoch ms.
        until_ms: i64,
    },
}

/// A failed provider call, classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// Strava refused the refresh token (400 on `grant_type=refresh_token`): re-read the stored
    /// row; if its token version did not move, the integration needs re-authorisation.
    #[error("refresh token rejected: {body}")]
    RefreshRejected {
        /// The redacted response body.
        body: String,
    },
    /// Strava refused an authorisation code (400 `AuthorizationCode` or `RequestToken`/`code`/
    /// `invalid`); onboarding retries once after 2 s, then asks the athlete to try again.
    #[error("authorization code rejected: {body}")]
    CodeRejected {
        /// The redacted response body.
        body: String,
    },
    /// Strava does not know our application (400 `Application`/`client_id`/`invalid`): the
    /// operator must fix the configuration.
    #[error("provider rejected the client configuration: {body}")]
    Config {
        /// The redacted response body.
        body: String,
    },
    /// The client could not be built or a request could not be formed (bad base URL, bad date
    /// range). Nothing was sent.
    #[error("invalid client setup: {0}")]
    Setup(String),
    /// Our request is wrong (other 4xx such as 400 `after` in the future, 422).
    #[error("permanent failure, status {status}: {body}")]
    Permanent {
        /// HTTP status.
        status: u16,
        /// The redacted first 2 KiB of the body.
        body: String,
    },
    /// The athlete must authorise again; no refresh will help.
    #[error("re-authorisation needed: {}", reason.as_str())]
    NeedsReauth {
        /// Why.
        reason: ReauthReason,
    },
    /// Strava answered 401 (expired or revoked token): refresh once and retry once; another 401
    /// or a failed refresh means [`ReauthReason::RefreshTokenInvalid`].
    #[error("unauthorized (access token expired or revoked)")]
    Unauthorized,
    /// 403: permanent for this request.
    #[error("forbidden: {body}")]
    Forbidden {
        /// The redacted response body.
        body: String,
    },
    /// 404: deleted, invisible to us, not processed yet or an unknown athlete; the caller decides.
    #[error("not found")]
    NotFound,
    /// The shared budget refused the call, or the provider answered 429.
    #[error("rate budget exhausted until {until_ms} ms")]
    RateLimited {
        /// When the call may be tried again, epoch ms.
        until_ms: i64,
    },
    /// 5xx, connect error, timeout, body cut off, or the budget store was unavailable.
    #[error("transient failure: {reason}")]
    Transient {
        /// HTTP status when there was one.
        status: Option<u16>,
        /// What went wrong, without URLs or secrets.
        reason: String,
    },
    /// A 2xx whose body did not parse. Retried as transient 3 times by the caller, then kept as
    /// a permanent failure with this diagnostic.
    #[error("malformed response, status {status}, content type {content_type:?}: {excerpt}")]
    Malformed {
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The redacted first 2 KiB of the body, or the parse error.
        excerpt: String,
    },
}

impl ProviderError {
    /// The retry class of this error.
    ///
    /// `Unauthorized` is `Retryable`: the sync layer refreshes once and retries before it ever
    /// reaches the queue, and if it escapes, the next attempt starts from a fresh token read.
    /// `Malformed` is `Retryable`; the caller turns it into a permanent failure after 3 attempts.
    pub const fn class(&self) -> ErrorClass {
        match self {
            Self::RefreshRejected { .. } | Self::NeedsReauth { .. } => ErrorClass::NeedsReauth,
            Self::CodeRejected { .. }
            | Self::Config { .. }
            | Self::Setup(_)
            | Self::Permanent { .. }
            | Self::Forbidden { .. }
            | Self::NotFound => ErrorClass::Permanent,
            Self::RateLimited { until_ms } => ErrorClass::RateLimited {
                until_ms: *until_ms,
            },
            Self::Unauthorized | Self::Transient { .. } | Self::Malformed { .. } => {
                ErrorClass::Retryable
            }
        }
    }

    /// A transient error without a status.
    pub(crate) fn transient(reason: impl Into<String>) -> Self {
        Self::Transient {
            status: None,
            reason: reason.into(),
        }
    }
}

impl From<BudgetError> for ProviderError {
    fn from(error: BudgetError) -> Self {
        match error {
            BudgetError::Exhausted { until_ms } => Self::RateLimited { until_ms },
            BudgetError::Unavailable(reason) => Self::Transient {
                status: None,
                reason: format!("rate budget unavailable: {reason}"),
            },
        }
    }
}

/// A Strava error body: `{"message": …, "errors": [{"resource": …, "field": …, "code": …}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Fault {
    /// The message of the fault, e.g. `"Bad Request"`.
    #[serde(default)]
    pub message: Option<String>,
    /// The specific errors.
    #[serde(default)]
    pub errors: Vec<FaultError>,
}

/// One entry of a [`Fault`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct FaultError {
    /// The resource, e.g. `"RefreshToken"`.
    #[serde(default)]
    pub resource: Option<String>,
    /// The field, e.g. `"refresh_token"`.
    #[serde(default)]
    pub field: Option<String>,
    /// The code, e.g. `"invalid"`.
    #[serde(default)]
    pub code: Option<String>,
}

impl Fault {
    /// Parses a body as a fault; `None` when it is not one (empty, HTML, other JSON).
    pub fn parse(body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }

    /// Whether any entry matches `resource`/`field`/`code` (`None` matches anything).
    pub fn has(&self, resource: Option<&str>, field: Option<&str>, code: Option<&str>) -> bool {
        self.errors.iter().any(|entry| {
            matches(entry.resource.as_deref(), resource)
                && matches(entry.field.as_deref(), field)
                && matches(entry.code.as_deref(), code)
        })
    }
}

fn matches(actual: Option<&str>, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| actual == Some(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_exhaustion_becomes_rate_limited_and_unavailability_transient() {
        let limited = ProviderError::from(BudgetError::Exhausted { until_ms: 42 });
        assert_eq!(limited.class(), ErrorClass::RateLimited { until_ms: 42 });
        let down = ProviderError::from(BudgetError::Unavailable("db".into()));
        assert_eq!(down.class(), ErrorClass::Retryable);
    }

    #[test]
    fn fault_matching_treats_none_as_wildcard() {
        let fault = Fault::parse(br#"{"message":"Bad Request","errors":[{"resource":"Application","field":"after","code":"future"}]}"#)
            .unwrap();
        assert!(fault.has(Some("Application"), Some("after"), None));
        assert!(!fault.has(Some("Application"), Some("client_id"), Some("invalid")));
        assert!(Fault::parse(b"<html>").is_none());
    }
}
