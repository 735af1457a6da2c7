//! Request shape of every Strava call (wiremock matchers), paging and transport failures.

use std::time::Duration;

use providers::strava::{MAX_PAGES, PER_PAGE, STREAM_KEYS};
use providers::{Priority, ProviderError, StravaClient, USER_AGENT};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{
    bearer_token, body_string, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, MemoryBudget, access_token, json_fixture, strava,
    strava_config,
};

const BG: Priority = Priority::Background;
const LIST: &str = "/api/v3/athlete/activities";

/// A page of `count` minimal activities with ids from `first_id`.
fn page_of(first_id: i64, count: usize) -> ResponseTemplate {
    let items: Vec<_> = (0..count)
        .map(|offset| {
            json!({"id": first_id + offset as i64, "start_date": "2026-11-01T06:00:00Z", "sport_type": "Ride"})
        })
        .collect();
    ResponseTemplate::new(200).set_body_json(items)
}

fn page_request(page: u32) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page", page.to_string()))
}

#[tokio::test]
async fn a_listing_page_sends_seconds_paging_and_a_bearer_header_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("after", "1796000000"))
        .and(query_param("before", "1796086400"))
        .and(query_param("page", "1"))
        .and(query_param("per_page", "200"))
        .and(query_param_is_missing("access_token"))
        .and(bearer_token(ACCESS_TOKEN))
        .and(header("user-agent", USER_AGENT))
        .respond_with(page_of(1, 3))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let listing = client
        .list_activities(
            &access_token(),
            Some(1_796_000_000),
            Some(1_796_086_400),
            BG,
        )
        .await
        .unwrap();
    assert_eq!((listing.pages, listing.activities.len()), (1, 3));
    assert!(listing.complete);
    assert!(USER_AGENT.starts_with("trainload/"));
}

#[tokio::test]
async fn paging_continues_on_full_pages_stops_on_a_short_one_and_removes_duplicates() {
    let server = MockServer::start().await;
    page_request(1)
        .respond_with(page_of(1, 200))
        .expect(1)
        .mount(&server)
        .await;
    // An upload during paging shifts item 200 onto page 2.
    page_request(2)
        .respond_with(page_of(200, 200))
        .expect(1)
        .mount(&server)
        .await;
    page_request(3)
        .respond_with(page_of(400, 7))
        .expect(1)
        .mount(&server)
        .await;
    page_request(4)
        .respond_with(page_of(900, 1))
        .expect(0)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let listing = client
        .list_activities(&access_token(), Some(1), None, BG)
        .await
        .unwrap();
    assert!(listing.complete);
    assert_eq!(listing.pages, 3);
    assert_eq!(listing.activities.len(), 406);
    let mut ids: Vec<_> = listing
        .activities
        .iter()
        .map(|activity| activity.id)
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 406);
}

#[tokio::test]
async fn a_server_error_mid_listing_fails_the_listing_instead_of_returning_part() {
    let server = MockServer::start().await;
    page_request(1)
        .respond_with(page_of(1, 200))
        .expect(1)
        .mount(&server)
        .await;
    page_request(2)
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(1)
        .mount(&server)
        .await;
    page_request(3)
        .respond_with(page_of(500, 1))
        .expect(0)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let error = client
        .list_activities(&access_token(), None, None, BG)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Transient {
                status: Some(503),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_listing_that_reaches_the_page_cap_is_incomplete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page_of(1, PER_PAGE as usize))
        .expect(u64::from(MAX_PAGES))
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    let listing = client
        .list_activities(&access_token(), None, None, Priority::Interactive)
        .await
        .unwrap();
    assert!(!listing.complete);
    assert_eq!(listing.pages, MAX_PAGES);
    assert_eq!(listing.activities.len(), 200);
    assert_eq!(budget.reserves(), MAX_PAGES as usize);
}

#[tokio::test]
async fn streams_always_ask_for_the_eight_keys_keyed_by_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/activities/17234567890/streams"))
        .and(query_param("keys", STREAM_KEYS))
        .and(query_param("key_by_type", "true"))
        .and(bearer_token(ACCESS_TOKEN))
        .respond_with(json_fixture(200, "strava/streams.keyed_all_eight.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    client
        .streams(&access_token(), 17_234_567_890, BG)
        .await
        .unwrap();
    assert_eq!(
        STREAM_KEYS,
        "time,watts,heartrate,velocity_smooth,distance,altitude,grade_smooth,moving"
    );
}

#[tokio::test]
async fn the_code_exchange_posts_the_documented_form_without_a_bearer_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(format!(
            "client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&code=the-code&grant_type=authorization_code"
        )))
        .respond_with(json_fixture(200, "strava/oauth_token.authorization_code.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    client
        .exchange_code(&SecretString::from("the-code"))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(
        budget.reserves(),
        0,
        "token calls do not reserve API budget"
    );
}

#[tokio::test]
async fn the_refresh_posts_the_documented_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string(format!(
            "client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&grant_type=refresh_token&refresh_token=old-refresh"
        )))
        .respond_with(json_fixture(200, "strava/oauth_token.refresh_token.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    client
        .refresh(&SecretString::from("old-refresh"))
        .await
        .unwrap();
}

#[tokio::test]
async fn deauthorize_posts_an_empty_body_with_the_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/deauthorize"))
        .and(bearer_token(ACCESS_TOKEN))
        .and(body_string(""))
        .respond_with(json_fixture(200, "strava/oauth_deauthorize.json"))
        .expect(1)
        .mount(&server)
        .await;
    let (client, budget) = strava(&server);
    client
        .deauthorize(&access_token(), Priority::Interactive)
        .await
        .unwrap();
    assert_eq!(budget.reserves(), 1);
}

#[tokio::test]
async fn subscriptions_send_client_credentials_as_form_and_query() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/push_subscriptions"))
        .and(body_string(format!(
            "client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&callback_url=https%3A%2F%2Fapp.example%2Fwebhooks%2Fstrava%2Fabc&verify_token=vt"
        )))
        .respond_with(json_fixture(201, "strava/push_subscription.create.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/push_subscriptions"))
        .and(query_param("client_id", CLIENT_ID))
        .and(query_param("client_secret", CLIENT_SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v3/push_subscriptions/222333"))
        .and(query_param("client_id", CLIENT_ID))
        .and(query_param("client_secret", CLIENT_SECRET))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let interactive = Priority::Interactive;
    client
        .create_push_subscription(
            "https://app.example/webhooks/strava/abc",
            &SecretString::from("vt"),
            interactive,
        )
        .await
        .unwrap();
    assert!(
        client
            .list_push_subscriptions(interactive)
            .await
            .unwrap()
            .is_empty()
    );
    client
        .delete_push_subscription(222_333, interactive)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_authorize_url_carries_every_documented_parameter() {
    let server = MockServer::start().await;
    let (client, _) = strava(&server);
    let url = client
        .authorize_url(
            "http://127.0.0.1:8080/connect/strava/callback",
            "st&ate",
            "read,activity:read_all",
        )
        .unwrap();
    assert_eq!(url.path(), "/oauth/authorize");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let expected = [
        ("client_id", CLIENT_ID),
        (
            "redirect_uri",
            "http://127.0.0.1:8080/connect/strava/callback",
        ),
        ("response_type", "code"),
        ("approval_prompt", "auto"),
        ("scope", "read,activity:read_all"),
        ("state", "st&ate"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn a_response_slower_than_the_request_timeout_is_transient() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/athlete"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let mut config = strava_config(&server);
    config.request_timeout = Duration::from_millis(100);
    let client = StravaClient::new(config, MemoryBudget::new()).unwrap();
    let error = client.athlete(&access_token(), BG).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Transient { reason, .. } if reason == "timeout"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let server = MockServer::start().await;
    let mut config = strava_config(&server);
    config.api_base_url = format!("http://{address}/api/v3");
    let client = StravaClient::new(config, MemoryBudget::new()).unwrap();
    let error = client.athlete(&access_token(), BG).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::Transient { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unusable_base_url_is_refused_at_construction() {
    let server = MockServer::start().await;
    let mut config = strava_config(&server);
    config.api_base_url = "not a url".to_owned();
    let error = StravaClient::new(config, MemoryBudget::new()).unwrap_err();
    assert!(matches!(error, ProviderError::Setup(_)), "{error:?}");
}
