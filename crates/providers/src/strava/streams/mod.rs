//! Activity streams (docs/providers.md §1.4): the keyed form (`key_by_type=true`) and the array
//! form parse into one [`StreamSet`]. Gaps (`null`) stay gaps; unequal lengths are truncated to the
//! shortest and flagged; streams we do not ask for (`latlng`, `cadence`, …) are ignored.
//!
//! [`StreamSet::from_json`] decodes the body's bytes directly (`typed`); the `Value` walk of
//! [`StreamSet::from_value`] is the reference and decides every body the typed decoder refuses.

#[cfg(test)]
mod equivalence_tests;
mod samples;
mod typed;

use serde_json::Value;

use crate::decode;

/// The stream types requested, in the `keys` parameter's order.
pub const STREAM_KEYS: &str =
    "time,watts,heartrate,velocity_smooth,distance,altitude,grade_smooth,moving";

/// The streams of one activity, index-aligned. A stream the activity lacks is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamSet {
    /// Seconds from the start (not necessarily 1 Hz: resample on it, never on the index).
    pub time_s: Option<Vec<Option<i64>>>,
    /// Power, W.
    pub watts: Option<Vec<Option<i64>>>,
    /// Heart rate, bpm.
    pub heartrate_bpm: Option<Vec<Option<i64>>>,
    /// Smoothed speed, m/s.
    pub velocity_smooth_m_per_s: Option<Vec<Option<f64>>>,
    /// Distance from the start, m.
    pub distance_m: Option<Vec<Option<f64>>>,
    /// Altitude, m.
    pub altitude_m: Option<Vec<Option<f64>>>,
    /// Smoothed grade, %.
    pub grade_smooth_pct: Option<Vec<Option<f64>>>,
    /// Whether the athlete was moving.
    pub moving: Option<Vec<Option<bool>>>,
    /// When the streams had unequal lengths: the longest length before truncation.
    pub truncated_from_len: Option<usize>,
}

/// Why a streams body is not a stream set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamsError {
    /// Neither an object nor an array at the top.
    #[error("streams body is neither an object nor an array")]
    NotAStreamSet,
    /// A known stream without a `data` array.
    #[error("stream {0:?} has no data array")]
    NoData(String),
}

/// Why a streams body could not be used: not JSON, or JSON that is not a stream set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StreamsBodyError {
    /// The body is not JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The body is JSON but not a stream set.
    #[error(transparent)]
    Streams(#[from] StreamsError),
}

impl StreamSet {
    /// Parses a streams body, the keyed or the array form, from its bytes: the same set, or the
    /// same error, as parsing it into a `Value` and calling [`StreamSet::from_value`].
    ///
    /// # Errors
    /// The body is not JSON, or not a stream set.
    pub fn from_json(body: &[u8]) -> Result<Self, StreamsBodyError> {
        if let Some(typed::Typed(mut set)) = decode::typed(body) {
            set.truncate_to_shortest();
            return Ok(set);
        }
        let value: Value = serde_json::from_slice(body)?;
        Ok(Self::from_value(&value)?)
    }

    /// Parses the keyed or the array form.
    pub fn from_value(value: &Value) -> Result<Self, StreamsError> {
        let mut set = Self::default();
        match value {
            Value::Object(keyed) => {
                for (name, stream) in keyed {
                    set.insert(name, stream)?;
                }
            }
            Value::Array(items) => {
                for stream in items {
                    let name = stream.get("type").and_then(Value::as_str).unwrap_or("");
                    set.insert(name, stream)?;
                }
            }
            _ => return Err(StreamsError::NotAStreamSet),
        }
        set.truncate_to_shortest();
        Ok(set)
    }

    /// Number of samples (all present streams have it after parsing); 0 for `{}`.
    pub fn len(&self) -> usize {
        self.lengths().into_iter().min().unwrap_or(0)
    }

    /// Whether no stream is present, or all are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn insert(&mut self, name: &str, stream: &Value) -> Result<(), StreamsError> {
        let data = || {
            stream
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| StreamsError::NoData(name.to_owned()))
        };
        match name {
            "time" => self.time_s = Some(data()?.iter().map(integer).collect()),
            "watts" => self.watts = Some(data()?.iter().map(integer).collect()),
            "heartrate" => self.heartrate_bpm = Some(data()?.iter().map(integer).collect()),
            "velocity_smooth" => {
                self.velocity_smooth_m_per_s = Some(data()?.iter().map(Value::as_f64).collect());
            }
            "distance" => self.distance_m = Some(data()?.iter().map(Value::as_f64).collect()),
            "altitude" => self.altitude_m = Some(data()?.iter().map(Value::as_f64).collect()),
            "grade_smooth" => {
                self.grade_smooth_pct = Some(data()?.iter().map(Value::as_f64).collect());
            }
            "moving" => self.moving = Some(data()?.iter().map(Value::as_bool).collect()),
            _ => {}
        }
        Ok(())
    }

    fn lengths(&self) -> Vec<usize> {
        [
            self.time_s.as_ref().map(Vec::len),
            self.watts.as_ref().map(Vec::len),
            self.heartrate_bpm.as_ref().map(Vec::len),
            self.velocity_smooth_m_per_s.as_ref().map(Vec::len),
            self.distance_m.as_ref().map(Vec::len),
            self.altitude_m.as_ref().map(Vec::len),
            self.grade_smooth_pct.as_ref().map(Vec::len),
            self.moving.as_ref().map(Vec::len),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn truncate_to_shortest(&mut self) {
        let lengths = self.lengths();
        let (Some(&shortest), Some(&longest)) = (lengths.iter().min(), lengths.iter().max()) else {
            return;
        };
        if shortest == longest {
            return;
        }
        self.truncated_from_len = Some(longest);
        cut(&mut self.time_s, shortest);
        cut(&mut self.watts, shortest);
        cut(&mut self.heartrate_bpm, shortest);
        cut(&mut self.velocity_smooth_m_per_s, shortest);
        cut(&mut self.distance_m, shortest);
        cut(&mut self.altitude_m, shortest);
        cut(&mut self.grade_smooth_pct, shortest);
        cut(&mut self.moving, shortest);
    }
}

fn cut<T>(stream: &mut Option<Vec<T>>, len: usize) {
    if let Some(samples) = stream {
        samples.truncate(len);
    }
}

/// An integer sample; a float is rounded, anything else (including `null`) is a gap.
fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| rounded(value.as_f64()?))
}

/// A float sample of an integer stream, rounded; beyond ±2^53 it is a gap.
fn rounded(float: f64) -> Option<i64> {
    let float = float.round();
    // Samples beyond ±2^53 are nonsense for time, power or heart rate: treat as gaps.
    (float.abs() < 9_007_199_254_740_992.0).then(|| {
        #[expect(clippy::cast_possible_truncation, reason = "range checked just above")]
        let sample = float as i64;
        sample
    })
}

/// `{}`: what Strava sends for an activity without streams.
#[cfg(test)]
fn empty() -> Value {
    Value::Object(serde_json::Map::new())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_empty_object_is_a_valid_empty_set() {
        let set = StreamSet::from_value(&empty()).unwrap();
        assert!(set.is_empty());
        assert_eq!(set.time_s, None);
    }

    #[test]
    fn keyed_and_array_forms_give_the_same_set() {
        let keyed = json!({"distance": {"data": [1.5, 3.0], "series_type": "distance"}});
        let array = json!([{"type": "distance", "data": [1.5, 3.0], "series_type": "distance"}]);
        assert_eq!(
            StreamSet::from_value(&keyed).unwrap(),
            StreamSet::from_value(&array).unwrap()
        );
    }

    #[test]
    fn unequal_lengths_are_truncated_to_the_shortest_and_flagged() {
        let value = json!({"time": {"data": [0, 1, 2]}, "watts": {"data": [100, null]}});
        let set = StreamSet::from_value(&value).unwrap();
        assert_eq!(set.time_s, Some(vec![Some(0), Some(1)]));
        assert_eq!(set.watts, Some(vec![Some(100), None]));
        assert_eq!(set.truncated_from_len, Some(3));
    }

    #[test]
    fn a_known_stream_without_data_is_an_error() {
        let value = json!({"time": {"series_type": "time"}});
        assert_eq!(
            StreamSet::from_value(&value),
            Err(StreamsError::NoData("time".into()))
        );
        assert_eq!(
            StreamSet::from_value(&json!(3)),
            Err(StreamsError::NotAStreamSet)
        );
    }
}
