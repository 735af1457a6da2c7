//! What the Strava read planner reads and keeps per connection (docs/providers.md, "The read
//! planner"): the last complete listing, the last event the webhooks missed, the learnt upload
//! pattern, and the current budget windows.

use providers::budget::Bucket;

use super::integrations::IntegrationId;
use super::users::UserId;
use super::{Store, StoreError};

const CONNECTIONS: &str = "SELECT i.id, i.user_id, i.last_listed_at_ms, i.webhook_missed_at_ms, \
     i.upload_pattern, i.created_at_ms, u.time_zone FROM integrations i \
     JOIN users u ON u.id = i.user_id \
     WHERE i.provider = 'strava' AND i.status = 'active' ORDER BY i.user_id";
const SET_LISTED: &str = "UPDATE integrations SET last_listed_at_ms = $2 WHERE id = $1";
const SET_MISSED: &str = "UPDATE integrations SET webhook_missed_at_ms = $2 WHERE id = $1";
const SET_PATTERN: &str = "UPDATE integrations SET upload_pattern = $2 WHERE id = $1";
const UPLOADS: &str = "SELECT start_at_ms + COALESCE(elapsed_s, 0) * 1000 FROM activities \
     WHERE user_id = $1 AND provider = 'strava' AND start_at_ms >= $2 ORDER BY start_at_ms";
const BY_PRIORITY: &str = "SELECT bucket, used FROM api_budget \
     WHERE provider = 'strava' AND bucket LIKE $1 AND window_start_ms = $2 ORDER BY bucket";
const FRESHNESS: &str = "SELECT COUNT(*), \
     CAST(SUM(CASE WHEN first_seen_at_ms - (start_at_ms + COALESCE(elapsed_s, 0) * 1000) <= $2 \
     THEN 1 ELSE 0 END) AS BIGINT) FROM activities \
     WHERE provider = 'strava' AND start_at_ms + COALESCE(elapsed_s, 0) * 1000 >= $1";
const FIRST_SEEN: &str = "SELECT a.external_id, a.first_seen_at_ms, \
     CASE WHEN l.activity_id IS NULL THEN FALSE ELSE TRUE END AS has_load \
     FROM activities a LEFT JOIN activity_loads l ON l.activity_id = a.id \
     WHERE a.user_id = $1 AND a.provider = 'strava'";
const WINDOW: &str = "SELECT used, lim FROM api_budget \
     WHERE provider = 'strava' AND bucket = $1 AND window_start_ms = $2";

/// One active Strava connection as the planner sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Connection {
    /// The integration.
    #[sqlx(rename = "id")]
    pub integration: i64,
    /// The user.
    pub user_id: i64,
    /// The last complete listing, epoch ms.
    pub last_listed_at_ms: Option<i64>,
    /// The last time a listing found an activity no event had announced, epoch ms.
    pub webhook_missed_at_ms: Option<i64>,
    /// The learnt upload pattern, JSON.
    pub upload_pattern: Option<String>,
    /// When the connection was made, epoch ms.
    pub created_at_ms: i64,
    /// The athlete's IANA zone.
    pub time_zone: String,
}

/// Every active Strava connection, by user.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn connections(store: &Store) -> Result<Vec<Connection>, StoreError> {
    Ok(with_pool!(store, pool => sqlx::query_as(CONNECTIONS).fetch_all(pool).await)?)
}

/// Records a complete listing at `at_ms`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn set_last_listed(
    store: &Store,
    id: IntegrationId,
    at_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(SET_LISTED).bind(id.0).bind(at_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records that a listing found an activity the webhooks never announced.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn set_webhook_missed(
    store: &Store,
    id: IntegrationId,
    at_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(SET_MISSED).bind(id.0).bind(at_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stores the learnt upload pattern (JSON).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn set_pattern(
    store: &Store,
    id: IntegrationId,
    pattern_json: &str,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(SET_PATTERN).bind(id.0).bind(pattern_json).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// When the user's Strava activities ended (start + elapsed, epoch ms), since `since_ms`: the
/// upload instants the pattern is learnt from (an upload follows the end closely).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn upload_instants(
    store: &Store,
    user: UserId,
    since_ms: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(
        with_pool!(store, pool => sqlx::query_scalar(UPLOADS).bind(user.0).bind(since_ms).fetch_all(pool).await)?,
    )
}

/// The day's granted Strava calls per priority (`interactive`, `webhook`, `background`).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn used_today_by_priority(
    store: &Store,
    now_ms: i64,
) -> Result<Vec<(String, i32)>, StoreError> {
    let day = Bucket::ReadDay.window_start_ms(now_ms);
    let rows: Vec<(String, i32)> = with_pool!(store, pool => sqlx::query_as(BY_PRIORITY)
        .bind(format!("{}%", super::budget::TALLY_PREFIX)).bind(day).fetch_all(pool).await)?;
    let prefix = super::budget::TALLY_PREFIX;
    Ok(rows
        .into_iter()
        .map(|(bucket, used)| (bucket.trim_start_matches(prefix).to_owned(), used))
        .collect())
}

/// Activities that ended since `since_ms` and how many of them were stored within
/// `target_ms` of their end (an upload follows the end closely).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn freshness(
    store: &Store,
    since_ms: i64,
    target_ms: i64,
) -> Result<(i64, i64), StoreError> {
    let row: (i64, Option<i64>) = with_pool!(store, pool => sqlx::query_as(FRESHNESS)
        .bind(since_ms).bind(target_ms).fetch_one(pool).await)?;
    Ok((row.0, row.1.unwrap_or(0)))
}

/// `(used, limit)` of the Strava bucket's window around `now_ms`, if anything was counted.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn window(
    store: &Store,
    bucket: Bucket,
    now_ms: i64,
) -> Result<Option<(i32, i32)>, StoreError> {
    let start = bucket.window_start_ms(now_ms);
    Ok(
        with_pool!(store, pool => sqlx::query_as(WINDOW).bind(bucket.as_str()).bind(start).fetch_optional(pool).await)?,
    )
}

/// One stored Strava activity as the freshness benchmark measures it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Arrival {
    /// Strava's activity id.
    pub external_id: String,
    /// When it was first stored, epoch ms.
    pub first_seen_at_ms: i64,
    /// Whether its load is computed.
    pub has_load: bool,
}

/// When each of the user's Strava activities was first stored, and whether it has a load.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn arrivals(store: &Store, user: UserId) -> Result<Vec<Arrival>, StoreError> {
    Ok(with_pool!(store, pool => sqlx::query_as(FIRST_SEEN).bind(user.0).fetch_all(pool).await)?)
}
