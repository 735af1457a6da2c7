//! The Intervals.icu client (docs/providers.md §3): a wellness source only. HTTP Basic auth with
//! the user name `API_KEY` and the athlete's key as password; a per-process pace of `max_rps` plus
//! a reservation in the shared `minute` budget row before each call.

mod models;
mod pacer;

use std::sync::Arc;
use std::time::Duration;

use jiff::civil::Date;
use jiff::{Span, Timestamp};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};

pub use models::{ActivityItem, IntervalsAthlete, WellnessRecord};

use self::pacer::Pacer;
use crate::budget::{Priority, Provider, RateBudget};
use crate::error::{ProviderError, ReauthReason};
use crate::http::{self, Response, is_transient_status};

/// The most days one wellness request covers (inclusive range).
pub const MAX_WELLNESS_DAYS: i64 = 366;
/// The wait after a 429 without `Retry-After`, ms (the caller doubles it up to 5 min).
pub const DEFAULT_RETRY_AFTER_MS: i64 = 10_000;

/// Intervals.icu settings; see [`IntervalsConfig::default`] for docs/providers.md's defaults.
#[derive(Debug, Clone)]
pub struct IntervalsConfig {
    /// `intervals.base_url`; paths under `/api/v1` are appended.
    pub base_url: String,
    /// `http.connect_timeout_s`.
    pub connect_timeout: Duration,
    /// `http.request_timeout_s`.
    pub request_timeout: Duration,
    /// `intervals.max_rps`: requests per second from this process (0: unpaced).
    pub max_rps: u32,
}

impl Default for IntervalsConfig {
    fn default() -> Self {
        Self {
            base_url: "https://intervals.icu".to_owned(),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_rps: 5,
        }
    }
}

/// The Intervals.icu client.
#[derive(Debug, Clone)]
pub struct IntervalsClient {
    base: String,
    http: reqwest::Client,
    budget: Arc<dyn RateBudget>,
    pacer: Arc<Pacer>,
}

impl IntervalsClient {
    /// Builds the client; fails on an unusable base URL.
    pub fn new(
        config: IntervalsConfig,
        budget: Arc<dyn RateBudget>,
    ) -> Result<Self, ProviderError> {
        Ok(Self {
            base: http::normalise_base_url("intervals.base_url", &config.base_url)?,
            http: http::build_client(config.connect_timeout, config.request_timeout)?,
            budget,
            pacer: Arc::new(Pacer::new(config.max_rps)),
        })
    }

    /// `GET /api/v1/athlete/{id}` (`0`: the key's owner). The answer holds personal data and the
    /// key itself: only `id`, `name` and `timezone` are kept, and nothing is logged.
    pub async fn athlete(
        &self,
        athlete_id: &str,
        api_key: &SecretString,
        priority: Priority,
    ) -> Result<IntervalsAthlete, ProviderError> {
        let path = format!("/api/v1/athlete/{}", path_segment(athlete_id)?);
        let response = self.get(&path, &[], api_key, priority).await?;
        response.json(&[api_key])
    }

    /// `GET /api/v1/athlete/{id}/wellness?oldest=&newest=` over `oldest..=newest` (athlete-local
    /// dates), in chunks of at most [`MAX_WELLNESS_DAYS`]. Records without a date id are skipped.
    pub async fn wellness(
        &self,
        athlete_id: &str,
        api_key: &SecretString,
        oldest: Date,
        newest: Date,
        priority: Priority,
    ) -> Result<Vec<WellnessRecord>, ProviderError> {
        let path = format!("/api/v1/athlete/{}/wellness", path_segment(athlete_id)?);
        let mut records = Vec::new();
        for (first, last) in date_chunks(oldest, newest)? {
            let query = [("oldest", first.to_string()), ("newest", last.to_string())];
            let response = self.get(&path, &query, api_key, priority).await?;
            let items = WellnessRecord::page_from_json(&response.body)
                .map_err(|error| response.malformed(&error, &[api_key]))?;
            for (index, item) in items.into_iter().enumerate() {
                match item {
                    Ok(record) => records.push(record),
                    Err(error) => tracing::warn!(index, %error, "wellness record skipped"),
                }
            }
        }
        Ok(records)
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        api_key: &SecretString,
        priority: Priority,
    ) -> Result<Response, ProviderError> {
        self.budget.reserve(Provider::Intervals, priority).await?;
        self.pacer.acquire().await;
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .basic_auth("API_KEY", Some(api_key.expose_secret()))
            .query(query);
        let response = http::send(request).await?;
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(failure(&response, &[api_key]))
        }
    }
}

/// Classifies a non-2xx answer (docs/providers.md §3 "Errors").
fn failure(response: &Response, secrets: &[&SecretString]) -> ProviderError {
    let status = response.status;
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::NeedsReauth {
            reason: ReauthReason::KeyRejected,
        },
        StatusCode::NOT_FOUND => ProviderError::NotFound,
        StatusCode::TOO_MANY_REQUESTS => ProviderError::RateLimited {
            until_ms: http::now_ms() + retry_after_ms(response).unwrap_or(DEFAULT_RETRY_AFTER_MS),
        },
        _ if is_transient_status(status) => ProviderError::Transient {
            status: Some(status.as_u16()),
            reason: format!("status {}", status.as_u16()),
        },
        _ => ProviderError::Permanent {
            status: status.as_u16(),
            body: response.excerpt(secrets),
        },
    }
}

/// `Retry-After` as delay-seconds or an HTTP date, in ms from now.
fn retry_after_ms(response: &Response) -> Option<i64> {
    let text = response
        .headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds.max(0).saturating_mul(1000));
    }
    let when = jiff::fmt::rfc2822::parse(text).ok()?.timestamp();
    Some((when.as_millisecond() - Timestamp::now().as_millisecond()).max(0))
}

/// An athlete id as a path segment: `0`, `i12345` or digits; anything else is refused so an id
/// can never add path segments or a query.
fn path_segment(athlete_id: &str) -> Result<&str, ProviderError> {
    let valid = !athlete_id.is_empty()
        && athlete_id
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '_');
    if valid {
        Ok(athlete_id)
    } else {
        Err(ProviderError::Setup(format!(
            "invalid Intervals.icu athlete id {athlete_id:?}"
        )))
    }
}

/// Splits `oldest..=newest` into inclusive ranges of at most [`MAX_WELLNESS_DAYS`] days.
fn date_chunks(oldest: Date, newest: Date) -> Result<Vec<(Date, Date)>, ProviderError> {
    let date_error = |error: jiff::Error| ProviderError::Setup(format!("date range: {error}"));
    let mut chunks = Vec::new();
    let mut first = oldest;
    while first <= newest {
        let last = first
            .checked_add(Span::new().days(MAX_WELLNESS_DAYS - 1))
            .map_err(date_error)?
            .min(newest);
        chunks.push((first, last));
        if last == newest {
            break;
        }
        first = last.tomorrow().map_err(date_error)?;
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn a_two_year_range_is_split_into_chunks_of_at_most_366_days() {
        let chunks = date_chunks(date(2024, 1, 1), date(2025, 12, 31)).unwrap();
        assert_eq!(
            chunks,
            vec![
                (date(2024, 1, 1), date(2024, 12, 31)),
                (date(2025, 1, 1), date(2025, 12, 31)),
            ]
        );
        let chunks = date_chunks(date(2025, 1, 1), date(2026, 1, 2)).unwrap();
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1], (date(2026, 1, 2), date(2026, 1, 2)));
    }

    #[test]
    fn an_inverted_range_asks_for_nothing() {
        assert!(
            date_chunks(date(2025, 1, 2), date(2025, 1, 1))
                .unwrap()
                .is_empty()
        );
    }

    fn with_retry_after(value: &str) -> Response {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::RETRY_AFTER,
            reqwest::header::HeaderValue::from_str(value).unwrap(),
        );
        Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        assert_eq!(retry_after_ms(&with_retry_after("7")), Some(7000));
        assert_eq!(
            retry_after_ms(&with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(0)
        );
        assert_eq!(retry_after_ms(&with_retry_after("soon")), None);
    }

    #[test]
    fn athlete_ids_cannot_escape_their_path_segment() {
        assert!(path_segment("i12345").is_ok());
        assert!(path_segment("0").is_ok());
        assert!(path_segment("../admin").is_err());
        assert!(path_segment("1?x=y").is_err());
        assert!(path_segment("").is_err());
    }
}
