//! Strava push subscription state and received webhook events (docs/providers.md, "Webhooks").
//!
//! The subscription row holds the random callback path segment and the verify token (sealed
//! like the provider tokens), generated once by whichever process gets there first, so every
//! process of a PostgreSQL deployment answers Strava the same way. Events are stored once per
//! unique key; the task that handles them stamps them processed.

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use super::secrets::{Binding, constant_time_eq};
use super::users::UserId;
use super::{Store, StoreError, WriteTx};

/// The provider column value of Strava's subscription row.
const STRAVA: &str = "strava";

const INSERT_SECRETS: &str = "INSERT INTO webhook_subscription (provider, path_token, verify_token, \
     created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING";
const SELECT_ROW: &str = "SELECT path_token, verify_token, subscription_id, callback_url, \
     updated_at_ms FROM webhook_subscription WHERE provider = $1";
const SET_SUBSCRIPTION: &str = "UPDATE webhook_subscription SET subscription_id = $2, \
     callback_url = $3, updated_at_ms = $4 WHERE provider = $1";
const TAKE_LEASE: &str = "UPDATE webhook_subscription SET ensure_owner = $2, ensure_until_ms = $3 \
     WHERE provider = $1 AND (ensure_until_ms IS NULL OR ensure_until_ms < $4 OR ensure_owner = $2)";
const RELEASE_LEASE: &str = "UPDATE webhook_subscription SET ensure_owner = NULL, \
     ensure_until_ms = NULL WHERE provider = $1 AND ensure_owner = $2";
const SUBSCRIPTION_ID: &str =
    "SELECT subscription_id FROM webhook_subscription WHERE provider = $1";
const INSERT_EVENT: &str = "INSERT INTO webhook_events (subscription_id, object_type, object_id, \
     aspect_type, event_time_s, owner_id, user_id, updates, received_at_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
const COUNT_IGNORED: &str = "INSERT INTO webhook_ignored (hour_ms, reason, events) VALUES ($1, $2, 1) \
     ON CONFLICT (hour_ms, reason) DO UPDATE SET events = webhook_ignored.events + 1";
const PENDING: &str = "SELECT id, object_type, object_id, aspect_type, event_time_s, updates, \
     received_at_ms FROM webhook_events WHERE user_id = $1 AND processed_at_ms IS NULL \
     AND id > $2 ORDER BY id LIMIT $3";
const MARK_PROCESSED: &str = "UPDATE webhook_events SET processed_at_ms = $2, outcome = $3 \
     WHERE id = $1 AND processed_at_ms IS NULL";
const STRANDED_USERS: &str = "SELECT DISTINCT user_id FROM webhook_events \
     WHERE processed_at_ms IS NULL AND received_at_ms < $1 ORDER BY user_id";
const RECEIVED_PER_HOUR: &str = "SELECT received_at_ms - (received_at_ms % 3600000) AS hour_ms, \
     COUNT(*) FROM webhook_events WHERE received_at_ms >= $1 GROUP BY 1 ORDER BY 1";
const IGNORED_PER_HOUR: &str = "SELECT hour_ms, CAST(SUM(events) AS BIGINT) FROM webhook_ignored \
     WHERE hour_ms >= $1 GROUP BY hour_ms ORDER BY hour_ms";
const LAST_RECEIVED: &str = "SELECT MAX(received_at_ms) FROM webhook_events";

/// The secrets every process needs to answer Strava: the callback's last path segment and the
/// verify token of the validation handshake.
#[derive(Clone)]
pub struct WebhookSecrets {
    /// The random last segment of the callback URL (`/webhooks/strava/{path_token}`).
    pub path_token: String,
    /// Strava echoes it in the validation request.
    pub verify_token: SecretString,
}

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecrets([REDACTED])")
    }
}

/// The subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    /// Strava's subscription id, once created.
    pub subscription_id: Option<i64>,
    /// The callback URL it was created with.
    pub callback_url: Option<String>,
    /// Last change, epoch ms.
    pub updated_at_ms: i64,
}

/// One received event, as the handling task reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingEvent {
    /// Row id.
    pub id: i64,
    /// `activity` or `athlete`.
    pub object_type: String,
    /// The activity or athlete id.
    pub object_id: i64,
    /// `create`, `update` or `delete`.
    pub aspect_type: String,
    /// When the change happened, epoch s.
    pub event_time_s: i64,
    /// Changed fields, JSON object of strings.
    pub updates: String,
    /// When it arrived, epoch ms.
    pub received_at_ms: i64,
}

/// An event to record (already parsed and matched to a user).
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    /// The subscription that delivered it.
    pub subscription_id: i64,
    /// `activity` or `athlete`.
    pub object_type: &'a str,
    /// The activity or athlete id.
    pub object_id: i64,
    /// `create`, `update` or `delete`.
    pub aspect_type: &'a str,
    /// When the change happened, epoch s.
    pub event_time_s: i64,
    /// The Strava athlete.
    pub owner_id: i64,
    /// Our user.
    pub user: UserId,
    /// Changed fields as JSON.
    pub updates: &'a str,
}

/// Counts per hour for the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HourlyCounts {
    /// (hour start epoch ms, events accepted).
    pub received: Vec<(i64, i64)>,
    /// (hour start epoch ms, events ignored).
    pub ignored: Vec<(i64, i64)>,
    /// The newest accepted event, epoch ms.
    pub last_received_at_ms: Option<i64>,
}

/// The stored row.
#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    path_token: String,
    verify_token: Vec<u8>,
    subscription_id: Option<i64>,
    callback_url: Option<String>,
    updated_at_ms: i64,
}

fn verify_binding() -> Binding {
    Binding::new("webhook_subscription", STRAVA, "verify_token")
}

fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|_| StoreError::Crypto {
        column: "verify_token",
    })?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// The webhook secrets, generated on first use (the first process to insert wins; the others
/// read its values).
///
/// # Errors
/// [`StoreError::Database`]; [`StoreError::Crypto`] when the stored token does not open with
/// this key.
pub async fn secrets(store: &Store, now_ms: i64) -> Result<WebhookSecrets, StoreError> {
    let sealed = store.cipher().seal(&random_hex(16)?, &verify_binding())?;
    let path_token = random_hex(16)?;
    with_pool!(store, pool => sqlx::query(INSERT_SECRETS)
        .bind(STRAVA).bind(&path_token).bind(&sealed).bind(now_ms)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    let row: SubscriptionRow =
        with_pool!(store, pool => sqlx::query_as(SELECT_ROW).bind(STRAVA).fetch_one(pool).await)?;
    let verify_token = store.cipher().open(&row.verify_token, &verify_binding())?;
    Ok(WebhookSecrets {
        path_token: row.path_token,
        verify_token,
    })
}

/// The stored subscription, if the row exists.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn subscription(store: &Store) -> Result<Option<Subscription>, StoreError> {
    let row: Option<SubscriptionRow> = with_pool!(store, pool => sqlx::query_as(SELECT_ROW).bind(STRAVA).fetch_optional(pool).await)?;
    Ok(row.map(|row| Subscription {
        subscription_id: row.subscription_id,
        callback_url: row.callback_url,
        updated_at_ms: row.updated_at_ms,
    }))
}

/// Records the subscription Strava confirmed (`None` after a delete).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn set_subscription(
    store: &Store,
    subscription_id: Option<i64>,
    callback_url: Option<&str>,
    now_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(SET_SUBSCRIPTION)
        .bind(STRAVA).bind(subscription_id).bind(callback_url).bind(now_ms)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes the lease that lets one process at a time create or replace the subscription;
/// `false` while another holds it.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn take_ensure_lease(
    store: &Store,
    owner: &str,
    lease_ms: i64,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let rows = with_pool!(store, pool => sqlx::query(TAKE_LEASE)
        .bind(STRAVA).bind(owner).bind(now_ms + lease_ms).bind(now_ms)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Gives the lease back.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn release_ensure_lease(store: &Store, owner: &str) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(RELEASE_LEASE).bind(STRAVA).bind(owner)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The subscription id events must carry, read inside the receiving transaction.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn subscription_id_in(tx: &mut WriteTx) -> Result<Option<i64>, StoreError> {
    let id: Option<Option<i64>> = with_tx!(tx, conn => sqlx::query_scalar(SUBSCRIPTION_ID)
        .bind(STRAVA).fetch_optional(&mut *conn).await)?;
    Ok(id.flatten())
}

/// Stores an event in `tx`; `false` when the same event was stored before (a retry or a
/// duplicate delivery).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn record_in(
    tx: &mut WriteTx,
    event: &NewEvent<'_>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let rows = with_tx!(tx, conn => sqlx::query(INSERT_EVENT)
        .bind(event.subscription_id).bind(event.object_type).bind(event.object_id)
        .bind(event.aspect_type).bind(event.event_time_s).bind(event.owner_id).bind(event.user.0)
        .bind(event.updates).bind(now_ms)
        .execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(rows == 1)
}

/// Counts an event that was answered but not queued, by reason, in its hour.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn count_ignored(store: &Store, reason: &str, now_ms: i64) -> Result<(), StoreError> {
    let hour = now_ms - now_ms.rem_euclid(3_600_000);
    with_pool!(store, pool => sqlx::query(COUNT_IGNORED).bind(hour).bind(reason)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A user's unprocessed events with an id above `after_id`, oldest first, at most `limit`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn pending(
    store: &Store,
    user: UserId,
    after_id: i64,
    limit: i64,
) -> Result<Vec<PendingEvent>, StoreError> {
    let rows: Vec<PendingEvent> = with_pool!(store, pool => sqlx::query_as(PENDING).bind(user.0).bind(after_id).bind(limit)
            .fetch_all(pool).await)?;
    Ok(rows)
}

/// Stamps an event processed with what came of it.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn mark_processed(
    store: &Store,
    id: i64,
    outcome: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(MARK_PROCESSED).bind(id).bind(now_ms).bind(outcome)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An event still unprocessed this long after arrival lost its task (or arrived while the task
/// finished): the on-demand job's manual runs and the planner pick it up.
pub const STRANDED_AFTER_MS: i64 = 2 * 60_000;

/// Users with events received before `before_ms` and still unprocessed (their task was lost or
/// the event arrived while it finished).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn stranded_users(store: &Store, before_ms: i64) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(STRANDED_USERS)
        .bind(before_ms).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Accepted and ignored events per hour since `since_ms`, and the newest arrival.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn hourly_counts(store: &Store, since_ms: i64) -> Result<HourlyCounts, StoreError> {
    let received: Vec<(i64, i64)> = with_pool!(store, pool => sqlx::query_as(RECEIVED_PER_HOUR)
        .bind(since_ms).fetch_all(pool).await)?;
    let ignored: Vec<(i64, i64)> = with_pool!(store, pool => sqlx::query_as(IGNORED_PER_HOUR)
        .bind(since_ms).fetch_all(pool).await)?;
    Ok(HourlyCounts {
        received,
        ignored,
        last_received_at_ms: last_received_at(store).await?,
    })
}

/// The newest accepted event's arrival, epoch ms.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn last_received_at(store: &Store) -> Result<Option<i64>, StoreError> {
    Ok(with_pool!(store, pool => sqlx::query_scalar(LAST_RECEIVED).fetch_one(pool).await)?)
}

/// Whether `candidate` equals the verify token, in time independent of where they differ.
pub fn verify_token_matches(secrets: &WebhookSecrets, candidate: &str) -> bool {
    constant_time_eq(
        secrets.verify_token.expose_secret().as_bytes(),
        candidate.as_bytes(),
    )
}

/// Whether `candidate` equals the callback path token, in constant time.
pub fn path_token_matches(secrets: &WebhookSecrets, candidate: &str) -> bool {
    constant_time_eq(secrets.path_token.as_bytes(), candidate.as_bytes())
}
