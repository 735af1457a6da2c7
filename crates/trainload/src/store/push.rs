//! Web Push state (docs/push.md): the browsers an athlete subscribed, what they want to hear
//! about, the notifications written for them and each one's delivery to each device.
//!
//! A subscription's encryption keys (`p256dh`, `auth`) are sealed like the provider tokens,
//! bound to the athlete and the endpoint. Notifications and their deliveries are written in one
//! transaction, together with the delivery task (see [`WriteTx::queue_tx`]).

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::secrets::Binding;
use super::users::UserId;
use super::{Store, StoreError, WriteTx};

/// A subscription's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubscriptionId(pub i64);

/// What a browser hands over when it subscribes.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (`keys.p256dh`).
    pub p256dh: String,
    /// The browser's authentication secret, base64url (`keys.auth`).
    pub auth: SecretString,
    /// A label for the device list (from the user agent).
    pub device: String,
}

/// A device as the settings page lists it (no keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema, sqlx::FromRow)]
pub struct Device {
    /// Id, for removing it.
    pub id: i64,
    /// Label.
    pub device: String,
    /// Subscribed at, epoch ms.
    pub created_at_ms: i64,
    /// Last notification delivered, epoch ms.
    pub last_delivered_at_ms: Option<i64>,
}

/// Which kinds of notification the athlete wants; all on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// One per processed activity.
    pub activities: bool,
    /// A threshold estimate changed.
    pub thresholds: bool,
    /// One summary for a batch (onboarding, recalculations).
    pub summaries: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            activities: true,
            thresholds: true,
            summaries: true,
        }
    }
}

/// A kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A processed activity.
    Activity,
    /// A changed threshold.
    Thresholds,
    /// Several activities at once.
    Summary,
    /// The settings page's test button.
    Test,
}

impl Kind {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Activity => "activity",
            Self::Thresholds => "thresholds",
            Self::Summary => "summary",
            Self::Test => "test",
        }
    }

    /// Whether `prefs` let this kind through (a test always goes).
    pub const fn wanted(self, prefs: &Preferences) -> bool {
        match self {
            Self::Activity => prefs.activities,
            Self::Thresholds => prefs.thresholds,
            Self::Summary => prefs.summaries,
            Self::Test => true,
        }
    }
}

/// A notification to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// Kind.
    pub kind: Kind,
    /// First line.
    pub title: String,
    /// Second line.
    pub body: String,
    /// Where a click leads (a path of ours).
    pub url: String,
}

/// A pending delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The notification.
    pub notification_id: i64,
    /// The device.
    pub subscription_id: SubscriptionId,
    /// Kind.
    pub kind: String,
    /// First line.
    pub title: String,
    /// Second line.
    pub body: String,
    /// Where a click leads.
    pub url: String,
    /// Written at, epoch ms.
    pub created_at_ms: i64,
    /// Push service URL.
    pub endpoint: String,
    /// Browser public key, base64url.
    pub p256dh: String,
    /// Browser auth secret, base64url.
    pub auth: SecretString,
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the push service.
    Sent,
    /// Older than a day when its turn came.
    Expired,
    /// Refused for good (payload or request the service will never take).
    Rejected,
}

impl Outcome {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Expired => "expired",
            Self::Rejected => "rejected",
        }
    }
}

/// Delivery counts by state, for one athlete or everyone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeliveryCounts {
    /// Waiting.
    pub pending: i64,
    /// Delivered.
    pub sent: i64,
    /// Too old.
    pub expired: i64,
    /// Refused.
    pub rejected: i64,
}

const UPSERT_SUBSCRIPTION: &str = "INSERT INTO push_subscriptions (user_id, endpoint, keys_sealed, \
     device, created_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (endpoint) DO UPDATE SET \
     user_id = excluded.user_id, keys_sealed = excluded.keys_sealed, device = excluded.device \
     RETURNING id";
/// A browser that moved to another athlete takes none of the previous athlete's notifications.
const DROP_FOREIGN_DELIVERIES: &str =
    "DELETE FROM push_deliveries WHERE subscription_id = $1 AND user_id <> $2";
const DEVICES: &str = "SELECT id, device, created_at_ms, last_delivered_at_ms \
     FROM push_subscriptions WHERE user_id = $1 ORDER BY id";
const DELETE_OWN: &str = "DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2";
const DELETE: &str = "DELETE FROM push_subscriptions WHERE id = $1";
const PREFERENCES: &str =
    "SELECT activities, thresholds, summaries FROM push_preferences WHERE user_id = $1";
const SET_PREFERENCES: &str = "INSERT INTO push_preferences (user_id, activities, thresholds, \
     summaries, updated_at_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET \
     activities = excluded.activities, thresholds = excluded.thresholds, \
     summaries = excluded.summaries, updated_at_ms = excluded.updated_at_ms";
const HAS_DEVICE: &str = "SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1";
const WRITTEN_SINCE: &str =
    "SELECT COUNT(*) FROM push_notifications WHERE user_id = $1 AND created_at_ms >= $2";
const INSERT_NOTIFICATION: &str = "INSERT INTO push_notifications (user_id, kind, title, body, \
     url, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const INSERT_DELIVERIES: &str = "INSERT INTO push_deliveries (notification_id, subscription_id, \
     user_id, state, updated_at_ms) SELECT $1, id, user_id, 'pending', $3 \
     FROM push_subscriptions WHERE user_id = $2";
const PENDING: &str = "SELECT d.notification_id, d.subscription_id, n.kind, n.title, n.body, \
     n.url, n.created_at_ms, s.endpoint, s.keys_sealed, s.user_id \
     FROM push_deliveries d JOIN push_notifications n ON n.id = d.notification_id \
     JOIN push_subscriptions s ON s.id = d.subscription_id \
     WHERE d.user_id = $1 AND d.state = 'pending' ORDER BY d.notification_id, d.subscription_id \
     LIMIT $2";
const FINISH: &str = "UPDATE push_deliveries SET state = $3, attempts = attempts + 1, \
     last_status = $4, updated_at_ms = $5 \
     WHERE notification_id = $1 AND subscription_id = $2 AND state = 'pending'";
const STAMP_DEVICE: &str = "UPDATE push_subscriptions SET last_delivered_at_ms = $2 WHERE id = $1";
const RETRY_LATER: &str = "UPDATE push_deliveries SET attempts = attempts + 1, last_status = $3, \
     updated_at_ms = $4 WHERE notification_id = $1 AND subscription_id = $2 AND state = 'pending'";
const STRANDED_USERS: &str = "SELECT DISTINCT user_id FROM push_deliveries \
     WHERE state = 'pending' AND updated_at_ms < $1 ORDER BY user_id";
const COUNTS: &str = "SELECT state, COUNT(*) FROM push_deliveries GROUP BY state";
const COUNTS_FOR_USER: &str =
    "SELECT state, COUNT(*) FROM push_deliveries WHERE user_id = $1 GROUP BY state";
const PURGE_NOTIFICATIONS: &str = "DELETE FROM push_notifications WHERE created_at_ms < $1 \
     AND NOT EXISTS (SELECT 1 FROM push_deliveries d WHERE d.notification_id = push_notifications.id \
     AND d.state = 'pending')";

fn binding(user: UserId, endpoint: &str) -> Binding {
    Binding::new(
        "push_subscriptions",
        &format!("{}:{endpoint}", user.0),
        "keys",
    )
}

/// The sealed column: `p256dh` and `auth` as one JSON object.
#[derive(Serialize, Deserialize)]
struct Keys {
    p256dh: String,
    auth: String,
}

/// Stores `new` for `user` (a browser that subscribes again, or under another athlete, replaces
/// its row).
///
/// # Errors
/// [`StoreError::Crypto`] if sealing fails; database errors.
pub async fn subscribe(
    store: &Store,
    user: UserId,
    new: &NewSubscription,
    now_ms: i64,
) -> Result<SubscriptionId, StoreError> {
    let keys = serde_json::to_string(&Keys {
        p256dh: new.p256dh.clone(),
        auth: new.auth.expose_secret().to_owned(),
    })
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let sealed = store.cipher().seal(&keys, &binding(user, &new.endpoint))?;
    let mut tx = super::begin_write(store).await?;
    let id: i64 = with_tx!(tx, conn => sqlx::query_scalar(UPSERT_SUBSCRIPTION)
        .bind(user.0)
        .bind(&new.endpoint)
        .bind(&sealed)
        .bind(&new.device)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await)?;
    with_tx!(tx, conn => sqlx::query(DROP_FOREIGN_DELIVERIES)
        .bind(id)
        .bind(user.0)
        .execute(&mut *conn)
        .await?
        .rows_affected());
    tx.commit().await?;
    Ok(SubscriptionId(id))
}

/// `user`'s devices, oldest first.
///
/// # Errors
/// Database errors.
pub async fn devices(store: &Store, user: UserId) -> Result<Vec<Device>, StoreError> {
    Ok(with_pool!(store, pool => sqlx::query_as(DEVICES).bind(user.0).fetch_all(pool).await)?)
}

/// Removes `user`'s device `id`; `false` when they have no such device.
///
/// # Errors
/// Database errors.
pub async fn unsubscribe(store: &Store, user: UserId, id: i64) -> Result<bool, StoreError> {
    let done = with_pool!(store, pool => sqlx::query(DELETE_OWN)
        .bind(id).bind(user.0).execute(pool).await?.rows_affected());
    Ok(done == 1)
}

/// Removes a subscription the push service says is gone (404/410), with its deliveries.
///
/// # Errors
/// Database errors.
pub async fn forget(store: &Store, id: SubscriptionId) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(DELETE).bind(id.0).execute(pool).await?.rows_affected());
    Ok(())
}

/// `user`'s preferences (the defaults when never set).
///
/// # Errors
/// Database errors.
pub async fn preferences(store: &Store, user: UserId) -> Result<Preferences, StoreError> {
    let row: Option<(bool, bool, bool)> = with_pool!(store, pool => sqlx::query_as(PREFERENCES)
        .bind(user.0).fetch_optional(pool).await)?;
    Ok(
        row.map_or_else(Preferences::default, |(a, t, s)| Preferences {
            activities: a,
            thresholds: t,
            summaries: s,
        }),
    )
}

/// Stores `user`'s preferences.
///
/// # Errors
/// Database errors.
pub async fn set_preferences(
    store: &Store,
    user: UserId,
    prefs: &Preferences,
    now_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(SET_PREFERENCES)
        .bind(user.0)
        .bind(prefs.activities)
        .bind(prefs.thresholds)
        .bind(prefs.summaries)
        .bind(now_ms)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(())
}

/// Whether `user` has subscribed any device (so a sync with nobody to tell skips the work of
/// writing notifications).
///
/// # Errors
/// Database errors.
pub async fn has_device(store: &Store, user: UserId) -> Result<bool, StoreError> {
    let n: i64 = with_pool!(store, pool => sqlx::query_scalar(HAS_DEVICE)
        .bind(user.0).fetch_one(pool).await)?;
    Ok(n > 0)
}

/// How many notifications `user` was written since `since_ms` (the rate limit's count).
///
/// # Errors
/// Database errors.
pub async fn written_since(
    tx: &mut WriteTx,
    user: UserId,
    since_ms: i64,
) -> Result<i64, StoreError> {
    Ok(with_tx!(tx, conn => sqlx::query_scalar(WRITTEN_SINCE)
        .bind(user.0).bind(since_ms).fetch_one(&mut *conn).await)?)
}

/// Writes `draft` for `user` with a pending delivery to each of their devices; the number of
/// deliveries.
///
/// # Errors
/// Database errors.
pub async fn write(
    tx: &mut WriteTx,
    user: UserId,
    draft: &Draft,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let id: i64 = with_tx!(tx, conn => sqlx::query_scalar(INSERT_NOTIFICATION)
        .bind(user.0)
        .bind(draft.kind.as_str())
        .bind(&draft.title)
        .bind(&draft.body)
        .bind(&draft.url)
        .bind(now_ms)
        .fetch_one(&mut *conn)
        .await)?;
    Ok(with_tx!(tx, conn => sqlx::query(INSERT_DELIVERIES)
        .bind(id)
        .bind(user.0)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected()))
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    notification_id: i64,
    subscription_id: i64,
    kind: String,
    title: String,
    body: String,
    url: String,
    created_at_ms: i64,
    endpoint: String,
    keys_sealed: Vec<u8>,
    user_id: i64,
}

/// Up to `limit` of `user`'s pending deliveries, oldest notification first.
///
/// # Errors
/// [`StoreError::Crypto`] or [`StoreError::Corrupt`] for keys that do not open; database errors.
pub async fn pending(store: &Store, user: UserId, limit: i64) -> Result<Vec<Pending>, StoreError> {
    let rows: Vec<PendingRow> = with_pool!(store, pool => sqlx::query_as(PENDING)
        .bind(user.0).bind(limit).fetch_all(pool).await)?;
    rows.into_iter()
        .map(|row| {
            let opened = store.cipher().open(
                &row.keys_sealed,
                &binding(UserId(row.user_id), &row.endpoint),
            )?;
            let keys: Keys =
                serde_json::from_str(opened.expose_secret()).map_err(|e| StoreError::Corrupt {
                    column: "push_subscriptions.keys_sealed",
                    detail: e.to_string(),
                })?;
            Ok(Pending {
                notification_id: row.notification_id,
                subscription_id: SubscriptionId(row.subscription_id),
                kind: row.kind,
                title: row.title,
                body: row.body,
                url: row.url,
                created_at_ms: row.created_at_ms,
                endpoint: row.endpoint,
                p256dh: keys.p256dh,
                auth: SecretString::from(keys.auth),
            })
        })
        .collect()
}

/// Ends a pending delivery; `false` when it was no longer pending (someone else ended it).
///
/// # Errors
/// Database errors.
pub async fn finish(
    store: &Store,
    delivery: &Pending,
    outcome: Outcome,
    status: Option<u16>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let mut tx = super::begin_write(store).await?;
    let done = with_tx!(tx, conn => sqlx::query(FINISH)
        .bind(delivery.notification_id)
        .bind(delivery.subscription_id.0)
        .bind(outcome.as_str())
        .bind(status.map(i32::from))
        .bind(now_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected());
    if done == 1 && outcome == Outcome::Sent {
        with_tx!(tx, conn => sqlx::query(STAMP_DEVICE)
            .bind(delivery.subscription_id.0)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?
            .rows_affected());
    }
    tx.commit().await?;
    Ok(done == 1)
}

/// Counts a failed attempt of a delivery that stays pending (the task retries later).
///
/// # Errors
/// Database errors.
pub async fn attempted(
    store: &Store,
    delivery: &Pending,
    status: Option<u16>,
    now_ms: i64,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(RETRY_LATER)
        .bind(delivery.notification_id)
        .bind(delivery.subscription_id.0)
        .bind(status.map(i32::from))
        .bind(now_ms)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(())
}

/// Athletes with deliveries pending since before `before_ms` (their task was lost).
///
/// # Errors
/// Database errors.
pub async fn stranded_users(store: &Store, before_ms: i64) -> Result<Vec<UserId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(STRANDED_USERS)
        .bind(before_ms).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Delivery counts by state: everyone's, or `user`'s.
///
/// # Errors
/// Database errors.
pub async fn counts(store: &Store, user: Option<UserId>) -> Result<DeliveryCounts, StoreError> {
    let rows: Vec<(String, i64)> = match user {
        Some(user) => with_pool!(store, pool => sqlx::query_as(COUNTS_FOR_USER)
            .bind(user.0).fetch_all(pool).await)?,
        None => with_pool!(store, pool => sqlx::query_as(COUNTS).fetch_all(pool).await)?,
    };
    let mut counts = DeliveryCounts::default();
    for (state, n) in rows {
        match state.as_str() {
            "pending" => counts.pending = n,
            "sent" => counts.sent = n,
            "expired" => counts.expired = n,
            "rejected" => counts.rejected = n,
            other => {
                return Err(StoreError::Corrupt {
                    column: "push_deliveries.state",
                    detail: format!("unknown state {other:?}"),
                });
            }
        }
    }
    Ok(counts)
}

/// Deletes notifications written before `before_ms` that wait for no device.
///
/// # Errors
/// Database errors.
pub async fn purge(store: &Store, before_ms: i64) -> Result<u64, StoreError> {
    Ok(with_pool!(store, pool => sqlx::query(PURGE_NOTIFICATIONS)
        .bind(before_ms).execute(pool).await?.rows_affected()))
}
