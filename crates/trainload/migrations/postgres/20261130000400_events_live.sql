-- Live updates (issue #6 §4). PostgreSQL identities are never reused, so the table stays; the
-- SQLite twin of this migration rebuilds its table with AUTOINCREMENT for the same guarantee.

-- A reconnecting browser resumes its own events after its Last-Event-ID; retention deletes by age.
CREATE INDEX events_user_id ON events (user_id, id);
CREATE INDEX events_created_at ON events (created_at_ms);
