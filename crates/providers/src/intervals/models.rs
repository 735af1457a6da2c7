//! Intervals.icu models (docs/providers.md §3): the athlete, wellness records, activity stubs.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer};

use crate::{decode, lenient};

/// What is kept of `GET /api/v1/athlete/{id}` (the answer also holds the API key and personal
/// data, which are neither kept nor logged).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IntervalsAthlete {
    /// The athlete id exactly as returned (e.g. `i12345`); later calls use it.
    #[serde(deserialize_with = "text")]
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// IANA zone, for the athlete's "today".
    #[serde(default)]
    pub timezone: Option<String>,
}

/// One day of wellness (field table of docs/providers.md §3). Any value may be absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WellnessRecord {
    /// The athlete-local day (the record's `id`).
    pub date: Date,
    /// Last change.
    pub updated: Option<Timestamp>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<i32>,
    /// rMSSD, ms.
    pub hrv_rmssd_ms: Option<f64>,
    /// SDNN, ms.
    pub hrv_sdnn_ms: Option<f64>,
    /// Time asleep, s.
    pub sleep_s: Option<i64>,
    /// Device sleep score (scale set by the device).
    pub sleep_score: Option<f64>,
    /// Subjective sleep quality 1 (great) … 4 (poor).
    pub sleep_quality: Option<u8>,
    /// Average heart rate asleep, bpm.
    pub avg_sleeping_hr_bpm: Option<f64>,
    /// Device readiness score (scale set by the device).
    pub readiness: Option<f64>,
    /// Subjective 1 (low) … 4 (extreme).
    pub soreness: Option<u8>,
    /// Subjective 1 (low) … 4 (extreme).
    pub fatigue: Option<u8>,
    /// Subjective 1 (low) … 4 (extreme).
    pub stress: Option<u8>,
    /// Subjective 1 (great) … 4 (grumpy).
    pub mood: Option<u8>,
    /// Subjective 1–4, direction unverified.
    pub motivation: Option<u8>,
    /// Subjective 1–4, labels unverified.
    pub injury: Option<u8>,
    /// Body weight, kg.
    pub weight_kg: Option<f64>,
    /// Body fat, %.
    pub body_fat_pct: Option<f64>,
    /// Blood oxygen saturation, %.
    pub spo2_pct: Option<f64>,
    /// Respiration, breaths per minute.
    pub respiration_per_min: Option<f64>,
    /// Steps.
    pub steps: Option<i64>,
    /// Energy consumed, kcal.
    pub kcal_consumed: Option<i64>,
    /// VO2max, ml/kg/min.
    pub vo2max_ml_per_kg_min: Option<f64>,
    /// Hydration as sent (scale unconfirmed, probably 1–4).
    pub hydration: Option<i64>,
    /// The weight is temporary (not for threshold updates).
    pub temp_weight: Option<bool>,
    /// The resting heart rate is temporary.
    pub temp_resting_hr: Option<bool>,
    /// Intervals.icu's fitness (CTL), for comparison only.
    pub ctl: Option<f64>,
    /// Intervals.icu's fatigue (ATL), for comparison only.
    pub atl: Option<f64>,
    /// Intervals.icu's ramp rate, for comparison only.
    pub ramp_rate: Option<f64>,
}

/// Why a wellness item was not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WellnessItemError {
    /// The JSON did not have the expected types.
    #[error("unexpected JSON: {0}")]
    Json(String),
    /// `id` is absent or not a `YYYY-MM-DD` date.
    #[error("id is not a date")]
    NoDate,
}

impl WellnessRecord {
    /// Parses one record; fails only when its `id` is not a date or types are wrong.
    pub fn from_value(value: serde_json::Value) -> Result<Self, WellnessItemError> {
        let raw: RawWellness = serde_json::from_value(value)
            .map_err(|error| WellnessItemError::Json(error.to_string()))?;
        raw.into_record()
    }

    /// Parses a wellness body: each record, or why it is unusable, exactly as
    /// [`WellnessRecord::from_value`] on each item of the body's `Value` (see [`decode`]).
    pub(crate) fn page_from_json(
        body: &[u8],
    ) -> Result<Vec<Result<Self, WellnessItemError>>, serde_json::Error> {
        decode::items(body, RawWellness::into_record, Self::from_value)
    }
}

impl RawWellness {
    fn into_record(self) -> Result<WellnessRecord, WellnessItemError> {
        let date = self
            .id
            .as_deref()
            .and_then(|id| id.parse::<Date>().ok())
            .ok_or(WellnessItemError::NoDate)?;
        let subjective = |field: &str, value: Option<i64>| one_to_four(date, field, value);
        Ok(WellnessRecord {
            date,
            updated: self
                .updated
                .as_deref()
                .and_then(|text| timestamp(date, text)),
            resting_hr_bpm: self.resting_hr,
            hrv_rmssd_ms: self.hrv,
            hrv_sdnn_ms: self.hrv_sdnn,
            sleep_s: self.sleep_secs,
            sleep_score: self.sleep_score,
            sleep_quality: subjective("sleepQuality", self.sleep_quality),
            avg_sleeping_hr_bpm: self.avg_sleeping_hr,
            readiness: self.readiness,
            soreness: subjective("soreness", self.soreness),
            fatigue: subjective("fatigue", self.fatigue),
            stress: subjective("stress", self.stress),
            mood: subjective("mood", self.mood),
            motivation: subjective("motivation", self.motivation),
            injury: subjective("injury", self.injury),
            weight_kg: self.weight,
            body_fat_pct: self.body_fat,
            spo2_pct: self.spo2,
            respiration_per_min: self.respiration,
            steps: self.steps,
            kcal_consumed: self.kcal_consumed,
            vo2max_ml_per_kg_min: self.vo2max,
            hydration: self.hydration,
            temp_weight: self.temp_weight,
            temp_resting_hr: self.temp_resting_hr,
            ctl: self.ctl,
            atl: self.atl,
            ramp_rate: self.ramp_rate,
        })
    }
}

/// A subjective value in 1..=4, else `None` with a warning (the value itself is health data and
/// is not logged).
fn one_to_four(date: Date, field: &str, value: Option<i64>) -> Option<u8> {
    let value = value?;
    let scaled = u8::try_from(value)
        .ok()
        .filter(|value| (1..=4).contains(value));
    if scaled.is_none() {
        tracing::warn!(%date, field, "subjective wellness value outside 1..=4 dropped");
    }
    scaled
}

/// Parses `updated`: RFC 3339 with `+00:00`, or the `+0000` form Intervals.icu also sends.
fn timestamp(date: Date, text: &str) -> Option<Timestamp> {
    let parsed = text.parse::<Timestamp>().ok().or_else(|| {
        let split = text.len().checked_sub(5)?;
        let (head, offset) = (text.get(..split)?, text.get(split..)?);
        let (sign, digits) = offset.split_at(1);
        let numeric = digits.bytes().all(|byte| byte.is_ascii_digit());
        ((sign == "+" || sign == "-") && numeric)
            .then(|| format!("{head}{sign}{}:{}", &digits[..2], &digits[2..]))?
            .parse::<Timestamp>()
            .ok()
    });
    if parsed.is_none() {
        tracing::warn!(%date, "wellness updated time unreadable");
    }
    parsed
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawWellness {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default, rename = "restingHR", deserialize_with = "lenient::opt_int")]
    resting_hr: Option<i32>,
    #[serde(default)]
    hrv: Option<f64>,
    #[serde(default, rename = "hrvSDNN")]
    hrv_sdnn: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    sleep_secs: Option<i64>,
    #[serde(default)]
    sleep_score: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    sleep_quality: Option<i64>,
    #[serde(default, rename = "avgSleepingHR")]
    avg_sleeping_hr: Option<f64>,
    #[serde(default)]
    readiness: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    soreness: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    fatigue: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    stress: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    mood: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    motivation: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    injury: Option<i64>,
    #[serde(default)]
    weight: Option<f64>,
    #[serde(default)]
    body_fat: Option<f64>,
    #[serde(default, rename = "spO2")]
    spo2: Option<f64>,
    #[serde(default)]
    respiration: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    steps: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    kcal_consumed: Option<i64>,
    #[serde(default)]
    vo2max: Option<f64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    hydration: Option<i64>,
    #[serde(default)]
    temp_weight: Option<bool>,
    #[serde(default, rename = "tempRestingHR")]
    temp_resting_hr: Option<bool>,
    #[serde(default)]
    ctl: Option<f64>,
    #[serde(default)]
    atl: Option<f64>,
    #[serde(default)]
    ramp_rate: Option<f64>,
}

/// An item of an Intervals.icu activity list. No activity endpoint is called (activities come
/// from Strava); this exists so that direct uploads, if ever read, skip the Strava stubs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActivityItem {
    /// Intervals.icu's activity id.
    #[serde(deserialize_with = "text")]
    pub id: String,
    /// Where the activity came from (`STRAVA` for stubs).
    #[serde(default)]
    pub source: Option<String>,
    /// Activity type; stubs have none.
    #[serde(default, rename = "type")]
    pub activity_type: Option<String>,
}

impl ActivityItem {
    /// Whether this is a stub of an activity imported from Strava, which the API does not expose.
    pub fn is_strava_stub(&self) -> bool {
        self.source.as_deref() == Some("STRAVA")
    }
}

/// A string or a number, as text (ids are strings in the spec; be tolerant of numbers).
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        _ => Err(serde::de::Error::custom("id must be a string or a number")),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn both_offset_forms_of_updated_give_the_same_instant() {
        let day = date(2021, 1, 1);
        let compact = timestamp(day, "2021-01-01T15:14:22.925+0000").unwrap();
        let extended = timestamp(day, "2021-01-01T15:14:22.925+00:00").unwrap();
        assert_eq!(compact, extended);
        assert_eq!(compact.as_millisecond(), 1_609_514_062_925);
        assert!(timestamp(day, "yesterday").is_none());
    }

    #[test]
    fn subjective_values_outside_one_to_four_become_none() {
        let value = serde_json::json!({"id": "2025-01-01", "mood": 7, "stress": 0, "fatigue": 4});
        let record = WellnessRecord::from_value(value).unwrap();
        assert_eq!(
            (record.mood, record.stress, record.fatigue),
            (None, None, Some(4))
        );
    }

    #[test]
    fn a_wellness_body_is_read_item_by_item_as_through_value() {
        let plain = r#"[{"id": "2025-01-01", "restingHR": 47.0, "hrvSDNN": 61.5, "mood": 2,
            "updated": "2025-01-02T06:01:02.345+0000", "systolic": null, "sleepSecs": 27000},
            {"id": "2025-01-02", "weight": 70}]"#;
        let odd = r#"[{"id": "2025-01-01", "restingHR": 47}, {"id": "2025-01-02", "hrv": "x"},
            {"id": 20250103}, {"id": "later"}, {"id": "2025-01-04", "id": "2025-01-05"}]"#;
        for body in [plain, odd, "{}", "[", ""] {
            let reference = serde_json::from_str::<Vec<serde_json::Value>>(body).map(|items| {
                items
                    .into_iter()
                    .map(WellnessRecord::from_value)
                    .collect::<Vec<_>>()
            });
            let decoded = WellnessRecord::page_from_json(body.as_bytes());
            match (decoded, reference) {
                (Ok(decoded), Ok(reference)) => assert_eq!(decoded, reference, "body: {body}"),
                (Err(decoded), Err(reference)) => {
                    assert_eq!(decoded.to_string(), reference.to_string());
                }
                (decoded, reference) => panic!("{body}: {decoded:?} against {reference:?}"),
            }
        }
        let odd = WellnessRecord::page_from_json(odd.as_bytes()).unwrap();
        assert!(odd[0].is_ok() && odd[1].is_err() && odd[2].is_err());
        assert_eq!(odd[4].as_ref().unwrap().date, date(2025, 1, 5));
    }

    #[test]
    fn a_record_without_a_date_id_is_refused() {
        let value = serde_json::json!({"id": "yesterday", "weight": 70.0});
        assert_eq!(
            WellnessRecord::from_value(value),
            Err(WellnessItemError::NoDate)
        );
    }
}
