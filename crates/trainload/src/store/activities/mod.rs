//! Activities: upserted by (user, provider, external id) with a content hash, soft-deleted with a
//! reason and restored when they reappear (docs/providers.md §4), plus the state of their streams.
//!
//! Streams state machine (docs/providers.md §1.4, §4): a new activity starts `pending` (`none` when
//! manual); [`super::streams::put`] makes it `fetched`; [`set_streams_state`] records
//! `not_ready` (with the next try), `failed` (attempts counted, retried at each sync),
//! `unavailable` or back to `pending`. A changed start, duration or distance (a crop) and a
//! restore set it back to `pending`.

mod listing;
mod rows;
mod upsert;

use jiff::civil::Date;
use providers::budget::Provider;
use serde::Serialize;

pub use listing::{ActivityFilter, SportTypes};
pub use upsert::{Outcome, Upserted, purge_deleted, soft_delete, upsert};

use super::users::UserId;
use super::{Store, StoreError};
use rows::ActivityRow;

/// An activity's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ActivityId(pub i64);

/// An activity as the provider describes it, normalised by the sync layer. Every field is
/// covered by the content hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivitySummary {
    /// The provider it came from.
    pub provider: Provider,
    /// The provider's activity id as decimal text (our key, with user and provider).
    pub external_id: String,
    /// Strava's `external_id`: the upload's own name.
    pub upload_external_id: Option<String>,
    /// `sport_type` as the provider sent it.
    pub sport_type: String,
    /// Strava's deprecated `type`, raw.
    pub legacy_type: Option<String>,
    /// Our sport group (`ride`, `run`, …, `other`).
    pub sport: String,
    /// Title.
    pub name: Option<String>,
    /// Start instant, epoch ms UTC.
    pub start_at_ms: i64,
    /// Offset of local time at the start, s.
    pub utc_offset_s: i32,
    /// IANA time zone name.
    pub time_zone: Option<String>,
    /// Elapsed time, s.
    pub elapsed_s: Option<i64>,
    /// Moving time, s.
    pub moving_s: Option<i64>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Total elevation gain, m.
    pub elevation_gain_m: Option<f64>,
    /// Average speed, m/s.
    pub average_speed_mps: Option<f64>,
    /// Maximum speed, m/s.
    pub max_speed_mps: Option<f64>,
    /// Average heart rate, bpm.
    pub average_hr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Average power, W.
    pub average_watts: Option<f64>,
    /// Strava's weighted average power, W.
    pub weighted_average_watts: Option<f64>,
    /// Maximum power, W.
    pub max_watts: Option<f64>,
    /// Work, kJ.
    pub kilojoules: Option<f64>,
    /// `false`: power is Strava's estimate, not a power meter.
    pub device_watts: Option<bool>,
    /// Indoor trainer.
    pub trainer: bool,
    /// Commute.
    pub commute: bool,
    /// Entered by hand (no streams).
    pub manual: bool,
    /// Only You.
    pub is_private: bool,
    /// Strava `visibility`.
    pub visibility: Option<String>,
}

impl ActivitySummary {
    /// The athlete-local date of the start: the date of `start + utc_offset`.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for an instant outside jiff's range.
    pub fn local_date(&self) -> Result<Date, StoreError> {
        let local_ms = self
            .start_at_ms
            .saturating_add(i64::from(self.utc_offset_s).saturating_mul(1000));
        let instant = jiff::Timestamp::from_millisecond(local_ms)
            .map_err(|e| StoreError::Invalid(format!("start time out of range: {e}")))?;
        Ok(instant.to_zoned(jiff::tz::TimeZone::UTC).date())
    }
}

/// Where an activity's streams stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamsState {
    /// To fetch.
    Pending,
    /// Stored.
    Fetched,
    /// The provider has none yet; try again at `next_try_at_ms`.
    NotReady,
    /// Manual activity: there are none.
    None,
    /// The provider will not give any; the load comes from the summary.
    Unavailable,
    /// The last fetch failed; retried at the next sync.
    Failed,
}

impl StreamsState {
    /// The `streams_state` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Fetched => "fetched",
            Self::NotReady => "not_ready",
            Self::None => "none",
            Self::Unavailable => "unavailable",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "pending" => Self::Pending,
            "fetched" => Self::Fetched,
            "not_ready" => Self::NotReady,
            "none" => Self::None,
            "unavailable" => Self::Unavailable,
            "failed" => Self::Failed,
            other => return Err(super::users::corrupt("activities.streams_state", other)),
        })
    }
}

/// A stored activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Id.
    pub id: ActivityId,
    /// Owner.
    pub user: UserId,
    /// What the provider said.
    pub summary: ActivitySummary,
    /// Local date of the start.
    #[serde(serialize_with = "crate::store::hash::date_text")]
    pub local_date: Date,
    /// Hex SHA-256 of the summary.
    pub content_hash: String,
    /// 1 on insert, + 1 on every change.
    pub revision: i64,
    /// Streams state.
    pub streams_state: StreamsState,
    /// Failed or not-ready fetches since the last success.
    pub streams_attempts: i64,
    /// When a `not_ready` fetch is due, epoch ms.
    pub streams_next_try_at_ms: Option<i64>,
    /// First stored, epoch ms.
    pub first_seen_at_ms: i64,
    /// Last seen in a listing or event, epoch ms.
    pub last_seen_at_ms: i64,
    /// Last change, epoch ms.
    pub updated_at_ms: i64,
    /// Soft-deleted at, epoch ms.
    pub deleted_at_ms: Option<i64>,
    /// Why it was deleted (`absent_from_listing`, `webhook_delete`, …).
    pub delete_reason: Option<String>,
}

/// A streams state change, for [`set_streams_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamsTransition {
    /// Fetch again (attempts reset).
    Pending,
    /// Not processed yet; next try at the given time, epoch ms (attempts + 1).
    NotReady {
        /// When to try again, epoch ms.
        next_try_at_ms: i64,
    },
    /// The fetch failed (attempts + 1); retried at the next sync.
    Failed,
    /// The provider has no streams for it.
    Unavailable,
}

/// An activity whose streams are due, for the fetch loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamsDue {
    /// Id.
    pub id: ActivityId,
    /// The provider's id.
    pub external_id: String,
    /// Its state (`pending`, `failed` or a due `not_ready`).
    pub state: StreamsState,
}

macro_rules! select_activities {
    () => {
        "SELECT id, user_id, provider, external_id, upload_external_id, sport_type, legacy_type, \
         sport, name, start_at_ms, utc_offset_s, time_zone, local_date, elapsed_s, moving_s, \
         distance_m, elevation_gain_m, average_speed_mps, max_speed_mps, average_hr_bpm, \
         max_hr_bpm, average_watts, weighted_average_watts, max_watts, kilojoules, device_watts, \
         trainer, commute, manual, is_private, visibility, content_hash, revision, streams_state, \
         streams_attempts, streams_next_try_at_ms, first_seen_at_ms, last_seen_at_ms, \
         updated_at_ms, deleted_at_ms, delete_reason FROM activities "
    };
}

const GET: &str = concat!(select_activities!(), "WHERE id = $1");
const FIND: &str = concat!(
    select_activities!(),
    "WHERE user_id = $1 AND provider = $2 AND external_id = $3"
);
const LIST_BY_DATE: &str = concat!(
    select_activities!(),
    "WHERE user_id = $1 AND local_date >= $2 AND local_date <= $3 AND deleted_at_ms IS NULL \
     ORDER BY start_at_ms, id"
);
const LIVE_BETWEEN: &str = "SELECT id, external_id FROM activities WHERE user_id = $1 \
     AND provider = $2 AND start_at_ms > $3 AND start_at_ms < $4 AND deleted_at_ms IS NULL \
     ORDER BY start_at_ms";
const STREAMS_DUE: &str = "SELECT id, external_id, streams_state FROM activities \
     WHERE user_id = $1 AND deleted_at_ms IS NULL AND (streams_state IN ('pending', 'failed') \
     OR (streams_state = 'not_ready' AND streams_next_try_at_ms <= $2)) \
     ORDER BY start_at_ms DESC LIMIT $3";
const SET_STREAMS_STATE: &str = "UPDATE activities SET streams_state = $1, \
     streams_attempts = CASE WHEN $2 THEN streams_attempts + 1 ELSE 0 END, \
     streams_next_try_at_ms = $3 WHERE id = $4 AND deleted_at_ms IS NULL";

/// One activity, deleted or not.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id.
pub async fn get(store: &Store, id: ActivityId) -> Result<Activity, StoreError> {
    let row: ActivityRow =
        with_pool!(store, pool => sqlx::query_as(GET).bind(id.0).fetch_one(pool).await)?;
    row.try_into()
}

/// The activity with this key, deleted or not.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn find(
    store: &Store,
    user: UserId,
    provider: Provider,
    external_id: &str,
) -> Result<Option<Activity>, StoreError> {
    let row: Option<ActivityRow> = with_pool!(store, pool => sqlx::query_as(FIND)
        .bind(user.0)
        .bind(provider.as_str())
        .bind(external_id)
        .fetch_optional(pool)
        .await)?;
    row.map(Activity::try_from).transpose()
}

/// A user's live activities whose local date lies in `from..=to`, by start.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn list_by_local_date(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<Activity>, StoreError> {
    let rows: Vec<ActivityRow> = with_pool!(store, pool => sqlx::query_as(LIST_BY_DATE)
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(Activity::try_from).collect()
}

/// One page of a user's live activities, newest first (by start, then id), and how many live
/// activities they have in all. The paging happens in SQL, so years of history cost one page.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn page(
    store: &Store,
    user: UserId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Activity>, i64), StoreError> {
    page_matching(store, user, &ActivityFilter::default(), limit, offset).await
}

/// [`page`] of the activities `filter` keeps, and how many it keeps in all.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn page_matching(
    store: &Store,
    user: UserId,
    filter: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Activity>, i64), StoreError> {
    let condition = filter.condition();
    let sql = format!(
        "{} WHERE {} ORDER BY start_at_ms DESC, id DESC LIMIT ${} OFFSET ${}",
        select_activities!(),
        condition.sql,
        condition.next,
        condition.next + 1
    );
    let count = format!("SELECT COUNT(*) FROM activities WHERE {}", condition.sql);
    let rows: Vec<ActivityRow> = with_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(user.0);
        for date in &condition.dates {
            query = query.bind(date.as_str());
        }
        query.bind(limit).bind(offset).fetch_all(pool).await
    })?;
    let total: i64 = with_pool!(store, pool => {
        let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(count.as_str())).bind(user.0);
        for date in &condition.dates {
            query = query.bind(date.as_str());
        }
        query.fetch_one(pool).await
    })?;
    let items = rows
        .into_iter()
        .map(Activity::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// Live activities of one provider starting strictly between `after_ms` and `before_ms`: the
/// deletion candidates of a complete listing of that window (docs/providers.md §4).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn live_between(
    store: &Store,
    user: UserId,
    provider: Provider,
    after_ms: i64,
    before_ms: i64,
) -> Result<Vec<(ActivityId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = with_pool!(store, pool => sqlx::query_as(LIVE_BETWEEN)
        .bind(user.0)
        .bind(provider.as_str())
        .bind(after_ms)
        .bind(before_ms)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, ext)| (ActivityId(id), ext))
        .collect())
}

/// Live activities whose streams should be fetched now, newest first, at most `limit`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn streams_due(
    store: &Store,
    user: UserId,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<StreamsDue>, StoreError> {
    let rows: Vec<(i64, String, String)> = with_pool!(store, pool => sqlx::query_as(STREAMS_DUE)
        .bind(user.0)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|(id, external_id, state)| {
            Ok(StreamsDue {
                id: ActivityId(id),
                external_id,
                state: StreamsState::parse(&state)?,
            })
        })
        .collect()
}

/// Records the outcome of a streams fetch that stored nothing (storing sets `fetched`).
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown or deleted activity.
pub async fn set_streams_state(
    store: &Store,
    id: ActivityId,
    transition: StreamsTransition,
) -> Result<(), StoreError> {
    let (state, count_attempt, next_try) = match transition {
        StreamsTransition::Pending => (StreamsState::Pending, false, None),
        StreamsTransition::NotReady { next_try_at_ms } => {
            (StreamsState::NotReady, true, Some(next_try_at_ms))
        }
        StreamsTransition::Failed => (StreamsState::Failed, true, None),
        StreamsTransition::Unavailable => (StreamsState::Unavailable, false, None),
    };
    let done = with_pool!(store, pool => sqlx::query(SET_STREAMS_STATE)
        .bind(state.as_str())
        .bind(count_attempt)
        .bind(next_try)
        .bind(id.0)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

const DELETE_FROM_PROVIDER: &str = "DELETE FROM activities WHERE user_id = $1 AND provider = $2";

/// Deletes every activity `user` imported from `provider`, with its streams, load and curves
/// (cascade). Disconnecting Strava does this, as Strava's API agreement requires
/// (docs/providers.md §1.2). Returns how many activities went.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn delete_from_provider(
    store: &Store,
    user: UserId,
    provider: Provider,
) -> Result<u64, StoreError> {
    let mut tx = crate::store::begin_write(store).await?;
    let done = with_tx!(tx, conn => sqlx::query(DELETE_FROM_PROVIDER)
        .bind(user.0)
        .bind(provider.as_str())
        .execute(&mut *conn)
        .await.map(|r| r.rows_affected()))?;
    crate::store::daily_loads::rebuild_in(&mut tx, user).await?;
    crate::store::curve_months::rebuild_in(&mut tx, user).await?;
    tx.commit().await?;
    Ok(done)
}
