//! Errors answered to a browser are pages; the same errors answered to an API client stay JSON.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE};
use trainload::store::users::Role;

use crate::support::app::{TestApp, assert_error, no_redirects, signed_in, spawn_app};

/// What Chromium sends when it opens a page.
const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

async fn get(app: &TestApp, path: &str, cookie: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = no_redirects().get(app.url(path)).header(COOKIE, cookie);
    if let Some(accept) = accept {
        request = request.header(ACCEPT, accept);
    }
    request.send().await.unwrap()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_browser_gets_an_error_page_and_an_api_client_gets_json() {
    let app = spawn_app(vec![]).await;
    let (_, cookie) = signed_in(&app.store, "Ines", Role::Athlete).await;
    let cases = [
        ("/nonexistent", StatusCode::NOT_FOUND, "Page not found"),
        (
            "/activities/abc",
            StatusCode::BAD_REQUEST,
            "This address is not valid",
        ),
        (
            "/fitness?window=bogus",
            StatusCode::BAD_REQUEST,
            "This address is not valid",
        ),
        (
            "/api/v1/me/activities/abc",
            StatusCode::BAD_REQUEST,
            "This address is not valid",
        ),
    ];
    for (path, status, title) in cases {
        let page = get(&app, path, &cookie, Some(BROWSER_ACCEPT)).await;
        assert_eq!(page.status(), status, "{path}");
        assert!(content_type(&page).starts_with("text/html"), "{path}");
        assert!(page.headers().contains_key("x-request-id"), "{path}");
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{path}: {html}"
        );
        assert!(html.contains(r#"id="error-text""#), "{path}");
        assert!(!html.contains(r#""code":"#), "{path} shows JSON: {html}");

        for accept in [None, Some("application/json"), Some("*/*")] {
            let api = get(&app, path, &cookie, accept).await;
            assert_eq!(api.status(), status, "{path} {accept:?}");
            assert!(content_type(&api).starts_with("application/json"));
            let body: serde_json::Value = api.json().await.unwrap();
            assert!(body["code"].is_string(), "{path} {accept:?}: {body}");
        }
    }
    // Signed out: the API says 401 in JSON; a browser is asked to sign in.
    let api = get(&app, "/api/v1/me/dashboard", "", None).await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_error(&api.json().await.unwrap(), "unauthorized");
    let page = get(&app, "/api/v1/me/dashboard", "", Some(BROWSER_ACCEPT)).await;
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(r#"<a href="/">Sign in</a>"#)
    );
}
