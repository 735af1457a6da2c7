-- The SQLite twin re-creates events_by_user_kind, dropped there when 20261130000400 rebuilt the
-- events table. PostgreSQL kept its table and the index, so this is a no-op kept in step.
CREATE INDEX IF NOT EXISTS events_by_user_kind ON events (user_id, kind, id);
