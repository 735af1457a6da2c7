//! Athletes only ever see their own data; nothing is served without a session.

use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::support::{Browser, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn athletes_see_only_their_own_data_and_anonymous_requests_are_refused() {
    let demo = start(2, 30).await;
    let anonymous = Browser::anonymous(&demo.base);
    for path in [
        "/api/v1/me/dashboard",
        "/api/v1/me/pmc?days=90",
        "/api/v1/me/activities",
        "/api/v1/me/activities/1",
        "/api/v1/me/recommendations",
    ] {
        let (status, body) = anonymous.json(path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["code"], "unauthorized", "{path}");
    }
    let response = anonymous.raw_get("/dashboard").await;
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()[LOCATION], "/");
    let forged = Browser::anonymous(&demo.base);
    let (status, _) = forged.json("/api/v1/me/dashboard").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let first = demo.sign_in(0).await;
    let second = demo.sign_in(1).await;
    let (_, mine) = first.json("/api/v1/me/activities?limit=1").await;
    let id = mine["items"][0]["id"].as_i64().unwrap();
    let (status, _) = first.json(&format!("/api/v1/me/activities/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = second.json(&format!("/api/v1/me/activities/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (_, theirs) = second.json("/api/v1/me/activities?limit=200").await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"].as_i64() != Some(id)),
        "the first athlete's activity is not in the second one's list"
    );
    let (status, _) = second.json("/api/v1/me/activities/999999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for bad in [
        "/api/v1/me/pmc?days=0",
        "/api/v1/me/pmc?days=x",
        "/api/v1/me/activities?limit=0",
    ] {
        let (status, body) = first.json(bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["code"].is_string(), "{bad}: {body}");
    }
    let (status, _) = anonymous.json("/demo/login/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, index) = anonymous.text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(index.contains(&format!("/demo/login/{}", demo.athletes[1].user.0)));
    demo.stop().await;
}
