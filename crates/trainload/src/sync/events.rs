//! A user's webhook events, handled as hints (docs/providers.md, "Webhooks"): for each object
//! the current state is read from Strava once, whatever number of events announced it, so
//! duplicated, out-of-order and forged events change nothing that is not true.

use std::collections::BTreeMap;

use providers::ProviderError;
use providers::budget::{Priority, Provider};

use super::run::{Run, user_lock};
use super::{Failure, SyncContext, SyncError, SyncOptions, SyncReport};
use crate::store::activities;
use crate::store::integrations;
use crate::store::users::UserId;
use crate::store::webhooks::{self, PendingEvent};

/// Most events one round takes on.
const BATCH: i64 = 500;
/// Rounds per task: events that arrive while a round runs are taken by the next one (their own
/// task could not be queued while this one held the user's slot).
const ROUNDS: usize = 3;
/// A `create` whose activity Strava does not show yet is retried this long after arrival.
const NOT_VISIBLE_PATIENCE_MS: i64 = 65 * 60_000;
/// The waits after the first, second and third "not visible yet", ms.
const NOT_VISIBLE_LADDER_MS: [i64; 3] = [5 * 60_000, 15 * 60_000, 45 * 60_000];

/// What the events of one object ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Read the activity and store what Strava says.
    Read,
    /// Only the title changed: the name does not touch loads, so the next listing brings it.
    TitleOnly,
    /// The athlete revoked our access (to be confirmed).
    Deauthorization,
    /// Nothing we act on (an athlete update other than deauthorization, an unknown kind).
    Nothing,
}

/// What came of the events of one user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventsReport {
    /// The sync's own report (activities, streams, loads, errors).
    pub sync: SyncReport,
    /// Events stamped processed.
    pub events_processed: u32,
    /// Events kept for a later try (the activity is not visible yet), with the time to retry.
    pub retry_at_ms: Option<i64>,
}

/// Handles every pending event of `user`: one read per object at priority `webhook`, then the
/// due streams, loads and events of a sync.
///
/// # Errors
/// [`SyncError::UserNotFound`]; [`SyncError::Retryable`] for a database failure.
pub async fn handle_events(ctx: &SyncContext, user: UserId) -> Result<EventsReport, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let options = SyncOptions {
        activity_days: 0,
        wellness_days: 0,
        threshold_check: true,
        threshold_full: false,
        resting_hr: false,
        priority: Priority::Webhook,
    };
    let mut run = Run::start(ctx, user, options).await?;
    let mut report = EventsReport::default();
    let mut after_id = 0;
    for _ in 0..ROUNDS {
        let pending = webhooks::pending(&ctx.store, user, after_id, BATCH).await?;
        let Some(last) = pending.last() else { break };
        after_id = last.id;
        for (object, events) in by_object(&pending) {
            match handle_object(&mut run, object, &events).await? {
                Handled::Done(label) => {
                    for event in &events {
                        webhooks::mark_processed(&ctx.store, event.id, label, run.now_ms()).await?;
                        report.events_processed += 1;
                    }
                }
                Handled::Later(at) => {
                    report.retry_at_ms = Some(report.retry_at_ms.map_or(at, |t| t.min(at)));
                }
            }
        }
    }
    super::streams::fetch_due(&mut run).await?;
    super::thresholds::after_sync(&mut run).await?;
    super::loads::compute_affected(&mut run).await?;
    run.learn_uploads().await?;
    run.announce().await?;
    report.sync = run.finish()?;
    Ok(report)
}

/// What handling one object ended with.
enum Handled {
    /// Its events are processed, with this outcome.
    Done(&'static str),
    /// Try again at this instant (epoch ms); its events stay pending.
    Later(i64),
}

/// Events grouped by (object type, object id), in arrival order.
fn by_object(pending: &[PendingEvent]) -> BTreeMap<(String, i64), Vec<PendingEvent>> {
    let mut groups: BTreeMap<(String, i64), Vec<PendingEvent>> = BTreeMap::new();
    for event in pending {
        groups
            .entry((event.object_type.clone(), event.object_id))
            .or_default()
            .push(event.clone());
    }
    groups
}

/// What the events of one object ask for, whatever their order.
fn need(object_type: &str, events: &[PendingEvent]) -> Need {
    match object_type {
        "athlete" => {
            let revoked = events.iter().any(|e| {
                serde_json::from_str::<BTreeMap<String, String>>(&e.updates)
                    .is_ok_and(|u| u.get("authorized").map(String::as_str) == Some("false"))
            });
            if revoked {
                Need::Deauthorization
            } else {
                Need::Nothing
            }
        }
        "activity" => {
            let title_only = events.iter().all(|e| {
                e.aspect_type == "update"
                    && serde_json::from_str::<BTreeMap<String, String>>(&e.updates)
                        .is_ok_and(|u| !u.is_empty() && u.keys().all(|k| k == "title"))
            });
            if title_only {
                Need::TitleOnly
            } else {
                Need::Read
            }
        }
        _ => Need::Nothing,
    }
}

async fn handle_object(
    run: &mut Run<'_>,
    (object_type, object_id): (String, i64),
    events: &[PendingEvent],
) -> Result<Handled, SyncError> {
    if run.strava.is_none() {
        return Ok(Handled::Done("not_connected"));
    }
    match need(&object_type, events) {
        Need::Nothing => Ok(Handled::Done("ignored")),
        Need::TitleOnly => Ok(Handled::Done("title_deferred")),
        Need::Read => read_activity(run, object_id, events).await,
        Need::Deauthorization => confirm_deauthorization(run).await,
    }
}

/// Reads one activity and stores what Strava says: 200 → upsert; 404 → soft delete of a stored
/// activity, or a later try for a `create` Strava does not show yet.
async fn read_activity(
    run: &mut Run<'_>,
    strava_id: i64,
    events: &[PendingEvent],
) -> Result<Handled, SyncError> {
    let Some(client) = run.ctx.strava.as_deref() else {
        return Ok(Handled::Done("not_connected"));
    };
    let detail = run
        .strava_call(
            |token| async move { client.activity(&token, strava_id, Priority::Webhook).await },
        )
        .await;
    match detail {
        Ok(item) => {
            run.progressed();
            super::activities::store_one(run, &item).await?;
            Ok(Handled::Done("stored"))
        }
        Err(Failure::Provider(ProviderError::NotFound)) => {
            run.progressed();
            not_found(run, strava_id, events).await
        }
        Err(failure) => {
            run.absorb("strava.webhook", Provider::Strava, failure)
                .await?;
            // Retried with the task (transient), at the window's end (rate limit), or never
            // (re-authorisation): the events stay pending until the read succeeds.
            Ok(Handled::Later(run.now_ms()))
        }
    }
}

/// A 404: the stored activity is gone (soft delete); a fresh `create` may not be visible yet.
async fn not_found(
    run: &mut Run<'_>,
    strava_id: i64,
    events: &[PendingEvent],
) -> Result<Handled, SyncError> {
    let store = &run.ctx.store;
    let external = strava_id.to_string();
    let stored = activities::find(store, run.user.id, Provider::Strava, &external).await?;
    if let Some(activity) = stored.filter(|a| a.deleted_at_ms.is_none()) {
        let now = run.now_ms();
        if activities::soft_delete(store, activity.id, "deleted_on_strava", now).await? {
            run.report.deleted_activities += 1;
        }
        run.to_compute.remove(&activity.id);
        return Ok(Handled::Done("deleted"));
    }
    let first_create = events
        .iter()
        .filter(|e| e.aspect_type == "create")
        .map(|e| e.received_at_ms)
        .min();
    let now = run.now_ms();
    match first_create {
        Some(received) if now - received < NOT_VISIBLE_PATIENCE_MS => {
            let next = NOT_VISIBLE_LADDER_MS
                .iter()
                .map(|wait| received + wait)
                .find(|at| *at > now)
                .unwrap_or(now + NOT_VISIBLE_LADDER_MS[0]);
            Ok(Handled::Later(next))
        }
        _ => Ok(Handled::Done("gone")),
    }
}

/// An athlete event says our access was revoked. Events are unsigned, so it is believed only if
/// Strava refuses the athlete's token; then the tokens and every Strava activity go.
async fn confirm_deauthorization(run: &mut Run<'_>) -> Result<Handled, SyncError> {
    let Some(client) = run.ctx.strava.as_deref() else {
        return Ok(Handled::Done("not_connected"));
    };
    let Some(integration) = run.strava.as_ref().map(|s| s.integration) else {
        return Ok(Handled::Done("not_connected"));
    };
    let probe = run
        .strava_call(|token| async move { client.athlete(&token, Priority::Webhook).await })
        .await;
    match probe {
        Ok(_) => {
            run.progressed();
            tracing::warn!(
                user = run.user.id.0,
                "deauthorization event not confirmed by Strava: ignored as forged"
            );
            Ok(Handled::Done("forged"))
        }
        Err(Failure::Provider(error)) if error.class() == providers::ErrorClass::NeedsReauth => {
            let store = &run.ctx.store;
            let now = run.now_ms();
            integrations::revoke(store, integration, "deauthorized_on_strava", now).await?;
            let gone =
                activities::delete_from_provider(store, run.user.id, Provider::Strava).await?;
            run.report.deleted_activities += u32::try_from(gone).unwrap_or(u32::MAX);
            run.strava = None;
            run.to_compute.clear();
            Ok(Handled::Done("revoked"))
        }
        Err(failure) => {
            run.absorb("strava.webhook", Provider::Strava, failure)
                .await?;
            Ok(Handled::Later(run.now_ms()))
        }
    }
}
