//! The typed decoder against the `Value` path: every body gives the same set or the same error.

use serde_json::Value;

use super::typed::Typed;
use super::{StreamSet, StreamsBodyError};
use crate::decode;

/// What the `Value` path made of a body: the set, or the error's text.
fn reference(body: &str) -> Result<StreamSet, String> {
    let value: Value = serde_json::from_str(body).map_err(|error| error.to_string())?;
    StreamSet::from_value(&value).map_err(|error| error.to_string())
}

fn decoded(body: &str) -> Result<StreamSet, String> {
    StreamSet::from_json(body.as_bytes()).map_err(|error| error.to_string())
}

/// Whether the typed decoder took the body itself (rather than stepping aside).
fn typed_took(body: &str) -> bool {
    decode::typed::<Typed>(body.as_bytes()).is_some()
}

fn assert_same(body: &str) {
    assert_eq!(decoded(body), reference(body), "body: {body}");
}

#[test]
fn plain_bodies_are_decoded_by_the_typed_path_into_the_same_set() {
    let bodies = [
        "{}",
        "[]",
        r#"{"time": {"data": [0, 1, 2], "series_type": "distance", "original_size": 3,
            "resolution": "high"}, "watts": {"data": [100, null, 120]}}"#,
        r#"{"moving": {"data": [true, false, null]}, "distance": {"data": [0, 1.5, 3]}}"#,
        r#"[{"type": "distance", "data": [1.7, 3.9, 8]}, {"type": "time", "data": [0, 1, 2]}]"#,
        r#"{"latlng": {"data": [[1.5, 2.5], [1.6, 2.6]]}, "time": {"data": [0, 1]}}"#,
        r#"{"time": {"data": [0, 1, 2]}, "heartrate": {"data": [90, 91]}}"#,
        r#"[{"type": "cadence", "data": [80, 81]}, {"series_type": "time"}]"#,
        r#"{"ti\u006de": {"data": [0, 1]}, "altitude": {"resolution": "high", "data": []}}"#,
        r#"{"time": {"data": [0]}, "time": {"data": [5, 6]}}"#,
    ];
    for body in bodies {
        assert!(typed_took(body), "typed path refused: {body}");
        assert_same(body);
    }
}

#[test]
fn samples_of_every_json_type_read_as_the_value_path_read_them() {
    let samples = r#"[0, -0, 7, -7, 1.4, 1.5, -2.5, 162.0, 1e3, 1e20, 9007199254740993,
        9223372036854775807, 9223372036854775808, 18446744073709551615, 1e300, -1e300,
        null, true, false, "12", "", [1], [], {"a": 1}, {}]"#;
    let names = [
        "time",
        "watts",
        "heartrate",
        "velocity_smooth",
        "distance",
        "altitude",
        "grade_smooth",
        "moving",
    ];
    let keyed: Vec<String> = names
        .iter()
        .map(|name| format!(r#""{name}": {{"data": {samples}}}"#))
        .collect();
    let body = format!("{{{}}}", keyed.join(","));
    assert!(typed_took(&body));
    assert_same(&body);
    let array: Vec<String> = names
        .iter()
        .map(|name| format!(r#"{{"type": "{name}", "data": {samples}}}"#))
        .collect();
    let body = format!("[{}]", array.join(","));
    assert!(typed_took(&body));
    assert_same(&body);
}

#[test]
fn unusual_bodies_give_the_value_paths_set_or_error() {
    let bodies = [
        // A known stream without a usable `data`: the same `NoData`, naming the same stream.
        r#"{"watts": {"series_type": "time"}, "time": {"data": [0]}}"#,
        r#"{"watts": {"data": null}, "altitude": {"data": 3}}"#,
        r#"{"time": [0, 1]}"#,
        r#"{"time": null}"#,
        r#"{"time": {"data": [0, 1]}, "time": {"series_type": "time"}}"#,
        r#"{"time": {"series_type": "time"}, "time": {"data": [0, 1]}}"#,
        r#"{"time": {"data": [0], "data": [1, 2]}}"#,
        r#"[{"type": "time"}]"#,
        // The array form in an order the typed path does not take.
        r#"[{"data": [1.5, 3.0], "type": "distance"}]"#,
        r#"[{"type": "time", "data": [0], "type": "watts"}]"#,
        r#"[{"type": "time", "data": [0], "data": [1, 2]}]"#,
        r#"[3, "time", null, [1], {"type": "time", "data": [0, 1]}]"#,
        r#"[{"type": ["time"], "data": [0]}]"#,
        // Not a stream set, or not JSON.
        "3",
        "null",
        r#""time""#,
        r#"{"time": {"data": [0, 1]}"#,
        r#"{"time": {"data": [0, 1,]}}"#,
        r#"{"time": {"data": [0, 1]}} x"#,
        r#"{"time": {"data": [01]}}"#,
        "",
    ];
    for body in bodies {
        assert_same(body);
    }
}

#[test]
fn a_body_that_is_not_utf8_is_the_same_error() {
    let body = b"{\"latlng\": {\"series_type\": \"\xff\"}, \"time\": {\"data\": [0]}}";
    let reference = serde_json::from_slice::<Value>(body)
        .unwrap_err()
        .to_string();
    let error = StreamSet::from_json(body).unwrap_err();
    assert!(matches!(error, StreamsBodyError::Json(_)));
    assert_eq!(error.to_string(), reference);
}

#[test]
fn valid_json_that_value_cannot_hold_is_accepted_in_a_stream_we_do_not_read() {
    let body = r#"{"latlng": {"data": [[1e400, 2]], "note": "\ud800"}, "time": {"data": [0, 1]}}"#;
    assert!(reference(body).is_err(), "the Value path refused it");
    let set = decoded(body).unwrap();
    assert_eq!(set.time_s, Some(vec![Some(0), Some(1)]));
}

#[test]
fn a_long_activity_decodes_to_the_same_set() {
    let length: i32 = 7_200;
    let ints = |scale: i64| -> String {
        let samples: Vec<String> = (0..length)
            .map(|i| match i % 97 {
                0 => "null".to_owned(),
                1 => format!("{}.0", i64::from(i) * scale),
                _ => (i64::from(i) * scale).to_string(),
            })
            .collect();
        samples.join(",")
    };
    let floats: Vec<String> = (0..length)
        .map(|i| format!("{:.2}", f64::from(i) * 0.37))
        .collect();
    let floats = floats.join(",");
    let moving: Vec<&str> = (0..length)
        .map(|i| if i % 50 == 0 { "false" } else { "true" })
        .collect();
    let body = format!(
        r#"{{"time": {{"data": [{}]}}, "watts": {{"data": [{}]}}, "heartrate": {{"data": [{}]}},
        "velocity_smooth": {{"data": [{floats}]}}, "distance": {{"data": [{floats}]}},
        "altitude": {{"data": [{floats}]}}, "grade_smooth": {{"data": [{floats}]}},
        "moving": {{"data": [{}]}}}}"#,
        ints(1),
        ints(3),
        ints(2),
        moving.join(",")
    );
    assert!(typed_took(&body));
    let set = decoded(&body).unwrap();
    assert_eq!(set.len(), 7_200);
    assert_eq!(Ok(set), reference(&body));
}
