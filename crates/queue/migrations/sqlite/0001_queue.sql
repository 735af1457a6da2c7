-- The durable scheduler's tables (SCHEDULER.md §4). SQLite: identity columns are INTEGER PRIMARY KEY.
CREATE TABLE schedule (
  job_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  spec TEXT NOT NULL,
  zone TEXT NOT NULL DEFAULT 'UTC',
  next_fire_at_ms BIGINT NOT NULL,
  next_fire_local TEXT,
  next_fire_note TEXT,
  last_scheduled_for_ms BIGINT,
  catch_up_window_ms BIGINT NOT NULL,
  overlap TEXT NOT NULL DEFAULT 'skip',
  jitter_max_ms BIGINT NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 6,
  timeout_ms BIGINT NOT NULL,
  paused BOOLEAN NOT NULL DEFAULT FALSE,
  paused_reason TEXT,
  paused_by TEXT,
  paused_at_ms BIGINT,
  spec_rev INTEGER NOT NULL,
  spec_hash TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at_ms BIGINT NOT NULL
);

CREATE TABLE job_run (
  id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES schedule(job_id),
  idempotency_key TEXT,
  scheduled_for_ms BIGINT,
  nominal_local TEXT,
  trigger_kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  note TEXT,
  tasks_total INTEGER NOT NULL DEFAULT 0,
  tasks_succeeded INTEGER NOT NULL DEFAULT 0,
  tasks_failed INTEGER NOT NULL DEFAULT 0,
  tasks_dead INTEGER NOT NULL DEFAULT 0,
  tasks_cancelled INTEGER NOT NULL DEFAULT 0,
  users_deduped INTEGER NOT NULL DEFAULT 0,
  summary TEXT,
  created_at_ms BIGINT NOT NULL,
  started_at_ms BIGINT,
  finished_at_ms BIGINT,
  UNIQUE (job_id, scheduled_for_ms),
  UNIQUE (job_id, idempotency_key)
);
CREATE INDEX job_run_by_job ON job_run (job_id, id);

CREATE TABLE task (
  id INTEGER PRIMARY KEY,
  run_id BIGINT NOT NULL REFERENCES job_run(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  user_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  waits INTEGER NOT NULL DEFAULT 0,
  not_before_ms BIGINT NOT NULL,
  fair_seq INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at_ms BIGINT,
  fence BIGINT NOT NULL DEFAULT 0,
  last_error_class TEXT,
  last_error TEXT,
  result TEXT,
  created_at_ms BIGINT NOT NULL,
  first_started_at_ms BIGINT,
  started_at_ms BIGINT,
  finished_at_ms BIGINT,
  UNIQUE (run_id, user_id, kind)
);
CREATE UNIQUE INDEX task_one_live_per_user ON task (user_id, kind) WHERE state IN ('ready', 'leased');
CREATE INDEX task_claim ON task (not_before_ms, fair_seq) WHERE state = 'ready';
CREATE INDEX task_leases ON task (lease_expires_at_ms) WHERE state = 'leased';
CREATE INDEX task_by_run ON task (run_id, state);

CREATE TABLE scheduler_node (
  node_id TEXT PRIMARY KEY,
  host TEXT,
  pid INTEGER,
  build TEXT,
  mode TEXT,
  started_at_ms BIGINT NOT NULL,
  last_seen_at_ms BIGINT NOT NULL,
  stopped_at_ms BIGINT
);
