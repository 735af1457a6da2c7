//! One sync of one user: the shared state of the steps, the per-user lock and [`user_sync`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;

use jiff::civil::Date;

use super::features::HrFeatures;
use super::grids::Grids;
use super::tokens::StravaAuth;
use super::{Failure, SyncContext, SyncError, SyncOptions, SyncReport, class_name};
use crate::store::activities::ActivityId;
use crate::store::integrations::{self, Integration, Provider, Status};
use crate::store::users::{self, User, UserId};

/// The state one sync carries between its steps.
pub(crate) struct Run<'a> {
    /// Providers, store, clock.
    pub ctx: &'a SyncContext,
    /// The athlete.
    pub user: User,
    /// What to cover.
    pub options: SyncOptions,
    /// What happened so far.
    pub report: SyncReport,
    /// The Strava session, when connected and usable.
    pub strava: Option<StravaAuth>,
    /// The Intervals.icu integration, when connected and active.
    pub intervals: Option<Integration>,
    /// Activities whose load must be (re)computed.
    pub to_compute: BTreeSet<ActivityId>,
    /// Activities inserted or changed in this run (for the quick check).
    pub new_or_changed: BTreeSet<ActivityId>,
    /// Activities inserted in this run, in arrival order (for the notifications).
    pub inserted: Vec<ActivityId>,
    /// Heart-rate features of activities whose streams were read in this run.
    pub hr_features: HashMap<i64, HrFeatures>,
    /// Grids of activities whose streams were stored in this run, for their loads.
    pub grids: Grids,
    /// Days whose wellness changed.
    pub wellness_changed: BTreeSet<Date>,
    /// The earliest effective date of a threshold adopted in this run.
    pub thresholds_from: Option<Date>,
    /// Provider steps that were attempted, and whether each was refused by the rate limit.
    pub attempts: Vec<bool>,
    started: Instant,
}

impl<'a> Run<'a> {
    /// Loads the user and their integrations.
    pub(crate) async fn start(
        ctx: &'a SyncContext,
        user: UserId,
        options: SyncOptions,
    ) -> Result<Self, SyncError> {
        let user = match users::get(&ctx.store, user).await {
            Ok(user) => user,
            Err(crate::store::StoreError::NotFound) => return Err(SyncError::UserNotFound(user.0)),
            Err(other) => return Err(other.into()),
        };
        let connected = integrations::list_for_user(&ctx.store, user.id).await?;
        let find = |provider: Provider| {
            connected
                .iter()
                .find(|i| i.provider == provider && i.status != Status::Revoked)
                .cloned()
        };
        let strava = find(Provider::Strava);
        let intervals = find(Provider::Intervals);
        let report = SyncReport {
            has_strava: strava.is_some(),
            has_intervals: intervals.is_some(),
            ..SyncReport::default()
        };
        let mut run = Self {
            ctx,
            user,
            options,
            report,
            strava: None,
            intervals: None,
            to_compute: BTreeSet::new(),
            new_or_changed: BTreeSet::new(),
            inserted: Vec::new(),
            hr_features: HashMap::new(),
            grids: Grids::default(),
            wellness_changed: BTreeSet::new(),
            thresholds_from: None,
            attempts: Vec::new(),
            started: Instant::now(),
        };
        run.strava = run.usable(strava).map(StravaAuth::new);
        run.intervals = run.usable(intervals);
        Ok(run)
    }

    /// The integration if it may be used; a `needs_reauth` one is reported and skipped.
    fn usable(&mut self, integration: Option<Integration>) -> Option<Integration> {
        let integration = integration?;
        let provider = integration.provider;
        if integration.status == Status::NeedsReauth {
            let reason = integration.status_reason.clone().unwrap_or_default();
            self.report.issue(
                &format!("{provider}.connection"),
                "needs_reauth",
                format!("the athlete must reconnect {provider} ({reason})"),
            );
            return None;
        }
        let client_configured = match provider {
            Provider::Strava => self.ctx.strava.is_some(),
            Provider::Intervals => self.ctx.intervals.is_some(),
        };
        client_configured.then_some(integration)
    }

    /// "Now" on the context's clock, epoch ms.
    pub(crate) fn now_ms(&self) -> i64 {
        self.ctx.clock.now_ms()
    }

    /// Today in the athlete's time zone.
    pub(crate) fn today(&self) -> Date {
        let zone = jiff::tz::TimeZone::get(&self.user.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        jiff::Timestamp::from_millisecond(self.now_ms())
            .map_or(Date::constant(1970, 1, 1), |t| t.to_zoned(zone).date())
    }

    /// Turns a step's failure into a report entry (provider) or stops the sync (store). A
    /// `needs_reauth` class also marks the integration.
    pub(crate) async fn absorb(
        &mut self,
        step: &str,
        provider: Provider,
        failure: Failure,
    ) -> Result<(), SyncError> {
        let error = match failure {
            Failure::Store(error) => return Err(error.into()),
            Failure::Provider(error) => error,
        };
        let class = error.class();
        self.attempts
            .push(matches!(class, providers::ErrorClass::RateLimited { .. }));
        match class {
            providers::ErrorClass::RateLimited { until_ms } => {
                let at = self
                    .report
                    .retry_at_ms
                    .map_or(until_ms, |t| t.max(until_ms));
                self.report.retry_at_ms = Some(at);
            }
            providers::ErrorClass::NeedsReauth => self.needs_reauth(provider, &error).await?,
            providers::ErrorClass::Retryable | providers::ErrorClass::Permanent => {}
        }
        tracing::warn!(user = self.user.id.0, step, %error, "sync step failed");
        self.report
            .issue(step, class_name(class), error.to_string());
        Ok(())
    }

    async fn needs_reauth(
        &mut self,
        provider: Provider,
        error: &providers::ProviderError,
    ) -> Result<(), SyncError> {
        let reason = match error {
            providers::ProviderError::NeedsReauth { reason } => reason.as_str(),
            _ => "refresh_token_invalid",
        };
        let id = match provider {
            Provider::Strava => self.strava.take().map(|s| s.integration),
            _ => self.intervals.take().map(|i| i.id),
        };
        if let Some(id) = id {
            let now = self.now_ms();
            integrations::set_status(&self.ctx.store, id, Status::NeedsReauth, Some(reason), now)
                .await?;
        }
        Ok(())
    }

    /// Relearns the athlete's upload pattern when new activities arrived (the read planner's
    /// input).
    pub(crate) async fn learn_uploads(&self) -> Result<(), SyncError> {
        let Some(auth) = &self.strava else {
            return Ok(());
        };
        if self.report.new_activities == 0 {
            return Ok(());
        }
        let (store, user) = (&self.ctx.store, &self.user);
        crate::planner::relearn(
            store,
            auth.integration,
            user.id,
            &user.time_zone,
            self.now_ms(),
        )
        .await?;
        Ok(())
    }

    /// A provider step succeeded.
    pub(crate) fn progressed(&mut self) {
        self.attempts.push(false);
    }

    /// Closes the report, or fails the sync when every provider step was rate limited.
    pub(crate) fn finish(mut self) -> Result<SyncReport, SyncError> {
        self.report.duration_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(0);
        let providers = [
            (
                Provider::Strava,
                self.report.has_strava,
                self.strava.is_some(),
            ),
            (
                Provider::Intervals,
                self.report.has_intervals,
                self.intervals.is_some(),
            ),
        ];
        for (provider, connected, used) in providers {
            if !connected {
                continue;
            }
            let name = provider.as_str();
            let outcome = match self.report.provider_outcome(name) {
                Some(class) => class,
                None if used => "ok",
                None => "skipped",
            };
            self.report
                .providers
                .insert(name.to_owned(), outcome.to_owned());
        }
        if !self.attempts.is_empty()
            && self.attempts.iter().all(|&limited| limited)
            && let Some(until_ms) = self.report.retry_at_ms
        {
            return Err(SyncError::RateLimited { until_ms });
        }
        Ok(self.report)
    }
}

/// The in-process lock of one user: syncs of the same user run one after the other.
pub(crate) fn user_lock(user: UserId) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<BTreeMap<i64, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS
        .get_or_init(|| Mutex::new(BTreeMap::new()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    // Forget locks nobody holds or waits for, so the map does not grow with the user count.
    map.retain(|_, lock| Arc::strong_count(lock) > 1);
    map.entry(user.0).or_default().clone()
}

/// Brings one user's activities, streams, wellness, thresholds and loads up to date. Safe to repeat
/// and to run concurrently for the same user.
///
/// # Errors
/// [`SyncError::UserNotFound`]; [`SyncError::RateLimited`] when every provider step was refused
/// by the rate budget; [`SyncError::Retryable`] for a database failure. Provider failures of
/// single steps are in [`SyncReport::errors`].
pub async fn user_sync(
    ctx: &SyncContext,
    user: UserId,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let mut run = Run::start(ctx, user, *options).await?;
    super::activities::sync_window(&mut run).await?;
    super::streams::fetch_due(&mut run).await?;
    super::wellness::sync_window(&mut run).await?;
    super::thresholds::after_sync(&mut run).await?;
    super::loads::compute_affected(&mut run).await?;
    record_success(&run).await?;
    run.learn_uploads().await?;
    run.announce().await?;
    run.finish()
}

/// Stamps the integrations that completed without an error.
async fn record_success(run: &Run<'_>) -> Result<(), SyncError> {
    let now = run.now_ms();
    let failed = |provider: Provider| {
        let prefix = provider.as_str();
        run.report.errors.iter().any(|e| e.step.starts_with(prefix))
    };
    if let Some(auth) = &run.strava
        && !failed(Provider::Strava)
    {
        integrations::record_sync(&run.ctx.store, auth.integration, now).await?;
    }
    if let Some(intervals) = &run.intervals
        && !failed(Provider::Intervals)
    {
        integrations::record_sync(&run.ctx.store, intervals.id, now).await?;
    }
    Ok(())
}
