//! Athletes only ever see their own data; nothing is served without a session.

use reqwest::StatusCode;
use reqwest::header::LOCATION;

use crate::support::demo::{Browser, start};

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

    // Signing out is a same-origin POST (a link elsewhere cannot sign anyone out); the session
    // is gone afterwards.
    let response = first.raw_get("/logout").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let response = first.post_form("/logout", &[]).await;
    assert!(response.status().is_redirection());
    let (status, _) = first.json("/api/v1/me/dashboard").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = second.json("/api/v1/me/dashboard").await;
    assert_eq!(status, StatusCode::OK, "the other athlete stays signed in");
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_strava_goes_through_the_simulator_and_finds_the_demo_athlete() {
    let demo = start(2, 10).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (_, index) = Browser::anonymous(&demo.base).text("/").await;
    assert!(index.contains(r#"href="/auth/strava/login""#), "{index}");
    let login = client
        .get(format!("{}/auth/strava/login", demo.base))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let state_cookie = login.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let authorize = login.headers()[LOCATION].to_str().unwrap();
    assert!(
        authorize.contains(&demo.sim.addr().to_string()),
        "{authorize}"
    );
    let athlete = &demo.athletes[1];
    let at_sim = client
        .get(format!("{authorize}&sim_athlete={}", athlete.sim_index))
        .send()
        .await
        .unwrap();
    let callback = at_sim.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(callback.starts_with(&format!("{}/auth/strava/callback", demo.base)));
    let signed_in = client
        .get(&callback)
        .header(reqwest::header::COOKIE, &state_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/dashboard");
    let session = signed_in
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|pair| pair.starts_with("tl_session="))
        .unwrap();
    let summary: serde_json::Value = client
        .get(format!("{}/api/v1/me/dashboard", demo.base))
        .header(reqwest::header::COOKIE, &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        summary["name"],
        athlete.name.as_str(),
        "the demo's own user"
    );
    let everyone = trainload::store::users::list(&demo.ctx.store)
        .await
        .unwrap();
    assert_eq!(everyone.len(), 2, "no new user");
    assert_eq!(everyone[0].role, trainload::store::users::Role::Admin);
    demo.stop().await;
}
