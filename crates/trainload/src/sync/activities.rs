//! Activities of the window: listed, upserted by key with a content hash, and soft-deleted when
//! absent from a complete listing and confirmed gone (docs/providers.md §1.3, §4).

use std::collections::HashSet;

use providers::ProviderError;
use providers::budget::Provider;
use providers::strava::SummaryActivity;

use super::SyncError;
use super::convert::summary;
use super::run::Run;
use crate::store::activities::{self, ActivityId, Outcome};
use crate::store::{loads, planner, webhooks};

/// Day length, ms.
pub(crate) const DAY_MS: i64 = 86_400_000;
/// More deletion candidates than this in one sync: nothing is deleted.
const MAX_DELETIONS: usize = 20;

/// Lists the activities that started in the last `activity_days` days and stores them; a
/// complete listing also feeds deletion detection. A window of 0 days lists nothing.
pub(crate) async fn sync_window(run: &mut Run<'_>) -> Result<(), SyncError> {
    if run.options.activity_days == 0 {
        return Ok(());
    }
    let now = run.now_ms();
    let days = i64::from(run.options.activity_days);
    let after_s = (now - days * DAY_MS).div_euclid(1000);
    let before_s = now.div_euclid(1000);
    let listed = list(run, after_s, before_s).await?;
    let Some((items, complete)) = listed else {
        return Ok(());
    };
    let subscribed_since = subscribed_since(run).await?;
    let mut seen = HashSet::new();
    let mut missed = false;
    for item in &items {
        seen.insert(item.id.to_string());
        let new_before = run.report.new_activities;
        store_one(run, item).await?;
        let inserted = run.report.new_activities > new_before;
        missed |= inserted && event_was_due(item, subscribed_since, now);
    }
    if let Some(auth) = &run.strava {
        let integration = auth.integration;
        if complete {
            planner::set_last_listed(&run.ctx.store, integration, now).await?;
        }
        if missed {
            tracing::info!(
                user = run.user.id.0,
                "a listing found an activity no webhook event announced"
            );
            planner::set_webhook_missed(&run.ctx.store, integration, now).await?;
        }
    }
    let reads_all = run.strava.as_ref().is_some_and(|s| s.reads_all);
    if complete && reads_all {
        detect_deletions(run, after_s * 1000, before_s * 1000, &seen).await?;
    }
    Ok(())
}

/// How long an event and its task may take before a listing that finds the activity first
/// counts as a missed event.
const EVENT_GRACE_MS: i64 = 30 * 60_000;

/// Since when webhook events are subscribed to, if they are.
async fn subscribed_since(run: &Run<'_>) -> Result<Option<i64>, SyncError> {
    let subscription = webhooks::subscription(&run.ctx.store).await?;
    Ok(subscription
        .filter(|s| s.subscription_id.is_some())
        .map(|s| s.updated_at_ms))
}

/// Whether a webhook event should have brought this activity before the listing did: it ended
/// after the subscription began and long enough ago for its event to have been handled.
fn event_was_due(item: &SummaryActivity, subscribed_since: Option<i64>, now_ms: i64) -> bool {
    let Some(since) = subscribed_since else {
        return false;
    };
    let start_ms = item.start_date.as_millisecond();
    let end_ms = start_ms + item.elapsed_time_s.unwrap_or(0) * 1000;
    end_ms > since && now_ms - end_ms > EVENT_GRACE_MS
}

/// The listing of `(after_s, before_s)`, or `None` when Strava is not usable or the call failed
/// (reported).
pub(crate) async fn list(
    run: &mut Run<'_>,
    after_s: i64,
    before_s: i64,
) -> Result<Option<(Vec<SummaryActivity>, bool)>, SyncError> {
    let (Some(client), true) = (run.ctx.strava.as_deref(), run.strava.is_some()) else {
        return Ok(None);
    };
    let priority = run.options.priority;
    let listing = run
        .strava_call(|token| async move {
            client
                .list_activities(&token, Some(after_s), Some(before_s), priority)
                .await
        })
        .await;
    match listing {
        Ok(listing) => {
            run.progressed();
            run.report
                .count_call("strava", listing.pages.saturating_sub(1));
            Ok(Some((listing.activities, listing.complete)))
        }
        Err(failure) => {
            run.absorb("strava.activities", Provider::Strava, failure)
                .await?;
            Ok(None)
        }
    }
}

/// Upserts one listed activity and queues its load when it is new, changed, or has none yet
/// (a previous run may have stopped between the two writes).
pub(crate) async fn store_one(
    run: &mut Run<'_>,
    item: &SummaryActivity,
) -> Result<ActivityId, SyncError> {
    let now = run.now_ms();
    let done = activities::upsert(&run.ctx.store, run.user.id, &summary(item), now).await?;
    match done.outcome {
        Outcome::Inserted => {
            run.report.new_activities += 1;
            run.inserted.push(done.id);
        }
        Outcome::Updated { .. } | Outcome::Restored => run.report.updated_activities += 1,
        Outcome::Unchanged => {
            let load = loads::get(&run.ctx.store, done.id).await?;
            if load.is_none_or(|l| l.calc_version != super::loads::calc_version()) {
                run.to_compute.insert(done.id);
            }
            return Ok(done.id);
        }
    }
    run.to_compute.insert(done.id);
    run.new_or_changed.insert(done.id);
    Ok(done.id)
}

/// Live activities of the window missing from a complete listing are confirmed one by one
/// (404 → soft delete; 200 → upsert). Too many candidates is an anomaly: nothing is deleted.
async fn detect_deletions(
    run: &mut Run<'_>,
    after_ms: i64,
    before_ms: i64,
    seen: &HashSet<String>,
) -> Result<(), SyncError> {
    let user = run.user.id;
    let live =
        activities::live_between(&run.ctx.store, user, Provider::Strava, after_ms, before_ms)
            .await?;
    let candidates: Vec<(ActivityId, String)> = live
        .iter()
        .filter(|(_, external)| !seen.contains(external))
        .cloned()
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    if candidates.len() > MAX_DELETIONS || candidates.len() * 5 > live.len() {
        let message = format!(
            "deletion_anomaly: {} of {} activities absent from the listing; nothing deleted",
            candidates.len(),
            live.len()
        );
        tracing::warn!(user = user.0, %message);
        run.report.issue("strava.deletions", "permanent", message);
        return Ok(());
    }
    for (id, external) in candidates {
        if !confirm_one(run, id, &external).await? {
            break;
        }
    }
    Ok(())
}

/// Confirms one candidate; `false` when the provider failed and the rest should wait.
async fn confirm_one(run: &mut Run<'_>, id: ActivityId, external: &str) -> Result<bool, SyncError> {
    let Ok(strava_id) = external.parse::<i64>() else {
        return Ok(true);
    };
    let Some(client) = run.ctx.strava.as_deref() else {
        return Ok(false);
    };
    let priority = run.options.priority;
    let detail = run
        .strava_call(|token| async move { client.activity(&token, strava_id, priority).await })
        .await;
    match detail {
        Ok(item) => {
            store_one(run, &item).await?;
            Ok(true)
        }
        Err(super::Failure::Provider(ProviderError::NotFound)) => {
            let now = run.now_ms();
            if activities::soft_delete(&run.ctx.store, id, "absent_from_listing", now).await? {
                run.report.deleted_activities += 1;
            }
            run.to_compute.remove(&id);
            Ok(true)
        }
        Err(failure) => {
            run.absorb("strava.deletions", Provider::Strava, failure)
                .await?;
            Ok(false)
        }
    }
}
