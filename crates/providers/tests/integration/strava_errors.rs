//! Error fixtures of docs/providers.md §1.6 served over HTTP and classified by the Strava client.

use std::io::{Read, Write};

use providers::{ErrorClass, Fault, Priority, ProviderError, ReauthReason, StravaClient};
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{NEXT_QUARTER_MS, access_token, fixture, json_fixture, strava, strava_config};

const LIST: &str = "/api/v3/athlete/activities";

/// The error of one listing page answered with `response`.
async fn listing_error(response: ResponseTemplate) -> ProviderError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(response)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    client
        .list_activities_page(&access_token(), None, None, 1, 200, Priority::Background)
        .await
        .unwrap_err()
}

async fn token_error(status: u16, fixture_path: &str, refresh: bool) -> ProviderError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(json_fixture(status, fixture_path))
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let secret = SecretString::from("synthetic-value");
    if refresh {
        client.refresh(&secret).await.unwrap_err()
    } else {
        client.exchange_code(&secret).await.unwrap_err()
    }
}

#[tokio::test]
async fn a_rejected_refresh_token_is_refresh_rejected() {
    let error = token_error(400, "strava/errors/400.refresh_token_invalid.json", true).await;
    assert!(
        matches!(error, ProviderError::RefreshRejected { .. }),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::NeedsReauth);
}

#[tokio::test]
async fn an_invalid_client_is_a_configuration_error_on_exchange_and_refresh() {
    for refresh in [false, true] {
        let error = token_error(400, "strava/errors/400.invalid_client.json", refresh).await;
        assert!(matches!(error, ProviderError::Config { .. }), "{error:?}");
        assert_eq!(error.class(), ErrorClass::Permanent);
    }
}

#[tokio::test]
async fn both_forms_of_an_invalid_code_are_code_rejections() {
    for fixture_path in [
        "strava/errors/400.authorization_code_invalid.json",
        "strava/errors/400.request_token_code_invalid.json",
    ] {
        let error = token_error(400, fixture_path, false).await;
        assert!(
            matches!(error, ProviderError::CodeRejected { .. }),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn after_in_the_future_is_permanent_with_the_fault_kept() {
    let error = listing_error(json_fixture(400, "strava/errors/400.after_future.json")).await;
    let ProviderError::Permanent { status, body } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 400);
    assert!(body.contains("future"), "{body}");
    assert_eq!(error.class(), ErrorClass::Permanent);
}

#[tokio::test]
async fn other_fault_bodies_parse_as_faults_and_classify_by_status() {
    let scope = fixture("strava/errors/400.authorize_scope_invalid.json");
    let fault = Fault::parse(&scope).unwrap();
    assert!(fault.has(Some("Authorize"), Some("scope"), Some("invalid")));
    let callback = fixture("strava/errors/400.push_subscription_callback_not_200.json");
    let fault = Fault::parse(&callback).unwrap();
    assert_eq!(fault.message.as_deref(), Some("Bad Request"));
    assert!(fault.has(Some("PushSubscription"), Some("callback url"), None));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/push_subscriptions"))
        .respond_with(json_fixture(
            400,
            "strava/errors/400.push_subscription_callback_not_200.json",
        ))
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let error = client
        .create_push_subscription(
            "https://x.example/cb",
            &SecretString::from("v"),
            Priority::Interactive,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Permanent { status: 400, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_missing_read_scope_needs_reauthorisation_without_refresh() {
    let error = listing_error(json_fixture(
        401,
        "strava/errors/401.activity_read_permission_missing.json",
    ))
    .await;
    assert_eq!(
        error,
        ProviderError::NeedsReauth {
            reason: ReauthReason::ScopeMissing
        }
    );
    assert_eq!(error.class(), ErrorClass::NeedsReauth);
}

#[tokio::test]
async fn an_application_authorization_error_is_unauthorized() {
    let error = listing_error(json_fixture(
        401,
        "strava/errors/401.authorization_error.json",
    ))
    .await;
    assert_eq!(error, ProviderError::Unauthorized);
}

#[tokio::test]
async fn both_429_bodies_are_rate_limited_until_the_next_quarter_hour() {
    for fixture_path in [
        "strava/errors/429.rate_limit_exceeded.json",
        "strava/errors/429.overall_rate_limit_exceeded.json",
    ] {
        let error = listing_error(json_fixture(429, fixture_path)).await;
        assert_eq!(
            error,
            ProviderError::RateLimited {
                until_ms: NEXT_QUARTER_MS
            }
        );
        assert_eq!(
            error.class(),
            ErrorClass::RateLimited {
                until_ms: NEXT_QUARTER_MS
            }
        );
    }
}

#[tokio::test]
async fn a_404_is_not_found_with_an_empty_or_a_fault_body() {
    assert_eq!(
        listing_error(ResponseTemplate::new(404)).await,
        ProviderError::NotFound
    );
    let faulted = listing_error(json_fixture(404, "strava/errors/404.fault.json")).await;
    assert_eq!(faulted, ProviderError::NotFound);
    assert!(fixture("strava/errors/404.empty").is_empty());
}

#[tokio::test]
async fn server_errors_with_html_or_fault_bodies_are_transient() {
    let html =
        ResponseTemplate::new(502).set_body_raw(fixture("strava/errors/502.html"), "text/html");
    let error = listing_error(html).await;
    assert!(
        matches!(
            error,
            ProviderError::Transient {
                status: Some(502),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::Retryable);
    let fault = listing_error(json_fixture(500, "strava/errors/500.fault.json")).await;
    assert!(
        matches!(
            fault,
            ProviderError::Transient {
                status: Some(500),
                ..
            }
        ),
        "{fault:?}"
    );
}

#[tokio::test]
async fn malformed_and_truncated_json_with_200_are_malformed_with_diagnostics() {
    for fixture_path in [
        "strava/errors/malformed.json",
        "strava/errors/truncated.json",
    ] {
        let error = listing_error(json_fixture(200, fixture_path)).await;
        let ProviderError::Malformed {
            status,
            content_type,
            excerpt,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*status, 200);
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert!(excerpt.contains("body: [{"), "{excerpt}");
        assert_eq!(error.class(), ErrorClass::Retryable);
    }
}

#[tokio::test]
async fn a_body_cut_off_before_its_content_length_is_transient() {
    // A raw server that promises 1000 bytes and closes after a few.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = [0_u8; 4096];
        let _ = socket.read(&mut request).unwrap();
        socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"id\":1")
            .unwrap();
    });
    let mock = MockServer::start().await;
    let mut config = strava_config(&mock);
    config.api_base_url = format!("http://{address}/api/v3");
    let client = StravaClient::new(config, crate::support::MemoryBudget::new()).unwrap();
    let error = client
        .list_activities_page(&access_token(), None, None, 1, 200, Priority::Background)
        .await
        .unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(error, ProviderError::Transient { .. }),
        "{error:?}"
    );
}
