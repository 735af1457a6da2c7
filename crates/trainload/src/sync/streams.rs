//! Streams of activities that need them (`pending`, `failed`, due `not_ready`), newest first,
//! with the not-ready ladder of docs/providers.md §1.4.

use providers::budget::Provider;
use providers::{ErrorClass, ProviderError};

use super::convert::raw_streams;
use super::features::{from_streams, put_curves};
use super::run::Run;
use super::{Failure, SyncError};
use crate::store::StoreError;
use crate::store::activities::{self, Activity, StreamsDue, StreamsTransition};
use crate::store::streams;

/// Most activities whose streams one sync fetches.
const BATCH: i64 = 1_000;
/// A fetch answered "not ready" within this long of the activity's appearance is retried.
const NOT_READY_WINDOW_MS: i64 = 6 * 3_600_000;
/// "Not ready" is retried at each sync until the activity is this old; then it is checked.
const MAX_AGE_MS: i64 = 48 * 3_600_000;
/// The retry ladder after the first, second and third "not ready", ms.
const LADDER_MS: [i64; 3] = [5 * 60_000, 15 * 60_000, 45 * 60_000];
/// Consecutive transient failures after which the rest waits for the next sync.
const MAX_TRANSIENT_IN_A_ROW: u32 = 3;

/// What the loop does after one activity.
enum Next {
    Go,
    Stop,
}

/// Fetches every due stream set, newest first, stopping at a rate limit or a revoked token.
pub(crate) async fn fetch_due(run: &mut Run<'_>) -> Result<(), SyncError> {
    if run.strava.is_none() {
        return Ok(());
    }
    let now = run.now_ms();
    let due = activities::streams_due(&run.ctx.store, run.user.id, now, BATCH).await?;
    let mut transient_in_a_row = 0;
    for item in due {
        if run.strava.is_none() {
            break;
        }
        match fetch_one(run, &item, &mut transient_in_a_row).await? {
            Next::Go => {}
            Next::Stop => break,
        }
    }
    Ok(())
}

async fn fetch_one(
    run: &mut Run<'_>,
    item: &StreamsDue,
    transient_in_a_row: &mut u32,
) -> Result<Next, SyncError> {
    let (Ok(strava_id), Some(client)) =
        (item.external_id.parse::<i64>(), run.ctx.strava.as_deref())
    else {
        return Ok(Next::Go);
    };
    let priority = run.options.priority;
    let fetched = run
        .strava_call(|token| async move { client.streams(&token, strava_id, priority).await })
        .await;
    let store = &run.ctx.store;
    match fetched {
        Ok(set) => {
            *transient_in_a_row = 0;
            run.progressed();
            match raw_streams(&set) {
                Some(raw) => stored(run, item, &raw).await,
                None => not_ready(run, item).await,
            }
        }
        Err(Failure::Provider(ProviderError::NotFound)) => not_ready(run, item).await,
        Err(Failure::Store(error)) => Err(error.into()),
        Err(Failure::Provider(error)) => {
            let class = error.class();
            let stop = match class {
                ErrorClass::RateLimited { .. } | ErrorClass::NeedsReauth => true,
                ErrorClass::Retryable | ErrorClass::Permanent => {
                    ignore_gone(
                        activities::set_streams_state(store, item.id, StreamsTransition::Failed)
                            .await,
                    )?;
                    *transient_in_a_row += 1;
                    *transient_in_a_row >= MAX_TRANSIENT_IN_A_ROW
                }
            };
            let step = format!("strava.streams[{}]", item.external_id);
            run.absorb(&step, Provider::Strava, Failure::Provider(error))
                .await?;
            Ok(if stop { Next::Stop } else { Next::Go })
        }
    }
}

/// Stores fetched streams, the activity's curves and heart-rate features, and queues its load.
async fn stored(
    run: &mut Run<'_>,
    item: &StreamsDue,
    raw: &science::stream::RawStreams,
) -> Result<Next, SyncError> {
    let store = &run.ctx.store;
    let now = run.now_ms();
    // Everything below works on the streams as stored, so it agrees with what a later
    // recomputation from the store gives.
    let raw = streams::codec::stored_form(raw)?;
    if ignore_gone(streams::put(store, item.id, &raw, now).await.map(|_| ()))?.is_none() {
        return Ok(Next::Go);
    }
    run.report.streams_fetched += 1;
    run.to_compute.insert(item.id);
    let activity = activities::get(store, item.id).await?;
    if let Some(features) = from_streams(raw, &activity, run.ctx.science.clone()).await {
        put_curves(store, &activity, &features.curves, now).await?;
        run.hr_features.insert(item.id.0, features.hr);
        run.grids.keep(item.id, features.grid);
    }
    Ok(Next::Go)
}

/// 404, `{}` or no `time`: not ready yet (retried on the ladder, then at each sync until the
/// activity is 48 h old), after which one detail call decides: gone, or no streams at all.
async fn not_ready(run: &mut Run<'_>, item: &StreamsDue) -> Result<Next, SyncError> {
    let store = &run.ctx.store;
    let activity = activities::get(store, item.id).await?;
    let now = run.now_ms();
    let recent = now - activity.first_seen_at_ms < NOT_READY_WINDOW_MS;
    let young = now - activity.summary.start_at_ms < MAX_AGE_MS;
    if recent || young {
        let attempts = usize::try_from(activity.streams_attempts).unwrap_or(usize::MAX);
        let wait = if recent {
            LADDER_MS.get(attempts).copied().unwrap_or(0)
        } else {
            0
        };
        let next = StreamsTransition::NotReady {
            next_try_at_ms: now + wait,
        };
        ignore_gone(activities::set_streams_state(store, item.id, next).await)?;
        return Ok(Next::Go);
    }
    confirm(run, &activity).await
}

/// An old activity without streams: 404 → soft delete; 200 → `unavailable` (load from summary).
async fn confirm(run: &mut Run<'_>, activity: &Activity) -> Result<Next, SyncError> {
    let (Ok(strava_id), Some(client)) = (
        activity.summary.external_id.parse::<i64>(),
        run.ctx.strava.as_deref(),
    ) else {
        return Ok(Next::Go);
    };
    let priority = run.options.priority;
    let detail = run
        .strava_call(|token| async move { client.activity(&token, strava_id, priority).await })
        .await;
    let store = &run.ctx.store;
    let now = run.now_ms();
    match detail {
        Ok(_) => {
            ignore_gone(
                activities::set_streams_state(store, activity.id, StreamsTransition::Unavailable)
                    .await,
            )?;
            run.to_compute.insert(activity.id);
            Ok(Next::Go)
        }
        Err(Failure::Provider(ProviderError::NotFound)) => {
            if activities::soft_delete(store, activity.id, "streams_gone", now).await? {
                run.report.deleted_activities += 1;
            }
            run.to_compute.remove(&activity.id);
            Ok(Next::Go)
        }
        Err(failure) => {
            run.absorb("strava.streams", Provider::Strava, failure)
                .await?;
            Ok(Next::Stop)
        }
    }
}

/// An activity deleted meanwhile (by a concurrent sync or a webhook) is not an error.
fn ignore_gone(result: Result<(), StoreError>) -> Result<Option<()>, SyncError> {
    match result {
        Ok(()) => Ok(Some(())),
        Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
