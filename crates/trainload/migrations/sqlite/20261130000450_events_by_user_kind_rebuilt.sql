-- The sync status finds an athlete's latest event of a kind (onboarding progress) through
-- events_by_user_kind (20261130000200). The live-updates migration (20261130000400) rebuilt the
-- events table on SQLite after it, which dropped that index; create it again. Both were
-- written in parallel and meet here.
CREATE INDEX IF NOT EXISTS events_by_user_kind ON events (user_id, kind, id);
