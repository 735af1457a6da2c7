//! Tokens, keys and client secrets never appear in Debug output or error messages.

use providers::{IntervalsClient, IntervalsConfig, Priority, ProviderError};
use secrecy::SecretString;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    ACCESS_TOKEN, API_KEY, CLIENT_SECRET, MemoryBudget, access_token, api_key, json_fixture, strava,
};

fn assert_hidden(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} leaked into {text}");
    }
}

fn assert_error_hidden(error: &ProviderError, secrets: &[&str]) {
    assert_hidden(&format!("{error:?}"), secrets);
    assert_hidden(&error.to_string(), secrets);
}

#[tokio::test]
async fn the_strava_client_debug_output_hides_the_client_secret() {
    let server = MockServer::start().await;
    let (client, _) = strava(&server);
    assert_hidden(&format!("{client:?}"), &[CLIENT_SECRET]);
}

#[tokio::test]
async fn token_grants_print_without_their_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_fixture(200, "strava/oauth_token.refresh_token.json"))
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let grant = client
        .refresh(&SecretString::from("old-refresh"))
        .await
        .unwrap();
    let printed = format!("{grant:?}");
    assert_hidden(
        &printed,
        &[
            "synthetic-access-rotated-1234",
            "synthetic-refresh-rotated-5678",
        ],
    );
    assert!(printed.contains("REDACTED"));
}

#[tokio::test]
async fn error_bodies_echoing_tokens_are_redacted() {
    let server = MockServer::start().await;
    // A broken token answer (no expires_at) carrying fresh tokens, and the sent token echoed.
    let body = format!(
        r#"{{"access_token":"fresh-access-1","refresh_token":"fresh-refresh-2","note":"{ACCESS_TOKEN} old-refresh {CLIENT_SECRET}"}}"#
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let malformed = client
        .refresh(&SecretString::from("old-refresh"))
        .await
        .unwrap_err();
    assert!(
        matches!(malformed, ProviderError::Malformed { .. }),
        "{malformed:?}"
    );
    let secrets = [
        "fresh-access-1",
        "fresh-refresh-2",
        "old-refresh",
        CLIENT_SECRET,
    ];
    assert_error_hidden(&malformed, &secrets);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let (client, _) = strava(&server);
    let rejected = client
        .athlete(&access_token(), Priority::Interactive)
        .await
        .unwrap_err();
    assert!(
        matches!(rejected, ProviderError::Permanent { .. }),
        "{rejected:?}"
    );
    assert_error_hidden(&rejected, &[ACCESS_TOKEN, "fresh-access-1", CLIENT_SECRET]);
}

#[tokio::test]
async fn intervals_errors_and_client_hide_the_api_key() {
    let server = MockServer::start().await;
    let body = format!(r#"{{"status":422,"error":"bad key {API_KEY}","icu_api_key":"{API_KEY}"}}"#);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let config = IntervalsConfig {
        base_url: server.uri(),
        ..IntervalsConfig::default()
    };
    let client = IntervalsClient::new(config, MemoryBudget::new()).unwrap();
    assert_hidden(&format!("{client:?}"), &[API_KEY]);
    let error = client
        .athlete("0", &api_key(), Priority::Interactive)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ProviderError::Permanent { status: 422, .. }),
        "{error:?}"
    );
    assert_error_hidden(&error, &[API_KEY]);
}
