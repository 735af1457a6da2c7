//! Strava response models (docs/providers.md §1.2–§1.3), parsed tolerantly.
//!
//! Each model has a private raw form that mirrors the JSON (unknown fields ignored, every field
//! optional, integers lenient, see [`crate::lenient`]) and a public form with units in the names.
//! `upload_id` is deliberately not read: a published example holds `987654321234567891234`.

use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

use crate::{decode, lenient};

/// One activity of a listing, or the detail of one (the detail shape is a superset).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryActivity {
    /// Strava's activity id (exceeds 2^32).
    pub id: i64,
    /// The start instant (UTC).
    pub start_date: Timestamp,
    /// The activity's name.
    pub name: Option<String>,
    /// `sport_type` as sent, or the deprecated `type` when it is absent.
    pub sport_type: Option<String>,
    /// The deprecated `type`, as sent.
    pub legacy_type: Option<String>,
    /// Offset of local time from UTC at the start, seconds (sent as a float).
    pub utc_offset_s: Option<i32>,
    /// IANA zone name (`"(GMT-05:00) America/New_York"` → `America/New_York`).
    pub timezone: Option<String>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Moving time, s.
    pub moving_time_s: Option<i64>,
    /// Elapsed time, s.
    pub elapsed_time_s: Option<i64>,
    /// Total elevation gain, m.
    pub total_elevation_gain_m: Option<f64>,
    /// Highest elevation, m.
    pub elev_high_m: Option<f64>,
    /// Lowest elevation, m.
    pub elev_low_m: Option<f64>,
    /// Average speed, m/s.
    pub average_speed_m_per_s: Option<f64>,
    /// Maximum speed, m/s.
    pub max_speed_m_per_s: Option<f64>,
    /// Whether heart rate was recorded.
    pub has_heartrate: Option<bool>,
    /// Average heart rate, bpm.
    pub average_heartrate_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_heartrate_bpm: Option<f64>,
    /// Average power, W.
    pub average_watts: Option<f64>,
    /// Weighted average power, W.
    pub weighted_average_watts: Option<f64>,
    /// Maximum power, W.
    pub max_watts: Option<f64>,
    /// Work, kJ.
    pub kilojoules: Option<f64>,
    /// `false`: the power is Strava's estimate, not a power meter.
    pub device_watts: Option<bool>,
    /// Average cadence, rpm (or steps per minute per leg for runs).
    pub average_cadence: Option<f64>,
    /// Recorded on a trainer.
    pub trainer: Option<bool>,
    /// Marked as a commute.
    pub commute: Option<bool>,
    /// Entered by hand (no streams).
    pub manual: Option<bool>,
    /// Only You.
    pub private: Option<bool>,
    /// `everyone`, `followers_only`, `only_me`.
    pub visibility: Option<String>,
    /// Strava's workout type code.
    pub workout_type: Option<i64>,
    /// Recording device.
    pub device_name: Option<String>,
    /// Gear id.
    pub gear_id: Option<String>,
    /// Upload id as text.
    pub upload_id_str: Option<String>,
    /// The owner's athlete id.
    pub athlete_id: Option<i64>,
    /// Strava's `external_id`: the upload's own file name, never our key.
    pub upload_external_id: Option<String>,
}

/// Why an activity item could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemError {
    /// The JSON did not have the expected types.
    #[error("unexpected JSON: {0}")]
    Json(String),
    /// `id` is absent.
    #[error("no id")]
    MissingId,
    /// `start_date` is absent or not a timestamp.
    #[error("no usable start_date")]
    MissingStartDate,
}

impl SummaryActivity {
    /// Parses one activity object; fails when `id` or `start_date` is missing.
    pub fn from_value(value: serde_json::Value) -> Result<Self, ItemError> {
        let raw: RawActivity =
            serde_json::from_value(value).map_err(|error| ItemError::Json(error.to_string()))?;
        raw.into_activity()
    }

    /// Parses a listing page's body: each item's activity or why it is unusable, exactly as
    /// [`SummaryActivity::from_value`] on each item of the body's `Value` (see [`decode`]).
    pub(crate) fn page_from_json(
        body: &[u8],
    ) -> Result<Vec<Result<Self, ItemError>>, serde_json::Error> {
        decode::items(body, RawActivity::into_activity, Self::from_value)
    }

    /// Parses one activity's body (the detail), exactly as [`SummaryActivity::from_value`] on
    /// the body's `Value`.
    pub(crate) fn from_json(body: &[u8]) -> Result<Result<Self, ItemError>, serde_json::Error> {
        if let Some(raw) = decode::typed::<RawActivity>(body) {
            return Ok(raw.into_activity());
        }
        let value = serde_json::from_slice(body)?;
        Ok(Self::from_value(value))
    }
}

/// The IANA name in Strava's `"(GMT-05:00) America/New_York"`; other forms are kept as sent.
pub fn iana_zone(timezone: &str) -> String {
    match timezone
        .strip_prefix('(')
        .and_then(|rest| rest.split_once(") "))
    {
        Some((_, name)) => name.trim().to_owned(),
        None => timezone.trim().to_owned(),
    }
}

#[derive(Debug, Deserialize)]
struct RawActivity {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    id: Option<i64>,
    #[serde(default)]
    start_date: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    sport_type: Option<String>,
    #[serde(default, rename = "type")]
    legacy_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    utc_offset: Option<i32>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    distance: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    moving_time: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    elapsed_time: Option<i64>,
    #[serde(default)]
    total_elevation_gain: Option<f64>,
    #[serde(default)]
    elev_high: Option<f64>,
    #[serde(default)]
    elev_low: Option<f64>,
    #[serde(default)]
    average_speed: Option<f64>,
    #[serde(default)]
    max_speed: Option<f64>,
    #[serde(default)]
    has_heartrate: Option<bool>,
    #[serde(default)]
    average_heartrate: Option<f64>,
    #[serde(default)]
    max_heartrate: Option<f64>,
    #[serde(default)]
    average_watts: Option<f64>,
    #[serde(default)]
    weighted_average_watts: Option<f64>,
    #[serde(default)]
    max_watts: Option<f64>,
    #[serde(default)]
    kilojoules: Option<f64>,
    #[serde(default)]
    device_watts: Option<bool>,
    #[serde(default)]
    average_cadence: Option<f64>,
    #[serde(default)]
    trainer: Option<bool>,
    #[serde(default)]
    commute: Option<bool>,
    #[serde(default)]
    manual: Option<bool>,
    #[serde(default)]
    private: Option<bool>,
    #[serde(default)]
    visibility: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    workout_type: Option<i64>,
    #[serde(default)]
    device_name: Option<String>,
    #[serde(default)]
    gear_id: Option<String>,
    #[serde(default)]
    upload_id_str: Option<String>,
    #[serde(default)]
    athlete: Option<RawAthleteRef>,
    #[serde(default)]
    external_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawAthleteRef {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    id: Option<i64>,
}

impl RawActivity {
    fn into_activity(self) -> Result<SummaryActivity, ItemError> {
        let id = self.id.ok_or(ItemError::MissingId)?;
        let start_date = self
            .start_date
            .as_deref()
            .and_then(|text| text.parse::<Timestamp>().ok())
            .ok_or(ItemError::MissingStartDate)?;
        Ok(SummaryActivity {
            id,
            start_date,
            name: self.name,
            sport_type: self.sport_type.or_else(|| self.legacy_type.clone()),
            legacy_type: self.legacy_type,
            utc_offset_s: self.utc_offset,
            timezone: self.timezone.as_deref().map(iana_zone),
            distance_m: self.distance,
            moving_time_s: self.moving_time,
            elapsed_time_s: self.elapsed_time,
            total_elevation_gain_m: self.total_elevation_gain,
            elev_high_m: self.elev_high,
            elev_low_m: self.elev_low,
            average_speed_m_per_s: self.average_speed,
            max_speed_m_per_s: self.max_speed,
            has_heartrate: self.has_heartrate,
            average_heartrate_bpm: self.average_heartrate,
            max_heartrate_bpm: self.max_heartrate,
            average_watts: self.average_watts,
            weighted_average_watts: self.weighted_average_watts,
            max_watts: self.max_watts,
            kilojoules: self.kilojoules,
            device_watts: self.device_watts,
            average_cadence: self.average_cadence,
            trainer: self.trainer,
            commute: self.commute,
            manual: self.manual,
            private: self.private,
            visibility: self.visibility,
            workout_type: self.workout_type,
            device_name: self.device_name,
            gear_id: self.gear_id,
            upload_id_str: self.upload_id_str,
            athlete_id: self.athlete.and_then(|athlete| athlete.id),
            upload_external_id: self.external_id,
        })
    }
}

/// The athlete summary of a token exchange, or `GET /athlete` (DetailedAthlete, fields we use).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AthleteSummary {
    /// Strava's athlete id: the link key of an integration.
    #[serde(deserialize_with = "lenient::id")]
    pub id: i64,
    /// Public user name.
    #[serde(default)]
    pub username: Option<String>,
    /// First name.
    #[serde(default)]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(default)]
    pub lastname: Option<String>,
    /// `M` or `F` (other values kept as sent).
    #[serde(default)]
    pub sex: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or region.
    #[serde(default)]
    pub state: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// Whether the athlete has a Summit subscription.
    #[serde(default)]
    pub summit: Option<bool>,
    /// Functional threshold power, W (detail only).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub ftp: Option<u32>,
    /// Body weight, kg (detail only).
    #[serde(default, rename = "weight")]
    pub weight_kg: Option<f64>,
    /// `feet` or `meters` (detail only).
    #[serde(default)]
    pub measurement_preference: Option<String>,
}

/// The answer to a token exchange or refresh. Persist it before using the access token.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    /// The access token (6 h).
    pub access_token: SecretString,
    /// The refresh token; it may have rotated.
    pub refresh_token: SecretString,
    /// When the access token expires, epoch s (authoritative).
    pub expires_at_s: i64,
    /// Seconds left, as Strava computed them.
    pub expires_in_s: Option<i64>,
    /// The athlete (exchange only).
    pub athlete: Option<AthleteSummary>,
}

#[derive(Deserialize)]
pub(crate) struct RawTokenGrant {
    access_token: String,
    refresh_token: String,
    #[serde(deserialize_with = "lenient::int")]
    expires_at: i64,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    expires_in: Option<i64>,
    #[serde(default)]
    athlete: Option<AthleteSummary>,
}

impl From<RawTokenGrant> for TokenGrant {
    fn from(raw: RawTokenGrant) -> Self {
        Self {
            access_token: SecretString::from(raw.access_token),
            refresh_token: SecretString::from(raw.refresh_token),
            expires_at_s: raw.expires_at,
            expires_in_s: raw.expires_in,
            athlete: raw.athlete,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezone_keeps_the_iana_name_after_the_standard_offset() {
        assert_eq!(
            iana_zone("(GMT-05:00) America/New_York"),
            "America/New_York"
        );
        assert_eq!(iana_zone("(GMT+05:30) Asia/Kolkata"), "Asia/Kolkata");
        assert_eq!(iana_zone("Europe/Paris"), "Europe/Paris");
    }

    #[test]
    fn sport_type_falls_back_to_the_deprecated_type() {
        let value =
            serde_json::json!({"id": 5, "start_date": "2020-01-01T00:00:00Z", "type": "Ride"});
        let activity = SummaryActivity::from_value(value).unwrap();
        assert_eq!(activity.sport_type.as_deref(), Some("Ride"));
    }

    #[test]
    fn an_item_without_start_date_is_refused() {
        let value = serde_json::json!({"id": 5});
        assert_eq!(
            SummaryActivity::from_value(value),
            Err(ItemError::MissingStartDate)
        );
        let value = serde_json::json!({"start_date": "2020-01-01T00:00:00Z"});
        assert_eq!(
            SummaryActivity::from_value(value),
            Err(ItemError::MissingId)
        );
    }
}
