//! What the admin page and `GET /scheduler/budget` show of the Strava reads: the budget, the
//! planner's placements, the webhook subscription and its traffic, and how fresh new
//! activities arrived.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Plan, PlannerSettings, StravaSync, plan};
use crate::store::{Store, StoreError, planner, webhooks};

/// Hours of webhook traffic shown.
const TRAFFIC_HOURS: i64 = 24;
const HOUR_MS: i64 = 3_600_000;

/// Everything at once.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Overview {
    /// Poll or planned.
    pub mode: StravaSync,
    /// This quarter hour's plan (read only: nothing is queued by looking).
    pub plan: Plan,
    /// The webhook subscription and its traffic.
    pub webhooks: WebhookStatus,
    /// New activities of the last day and how many arrived within the freshness target.
    pub freshness: Freshness,
}

/// The subscription and its traffic per hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct WebhookStatus {
    /// Strava's subscription id, when subscribed.
    pub subscription_id: Option<i64>,
    /// The callback URL Strava posts to.
    pub callback_url: Option<String>,
    /// Events accepted per hour (hour start epoch ms, count), last 24 h.
    pub received_per_hour: Vec<(i64, i64)>,
    /// Events ignored per hour (unknown subscription or athlete), last 24 h.
    pub ignored_per_hour: Vec<(i64, i64)>,
    /// Age of the newest accepted event, s.
    pub last_event_age_s: Option<i64>,
}

/// Activities that ended in the last day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Freshness {
    /// The target, s.
    pub target_s: i64,
    /// Activities that ended in the last 24 h and are stored.
    pub activities: i64,
    /// Of them, stored within the target of their end.
    pub within_target: i64,
}

/// The overview as of `now_ms`.
///
/// # Errors
/// [`StoreError`] on a database failure.
pub async fn overview(
    store: &Store,
    settings: &PlannerSettings,
    now_ms: i64,
) -> Result<Overview, StoreError> {
    let plan = plan(store, settings, now_ms).await?;
    let subscription = webhooks::subscription(store).await?;
    let counts = webhooks::hourly_counts(store, now_ms - TRAFFIC_HOURS * HOUR_MS).await?;
    let (activities, within_target) =
        planner::freshness(store, now_ms - 24 * HOUR_MS, settings.freshness_target_ms).await?;
    Ok(Overview {
        mode: settings.mode,
        plan,
        webhooks: WebhookStatus {
            subscription_id: subscription.as_ref().and_then(|s| s.subscription_id),
            callback_url: subscription.and_then(|s| s.callback_url),
            received_per_hour: counts.received,
            ignored_per_hour: counts.ignored,
            last_event_age_s: counts
                .last_received_at_ms
                .map(|at| (now_ms - at).div_euclid(1000)),
        },
        freshness: Freshness {
            target_s: settings.freshness_target_ms / 1000,
            activities,
            within_target,
        },
    })
}
