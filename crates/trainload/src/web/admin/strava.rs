//! The Strava cards of `/admin`: the webhook subscription and its traffic, and the read
//! planner's view of the budget (reads per priority, projected, this quarter hour's listings,
//! athletes it cannot reach daily).

use std::collections::HashMap;

use crate::planner::{BudgetView, Overview, Placement, Reason, StravaSync};
use crate::web::html::{self, Clock, Moment};

/// An hour of webhook traffic, newest first.
pub struct WebhookHour {
    /// The hour's start.
    pub moment: Moment,
    /// Events received in it.
    pub received: i64,
    /// Events ignored in it.
    pub ignored: i64,
}

/// The hours with webhook events received or ignored, newest first.
pub fn webhook_hours(overview: &Overview, clock: &Clock) -> Vec<WebhookHour> {
    let hooks = &overview.webhooks;
    let ignored: HashMap<i64, i64> = hooks.ignored_per_hour.iter().copied().collect();
    let mut hours: Vec<i64> = hooks
        .received_per_hour
        .iter()
        .map(|(hour, _)| *hour)
        .chain(ignored.keys().copied())
        .collect();
    hours.sort_unstable();
    hours.dedup();
    let received: HashMap<i64, i64> = hooks.received_per_hour.iter().copied().collect();
    hours
        .iter()
        .rev()
        .map(|hour| WebhookHour {
            moment: html::when(Some(*hour), clock),
            received: received.get(hour).copied().unwrap_or(0),
            ignored: ignored.get(hour).copied().unwrap_or(0),
        })
        .collect()
}

/// The listings of this quarter hour, then those next in line (`false`), 20 at most.
pub fn listings(overview: &Overview) -> Vec<(&Placement, bool)> {
    let plan = &overview.plan;
    let now = plan.placements.iter().map(|p| (p, true));
    let later = plan.deferred.iter().map(|p| (p, false));
    now.chain(later).take(20).collect()
}

/// How Strava is synced, in words.
pub const fn mode_label(mode: StravaSync) -> &'static str {
    match mode {
        StravaSync::Planned => "planned: webhooks, plus listings placed within the budget",
        StravaSync::Poll => "polling: every quick and daily sync lists every athlete",
    }
}

/// Today's reads per priority ("interactive 3, background 40"), or "none yet".
pub fn reads_by_priority(budget: &BudgetView) -> String {
    let by_priority: Vec<String> = budget
        .day_used_by_priority
        .iter()
        .map(|(priority, used)| format!("{priority} {used}"))
        .collect();
    if by_priority.is_empty() {
        "none yet".to_owned()
    } else {
        by_priority.join(", ")
    }
}

/// Why an athlete is listed, in words.
pub const fn reason_label(reason: Reason) -> &'static str {
    match reason {
        Reason::Events => "events waiting",
        Reason::Predicted => "upload likely",
        Reason::Reconcile => "daily check",
    }
}
