//! The events outbox: what changed for whom (new activity processed, thresholds changed), read
//! in id order by the live-update fan-out. Append inside the data's own transaction with
//! [`append_in`] so an event exists exactly when its change does.

use serde::Serialize;

use super::loads::json;
use super::users::UserId;
use super::{Store, StoreError, WriteTx};

/// An event's id; increasing in insertion order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EventId(pub i64);

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Id.
    pub id: EventId,
    /// Whose data changed.
    pub user: UserId,
    /// What happened (`activity_processed`, `thresholds_changed`, …).
    pub kind: String,
    /// Details, JSON.
    pub payload: serde_json::Value,
    /// When, epoch ms.
    pub created_at_ms: i64,
}

const INSERT: &str = "INSERT INTO events (user_id, kind, payload, created_at_ms) \
     VALUES ($1, $2, $3, $4) RETURNING id";
const AFTER: &str = "SELECT id, user_id, kind, payload, created_at_ms FROM events \
     WHERE id > $1 ORDER BY id LIMIT $2";
const AFTER_FOR_USER: &str = "SELECT id, user_id, kind, payload, created_at_ms FROM events \
     WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3";
const LATEST_ID: &str = "SELECT COALESCE(MAX(id), 0) FROM events";
const LATEST_OF_KIND: &str = "SELECT id, user_id, kind, payload, created_at_ms FROM events \
     WHERE user_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1";
const DELETE_BEFORE: &str = "DELETE FROM events WHERE created_at_ms < $1";

/// Appends an event in its own statement.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn append(
    store: &Store,
    user: UserId,
    kind: &str,
    payload: &serde_json::Value,
    now_ms: i64,
) -> Result<EventId, StoreError> {
    let id: i64 = with_pool!(store, pool => sqlx::query_scalar(INSERT)
        .bind(user.0)
        .bind(kind)
        .bind(payload.to_string())
        .bind(now_ms)
        .fetch_one(pool)
        .await)?;
    Ok(EventId(id))
}

/// Appends an event inside a write transaction.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn append_in(
    tx: &mut WriteTx,
    user: UserId,
    kind: &str,
    payload: &serde_json::Value,
    now_ms: i64,
) -> Result<EventId, StoreError> {
    let id: i64 = with_tx!(tx, conn => sqlx::query_scalar(INSERT)
        .bind(user.0)
        .bind(kind)
        .bind(payload.to_string())
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await)?;
    Ok(EventId(id))
}

/// Up to `limit` events with ids above `after`, in id order.
///
/// On PostgreSQL ids are assigned at insert, not at commit, so a reader that must not skip a
/// slow transaction's event should re-read a short window behind its cursor.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable JSON.
pub async fn read_after(
    store: &Store,
    after: EventId,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<EventRow> = with_pool!(store, pool => sqlx::query_as(AFTER)
        .bind(after.0)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(event).collect()
}

/// Up to `limit` events of `user` with ids above `after`, in id order (a reconnecting
/// browser's `Last-Event-ID` resume).
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable JSON.
pub async fn read_after_for_user(
    store: &Store,
    user: UserId,
    after: EventId,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<EventRow> = with_pool!(store, pool => sqlx::query_as(AFTER_FOR_USER)
        .bind(user.0)
        .bind(after.0)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(event).collect()
}

/// The highest event id so far (0 when there is none): where a new reader starts so it does
/// not replay history.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn latest_id(store: &Store) -> Result<EventId, StoreError> {
    let id: i64 = with_pool!(store, pool => sqlx::query_scalar(LATEST_ID)
        .fetch_one(pool)
        .await)?;
    Ok(EventId(id))
}

/// `(id, user_id, kind, payload, created_at_ms)`.
type EventRow = (i64, i64, String, String, i64);

fn event((id, user, kind, payload, created_at_ms): EventRow) -> Result<Event, StoreError> {
    Ok(Event {
        id: EventId(id),
        user: UserId(user),
        kind,
        payload: json("events.payload", &payload)?,
        created_at_ms,
    })
}

/// The newest event of `kind` for `user`, if any is retained.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable JSON.
pub async fn latest_of_kind(
    store: &Store,
    user: UserId,
    kind: &str,
) -> Result<Option<Event>, StoreError> {
    let row: Option<EventRow> = with_pool!(store, pool => sqlx::query_as(LATEST_OF_KIND)
        .bind(user.0)
        .bind(kind)
        .fetch_optional(pool)
        .await)?;
    row.map(event).transpose()
}

/// Deletes events older than `before_ms` (retention); returns how many.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn delete_before(store: &Store, before_ms: i64) -> Result<u64, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(DELETE_BEFORE).bind(before_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
