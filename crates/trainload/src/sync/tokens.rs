//! The Strava access token: refreshed when due with the compare-and-swap lease of docs/providers.md
//! §1.2 (one refresh at a time per athlete across processes, rotation persisted before use), and
//! API calls that answer 401 retried once after a forced refresh.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use providers::ProviderError;
use providers::error::ReauthReason;
use secrecy::SecretString;

use super::run::Run;
use super::{Failure, SyncContext};
use crate::store::integrations::{self, Integration, IntegrationId, Refreshed, Status};

/// How long a refresh lease lasts, ms.
const LEASE_MS: i64 = 60_000;
/// How often a waiter re-reads the row while another holder refreshes.
const POLL: Duration = Duration::from_millis(250);
/// How long a waiter waits for another holder's refresh.
const WAIT: Duration = Duration::from_secs(35);
/// Attempts to persist a refreshed pair before the integration needs re-authorisation.
const PERSIST_ATTEMPTS: usize = 3;
/// Rounds of read → lease → refresh before giving up (each ends in a moved token version).
const ROUNDS: usize = 5;

/// One sync's handle on a Strava integration's tokens.
#[derive(Debug)]
pub(crate) struct StravaAuth {
    /// The integration.
    pub integration: IntegrationId,
    owner: String,
    /// The token version whose access token was last handed out.
    used_version: Option<i64>,
    /// Refresh calls made (reported as `strava_oauth` calls).
    pub refreshes: u32,
    /// The athlete granted `activity:read_all` (unknown scopes count as granted): only then does
    /// a listing show every activity, so only then does absence mean deletion.
    pub reads_all: bool,
}

/// What one round of the protocol ended with.
enum Round {
    Token(SecretString),
    /// The row moved on (another refresh or a reconnect): read it again.
    Again,
}

impl StravaAuth {
    pub(crate) fn new(integration: Integration) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let reads_all = integration.scopes.as_deref().is_none_or(|s| {
            s.split([',', ' '])
                .any(|scope| scope == "activity:read_all")
        });
        Self {
            reads_all,
            integration: integration.id,
            owner: format!("sync-{}-{n}", std::process::id()),
            used_version: None,
            refreshes: 0,
        }
    }

    /// An access token with more than the refresh margin left. `force`: the last token handed
    /// out was refused with a 401, so it is refreshed even if it looks valid.
    pub(crate) async fn token(
        &mut self,
        ctx: &SyncContext,
        force: bool,
    ) -> Result<SecretString, Failure> {
        for _ in 0..ROUNDS {
            if let Round::Token(token) = self.round(ctx, force).await? {
                return Ok(token);
            }
        }
        Err(ProviderError::Transient {
            status: None,
            reason: "the token kept changing during refresh".to_owned(),
        }
        .into())
    }

    async fn round(&mut self, ctx: &SyncContext, force: bool) -> Result<Round, Failure> {
        let store = &ctx.store;
        let stored = integrations::tokens(store, self.integration).await?;
        let version = stored.token_version;
        let refused = force && self.used_version == Some(version);
        let now = ctx.clock.now_ms();
        if let (Some(access), Some(expires_at_ms), false) =
            (&stored.access_token, stored.expires_at_ms, refused)
        {
            let margin_ms = ctx.strava.as_ref().map_or(300_000, |c| {
                c.config().refresh_margin_s.saturating_mul(1000)
            });
            if expires_at_ms - now >= margin_ms {
                self.used_version = Some(version);
                return Ok(Round::Token(access.clone()));
            }
        }
        let Some(refresh_token) = stored.refresh_token else {
            return Err(reauth());
        };
        let leased = integrations::take_refresh_lease(
            store,
            self.integration,
            version,
            &self.owner,
            now,
            LEASE_MS,
        )
        .await?;
        if leased {
            self.refresh(ctx, version, &refresh_token).await
        } else {
            self.wait_for_other(ctx, version).await
        }
    }

    /// Holding the lease at `version`: refresh, persist, then use.
    async fn refresh(
        &mut self,
        ctx: &SyncContext,
        version: i64,
        refresh_token: &SecretString,
    ) -> Result<Round, Failure> {
        let Some(client) = ctx.strava.as_deref() else {
            return Err(ProviderError::Setup("Strava is not configured".to_owned()).into());
        };
        self.refreshes += 1;
        let grant = match client.refresh(refresh_token).await {
            Ok(grant) => grant,
            Err(error) => return self.refresh_failed(ctx, version, error).await,
        };
        let refreshed = Refreshed {
            access_token: grant.access_token.clone(),
            refresh_token: grant.refresh_token,
            expires_at_ms: grant.expires_at_s.saturating_mul(1000),
        };
        let mut last_error = None;
        for _ in 0..PERSIST_ATTEMPTS {
            let now = ctx.clock.now_ms();
            let stored = integrations::store_refreshed_tokens(
                &ctx.store,
                self.integration,
                version,
                &self.owner,
                &refreshed,
                now,
            )
            .await;
            match stored {
                Ok(true) => {
                    self.used_version = Some(version + 1);
                    return Ok(Round::Token(grant.access_token));
                }
                Ok(false) => return Ok(Round::Again),
                Err(error) => last_error = Some(error),
            }
        }
        // Strava may have rotated the refresh token we could not store: only a reconnect helps.
        let now = ctx.clock.now_ms();
        let reason = Some("token_persist_failed");
        integrations::set_status(
            &ctx.store,
            self.integration,
            Status::NeedsReauth,
            reason,
            now,
        )
        .await?;
        Err(last_error.map_or_else(reauth, Failure::Store))
    }

    /// A 400 is re-read: a moved version means someone else rotated the pair; otherwise the
    /// athlete must reconnect. Anything else keeps the old pair and frees the lease.
    async fn refresh_failed(
        &mut self,
        ctx: &SyncContext,
        version: i64,
        error: ProviderError,
    ) -> Result<Round, Failure> {
        integrations::release_refresh_lease(&ctx.store, self.integration, &self.owner).await?;
        if !matches!(error, ProviderError::RefreshRejected { .. }) {
            if matches!(error, ProviderError::Transient { .. }) {
                tracing::warn!(
                    integration = self.integration.0,
                    "refresh failed; if Strava rotated, the next refresh gets 400 \
                     (refresh_response_lost_suspected)"
                );
            }
            return Err(error.into());
        }
        let now = integrations::tokens(&ctx.store, self.integration).await?;
        if now.token_version > version {
            return Ok(Round::Again);
        }
        Err(reauth())
    }

    /// Someone else holds the lease: poll until the version moves, then use the stored token.
    async fn wait_for_other(&mut self, ctx: &SyncContext, version: i64) -> Result<Round, Failure> {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            tokio::time::sleep(POLL).await;
            let stored = integrations::tokens(&ctx.store, self.integration).await?;
            if stored.token_version > version {
                return Ok(Round::Again);
            }
        }
        Err(ProviderError::Transient {
            status: None,
            reason: "another worker's token refresh did not finish within 35 s".to_owned(),
        }
        .into())
    }
}

fn reauth() -> Failure {
    ProviderError::NeedsReauth {
        reason: ReauthReason::RefreshTokenInvalid,
    }
    .into()
}

impl Run<'_> {
    /// Runs one Strava API call with a valid token; a 401 forces one refresh and one retry, and
    /// a second 401 means the athlete must reconnect.
    pub(crate) async fn strava_call<T, F, Fut>(&mut self, call: F) -> Result<T, Failure>
    where
        F: Fn(SecretString) -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let ctx = self.ctx;
        let Some(auth) = self.strava.as_mut() else {
            return Err(ProviderError::Setup("Strava is not connected".to_owned()).into());
        };
        let before = auth.refreshes;
        let token = auth.token(ctx, false).await;
        let result = match token {
            Err(failure) => Err(failure),
            Ok(token) => {
                self.report.count_call("strava", 1);
                match call(token).await {
                    Err(ProviderError::Unauthorized) => {
                        let retried = match auth.token(ctx, true).await {
                            Ok(token) => {
                                self.report.count_call("strava", 1);
                                call(token).await
                            }
                            Err(failure) => return self.after_call(before, Err(failure)),
                        };
                        match retried {
                            Err(ProviderError::Unauthorized) => Err(reauth()),
                            other => other.map_err(Failure::from),
                        }
                    }
                    other => other.map_err(Failure::from),
                }
            }
        };
        self.after_call(before, result)
    }

    fn after_call<T>(&mut self, before: u32, result: Result<T, Failure>) -> Result<T, Failure> {
        let refreshes = self.strava.as_ref().map_or(before, |a| a.refreshes);
        if refreshes > before {
            self.report.count_call("strava_oauth", refreshes - before);
        }
        result
    }
}
