-- Training zones (docs/science.md, "Zones"). An athlete's edited boundaries, one JSON object
-- {"power": [...], "heart_rate": [...], "pace": [...]} of percentages of the threshold; no row
-- means the defaults.
CREATE TABLE zone_settings (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,                         -- JSON
    updated_at_ms BIGINT NOT NULL
);

-- Each activity's time in zone, computed with its load from the streams, the thresholds in
-- force on its date and the athlete's boundaries: a JSON list, one entry per zone model.
CREATE TABLE activity_zone_times (
    activity_id BIGINT PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    body TEXT NOT NULL,                         -- JSON
    computed_at_ms BIGINT NOT NULL
);
