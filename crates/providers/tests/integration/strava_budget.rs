//! The shared budget around Strava calls: reserve first, reconcile from headers, no request when
//! refused, 429 recorded (docs/providers.md §1.5).

use providers::{Bucket, ErrorClass, Observed, Priority, Provider, ProviderError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    Event, NEXT_MIDNIGHT_MS, NEXT_QUARTER_MS, access_token, json_fixture, strava,
};

const ATHLETE: &str = "/api/v3/athlete";

fn athlete_ok() -> ResponseTemplate {
    json_fixture(200, "strava/athlete.json")
}

#[tokio::test]
async fn each_call_reserves_first_and_reconciles_from_mixed_case_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ATHLETE))
        .respond_with(
            athlete_ok()
                .insert_header("X-Ratelimit-Limit", "200,2000")
                .insert_header("X-Ratelimit-Usage", "26,362")
                .insert_header("X-READRATELIMIT-LIMIT", "100,1000")
                .insert_header("x-readratelimit-usage", "78,221"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    client
        .athlete(&access_token(), Priority::Webhook)
        .await
        .unwrap();
    let observed = vec![
        Observed {
            bucket: Bucket::Overall15m,
            limit: 200,
            usage: 26,
        },
        Observed {
            bucket: Bucket::OverallDay,
            limit: 2000,
            usage: 362,
        },
        Observed {
            bucket: Bucket::Read15m,
            limit: 100,
            usage: 78,
        },
        Observed {
            bucket: Bucket::ReadDay,
            limit: 1000,
            usage: 221,
        },
    ];
    assert_eq!(
        budget.events(),
        vec![
            Event::Reserve(Provider::Strava, Priority::Webhook),
            Event::Reconcile(Provider::Strava, observed),
        ]
    );
    assert_eq!(budget.used(Provider::Strava, Bucket::Read15m), 78);
    assert_eq!(budget.used(Provider::Strava, Bucket::OverallDay), 362);
}

#[tokio::test]
async fn unparsable_rate_headers_are_ignored() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ATHLETE))
        .respond_with(
            athlete_ok()
                .insert_header("X-RateLimit-Limit", "plenty")
                .insert_header("X-RateLimit-Usage", "1,2"),
        )
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(
        budget.events(),
        vec![Event::Reserve(Provider::Strava, Priority::Interactive)]
    );
}

#[tokio::test]
async fn an_exhausted_budget_sends_nothing_and_says_until_when() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(athlete_ok())
        .expect(0)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    budget.set_used(Provider::Strava, Bucket::Read15m, 100);
    let error = client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProviderError::RateLimited {
            until_ms: NEXT_QUARTER_MS
        }
    );
    budget.set_used(Provider::Strava, Bucket::ReadDay, 1000);
    let error = client
        .streams(&access_token(), 1, Priority::Webhook)
        .await
        .unwrap_err();
    assert_eq!(
        error.class(),
        ErrorClass::RateLimited {
            until_ms: NEXT_MIDNIGHT_MS
        }
    );
}

#[tokio::test]
async fn the_reserve_holds_back_background_work_but_not_a_waiting_person() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ATHLETE))
        .respond_with(athlete_ok())
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    budget.set_used(Provider::Strava, Bucket::Read15m, 90);
    let refused = client.athlete(&access_token(), Priority::Background).await;
    assert!(
        matches!(refused, Err(ProviderError::RateLimited { .. })),
        "{refused:?}"
    );
    client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unavailable_budget_sends_nothing_and_is_transient() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(athlete_ok())
        .expect(0)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    budget.make_unavailable();
    let error = client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap_err();
    assert_eq!(error.class(), ErrorClass::Retryable);
}

#[tokio::test]
async fn a_429_fills_the_quarter_hour_buckets_until_the_next_boundary() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ATHLETE))
        .respond_with(
            json_fixture(429, "strava/errors/429.rate_limit_exceeded.json")
                .insert_header("X-Ratelimit-Limit", "200,2000")
                .insert_header("X-Ratelimit-Usage", "201,900")
                .insert_header("X-Readratelimit-Limit", "100,1000")
                .insert_header("X-Readratelimit-Usage", "101,900"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    let error = client
        .athlete(&access_token(), Priority::Background)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProviderError::RateLimited {
            until_ms: NEXT_QUARTER_MS
        }
    );
    let exhausted: Vec<_> = budget
        .events()
        .into_iter()
        .filter_map(|event| match event {
            Event::Exhaust(_, bucket) => Some(bucket),
            _ => None,
        })
        .collect();
    assert_eq!(exhausted, vec![Bucket::Overall15m, Bucket::Read15m]);
    assert_eq!(
        budget.used(Provider::Strava, Bucket::Read15m),
        100,
        "a 429 fills the window"
    );
}

#[tokio::test]
async fn a_429_with_the_daily_read_limit_reached_waits_until_midnight() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ATHLETE))
        .respond_with(
            json_fixture(429, "strava/errors/429.overall_rate_limit_exceeded.json")
                .insert_header("X-Readratelimit-Limit", "100,1000")
                .insert_header("X-Readratelimit-Usage", "40,1000"),
        )
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    let error = client
        .athlete(&access_token(), Priority::Background)
        .await
        .unwrap_err();
    assert_eq!(
        error,
        ProviderError::RateLimited {
            until_ms: NEXT_MIDNIGHT_MS
        }
    );
    assert!(
        budget
            .events()
            .contains(&Event::Exhaust(Provider::Strava, Bucket::ReadDay))
    );
    assert!(
        !budget
            .events()
            .contains(&Event::Exhaust(Provider::Strava, Bucket::OverallDay))
    );
}

#[tokio::test]
async fn every_page_of_a_listing_reserves_once() {
    let server = MockServer::start().await;
    let full: Vec<_> = (0..200)
        .map(|index| serde_json::json!({"id": index, "start_date": "2026-01-01T00:00:00Z"}))
        .collect();
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(full))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    let listing = client
        .list_activities(&access_token(), None, None, Priority::Background)
        .await
        .unwrap();
    assert_eq!(listing.pages, 2);
    assert_eq!(budget.reserves(), 2);
    assert_eq!(budget.used(Provider::Strava, Bucket::Read15m), 2);
}
