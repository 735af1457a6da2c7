-- Web Push (docs/push.md): the devices an athlete subscribed, what they want to hear about, the
-- notifications written for them, and each notification's delivery to each device.

-- One row per browser subscription. The endpoint is the push service's URL for that browser: it
-- is useless without our VAPID key, so it stays readable (and unique); the subscription's
-- encryption keys are sealed like the provider tokens.
CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL UNIQUE,
    keys_sealed BLOB NOT NULL,
    device TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_delivered_at_ms BIGINT
);
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

-- No row means every kind is on.
CREATE TABLE push_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    activities BOOLEAN NOT NULL,
    thresholds BOOLEAN NOT NULL,
    summaries BOOLEAN NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE push_notifications (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('activity', 'thresholds', 'summary', 'test')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX push_notifications_by_user ON push_notifications (user_id, created_at_ms);

-- A notification's fate on one device: pending until sent, expired (older than a day when its
-- turn came) or rejected (the push service refused it for good).
CREATE TABLE push_deliveries (
    notification_id BIGINT NOT NULL REFERENCES push_notifications(id) ON DELETE CASCADE,
    subscription_id BIGINT NOT NULL REFERENCES push_subscriptions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'expired', 'rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (notification_id, subscription_id)
);
CREATE INDEX push_deliveries_pending ON push_deliveries (user_id, state);
