//! Writing activities: the idempotent upsert, soft delete, restore, purge.

use serde::Serialize;

use super::{ActivityId, ActivitySummary, StreamsState};
use crate::store::hash::content_hash;
use crate::store::users::UserId;
use crate::store::{Store, StoreError, begin_write, curve_months, daily_loads};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new activity.
    Inserted,
    /// The content changed; `streams_reset` when start, duration or distance changed and the
    /// streams went back to `pending`.
    Updated {
        /// The streams must be fetched again.
        streams_reset: bool,
    },
    /// A soft-deleted activity reappeared and is live again (streams back to `pending`).
    Restored,
    /// Same content: only `last_seen_at_ms` moved.
    Unchanged,
}

/// The result of [`upsert`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Upserted {
    /// The activity.
    pub id: ActivityId,
    /// What happened.
    pub outcome: Outcome,
    /// The revision now stored.
    pub revision: i64,
}

/// Binds the summary's 28 columns as `$1..$28`, in the order of the column lists below.
macro_rules! bind_summary {
    ($query:expr, $s:expr) => {
        $query
            .bind($s.provider.as_str())
            .bind(&$s.external_id)
            .bind(&$s.upload_external_id)
            .bind(&$s.sport_type)
            .bind(&$s.legacy_type)
            .bind(&$s.sport)
            .bind(&$s.name)
            .bind($s.start_at_ms)
            .bind(i64::from($s.utc_offset_s))
            .bind(&$s.time_zone)
            .bind($s.elapsed_s)
            .bind($s.moving_s)
            .bind($s.distance_m)
            .bind($s.elevation_gain_m)
            .bind($s.average_speed_mps)
            .bind($s.max_speed_mps)
            .bind($s.average_hr_bpm)
            .bind($s.max_hr_bpm)
            .bind($s.average_watts)
            .bind($s.weighted_average_watts)
            .bind($s.max_watts)
            .bind($s.kilojoules)
            .bind($s.device_watts)
            .bind($s.trainer)
            .bind($s.commute)
            .bind($s.manual)
            .bind($s.is_private)
            .bind(&$s.visibility)
    };
}

const EXISTING: &str = "SELECT id, content_hash, revision, deleted_at_ms, start_at_ms, elapsed_s, \
     moving_s, distance_m, local_date FROM activities WHERE user_id = $1 AND provider = $2 \
     AND external_id = $3";
const INSERT: &str = "INSERT INTO activities (provider, external_id, upload_external_id, \
     sport_type, legacy_type, sport, name, start_at_ms, utc_offset_s, time_zone, elapsed_s, \
     moving_s, distance_m, elevation_gain_m, average_speed_mps, max_speed_mps, average_hr_bpm, \
     max_hr_bpm, average_watts, weighted_average_watts, max_watts, kilojoules, device_watts, \
     trainer, commute, manual, is_private, visibility, local_date, content_hash, user_id, \
     streams_state, first_seen_at_ms, last_seen_at_ms, updated_at_ms, revision) VALUES ($1, $2, \
     $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
     $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $33, $33, 1) \
     ON CONFLICT DO NOTHING RETURNING id";
const UPDATE: &str = "UPDATE activities SET provider = $1, external_id = $2, \
     upload_external_id = $3, sport_type = $4, legacy_type = $5, sport = $6, name = $7, \
     start_at_ms = $8, utc_offset_s = $9, time_zone = $10, elapsed_s = $11, moving_s = $12, \
     distance_m = $13, elevation_gain_m = $14, average_speed_mps = $15, max_speed_mps = $16, \
     average_hr_bpm = $17, max_hr_bpm = $18, average_watts = $19, weighted_average_watts = $20, \
     max_watts = $21, kilojoules = $22, device_watts = $23, trainer = $24, commute = $25, \
     manual = $26, is_private = $27, visibility = $28, local_date = $29, content_hash = $30, \
     revision = revision + 1, last_seen_at_ms = $31, updated_at_ms = $31, deleted_at_ms = NULL, \
     delete_reason = NULL, streams_state = CASE WHEN $32 THEN $33 ELSE streams_state END, \
     streams_attempts = CASE WHEN $32 THEN 0 ELSE streams_attempts END, \
     streams_next_try_at_ms = CASE WHEN $32 THEN NULL ELSE streams_next_try_at_ms END \
     WHERE id = $34 AND revision = $35";
const TOUCH: &str = "UPDATE activities SET last_seen_at_ms = $1 WHERE id = $2";
const SOFT_DELETE: &str = "UPDATE activities SET deleted_at_ms = $1, delete_reason = $2, \
     updated_at_ms = $1, streams_state = CASE WHEN streams_state = 'none' THEN 'none' \
     ELSE 'pending' END, streams_attempts = 0, streams_next_try_at_ms = NULL \
     WHERE id = $3 AND deleted_at_ms IS NULL";
const DROP_STREAMS: &str = "DELETE FROM activity_streams WHERE activity_id = $1";
const DROP_LOAD: &str = "DELETE FROM activity_loads WHERE activity_id = $1";
const DROP_ZONE_TIMES: &str = "DELETE FROM activity_zone_times WHERE activity_id = $1";
const DROP_CURVES: &str = "DELETE FROM power_curves WHERE activity_id = $1";
const PURGE: &str = "DELETE FROM activities WHERE deleted_at_ms IS NOT NULL AND deleted_at_ms < $1";
const DAY_OF: &str = "SELECT user_id, local_date FROM activities WHERE id = $1";

/// How often an upsert that lost a race to a concurrent writer is retried.
const UPSERT_ATTEMPTS: usize = 3;

#[derive(sqlx::FromRow)]
struct Existing {
    id: i64,
    content_hash: String,
    revision: i64,
    deleted_at_ms: Option<i64>,
    start_at_ms: i64,
    elapsed_s: Option<i64>,
    moving_s: Option<i64>,
    distance_m: Option<f64>,
    local_date: String,
}

impl Existing {
    /// A crop or re-timing changes what the streams cover.
    fn streams_stale(&self, new: &ActivitySummary) -> bool {
        self.start_at_ms != new.start_at_ms
            || self.elapsed_s != new.elapsed_s
            || self.moving_s != new.moving_s
            || self.distance_m != new.distance_m
    }
}

/// Stores `summary` for `user` unless the same content is already there (docs/providers.md §4): a
/// new key is inserted (revision 1, streams `pending` or `none` when manual); changed content is
/// updated with revision + 1; a soft-deleted activity is restored; same content only touches
/// `last_seen_at_ms`. Safe to repeat and to run concurrently for the same key.
///
/// # Errors
/// [`StoreError::Invalid`] for a start outside the calendar; [`StoreError::Conflict`] when
/// concurrent writers kept winning; [`StoreError::Database`] on failure.
pub async fn upsert(
    store: &Store,
    user: UserId,
    summary: &ActivitySummary,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let hash = content_hash(summary);
    let local_date = summary.local_date()?.to_string();
    for _ in 0..UPSERT_ATTEMPTS {
        if let Some(done) = try_upsert(store, user, summary, &hash, &local_date, now_ms).await? {
            return Ok(done);
        }
    }
    Err(StoreError::Conflict(
        "activity upsert kept losing to concurrent writers".to_owned(),
    ))
}

/// One attempt; `None` when a concurrent writer changed the row between read and write.
async fn try_upsert(
    store: &Store,
    user: UserId,
    summary: &ActivitySummary,
    hash: &str,
    local_date: &str,
    now_ms: i64,
) -> Result<Option<Upserted>, StoreError> {
    let mut tx = begin_write(store).await?;
    let existing: Option<Existing> = with_tx!(tx, conn => sqlx::query_as(EXISTING)
        .bind(user.0)
        .bind(summary.provider.as_str())
        .bind(&summary.external_id)
        .fetch_optional(&mut *conn)
        .await)?;
    let Some(existing) = existing else {
        let initial = if summary.manual {
            StreamsState::None
        } else {
            StreamsState::Pending
        };
        let id: Option<i64> = with_tx!(tx, conn => bind_summary!(sqlx::query_scalar(INSERT), summary)
            .bind(local_date)
            .bind(hash)
            .bind(user.0)
            .bind(initial.as_str())
            .bind(now_ms)
            .fetch_optional(&mut *conn)
            .await)?;
        let Some(id) = id else { return Ok(None) };
        tx.commit().await?;
        return Ok(Some(Upserted {
            id: ActivityId(id),
            outcome: Outcome::Inserted,
            revision: 1,
        }));
    };
    let id = ActivityId(existing.id);
    if existing.content_hash == hash && existing.deleted_at_ms.is_none() {
        with_tx!(tx, conn => sqlx::query(TOUCH).bind(now_ms).bind(id.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        tx.commit().await?;
        let revision = existing.revision;
        return Ok(Some(Upserted {
            id,
            outcome: Outcome::Unchanged,
            revision,
        }));
    }
    let restored = existing.deleted_at_ms.is_some();
    let reset = restored || existing.streams_stale(summary);
    let reset_to = if summary.manual {
        StreamsState::None
    } else {
        StreamsState::Pending
    };
    let done = with_tx!(tx, conn => bind_summary!(sqlx::query(UPDATE), summary)
        .bind(local_date)
        .bind(hash)
        .bind(now_ms)
        .bind(reset)
        .bind(reset_to.as_str())
        .bind(id.0)
        .bind(existing.revision)
        .execute(&mut *conn)
        .await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(None);
    }
    // A load moves with its activity to the new local date; a restored activity's day is
    // rebuilt too (in case its load outlived the deletion).
    if restored || existing.local_date != local_date {
        let days = [existing.local_date.clone(), local_date.to_owned()];
        daily_loads::refresh_days_in(&mut tx, user, &days).await?;
        curve_months::refresh_days_in(&mut tx, user, &days).await?;
    }
    tx.commit().await?;
    let outcome = if restored {
        Outcome::Restored
    } else {
        Outcome::Updated {
            streams_reset: reset,
        }
    };
    Ok(Some(Upserted {
        id,
        outcome,
        revision: existing.revision + 1,
    }))
}

/// Soft-deletes a live activity: sets `deleted_at_ms` and `reason`, and drops its streams, load
/// and curves at once. Returns `false` when it was already deleted (or does not exist).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn soft_delete(
    store: &Store,
    id: ActivityId,
    reason: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(store).await?;
    let done = with_tx!(tx, conn => sqlx::query(SOFT_DELETE)
        .bind(now_ms)
        .bind(reason)
        .bind(id.0)
        .execute(&mut *conn)
        .await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Ok(false);
    }
    for sql in [DROP_STREAMS, DROP_LOAD, DROP_ZONE_TIMES, DROP_CURVES] {
        with_tx!(tx, conn => sqlx::query(sql).bind(id.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    }
    let (user, day): (i64, String) = with_tx!(tx, conn => sqlx::query_as(DAY_OF)
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await)?;
    let days = [day];
    daily_loads::refresh_days_in(&mut tx, UserId(user), &days).await?;
    curve_months::refresh_days_in(&mut tx, UserId(user), &days).await?;
    tx.commit().await?;
    Ok(true)
}

/// Deletes for good the activities soft-deleted before `deleted_before_ms` (the 30-day purge);
/// returns how many.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn purge_deleted(store: &Store, deleted_before_ms: i64) -> Result<u64, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(PURGE).bind(deleted_before_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
