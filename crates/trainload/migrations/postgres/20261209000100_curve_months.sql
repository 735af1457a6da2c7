-- Per athlete, curve kind and local month, the fold of that month's stored curves (the best
-- value at each chart duration and the fastest time over each distance, with the activity
-- holding it; format in store::curve_fold), so a window of years merges one row per month
-- instead of decoding every activity's curve.
CREATE TABLE curve_months (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                         -- power | speed
    month TEXT NOT NULL,                        -- YYYY-MM, the activities' local month
    activities BIGINT NOT NULL,                 -- curves folded (>= 1)
    encoded BYTEA NOT NULL,
    PRIMARY KEY (user_id, kind, month)
);

-- Athletes whose folds are still to be built from all their curves (as daily_loads_pending).
CREATE TABLE curve_months_pending (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE
);
INSERT INTO curve_months_pending (user_id) SELECT id FROM users;
