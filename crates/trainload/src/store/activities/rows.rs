//! The private row of the `activities` table and its conversion to [`Activity`].

use super::{Activity, ActivityId, ActivitySummary, StreamsState};
use crate::store::StoreError;
use crate::store::users::UserId;

#[derive(sqlx::FromRow)]
pub(super) struct ActivityRow {
    id: i64,
    user_id: i64,
    provider: String,
    external_id: String,
    upload_external_id: Option<String>,
    sport_type: String,
    legacy_type: Option<String>,
    sport: String,
    name: Option<String>,
    start_at_ms: i64,
    utc_offset_s: i64,
    time_zone: Option<String>,
    local_date: String,
    elapsed_s: Option<i64>,
    moving_s: Option<i64>,
    distance_m: Option<f64>,
    elevation_gain_m: Option<f64>,
    average_speed_mps: Option<f64>,
    max_speed_mps: Option<f64>,
    average_hr_bpm: Option<f64>,
    max_hr_bpm: Option<f64>,
    average_watts: Option<f64>,
    weighted_average_watts: Option<f64>,
    max_watts: Option<f64>,
    kilojoules: Option<f64>,
    device_watts: Option<bool>,
    trainer: bool,
    commute: bool,
    manual: bool,
    is_private: bool,
    visibility: Option<String>,
    content_hash: String,
    revision: i64,
    streams_state: String,
    streams_attempts: i64,
    streams_next_try_at_ms: Option<i64>,
    first_seen_at_ms: i64,
    last_seen_at_ms: i64,
    updated_at_ms: i64,
    deleted_at_ms: Option<i64>,
    delete_reason: Option<String>,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = StoreError;

    fn try_from(row: ActivityRow) -> Result<Self, StoreError> {
        let corrupt = |column, detail: String| StoreError::Corrupt { column, detail };
        let utc_offset_s = i32::try_from(row.utc_offset_s)
            .map_err(|e| corrupt("activities.utc_offset_s", e.to_string()))?;
        let local_date = row
            .local_date
            .parse()
            .map_err(|e: jiff::Error| corrupt("activities.local_date", e.to_string()))?;
        let summary = ActivitySummary {
            provider: row
                .provider
                .parse()
                .map_err(|e: providers::budget::UnknownProvider| {
                    corrupt("activities.provider", e.to_string())
                })?,
            external_id: row.external_id,
            upload_external_id: row.upload_external_id,
            sport_type: row.sport_type,
            legacy_type: row.legacy_type,
            sport: row.sport,
            name: row.name,
            start_at_ms: row.start_at_ms,
            utc_offset_s,
            time_zone: row.time_zone,
            elapsed_s: row.elapsed_s,
            moving_s: row.moving_s,
            distance_m: row.distance_m,
            elevation_gain_m: row.elevation_gain_m,
            average_speed_mps: row.average_speed_mps,
            max_speed_mps: row.max_speed_mps,
            average_hr_bpm: row.average_hr_bpm,
            max_hr_bpm: row.max_hr_bpm,
            average_watts: row.average_watts,
            weighted_average_watts: row.weighted_average_watts,
            max_watts: row.max_watts,
            kilojoules: row.kilojoules,
            device_watts: row.device_watts,
            trainer: row.trainer,
            commute: row.commute,
            manual: row.manual,
            is_private: row.is_private,
            visibility: row.visibility,
        };
        Ok(Self {
            id: ActivityId(row.id),
            user: UserId(row.user_id),
            summary,
            local_date,
            content_hash: row.content_hash,
            revision: row.revision,
            streams_state: StreamsState::parse(&row.streams_state)?,
            streams_attempts: row.streams_attempts,
            streams_next_try_at_ms: row.streams_next_try_at_ms,
            first_seen_at_ms: row.first_seen_at_ms,
            last_seen_at_ms: row.last_seen_at_ms,
            updated_at_ms: row.updated_at_ms,
            deleted_at_ms: row.deleted_at_ms,
            delete_reason: row.delete_reason,
        })
    }
}
