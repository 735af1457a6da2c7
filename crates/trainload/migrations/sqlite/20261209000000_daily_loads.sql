-- Daily load sums per athlete and local date: the UTL of the day's live activities, overall
-- and per sport group, summed in the science crate's canonical order so the daily series
-- rebuilt from these rows is bit-identical to one summed from every load. One row per day
-- (not per group) because the overall sum is not the sum of the group sums in floating point.
-- A row exists when the day has at least one load (a day of zero loads can start the history).
CREATE TABLE daily_loads (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,                   -- YYYY-MM-DD, the activities' local date
    loads BIGINT NOT NULL,                      -- loads summed (>= 1)
    overall DOUBLE PRECISION NOT NULL,
    running DOUBLE PRECISION NOT NULL,
    cycling DOUBLE PRECISION NOT NULL,
    swimming DOUBLE PRECISION NOT NULL,
    other DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, local_date)
);

-- Athletes whose rows are still to be built from all their loads: every athlete of the database
-- when the table arrives; their first read builds them and removes the mark. An athlete added
-- later starts with no loads, so their rows are complete from the start.
CREATE TABLE daily_loads_pending (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE
);
INSERT INTO daily_loads_pending (user_id) SELECT id FROM users;
