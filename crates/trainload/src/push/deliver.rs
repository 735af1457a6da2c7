//! The delivery task: sends one athlete's pending notifications to each of their devices.
//!
//! Per delivery, by the push service's answer (RFC 8030 §5–6): 2xx sent; 404/410 the
//! subscription is gone and is deleted with its deliveries; 429 and 5xx (or no answer) stay
//! pending and the task is retried with the queue's backoff (429's `Retry-After` is honoured);
//! any other 4xx is refused for good. A notification older than a day when its turn comes is
//! expired rather than sent: news of yesterday's ride is noise.

use std::collections::HashSet;

use serde::Serialize;

use super::Push;
use super::subscription;
use crate::store::push::{self as store_push, Outcome, Pending};
use crate::store::users::UserId;
use crate::store::{Store, StoreError};

/// Older notifications are expired, not sent.
pub const MAX_AGE_MS: i64 = 24 * 3_600_000;
/// Largest payload before encryption: with the record's overhead it stays under the 4 KiB that
/// every push service accepts.
pub const MAX_PAYLOAD_BYTES: usize = 3_000;
/// Deliveries read per round.
const BATCH: i64 = 50;
/// Rounds per task (a task that still finds work after them leaves it to a retry).
const ROUNDS: usize = 20;

/// What one task did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Accepted by the push service.
    pub sent: u32,
    /// Too old to send.
    pub expired: u32,
    /// Refused for good.
    pub rejected: u32,
    /// Devices whose subscription had ended (deleted).
    pub gone: u32,
    /// Left pending for a retry.
    pub waiting: u32,
    /// When the push service asked us to come back, epoch ms (429 `Retry-After`).
    pub retry_at_ms: Option<i64>,
}

/// Why a task failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Pushing is not configured in this process.
    #[error("push notifications are not configured in this process")]
    Disabled,
}

/// The payload the service worker shows.
#[derive(Debug, Serialize)]
struct Payload<'a> {
    id: i64,
    kind: &'a str,
    title: &'a str,
    body: &'a str,
    url: &'a str,
}

/// How one send went.
enum Answer {
    Sent(u16),
    Gone,
    Refused(u16),
    Later(Option<u16>, Option<i64>),
}

/// Delivers `user`'s pending notifications; `now` reads the clock.
///
/// # Errors
/// [`DeliveryError`] for a store failure or a process without push; failed sends are in the
/// report (`waiting`), not errors.
pub async fn deliver(
    push: &Push,
    store: &Store,
    user: UserId,
    now: &(dyn Fn() -> i64 + Send + Sync),
) -> Result<DeliveryReport, DeliveryError> {
    let inner = push.inner.as_deref().ok_or(DeliveryError::Disabled)?;
    let mut report = DeliveryReport::default();
    let mut tried: HashSet<(i64, i64)> = HashSet::new();
    for _ in 0..ROUNDS {
        let pending = store_push::pending(store, user, BATCH).await?;
        let fresh: Vec<Pending> = pending
            .into_iter()
            .filter(|p| !tried.contains(&(p.notification_id, p.subscription_id.0)))
            .collect();
        if fresh.is_empty() {
            break;
        }
        let mut gone = HashSet::new();
        for delivery in fresh {
            tried.insert((delivery.notification_id, delivery.subscription_id.0));
            if gone.contains(&delivery.subscription_id) {
                continue;
            }
            let now_ms = now();
            if now_ms - delivery.created_at_ms > MAX_AGE_MS {
                store_push::finish(store, &delivery, Outcome::Expired, None, now_ms).await?;
                report.expired += 1;
                continue;
            }
            match send(inner, &delivery, now_ms).await {
                Answer::Sent(status) => {
                    store_push::finish(store, &delivery, Outcome::Sent, Some(status), now())
                        .await?;
                    report.sent += 1;
                }
                Answer::Gone => {
                    store_push::forget(store, delivery.subscription_id).await?;
                    gone.insert(delivery.subscription_id);
                    report.gone += 1;
                }
                Answer::Refused(status) => {
                    store_push::finish(store, &delivery, Outcome::Rejected, Some(status), now())
                        .await?;
                    report.rejected += 1;
                }
                Answer::Later(status, retry_at) => {
                    store_push::attempted(store, &delivery, status, now()).await?;
                    report.waiting += 1;
                    if let Some(at) = retry_at {
                        report.retry_at_ms = Some(report.retry_at_ms.map_or(at, |t| t.max(at)));
                    }
                }
            }
        }
    }
    Ok(report)
}

/// Encrypts and posts one notification.
async fn send(inner: &super::Inner, delivery: &Pending, now_ms: i64) -> Answer {
    use secrecy::ExposeSecret as _;
    let refused = Answer::Refused(0);
    let Ok(url) = subscription::endpoint(&delivery.endpoint, inner.settings.allow_loopback_http)
    else {
        return refused;
    };
    let (Ok(public), Ok(auth)) = (
        subscription::public_key(&delivery.p256dh),
        subscription::auth(delivery.auth.expose_secret()),
    ) else {
        return refused;
    };
    let Some(plaintext) = payload(delivery) else {
        return refused;
    };
    let Ok(body) = web_push_native::encrypt(plaintext, &public, &web_push_native::Auth::from(auth))
    else {
        return refused;
    };
    let ttl_s = ((delivery.created_at_ms + MAX_AGE_MS - now_ms) / 1000).max(60);
    let authorization = inner
        .vapid
        .authorization(&url, now_ms / 1000, &inner.settings.contact);
    let request = inner
        .http
        .post(url)
        .header("Authorization", authorization)
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header("TTL", ttl_s.to_string())
        .header("Urgency", "normal")
        .body(body);
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match status {
                200..=299 => Answer::Sent(status),
                404 | 410 => Answer::Gone,
                429 => Answer::Later(Some(status), retry_after(&response, now_ms)),
                500..=599 => Answer::Later(Some(status), None),
                _ => Answer::Refused(status),
            }
        }
        Err(error) => {
            tracing::warn!(error = %error.without_url(), "push service unreachable");
            Answer::Later(None, None)
        }
    }
}

/// The JSON the service worker reads, cut to [`MAX_PAYLOAD_BYTES`] by shortening the body.
fn payload(delivery: &Pending) -> Option<Vec<u8>> {
    let mut body: &str = &delivery.body;
    loop {
        let json = serde_json::to_vec(&Payload {
            id: delivery.notification_id,
            kind: &delivery.kind,
            title: &delivery.title,
            body,
            url: &delivery.url,
        })
        .ok()?;
        if json.len() <= MAX_PAYLOAD_BYTES {
            return Some(json);
        }
        if body.is_empty() {
            return None;
        }
        let cut = body
            .len()
            .saturating_sub(json.len() - MAX_PAYLOAD_BYTES + 3);
        let cut = (0..=cut)
            .rev()
            .find(|&i| body.is_char_boundary(i))
            .unwrap_or(0);
        body = &body[..cut];
    }
}

/// A 429's `Retry-After` in seconds, as an epoch-ms instant.
fn retry_after(response: &reqwest::Response, now_ms: i64) -> Option<i64> {
    let seconds: i64 = response
        .headers()
        .get("Retry-After")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(now_ms + seconds.clamp(0, 86_400) * 1000)
}
