//! Sync and onboarding status: each connection's state and last sync, the onboarding backfill's
//! progress while it runs, and when the scheduler syncs next.

use jiff::tz::TimeZone;
use providers::budget::Provider;
use queue::Scheduler;
use serde::Serialize;
use utoipa::ToSchema;

use super::ReadError;
use crate::jobs::view::rfc3339;
use crate::store::integrations::{self, Integration, Status};
use crate::store::users::UserId;
use crate::store::{Store, events};
use crate::sync::ONBOARDING_EVENT;

/// The jobs that sync an athlete's providers.
const SYNC_JOBS: [&str; 2] = ["quick_sync", "daily_sync"];

/// The next scheduled sync.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextSync {
    /// `quick_sync` or `daily_sync`.
    pub job_id: String,
    /// When, epoch ms.
    pub at_ms: i64,
    /// When, RFC 3339 in UTC.
    pub at: String,
}

/// One provider connection.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionStatus {
    /// `strava` or `intervals`.
    #[schema(value_type = String)]
    pub provider: Provider,
    /// `active`, `needs_reauth` or `revoked`.
    pub status: &'static str,
    /// Why the status was last set (e.g. `refresh_token_invalid`).
    pub status_reason: Option<String>,
    /// Last successful sync, epoch ms.
    pub last_sync_at_ms: Option<i64>,
    /// The same instant, RFC 3339 in UTC.
    pub last_sync_at: Option<String>,
}

/// Where a running onboarding backfill stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnboardingStatus {
    /// `listing`, `streams`, `wellness`, `thresholds` or `loads`.
    pub phase: String,
    /// Items done in this phase.
    pub done: u64,
    /// Items in this phase (0 when unknown).
    pub total: u64,
    /// When this progress was reported, epoch ms.
    pub updated_at_ms: i64,
}

/// `GET /api/v1/me/sync`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SyncStatus {
    /// The provider connections.
    pub integrations: Vec<ConnectionStatus>,
    /// Latest successful sync of any provider, epoch ms.
    pub last_sync_at_ms: Option<i64>,
    /// The onboarding backfill's progress while it runs; null once done or never started.
    pub onboarding: Option<OnboardingStatus>,
    /// The next scheduled sync; null without an active connection or with both jobs paused.
    pub next_sync: Option<NextSync>,
}

/// The sync status of `user`.
///
/// # Errors
/// A store or scheduler failure.
pub async fn sync_status(
    store: &Store,
    scheduler: &Scheduler,
    user: UserId,
) -> Result<SyncStatus, ReadError> {
    let connections = integrations::list_for_user(store, user).await?;
    let onboarding = events::latest_of_kind(store, user, ONBOARDING_EVENT)
        .await?
        .and_then(|event| {
            let p = &event.payload;
            let phase = p["phase"].as_str()?;
            (phase != "done").then(|| OnboardingStatus {
                phase: phase.to_owned(),
                done: p["done"].as_u64().unwrap_or(0),
                total: p["total"].as_u64().unwrap_or(0),
                updated_at_ms: event.created_at_ms,
            })
        });
    Ok(SyncStatus {
        last_sync_at_ms: connections.iter().filter_map(|i| i.last_sync_at_ms).max(),
        next_sync: next_sync(scheduler, &connections).await?,
        integrations: connections.iter().map(connection_status).collect(),
        onboarding,
    })
}

fn connection_status(i: &Integration) -> ConnectionStatus {
    ConnectionStatus {
        provider: i.provider,
        status: i.status.as_str(),
        status_reason: i.status_reason.clone(),
        last_sync_at_ms: i.last_sync_at_ms,
        last_sync_at: i.last_sync_at_ms.and_then(|ms| rfc3339(ms, &TimeZone::UTC)),
    }
}

/// The next fire of an unpaused sync job, when any of `connections` is active (the jobs skip an
/// athlete without one).
///
/// # Errors
/// A scheduler failure.
pub async fn next_sync(
    scheduler: &Scheduler,
    connections: &[Integration],
) -> Result<Option<NextSync>, ReadError> {
    if !connections.iter().any(|i| i.status == Status::Active) {
        return Ok(None);
    }
    let jobs = scheduler.jobs().await?;
    Ok(jobs
        .iter()
        .filter(|j| SYNC_JOBS.contains(&j.job_id.as_str()) && !j.paused)
        .min_by_key(|j| j.next_fire_at_ms)
        .map(|j| NextSync {
            job_id: j.job_id.clone(),
            at_ms: j.next_fire_at_ms,
            at: rfc3339(j.next_fire_at_ms, &TimeZone::UTC).unwrap_or_default(),
        }))
}
