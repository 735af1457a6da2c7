//! The Strava cards of `/admin`: the webhook subscription and its traffic, and the read
//! planner's view of the budget (reads per priority, projected, this quarter hour's listings,
//! athletes it cannot reach daily).

use std::collections::HashMap;
use std::fmt::Write;

use crate::planner::{Overview, Reason, StravaSync};
use crate::web::html;

/// The webhook card.
pub fn webhooks(overview: &Overview, clock: &html::Clock) -> String {
    let hooks = &overview.webhooks;
    let subscription = match (hooks.subscription_id, &hooks.callback_url) {
        (Some(id), Some(url)) => format!(
            "Subscription <strong>#{id}</strong> posts to <code>{}</code>.",
            html::escape(url)
        ),
        _ => "No subscription: new activities wait for the planner's listings. Run <code>trainload webhooks ensure</code> with a public URL.".to_owned(),
    };
    let last = hooks.last_event_age_s.map_or_else(
        || "No event received yet.".to_owned(),
        |age| format!("Last event {} ago.", html::age(age)),
    );
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
    let mut rows = String::new();
    for hour in hours.iter().rev() {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            html::when(Some(*hour), clock),
            received.get(hour).copied().unwrap_or(0),
            ignored.get(hour).copied().unwrap_or(0),
        );
    }
    let table = if rows.is_empty() {
        r#"<p class="muted">No events in the last 24 hours.</p>"#.to_owned()
    } else {
        format!(
            r#"<table><thead><tr><th>Hour</th><th class="num">Received</th><th class="num">Ignored</th></tr></thead><tbody>{rows}</tbody></table>"#
        )
    };
    format!(
        r#"<div class="card" id="webhooks"><h2>Strava webhooks</h2><p>{subscription} {last}</p>{table}</div>"#
    )
}

/// The planner card.
pub fn planner(overview: &Overview) -> String {
    let plan = &overview.plan;
    let budget = &plan.budget;
    let mode = match overview.mode {
        StravaSync::Planned => "planned: webhooks, plus listings placed within the budget",
        StravaSync::Poll => "polling: every quick and daily sync lists every athlete",
    };
    let by_priority: Vec<String> = budget
        .day_used_by_priority
        .iter()
        .map(|(priority, used)| format!("{priority} {used}"))
        .collect();
    let mut body = format!(
        "<p>Mode: {mode}. {} of {} connected athletes have healthy webhooks{}.</p>",
        plan.webhook_healthy,
        plan.connections,
        if plan.webhooks_flowing {
            ""
        } else {
            " (no events are flowing)"
        },
    );
    let _ = write!(
        body,
        "<p>Strava reads today: <strong>{}</strong> of {} ({}); the rest of the day's expected uploads will cost about {:.0}. This quarter hour: {} of {}; room for {} listings.</p>",
        budget.day_used,
        budget.day_limit,
        if by_priority.is_empty() {
            "none yet".to_owned()
        } else {
            by_priority.join(", ")
        },
        budget.projected_upload_reads,
        budget.window_used,
        budget.window_limit,
        budget.listing_room,
    );
    let fresh = &overview.freshness;
    let _ = write!(
        body,
        "<p>Activities that ended in the last 24 hours: {}, of which {} were stored within {} minutes.</p>",
        fresh.activities,
        fresh.within_target,
        fresh.target_s / 60
    );
    if plan.starved > 0 {
        let _ = write!(
            body,
            r#"<p class="warn" id="starved">{} athletes have not been listed for over a day: the daily budget is too small for a daily reconciliation of everyone.</p>"#,
            plan.starved
        );
    }
    let mut rows = String::new();
    let now = plan.placements.iter().map(|p| (p, true));
    let later = plan.deferred.iter().map(|p| (p, false));
    for (placement, placed) in now.chain(later).take(20) {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{:.2}</td><td class="num">{}</td><td>{}</td></tr>"#,
            placement.user_id,
            reason_label(placement.reason),
            placement.list_days,
            placement.expected_uploads,
            html::age(placement.stale_ms / 1000),
            if placed { "now" } else { "next in line" },
        );
    }
    if rows.is_empty() {
        body.push_str(r#"<p class="muted">No listing is due this quarter hour.</p>"#);
    } else {
        let _ = write!(
            body,
            r#"<table><thead><tr><th>User</th><th>Why</th><th class="num">Days</th><th class="num">Expected uploads</th><th class="num">Last listed</th><th>When</th></tr></thead><tbody>{rows}</tbody></table>"#
        );
    }
    format!(r#"<div class="card" id="planner"><h2>Strava read planner</h2>{body}</div>"#)
}

const fn reason_label(reason: Reason) -> &'static str {
    match reason {
        Reason::Events => "events waiting",
        Reason::Predicted => "upload likely",
        Reason::Reconcile => "daily check",
    }
}
