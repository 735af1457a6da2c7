//! Web login sessions, keyed by the hash of the session token (the token itself is never
//! stored; the HTTP layer hashes it before calling here).

use super::users::UserId;
use super::{Store, StoreError};

const INSERT: &str = "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) \
     VALUES ($1, $2, $3, $4)";
const FIND: &str = "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at_ms > $2";
const DELETE: &str = "DELETE FROM sessions WHERE token_hash = $1";
const DELETE_EXPIRED: &str = "DELETE FROM sessions WHERE expires_at_ms <= $1";

/// Records a session for `user` that ends at `expires_at_ms`.
///
/// # Errors
/// [`StoreError::Conflict`] when the hash is already in use; [`StoreError::Database`] otherwise.
pub async fn create(
    store: &Store,
    token_hash: &[u8],
    user: UserId,
    expires_at_ms: i64,
    now_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(INSERT)
        .bind(token_hash)
        .bind(user.0)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The user of a live session, or `None` for an unknown or expired one.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn find_user(
    store: &Store,
    token_hash: &[u8],
    now_ms: i64,
) -> Result<Option<UserId>, StoreError> {
    let id: Option<i64> = with_pool!(store, pool => sqlx::query_scalar(FIND)
        .bind(token_hash)
        .bind(now_ms)
        .fetch_optional(pool)
        .await)?;
    Ok(id.map(UserId))
}

/// Ends a session (logout). Unknown hashes are ignored.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn delete(store: &Store, token_hash: &[u8]) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(DELETE).bind(token_hash).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes every session expired at `now_ms`; returns how many.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn delete_expired(store: &Store, now_ms: i64) -> Result<u64, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(DELETE_EXPIRED).bind(now_ms).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done)
}
