-- The athlete API's reads (issue #6 §2): the activity list pages newest first in SQL, and the
-- sync status finds an athlete's latest onboarding progress without scanning the outbox.
CREATE INDEX activities_live_by_user_start ON activities (user_id, start_at_ms, id)
    WHERE deleted_at_ms IS NULL;
CREATE INDEX events_by_user_kind ON events (user_id, kind, id);
