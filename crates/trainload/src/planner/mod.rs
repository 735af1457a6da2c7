//! The Strava read planner (docs/providers.md, "The read planner"): every quarter hour it decides
//! which athletes' activities are listed now, so that the application's shared daily budget
//! buys the most freshness.
//!
//! - An athlete whose webhook flow is healthy is not polled: events bring their activities, and
//!   a reconciliation listing (which catches missed events) runs about once a day.
//! - An athlete without healthy webhooks is polled when their upload pattern expects a new
//!   upload since the last listing (predictive sync), and skipped while it does not (smart
//!   intervals), but listed at least once a day.
//! - Listings are background work: they get what the day's background allowance has left after
//!   what is already spent and what the expected uploads of the rest of the day will cost
//!   (about two reads each), spread over the day's remaining quarter hours; webhook work and
//!   people waiting keep the reserve.
//! - Events whose task was lost are picked up first.

mod overview;
pub mod pattern;

use std::collections::{BTreeMap, BTreeSet};

use jiff::tz::TimeZone;
use providers::budget::Bucket;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::budget::BudgetLimits;
use crate::store::planner::{self, Connection};
use crate::store::users::UserId;
use crate::store::{Store, StoreError, webhooks};
pub use overview::{Freshness, Overview, WebhookStatus, overview};
pub use pattern::UploadPattern;

/// Quarter hour, ms: the planner's period and Strava's short window.
pub const WINDOW_MS: i64 = 15 * 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Reads one new activity costs (the activity or a listing page, and its streams).
const READS_PER_UPLOAD: f64 = 2.0;
/// Webhooks count as flowing when an event arrived (or the subscription was made) this recently.
const WEBHOOKS_QUIET_MS: i64 = 36 * HOUR_MS;
/// An athlete whose events were missed this recently is polled like one without webhooks.
const MISS_MEMORY_MS: i64 = 7 * DAY_MS;
/// Longest listing window, days.
const MAX_LIST_DAYS: u32 = 14;

/// How Strava is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StravaSync {
    /// Every quick and daily sync lists every athlete (the behaviour before webhooks).
    Poll,
    /// The planner places listings; quick and daily syncs read no Strava on schedule.
    #[default]
    Planned,
}

/// The planner's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannerSettings {
    /// Poll or planned.
    pub mode: StravaSync,
    /// The Strava limits and the reserve kept for webhook and interactive calls.
    pub limits: BudgetLimits,
    /// Every athlete is listed at least this often while the budget allows, ms.
    pub reconcile_every_ms: i64,
    /// Expected uploads since the last listing at which an athlete without webhooks is polled.
    pub poll_at_expected_uploads: f64,
    /// An activity stored within this long of its end counts as fresh, ms.
    pub freshness_target_ms: i64,
}

impl Default for PlannerSettings {
    fn default() -> Self {
        Self {
            mode: StravaSync::Planned,
            limits: BudgetLimits::default(),
            reconcile_every_ms: DAY_MS,
            poll_at_expected_uploads: 0.5,
            freshness_target_ms: 15 * 60_000,
        }
    }
}

/// Why an athlete is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Webhook events wait without a task.
    Events,
    /// An upload is likely since the last listing (no healthy webhooks).
    Predicted,
    /// The daily listing that catches what events and polls missed.
    Reconcile,
}

/// One athlete's listing in this window.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Placement {
    /// The athlete's user id.
    pub user_id: i64,
    /// Days the listing covers (0: events only).
    pub list_days: u32,
    /// Why.
    pub reason: Reason,
    /// Uploads the pattern expects since the last listing.
    pub expected_uploads: f64,
    /// Uploads the pattern expects since the newest activity we have: a high value means an
    /// upload was probably missed, so such reconciliations go first.
    pub overdue_uploads: f64,
    /// Time since the last complete listing, ms.
    pub stale_ms: i64,
}

/// The budget as the planner sees it, in Strava reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct BudgetView {
    /// Reads counted in this quarter hour.
    pub window_used: i32,
    /// The quarter hour's limit.
    pub window_limit: i32,
    /// Reads counted today (UTC).
    pub day_used: i32,
    /// The daily limit.
    pub day_limit: i32,
    /// Today's granted reads per priority (`interactive`, `webhook`, `background`).
    pub day_used_by_priority: BTreeMap<String, i32>,
    /// Reads the expected uploads of the rest of the day will cost.
    pub projected_upload_reads: f64,
    /// Background reads this window may still spend on listings.
    pub listing_room: i64,
}

/// What the planner decided for one quarter hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Plan {
    /// When, epoch ms.
    pub at_ms: i64,
    /// Whether the webhook subscription is flowing.
    pub webhooks_flowing: bool,
    /// Active Strava connections.
    pub connections: usize,
    /// Of them, with healthy webhooks (not polled).
    pub webhook_healthy: usize,
    /// Listed now, in priority order.
    pub placements: Vec<Placement>,
    /// Due, but over this window's share of the budget: next in line.
    pub deferred: Vec<Placement>,
    /// Connections not listed for over a day and not listed now.
    pub starved: usize,
    /// The budget.
    pub budget: BudgetView,
}

/// Decides this quarter hour's listings.
///
/// # Errors
/// [`StoreError`] on a database failure.
pub async fn plan(
    store: &Store,
    settings: &PlannerSettings,
    now_ms: i64,
) -> Result<Plan, StoreError> {
    let connections = planner::connections(store).await?;
    let flowing = webhooks_flowing(store, now_ms).await?;
    let stranded: BTreeSet<i64> =
        webhooks::stranded_users(store, now_ms - webhooks::STRANDED_AFTER_MS)
            .await?
            .into_iter()
            .map(|u| u.0)
            .collect();
    let end_of_day = Bucket::ReadDay.window_start_ms(now_ms) + DAY_MS;
    let mut plan = Plan {
        at_ms: now_ms,
        webhooks_flowing: flowing,
        connections: connections.len(),
        ..Plan::default()
    };
    let mut due = Vec::new();
    let mut projected = 0.0;
    for connection in &connections {
        let healthy = flowing
            && connection
                .webhook_missed_at_ms
                .is_none_or(|at| now_ms - at > MISS_MEMORY_MS);
        plan.webhook_healthy += usize::from(healthy);
        let zone = TimeZone::get(&connection.time_zone).unwrap_or(TimeZone::UTC);
        let pattern = pattern_of(connection);
        projected += pattern.expected(now_ms, end_of_day, &zone) * READS_PER_UPLOAD;
        let since = connection
            .last_listed_at_ms
            .unwrap_or(connection.created_at_ms);
        let stale_ms = now_ms - since;
        let expected = pattern.expected(since, now_ms, &zone);
        let last_seen = pattern.last_upload_ms.unwrap_or(connection.created_at_ms);
        let overdue = pattern.expected(last_seen, now_ms, &zone);
        let reason = if stale_ms >= settings.reconcile_every_ms {
            Some(Reason::Reconcile)
        } else if !healthy && expected >= settings.poll_at_expected_uploads {
            Some(Reason::Predicted)
        } else if stranded.contains(&connection.user_id) {
            Some(Reason::Events)
        } else {
            None
        };
        if let Some(reason) = reason {
            let list_days = match reason {
                Reason::Events => 0,
                _ => list_days_for(stale_ms),
            };
            due.push(Placement {
                user_id: connection.user_id,
                list_days,
                reason,
                expected_uploads: expected,
                overdue_uploads: overdue,
                stale_ms,
            });
        }
    }
    plan.budget = budget_view(store, settings, now_ms, projected).await?;
    // Events first (they are no listing), then likely uploads, then reconciliations where an
    // upload is most overdue (a missed event), the stalest first among equals.
    due.sort_by(|a, b| {
        a.reason.cmp(&b.reason).then_with(|| match a.reason {
            Reason::Predicted => b.expected_uploads.total_cmp(&a.expected_uploads),
            Reason::Reconcile => b
                .overdue_uploads
                .total_cmp(&a.overdue_uploads)
                .then_with(|| b.stale_ms.cmp(&a.stale_ms)),
            Reason::Events => b.stale_ms.cmp(&a.stale_ms),
        })
    });
    let mut room = plan.budget.listing_room;
    for placement in due {
        if placement.reason == Reason::Events {
            plan.placements.push(placement);
        } else if room > 0 {
            room -= 1;
            plan.placements.push(placement);
        } else {
            if placement.stale_ms > settings.reconcile_every_ms + 2 * HOUR_MS {
                plan.starved += 1;
            }
            plan.deferred.push(placement);
        }
    }
    Ok(plan)
}

/// The stored pattern, or the prior for a connection without one (or with a corrupt one).
fn pattern_of(connection: &Connection) -> UploadPattern {
    connection
        .upload_pattern
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default()
}

/// Days a listing must cover to reach back past the last complete one, with a day's margin
/// for late uploads that started before it.
fn list_days_for(stale_ms: i64) -> u32 {
    let days = stale_ms.div_euclid(DAY_MS) + 2;
    u32::try_from(days.clamp(2, i64::from(MAX_LIST_DAYS))).unwrap_or(MAX_LIST_DAYS)
}

/// Whether webhook events can be relied on: a subscription exists, and an event arrived (or
/// the subscription was made) recently.
async fn webhooks_flowing(store: &Store, now_ms: i64) -> Result<bool, StoreError> {
    let Some(subscription) = webhooks::subscription(store).await? else {
        return Ok(false);
    };
    if subscription.subscription_id.is_none() {
        return Ok(false);
    }
    let last_event = webhooks::last_received_at(store).await?;
    let newest = last_event.map_or(subscription.updated_at_ms, |e| {
        e.max(subscription.updated_at_ms)
    });
    Ok(now_ms - newest < WEBHOOKS_QUIET_MS)
}

/// The budget and this window's room for background listings: what the quarter hour's
/// background allowance has left, and no more than the day's remaining background allowance
/// (after the expected uploads' cost) spread over the day's remaining quarter hours.
async fn budget_view(
    store: &Store,
    settings: &PlannerSettings,
    now_ms: i64,
    projected: f64,
) -> Result<BudgetView, StoreError> {
    let limits = &settings.limits;
    let fresh = |limit: u32| i32::try_from(limit).unwrap_or(i32::MAX);
    let (window_used, window_limit) = planner::window(store, Bucket::Read15m, now_ms)
        .await?
        .unwrap_or((0, fresh(limits.strava_read_15m)));
    let (day_used, day_limit) = planner::window(store, Bucket::ReadDay, now_ms)
        .await?
        .unwrap_or((0, fresh(limits.strava_read_day)));
    let background =
        |limit: i32| i64::from(limit) * (100 - i64::from(limits.reserve_pct.min(100))) / 100;
    let window_room = background(window_limit) - i64::from(window_used);
    let day_room = background(day_limit) - i64::from(day_used) - projected.ceil() as i64;
    let end_of_day = Bucket::ReadDay.window_start_ms(now_ms) + DAY_MS;
    let windows_left = ((end_of_day - now_ms) + WINDOW_MS - 1)
        .div_euclid(WINDOW_MS)
        .max(1);
    let day_share = if day_room > 0 {
        (day_room + windows_left - 1).div_euclid(windows_left)
    } else {
        0
    };
    Ok(BudgetView {
        window_used,
        window_limit,
        day_used,
        day_limit,
        day_used_by_priority: planner::used_today_by_priority(store, now_ms)
            .await?
            .into_iter()
            .collect(),
        projected_upload_reads: (projected * 10.0).round() / 10.0,
        listing_room: window_room.min(day_share).max(0),
    })
}

/// Relearns a user's upload pattern from their recent activities and stores it.
///
/// # Errors
/// [`StoreError`] on a database failure.
pub async fn relearn(
    store: &Store,
    integration: crate::store::integrations::IntegrationId,
    user: UserId,
    zone: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let since = now_ms - pattern::HISTORY_WEEKS * 7 * DAY_MS;
    let uploads = planner::upload_instants(store, user, since).await?;
    let connected_at = crate::store::integrations::get(store, integration)
        .await?
        .created_at_ms;
    let known_since = uploads
        .first()
        .map_or(connected_at, |&first| first.min(connected_at));
    let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let learnt = UploadPattern::learn(&uploads, &zone, now_ms, known_since);
    let json = serde_json::to_string(&learnt).unwrap_or_default();
    planner::set_pattern(store, integration, &json).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_reaches_back_past_the_last_one_with_a_margin() {
        assert_eq!(list_days_for(0), 2);
        assert_eq!(list_days_for(DAY_MS - 1), 2);
        assert_eq!(list_days_for(DAY_MS), 3);
        assert_eq!(list_days_for(40 * DAY_MS), MAX_LIST_DAYS);
    }
}
