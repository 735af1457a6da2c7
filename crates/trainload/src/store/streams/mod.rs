//! Activity streams, stored in the compact binary form of [`codec`] (one row per activity).

pub mod codec;

use science::stream::RawStreams;

use super::activities::ActivityId;
use super::{Store, StoreError, begin_write};

const MARK_FETCHED: &str = "UPDATE activities SET streams_state = 'fetched', \
     streams_attempts = 0, streams_next_try_at_ms = NULL WHERE id = $1 AND deleted_at_ms IS NULL";
const UPSERT: &str = "INSERT INTO activity_streams (activity_id, sample_count, encoded, \
     stored_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (activity_id) DO UPDATE SET \
     sample_count = excluded.sample_count, encoded = excluded.encoded, \
     stored_at_ms = excluded.stored_at_ms";
const GET: &str = "SELECT encoded FROM activity_streams WHERE activity_id = $1";

/// Stores (or replaces) the streams of a live activity and marks them `fetched`. Returns the
/// encoded size, bytes.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown or soft-deleted activity; [`StoreError::Invalid`]
/// for streams [`codec::encode`] refuses.
pub async fn put(
    store: &Store,
    activity: ActivityId,
    streams: &RawStreams,
    now_ms: i64,
) -> Result<usize, StoreError> {
    let encoded = codec::encode(streams)?;
    let samples = i64::try_from(streams.time_s.len())
        .map_err(|_| StoreError::Invalid("too many samples".to_owned()))?;
    let mut tx = begin_write(store).await?;
    let marked = with_tx!(tx, conn => sqlx::query(MARK_FETCHED)
        .bind(activity.0)
        .execute(&mut *conn)
        .await.map(|r| r.rows_affected()))?;
    if marked == 0 {
        return Err(StoreError::NotFound);
    }
    with_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(activity.0)
        .bind(samples)
        .bind(&encoded)
        .bind(now_ms)
        .execute(&mut *conn)
        .await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(encoded.len())
}

/// The stored streams of an activity, or `None` when there are none.
///
/// # Errors
/// [`StoreError::Corrupt`] for a blob that does not decode.
pub async fn get(store: &Store, activity: ActivityId) -> Result<Option<RawStreams>, StoreError> {
    let encoded: Option<Vec<u8>> = with_pool!(store, pool => sqlx::query_scalar(GET)
        .bind(activity.0)
        .fetch_optional(pool)
        .await)?;
    encoded.map(|bytes| codec::decode(&bytes)).transpose()
}
