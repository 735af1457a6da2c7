//! Listing pages and details decoded from their bytes against the `Value` path, item by item.

use serde_json::Value;

use super::{ItemError, SummaryActivity};

/// What the `Value` path made of a page: each item's activity or error.
fn reference(body: &str) -> Result<Vec<Result<SummaryActivity, ItemError>>, String> {
    let items: Vec<Value> = serde_json::from_str(body).map_err(|error| error.to_string())?;
    Ok(items.into_iter().map(SummaryActivity::from_value).collect())
}

fn decoded(body: &str) -> Result<Vec<Result<SummaryActivity, ItemError>>, String> {
    SummaryActivity::page_from_json(body.as_bytes()).map_err(|error| error.to_string())
}

const RIDE: &str = r#"{"id": 9100000001, "start_date": "2026-03-01T08:00:00Z", "name": "Ride",
    "sport_type": "Ride", "type": "Ride", "utc_offset": 3600.0,
    "timezone": "(GMT+01:00) Europe/Paris", "distance": 40123.4, "moving_time": 4500,
    "elapsed_time": 4800.0, "average_watts": 201, "device_watts": true, "workout_type": 10,
    "athlete": {"id": 12345, "resource_state": 1}, "map": {"id": "a1", "summary_polyline": "ab\\c"},
    "start_latlng": [48.8, 2.3], "upload_id": 987654321234567891234, "external_id": "ride.fit"}"#;

#[test]
fn a_page_of_usable_and_unusable_items_is_read_as_before() {
    let body = format!(
        r#"[{RIDE}, {{"start_date": "2026-03-02T08:00:00Z"}}, {{"id": 7}},
        {{"id": 8, "start_date": "not a date"}}, {{"id": 9, "start_date": "2026-03-02T08:00:00Z",
        "type": "Run"}}]"#
    );
    let page = decoded(&body).unwrap();
    assert_eq!(page, reference(&body).unwrap());
    assert_eq!(page.iter().filter(|item| item.is_ok()).count(), 2);
    assert_eq!(page[1], Err(ItemError::MissingId));
}

#[test]
fn an_item_of_the_wrong_shape_fails_alone_with_the_same_message() {
    let body = format!(
        r#"[{RIDE}, {{"id": 5, "start_date": "2026-03-02T08:00:00Z", "distance": "far"}},
        {{"id": 6.0, "start_date": "2026-03-02T08:00:00Z"}}, 42,
        {{"id": 7, "start_date": "2026-03-02T08:00:00Z", "utc_offset": 1e12}}]"#
    );
    let page = decoded(&body).unwrap();
    assert_eq!(page, reference(&body).unwrap());
    assert!(page[0].is_ok());
    assert_eq!(
        page[1],
        Err(ItemError::Json(
            "invalid type: string \"far\", expected f64".to_owned()
        ))
    );
    assert!(page[2..].iter().all(Result::is_err));
}

#[test]
fn an_item_with_a_repeated_field_keeps_the_last_value_as_before() {
    let body = r#"[{"id": 5, "start_date": "2026-03-02T08:00:00Z", "name": "a", "name": "b"}]"#;
    let page = decoded(body).unwrap();
    assert_eq!(page, reference(body).unwrap());
    assert_eq!(page[0].as_ref().unwrap().name.as_deref(), Some("b"));
}

#[test]
fn a_page_that_is_not_an_array_is_the_same_error() {
    for body in [r#"{"message": "x"}"#, "[", "", "[1] 2"] {
        assert_eq!(decoded(body), reference(body), "body: {body}");
    }
}

#[test]
fn a_detail_is_read_as_before() {
    let expected = SummaryActivity::from_value(serde_json::from_str(RIDE).unwrap());
    assert_eq!(
        SummaryActivity::from_json(RIDE.as_bytes()).unwrap(),
        expected
    );
    let body = r#"{"id": 5, "start_date": "2026-03-02T08:00:00Z", "trainer": "yes"}"#;
    let expected = SummaryActivity::from_value(serde_json::from_str(body).unwrap());
    assert!(expected.is_err());
    assert_eq!(
        SummaryActivity::from_json(body.as_bytes()).unwrap(),
        expected
    );
    let reference = serde_json::from_str::<Value>("{").unwrap_err().to_string();
    let error = SummaryActivity::from_json(b"{").unwrap_err().to_string();
    assert_eq!(error, reference);
}
