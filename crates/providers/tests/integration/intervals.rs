//! The Intervals.icu client: Basic auth, wellness ranges, tolerant records, error classes.

use jiff::civil::date;
use providers::intervals::{ActivityItem, DEFAULT_RETRY_AFTER_MS};
use providers::{Bucket, ErrorClass, Priority, Provider, ProviderError, ReauthReason, USER_AGENT};
use wiremock::matchers::{basic_auth, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{API_KEY, api_key, fixture, intervals, json_fixture};

const BG: Priority = Priority::Background;
const WELLNESS: &str = "/api/v1/athlete/i424242/wellness";

#[tokio::test]
async fn connecting_reads_the_key_owner_with_basic_auth_and_keeps_only_id_name_zone() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/athlete/0"))
        .and(basic_auth("API_KEY", API_KEY))
        .and(header("user-agent", USER_AGENT))
        .respond_with(json_fixture(200, "intervals/athlete.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = intervals(&server);
    let athlete = client
        .athlete("0", &api_key(), Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(athlete.id, "i424242");
    assert_eq!(athlete.name.as_deref(), Some("Sam Rider"));
    assert_eq!(athlete.timezone.as_deref(), Some("America/New_York"));
    assert!(!format!("{athlete:?}").contains(API_KEY));
    assert_eq!(budget.used(Provider::Intervals, Bucket::Minute), 1);
}

#[tokio::test]
async fn wellness_asks_for_the_inclusive_date_range_and_reads_the_forum_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WELLNESS))
        .and(query_param("oldest", "2024-02-01"))
        .and(query_param("newest", "2024-02-29"))
        .and(basic_auth("API_KEY", API_KEY))
        .respond_with(json_fixture(200, "intervals/wellness.forum_shape.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = intervals(&server);
    let records = client
        .wellness(
            "i424242",
            &api_key(),
            date(2024, 2, 1),
            date(2024, 2, 29),
            BG,
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 1);
    let day = &records[0];
    assert_eq!(day.date, date(2024, 2, 1));
    assert_eq!(
        day.updated.map(|updated| updated.as_millisecond()),
        Some(1_706_853_662_345)
    );
    assert_eq!((day.weight_kg, day.resting_hr_bpm), (Some(68.4), Some(47)));
    assert_eq!(
        (day.hrv_rmssd_ms, day.sleep_s, day.sleep_quality),
        (None, None, None)
    );
    assert_eq!(
        (
            day.soreness,
            day.fatigue,
            day.stress,
            day.mood,
            day.motivation
        ),
        (Some(2), Some(3), Some(1), Some(4), Some(2))
    );
}

#[tokio::test]
async fn a_full_recent_record_fills_every_field_we_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WELLNESS))
        .respond_with(json_fixture(200, "intervals/wellness.full_recent.json"))
        .mount(&server)
        .await;
    let (client, _) = intervals(&server);
    let records = client
        .wellness(
            "i424242",
            &api_key(),
            date(2026, 10, 30),
            date(2026, 10, 31),
            BG,
        )
        .await
        .unwrap();
    let full = &records[0];
    assert_eq!(
        full.updated.map(|updated| updated.as_millisecond()),
        Some(1_793_344_333_456)
    );
    assert_eq!(full.resting_hr_bpm, Some(51));
    assert_eq!(
        (full.hrv_rmssd_ms, full.hrv_sdnn_ms),
        (Some(62.5), Some(71.25))
    );
    assert_eq!(
        (full.sleep_s, full.sleep_score, full.sleep_quality),
        (Some(27_360), Some(82.0), Some(2))
    );
    assert_eq!(
        (full.avg_sleeping_hr_bpm, full.readiness),
        (Some(53.5), Some(74.0))
    );
    assert_eq!((full.injury, full.hydration), (Some(1), Some(2)));
    assert_eq!(
        (full.body_fat_pct, full.spo2_pct, full.respiration_per_min),
        (Some(14.8), Some(97.5), Some(14.2))
    );
    assert_eq!(
        (full.steps, full.kcal_consumed, full.vo2max_ml_per_kg_min),
        (Some(10_234), Some(2450), Some(56.0))
    );
    assert_eq!(
        (full.temp_weight, full.temp_resting_hr),
        (Some(false), Some(true))
    );
    assert_eq!(
        (full.ctl, full.atl, full.ramp_rate),
        (Some(61.23), Some(70.4), Some(3.1))
    );
    let sparse = &records[1];
    assert_eq!(sparse.date, date(2026, 10, 31));
    assert!(sparse.updated.is_some(), "the +0000 form parses too");
    assert_eq!(
        (sparse.mood, sparse.resting_hr_bpm, sparse.ctl),
        (None, None, None)
    );
}

#[tokio::test]
async fn a_range_over_366_days_is_fetched_in_chunks() {
    let server = MockServer::start().await;
    for (oldest, newest) in [("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-02-03")] {
        Mock::given(method("GET"))
            .and(path(WELLNESS))
            .and(query_param("oldest", oldest))
            .and(query_param("newest", newest))
            .respond_with(json_fixture(200, "intervals/wellness.forum_shape.json"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let (client, budget) = intervals(&server);
    let records = client
        .wellness(
            "i424242",
            &api_key(),
            date(2024, 1, 1),
            date(2025, 2, 3),
            BG,
        )
        .await
        .unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(budget.reserves(), 2);
}

async fn wellness_error(response: ResponseTemplate) -> ProviderError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(WELLNESS))
        .respond_with(response)
        .mount(&server)
        .await;
    let (client, _) = intervals(&server);
    client
        .wellness(
            "i424242",
            &api_key(),
            date(2026, 1, 1),
            date(2026, 1, 7),
            BG,
        )
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_refused_key_needs_reauthorisation() {
    for status in [401, 403] {
        let error = wellness_error(json_fixture(
            status,
            "intervals/errors/403.access_denied.json",
        ))
        .await;
        assert_eq!(
            error,
            ProviderError::NeedsReauth {
                reason: ReauthReason::KeyRejected
            }
        );
        assert_eq!(error.class(), ErrorClass::NeedsReauth);
    }
}

#[tokio::test]
async fn an_unknown_athlete_is_not_found_and_a_domain_error_permanent() {
    let missing = wellness_error(json_fixture(404, "intervals/errors/404.not_found.json")).await;
    assert_eq!(missing, ProviderError::NotFound);
    let invalid =
        wellness_error(json_fixture(422, "intervals/errors/422.unprocessable.json")).await;
    let ProviderError::Permanent { status, body } = &invalid else {
        panic!("{invalid:?}");
    };
    assert_eq!(*status, 422);
    assert!(body.contains("Invalid date range"), "{body}");
}

#[tokio::test]
async fn a_429_waits_for_retry_after_or_ten_seconds() {
    let before_ms = jiff::Timestamp::now().as_millisecond();
    let told = wellness_error(ResponseTemplate::new(429).insert_header("Retry-After", "30")).await;
    let silent = wellness_error(ResponseTemplate::new(429)).await;
    let after_ms = jiff::Timestamp::now().as_millisecond();
    let (
        ProviderError::RateLimited { until_ms: told },
        ProviderError::RateLimited { until_ms: silent },
    ) = (told, silent)
    else {
        panic!("both must be rate limited");
    };
    assert!((before_ms + 30_000..=after_ms + 30_000).contains(&told));
    assert!(
        (before_ms + DEFAULT_RETRY_AFTER_MS..=after_ms + DEFAULT_RETRY_AFTER_MS).contains(&silent)
    );
}

#[tokio::test]
async fn server_errors_are_transient_and_bad_json_malformed() {
    let crashed = wellness_error(json_fixture(500, "intervals/errors/500.exception.json")).await;
    assert!(
        matches!(
            crashed,
            ProviderError::Transient {
                status: Some(500),
                ..
            }
        ),
        "{crashed:?}"
    );
    let garbled = wellness_error(json_fixture(200, "strava/errors/truncated.json")).await;
    assert!(
        matches!(garbled, ProviderError::Malformed { status: 200, .. }),
        "{garbled:?}"
    );
}

#[tokio::test]
async fn an_exhausted_minute_row_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(0)
        .mount(&server)
        .await;
    let (client, budget) = intervals(&server);
    budget.set_used(Provider::Intervals, Bucket::Minute, 300);
    let error = client
        .wellness(
            "i424242",
            &api_key(),
            date(2026, 1, 1),
            date(2026, 1, 1),
            Priority::Interactive,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::RateLimited { .. }),
        "{error:?}"
    );
}

#[test]
fn a_strava_activity_stub_is_recognised_as_a_stub() {
    let stub: ActivityItem =
        serde_json::from_slice(&fixture("intervals/activity.strava_stub.json")).unwrap();
    assert!(stub.is_strava_stub());
    assert_eq!(stub.id, "17234567890");
    assert_eq!(stub.activity_type, None);
    let direct: ActivityItem =
        serde_json::from_str(r#"{"id":"i55","source":"GARMIN_CONNECT","type":"Ride"}"#).unwrap();
    assert!(!direct.is_strava_stub());
}
