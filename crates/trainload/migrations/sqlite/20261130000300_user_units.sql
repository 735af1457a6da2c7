-- The athlete's display units (issue #6 §3): every page formats distance, speed/pace and
-- elevation in them. Stored values stay SI.
ALTER TABLE users ADD COLUMN units TEXT NOT NULL DEFAULT 'metric'; -- metric | imperial
