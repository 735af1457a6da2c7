//! OAuth, token expiry, refresh and rotation, deauthorization, rate limits and their headers.

use std::time::Duration;

use serde_json::Value;
use sim::{RateLimits, SimConfig};
use std::io::{Read, Write};

use crate::helpers::{start, unlimited};

#[tokio::test]
async fn tokens_expire_and_refresh_returns_the_same_token_while_an_hour_is_left() {
    let ctx = start(unlimited(1, 2)).await;
    let rt = ctx.info.athletes[0].strava_refresh_token.clone();
    let first: Value = ctx.refresh(&rt).await.json().await.unwrap();
    assert_eq!(first["expires_in"], 21_600);
    assert!(first.get("athlete").is_none());
    let token = first["access_token"].as_str().unwrap().to_owned();
    ctx.handle.clock().advance(Duration::from_secs(3 * 3600));
    let again: Value = ctx.refresh(&rt).await.json().await.unwrap();
    assert_eq!(again["access_token"], token.as_str());
    assert_eq!(again["expires_in"], 21_600 - 3 * 3600);
    ctx.handle.clock().advance(Duration::from_secs(3 * 3600));
    assert_eq!(ctx.strava(&token, "/athlete").await.status(), 401);
    let fresh: Value = ctx.refresh(&rt).await.json().await.unwrap();
    assert_ne!(fresh["access_token"], token.as_str());
    assert_eq!(
        fresh["refresh_token"],
        rt.as_str(),
        "no rotation by default"
    );
    assert_eq!(
        ctx.strava(fresh["access_token"].as_str().unwrap(), "/athlete")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_rotated_refresh_token_is_rejected_like_a_revoked_one() {
    let mut config = unlimited(1, 1);
    config.rotate_refresh_tokens = true;
    let ctx = start(config).await;
    let old = ctx.info.athletes[0].strava_refresh_token.clone();
    let body: Value = ctx.refresh(&old).await.json().await.unwrap();
    assert_ne!(body["refresh_token"], old.as_str());
    let rejected = ctx.refresh(&old).await;
    assert_eq!(rejected.status(), 400);
    let fault: Value = rejected.json().await.unwrap();
    assert_eq!(fault["errors"][0]["resource"], "RefreshToken");
    assert_eq!(fault["errors"][0]["code"], "invalid");
}

#[tokio::test]
async fn the_oauth_flow_issues_a_code_for_the_chosen_athlete_and_scope() {
    let ctx = start(unlimited(3, 3)).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!(
        "{}/authorize?client_id={}&redirect_uri=http://127.0.0.1:9/cb&response_type=code&scope=read,activity:read_all&state=s1&sim_athlete=2&sim_scope=read",
        ctx.info.strava_oauth_base, ctx.info.client_id
    );
    let response = no_redirects.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:9/cb?state=s1&code=")
            && location.ends_with("&scope=read"),
        "{location}"
    );
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let form = [
        ("client_id", ctx.info.client_id.as_str()),
        ("client_secret", ctx.info.client_secret.as_str()),
        ("code", code),
        ("grant_type", "authorization_code"),
    ];
    let token_url = format!("{}/oauth/token", ctx.info.strava_api_base);
    let body: Value = ctx
        .http
        .post(&token_url)
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["athlete"]["id"],
        ctx.info.athletes[2].strava_athlete_id
    );
    assert_eq!(body["athlete"]["resource_state"], 2);
    let token = body["access_token"].as_str().unwrap();
    let listing = ctx.strava(token, "/athlete/activities").await;
    assert_eq!(listing.status(), 401, "scope read cannot list activities");
    let again = ctx.http.post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(again.status(), 400, "codes are single-use");
    let denied = no_redirects
        .get(format!("{url}&sim_deny=1"))
        .send()
        .await
        .unwrap();
    assert!(
        denied.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=access_denied")
    );
}

#[tokio::test]
async fn deauthorize_revokes_every_token_of_the_athlete() {
    let ctx = start(unlimited(2, 1)).await;
    let token = ctx.access_token(0).await;
    let url = format!("{}/deauthorize", ctx.info.strava_oauth_base);
    let body: Value = ctx
        .http
        .post(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["access_token"], token.as_str());
    assert_eq!(ctx.strava(&token, "/athlete").await.status(), 401);
    assert_eq!(
        ctx.refresh(&ctx.info.athletes[0].strava_refresh_token)
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn rate_limits_refuse_with_429_and_reset_on_the_quarter_hour() {
    let mut config = SimConfig::new(4, 1);
    config.rate_limits = Some(RateLimits {
        overall_15m: 200,
        overall_day: 2000,
        read_15m: 3,
        read_day: 1000,
    });
    let ctx = start(config).await;
    let token = ctx.access_token(0).await;
    for _ in 0..3 {
        assert_eq!(ctx.strava(&token, "/athlete").await.status(), 200);
    }
    let refused = ctx.strava(&token, "/athlete").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_none());
    assert_eq!(
        refused.headers()["x-readratelimit-usage"],
        "4,4",
        "refused calls count"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["message"], "Rate Limit Exceeded");
    // The default clock starts at 12:00:00 UTC: the next window opens at 12:15.
    ctx.handle.clock().advance(Duration::from_secs(15 * 60));
    let ok = ctx.strava(&token, "/athlete").await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-readratelimit-usage"], "1,5");
    let stats = ctx.control("/sim/stats").await;
    assert_eq!(stats["refused_429"], 1);
    assert_eq!(stats["rate_limit"]["usage"]["read_day"], 5);
}

#[tokio::test]
async fn rate_limit_headers_go_out_in_stravas_mixed_case() {
    let ctx = start(SimConfig::new(4, 1)).await;
    let token = ctx.access_token(0).await;
    let addr = ctx.handle.addr();
    let request = format!(
        "GET /strava/api/v3/athlete HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        raw
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.contains("\r\nX-Ratelimit-Limit: 200,2000\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nX-Ratelimit-Usage: 1,1\r\n"), "{text}");
    assert!(
        text.contains("\r\nX-Readratelimit-Limit: 100,1000\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nX-Readratelimit-Usage: 1,1\r\n"),
        "{text}"
    );
}
