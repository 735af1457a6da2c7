//! The user sets the scheduled jobs fan out to (docs/scheduler.md §2): one query per kind of
//! eligibility, each returning user ids in ascending order.

use super::users::UserId;
use super::{Store, StoreError};

const WITH_ACTIVE_INTEGRATION: &str =
    "SELECT DISTINCT user_id FROM integrations WHERE status = 'active' ORDER BY user_id";

const WITH_ACTIVITIES_SINCE: &str = "SELECT DISTINCT user_id FROM activities \
     WHERE local_date >= $1 AND deleted_at_ms IS NULL ORDER BY user_id";

const WITH_WELLNESS_SINCE: &str =
    "SELECT DISTINCT user_id FROM wellness WHERE day >= $1 ORDER BY user_id";

/// Users with an active Strava or Intervals.icu integration (quick and daily sync).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn with_active_integration(store: &Store) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(WITH_ACTIVE_INTEGRATION)
        .fetch_all(pool).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Users with a live activity dated on or after `day` (`YYYY-MM-DD`, athlete-local).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn with_activities_since(store: &Store, day: &str) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(WITH_ACTIVITIES_SINCE)
        .bind(day).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Users with a wellness record dated on or after `day`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn with_wellness_since(store: &Store, day: &str) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(WITH_WELLNESS_SINCE)
        .bind(day).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}
