//! Web Push notifications (docs/push.md): tell an athlete's devices when a sync has processed a
//! new activity or changed a threshold, even with no page open.
//!
//! The sync writes [`Draft`]s through [`Push::notify`]: in one transaction, the notifications,
//! a pending delivery per device and the athlete's delivery task (`push_delivery`, coalesced
//! into a waiting one). The task ([`deliver`]) encrypts each payload for its device (RFC 8291),
//! signs a VAPID token ([`vapid`], RFC 8292) and posts it to the device's push service (RFC
//! 8030); the queue's lease makes one process send each, however many run.

pub mod deliver;
pub mod subscription;
pub mod vapid;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::store::push::{self as store_push, Draft};
use crate::store::users::UserId;
use crate::store::{Store, StoreError, begin_write};
use vapid::VapidKey;

/// The job whose tasks deliver an athlete's pending notifications.
pub const JOB_ID: &str = "push_delivery";

/// How pushing behaves.
#[derive(Debug, Clone)]
pub struct PushSettings {
    /// The VAPID `sub` claim: how a push service reaches the operator (`mailto:` or https).
    pub contact: String,
    /// Admit plain-http loopback endpoints (the tests' stand-in push service); never in
    /// production, where it would let an athlete make the server post to its own host.
    pub allow_loopback_http: bool,
    /// Most notifications written per athlete per rolling hour; more are dropped (a runaway
    /// batch must not buzz a phone all afternoon).
    pub max_per_hour: i64,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            contact: "mailto:admin@localhost".to_owned(),
            allow_loopback_http: false,
            max_per_hour: 20,
        }
    }
}

/// Why notifications could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The delivery task could not be queued.
    #[error(transparent)]
    Queue(#[from] queue::QueueError),
}

/// The push side of the application: the VAPID key, the HTTP client for push services and a
/// handle on the scheduler for delivery tasks. Cheap to clone; [`Push::disabled`] does nothing.
#[derive(Debug, Clone, Default)]
pub struct Push {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    vapid: VapidKey,
    settings: PushSettings,
    http: reqwest::Client,
    /// Weak: the scheduler owns the jobs that own this handle.
    scheduler: OnceLock<queue::WeakScheduler>,
}

/// What [`Push::notify`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Notifications written.
    pub notifications: u32,
    /// Deliveries queued (notifications × devices).
    pub deliveries: u64,
    /// Drafts dropped by the preferences or the hourly limit.
    pub dropped: u32,
}

impl Push {
    /// Pushing with `vapid` and `settings`.
    ///
    /// # Errors
    /// The HTTP client cannot be built (no TLS roots).
    pub fn new(vapid: VapidKey, settings: PushSettings) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            inner: Some(Arc::new(Inner {
                vapid,
                settings,
                http,
                scheduler: OnceLock::new(),
            })),
        })
    }

    /// No pushing: nothing is written or sent (tools and tests that do not need it).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Whether pushing is configured.
    pub fn enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Lets [`Push::notify`] queue delivery tasks on `scheduler` (the first call wins).
    pub fn attach(&self, scheduler: &queue::Scheduler) {
        if let Some(inner) = &self.inner {
            let _ = inner.scheduler.set(scheduler.downgrade());
        }
    }

    /// The VAPID public key browsers subscribe with.
    pub fn public_key(&self) -> Option<&str> {
        self.inner.as_deref().map(|i| i.vapid.public_key())
    }

    /// The settings, when pushing is configured.
    pub fn settings(&self) -> Option<&PushSettings> {
        self.inner.as_deref().map(|i| &i.settings)
    }

    /// Writes `drafts` for `user` (those their preferences want, within the hourly limit) with a
    /// delivery per device, and queues their delivery task, all in one transaction. Without an
    /// attached scheduler the deliveries wait for the athlete's next task or a manual run.
    ///
    /// # Errors
    /// [`NotifyError`] when the store or the queue fails; nothing is written then.
    pub async fn notify(
        &self,
        store: &Store,
        user: UserId,
        drafts: &[Draft],
        now_ms: i64,
    ) -> Result<Written, NotifyError> {
        let Some(inner) = &self.inner else {
            return Ok(Written::default());
        };
        let prefs = store_push::preferences(store, user).await?;
        let wanted: Vec<&Draft> = drafts.iter().filter(|d| d.kind.wanted(&prefs)).collect();
        let mut written = Written {
            dropped: u32::try_from(drafts.len() - wanted.len()).unwrap_or(u32::MAX),
            ..Written::default()
        };
        if wanted.is_empty() {
            return Ok(written);
        }
        let mut tx = begin_write(store).await?;
        let hour_ago = now_ms - 3_600_000;
        let room = inner.settings.max_per_hour
            - store_push::written_since(&mut tx, user, hour_ago).await?;
        let room = usize::try_from(room.max(0)).unwrap_or(0);
        for draft in wanted.iter().take(room) {
            written.deliveries += store_push::write(&mut tx, user, draft, now_ms).await?;
            written.notifications += 1;
        }
        written.dropped += u32::try_from(wanted.len().saturating_sub(room)).unwrap_or(u32::MAX);
        if written.deliveries > 0
            && let Some(scheduler) = inner
                .scheduler
                .get()
                .and_then(queue::WeakScheduler::upgrade)
        {
            let task = queue::EventTask {
                job_id: JOB_ID,
                user_id: user.0,
                params: serde_json::json!({}),
                not_before_ms: now_ms,
                actor: "push",
            };
            scheduler.enqueue(tx.queue_tx(), &task).await?;
        }
        tx.commit().await?;
        if written.dropped > 0 {
            tracing::info!(
                user = user.0,
                dropped = written.dropped,
                "notifications not sent (preferences or hourly limit)"
            );
        }
        Ok(written)
    }
}
