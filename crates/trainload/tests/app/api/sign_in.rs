//! Sign-in with Strava against the simulator's OAuth over real HTTP: the round trip, the
//! single-use state bound to the browser, a denial, a missing scope, `Secure` cookies behind an
//! HTTPS public URL, and the first user becoming the admin.

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use trainload::store::users::{self, Role};

use crate::api::browser::{Browser, authorize, location, query_param, sign_in, sim_app, start_sim};
use crate::support::app::{TestApp, engines};
use queue::RunState;

async fn user_count(app: &TestApp) -> usize {
    users::list(&app.store).await.unwrap().len()
}

async fn onboarding_runs(app: &TestApp) -> Vec<queue::RunRow> {
    let runs = app.scheduler.runs(None, None, None, 50).await.unwrap();
    runs.into_iter()
        .filter(|r| r.actor == "onboarding")
        .collect()
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_oauth_round_trip_signs_in_and_a_second_sign_in_finds_the_same_user() {
    let sim = start_sim(3).await;
    for engine in engines() {
        let app = sim_app(engine, &sim, None).await;
        let mut browser = Browser::new(&app);
        let login = browser.get("/auth/strava/login").await;
        assert_eq!(login.status(), StatusCode::SEE_OTHER);
        let state_cookie = set_cookies(&login).pop().unwrap();
        assert!(
            state_cookie.starts_with("tl_oauth_state="),
            "{state_cookie}"
        );
        for attribute in ["HttpOnly", "SameSite=Lax", "Max-Age=600"] {
            assert!(state_cookie.contains(attribute), "{state_cookie}");
        }
        assert!(
            !state_cookie.contains("Secure"),
            "plain http: {state_cookie}"
        );
        let authorize_url = location(&login);
        assert!(authorize_url.starts_with(&sim.info().strava_oauth_base));
        let state = query_param(&authorize_url, "state").unwrap();
        assert_eq!(state.len(), 32, "128 random bits as hex");
        assert!(state_cookie.contains(&state));
        assert_eq!(
            query_param(&authorize_url, "redirect_uri").unwrap(),
            app.url("/auth/strava/callback")
        );
        assert_eq!(
            query_param(&authorize_url, "scope").unwrap(),
            "read,activity:read_all"
        );

        let mut me = sign_in(&app, 0).await;
        let (status, dashboard) = me.json("/api/v1/me/dashboard").await;
        assert_eq!(status, StatusCode::OK, "{dashboard}");
        let all = users::list(&app.store).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].role, Role::Admin, "the first user is the admin");
        assert_eq!(dashboard["name"], all[0].name);

        // The onboarding is a queued task of its own run, done by a worker.
        let runs = onboarding_runs(&app).await;
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].job_id, "daily_sync");
        assert_eq!(runs[0].tasks_total, 1);
        let (_, before) = me.json("/api/v1/me/activities").await;
        assert_eq!(
            before["total"], 0,
            "nothing is imported before the task runs"
        );
        app.drain().await;
        let run = app.scheduler.run(runs[0].id).await.unwrap();
        assert_eq!(run.state, RunState::Succeeded, "{run:?}");
        let (_, after) = me.json("/api/v1/me/activities").await;
        let imported = after["total"].as_u64().unwrap();
        assert!(imported > 0, "{after}");

        let mut again = sign_in(&app, 0).await;
        assert_eq!(
            user_count(&app).await,
            1,
            "the same Strava athlete, the same user"
        );
        let (_, same) = again.json("/api/v1/me/activities").await;
        assert_eq!(same["total"].as_u64(), Some(imported));
        assert_eq!(onboarding_runs(&app).await.len(), 1, "no second onboarding");
    }
    sim.shutdown();
}

#[tokio::test]
async fn a_bad_or_missing_state_a_denial_and_a_missing_scope_create_no_user() {
    let sim = start_sim(2).await;
    for engine in engines() {
        let app = sim_app(engine, &sim, None).await;

        let mut browser = Browser::new(&app);
        let callback = authorize(&mut browser, 0, "").await;
        let forged = callback.replace(
            &format!("state={}", query_param(&callback, "state").unwrap()),
            "state=00000000000000000000000000000000",
        );
        let (status, page) = browser.text(&forged).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
        assert!(page.contains("sign-in-error"), "{page}");
        assert!(!browser.has_cookie("tl_session"));

        // The real callback in a browser that never started the sign-in.
        let mut stranger = Browser::new(&app);
        let (status, _) = stranger.text(&callback).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // No state at all.
        let mut browser = Browser::new(&app);
        browser.get("/auth/strava/login").await;
        let (status, _) = browser
            .text("/auth/strava/callback?code=abc&scope=read,activity:read_all")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let mut browser = Browser::new(&app);
        let denied = authorize(&mut browser, 0, "&sim_deny=1").await;
        assert_eq!(
            query_param(&denied, "error").as_deref(),
            Some("access_denied")
        );
        let (status, page) = browser.text(&denied).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("declined"), "{page}");

        let mut browser = Browser::new(&app);
        let narrow = authorize(&mut browser, 1, "&sim_scope=read").await;
        let (status, page) = browser.text(&narrow).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(page.contains("private"), "{page}");
        assert!(!browser.has_cookie("tl_session"));

        assert_eq!(user_count(&app).await, 0);
    }
    sim.shutdown();
}

#[tokio::test]
async fn cookies_are_secure_behind_an_https_public_url() {
    const PUBLIC: &str = "https://training.example";
    let sim = start_sim(1).await;
    let app = sim_app(crate::support::app::Engine::Sqlite, &sim, Some(PUBLIC)).await;
    let mut browser = Browser::new(&app);
    let callback = authorize(&mut browser, 0, "").await;
    assert!(
        callback.starts_with(&format!("{PUBLIC}/auth/strava/callback?")),
        "{callback}"
    );
    // The test's "TLS terminator": the public URL leads to the app.
    let reached = callback.replacen(PUBLIC, &app.address, 1);
    let done = browser.get(&reached).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let cookies = set_cookies(&done);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("tl_session="))
        .unwrap();
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(session.contains(attribute), "{session}");
    }
    let login = Browser::new(&app).get("/auth/strava/login").await;
    assert!(set_cookies(&login)[0].contains("; Secure"));
    sim.shutdown();
}

#[tokio::test]
async fn without_strava_credentials_sign_in_is_unavailable() {
    let app = crate::support::app::spawn_app(vec![]).await;
    let mut browser = Browser::new(&app);
    let (status, page) = browser.text("/auth/strava/login").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("not configured"), "{page}");
}
