//! The Strava API v3 client (docs/providers.md §1–§2): OAuth, activities, streams, the athlete and
//! push subscriptions. One attempt per call, classified; every API call passes the shared
//! [`RateBudget`] first and reports the rate-limit headers to it afterwards.
//!
//! Token calls (`POST /oauth/token`) do not reserve budget: Strava documents its limits for the
//! API, and the recorded token answers carry no rate-limit headers. If headers do come back they
//! are reconciled. Deauthorize does reserve: its recorded answer carries the API counters.

mod activities;
mod classify;
mod models;
mod oauth;
#[cfg(test)]
mod page_tests;
mod ratelimit;
mod sport;
mod streams;
mod subscriptions;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode};
use secrecy::SecretString;

pub use activities::{ActivityPage, Listing, MAX_PAGES, PER_PAGE};
pub use classify::CallKind;
pub use models::{AthleteSummary, ItemError, SummaryActivity, TokenGrant, iana_zone};
pub use oauth::DEFAULT_SCOPE;
pub use ratelimit::observed as observed_rate_limits;
pub use sport::{SportGroup, sport_group};
pub use streams::{STREAM_KEYS, StreamSet, StreamsBodyError, StreamsError};
pub use subscriptions::PushSubscription;
pub use webhook::{AspectType, ChallengeResponse, ObjectType, WebhookEvent};

use crate::budget::{Bucket, Observed, Priority, Provider, RateBudget};
use crate::error::ProviderError;
use crate::http::{self, Response};

/// Strava settings; see [`StravaConfig::new`] for docs/providers.md's defaults.
#[derive(Debug, Clone)]
pub struct StravaConfig {
    /// `strava.api_base_url`, e.g. `https://www.strava.com/api/v3`.
    pub api_base_url: String,
    /// `strava.oauth_base_url`; `/authorize`, `/token`, `/deauthorize` are appended.
    pub oauth_base_url: String,
    /// `strava.client_id`.
    pub client_id: String,
    /// `strava.client_secret`.
    pub client_secret: SecretString,
    /// `http.connect_timeout_s`.
    pub connect_timeout: Duration,
    /// `http.request_timeout_s`: the whole request including the body.
    pub request_timeout: Duration,
    /// `strava.rate_reserve_pct`: share of each limit kept from background work (used by the
    /// budget implementation; carried here so one struct holds Strava's settings).
    pub rate_reserve_pct: u8,
    /// `strava.refresh_margin_s`: refresh when fewer seconds than this are left.
    pub refresh_margin_s: i64,
}

impl StravaConfig {
    /// The defaults of docs/providers.md with the application's credentials.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            api_base_url: "https://www.strava.com/api/v3".to_owned(),
            oauth_base_url: "https://www.strava.com/oauth".to_owned(),
            client_id: client_id.into(),
            client_secret,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            rate_reserve_pct: 10,
            refresh_margin_s: 300,
        }
    }
}

/// The Strava client. Cheap to share behind an `Arc`; holds one connection pool.
#[derive(Debug, Clone)]
pub struct StravaClient {
    config: StravaConfig,
    api_base: String,
    oauth_base: String,
    http: reqwest::Client,
    budget: Arc<dyn RateBudget>,
}

impl StravaClient {
    /// Builds the client; fails on an unusable base URL.
    pub fn new(config: StravaConfig, budget: Arc<dyn RateBudget>) -> Result<Self, ProviderError> {
        let api_base = http::normalise_base_url("strava.api_base_url", &config.api_base_url)?;
        let oauth_base = http::normalise_base_url("strava.oauth_base_url", &config.oauth_base_url)?;
        let http = http::build_client(config.connect_timeout, config.request_timeout)?;
        Ok(Self {
            config,
            api_base,
            oauth_base,
            http,
            budget,
        })
    }

    /// The configuration the client was built with.
    pub const fn config(&self) -> &StravaConfig {
        &self.config
    }

    fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base)
    }

    fn oauth_url(&self, path: &str) -> String {
        format!("{}{path}", self.oauth_base)
    }

    /// One call: reserve (when `priority` is given), send, reconcile, classify.
    async fn execute(
        &self,
        priority: Option<Priority>,
        kind: CallKind,
        request: RequestBuilder,
        secrets: &[&SecretString],
    ) -> Result<Response, ProviderError> {
        if let Some(priority) = priority {
            self.budget.reserve(Provider::Strava, priority).await?;
        }
        let response = http::send(request).await?;
        let observed = ratelimit::observed(&response.headers);
        if !observed.is_empty()
            && let Err(error) = self.budget.reconcile(Provider::Strava, &observed).await
        {
            // The call itself succeeded; the next reservation re-reads the store.
            tracing::warn!(%error, "strava rate budget reconcile failed");
        }
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            return Err(self.rate_limited(&observed).await);
        }
        if !response.status.is_success() {
            return Err(classify::failure(kind, &response, secrets));
        }
        Ok(response)
    }

    /// Records a 429 in the budget and says until when: the next 15-minute boundary, or midnight
    /// UTC when a daily count has reached its limit.
    async fn rate_limited(&self, observed: &[Observed]) -> ProviderError {
        let mut buckets = vec![Bucket::Overall15m, Bucket::Read15m];
        buckets.extend(ratelimit::full_daily_buckets(observed));
        let mut until_ms = i64::MIN;
        for bucket in buckets {
            let reset_ms = match self.budget.exhaust(Provider::Strava, bucket).await {
                Ok(reset_ms) => reset_ms,
                Err(error) => {
                    tracing::warn!(%error, bucket = bucket.as_str(), "strava rate budget exhaust failed");
                    let now_ms = http::now_ms();
                    bucket.window_start_ms(now_ms) + bucket.window_ms()
                }
            };
            until_ms = until_ms.max(reset_ms);
        }
        tracing::warn!(until_ms, "strava answered 429");
        ProviderError::RateLimited { until_ms }
    }
}
