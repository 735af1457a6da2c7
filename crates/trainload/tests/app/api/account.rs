//! The signed-in athlete's account over real HTTP against the simulator: connecting
//! Intervals.icu (one live call validates the key), disconnecting, deleting every row of theirs,
//! CSRF, and the access rules between two athletes and the admin.

use reqwest::StatusCode;
use serde_json::Value;
use trainload::store::integrations::Provider;
use trainload::store::integrations::{self, Status};
use trainload::store::users::{self, Role, UserId};

use crate::api::browser::{Browser, location, sign_in, sim_app, start_sim};
use crate::support::app::{TestApp, engines};

/// The most recently created user.
async fn newest_user(app: &TestApp) -> UserId {
    users::list(&app.store).await.unwrap().last().unwrap().id
}

async fn integration_status(app: &TestApp, user: UserId, provider: Provider) -> Option<Status> {
    integrations::list_for_user(&app.store, user)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.provider == provider)
        .map(|i| i.status)
}

/// The stored Strava refresh token of `user`, decrypted.
async fn strava_refresh_token(app: &TestApp, user: UserId) -> Option<String> {
    use secrecy::ExposeSecret;
    let strava = integrations::list_for_user(&app.store, user)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.provider == Provider::Strava)?;
    let tokens = integrations::tokens(&app.store, strava.id).await.unwrap();
    tokens.refresh_token.map(|t| t.expose_secret().to_owned())
}

/// The status of a refresh with `refresh_token` at the simulator's Strava.
async fn refresh(info: &sim::SimInfo, refresh_token: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/token", info.strava_oauth_base))
        .form(&[
            ("client_id", info.client_id.as_str()),
            ("client_secret", info.client_secret.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn intervals_connects_only_with_a_key_intervals_accepts_and_both_providers_disconnect() {
    let sim = start_sim(4).await;
    let info = sim.info();
    let (index, athlete) = info
        .athletes
        .iter()
        .enumerate()
        .find(|(_, a)| a.intervals_api_key.is_some())
        .unwrap();
    let intervals_id = athlete.intervals_athlete_id.clone().unwrap();
    let key = athlete.intervals_api_key.clone().unwrap();
    for engine in engines() {
        let app = sim_app(engine, &sim, None).await;
        let mut me = sign_in(&app, index).await;
        let user = newest_user(&app).await;
        let (status, page) = me.text("/settings").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(r#"href="/settings/display""#), "{page}");
        assert!(page.contains("Disconnect Strava"), "{page}");
        assert!(!page.contains("Disconnect Intervals.icu"), "{page}");

        let refused = me
            .post_form(
                "/settings/intervals",
                &[("athlete_id", &intervals_id), ("api_key", "not-the-key")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let page = refused.text().await.unwrap();
        assert!(page.contains("settings-error"), "{page}");
        assert_eq!(
            integration_status(&app, user, Provider::Intervals).await,
            None
        );

        let accepted = me
            .post_form(
                "/settings/intervals",
                &[("athlete_id", &intervals_id), ("api_key", &key)],
            )
            .await;
        assert_eq!(location(&accepted), "/settings");
        assert_eq!(
            integration_status(&app, user, Provider::Intervals).await,
            Some(Status::Active)
        );
        let (_, page) = me.text("/settings").await;
        assert!(page.contains("Disconnect Intervals.icu"), "{page}");

        let done = me.post_form("/settings/intervals/disconnect", &[]).await;
        assert_eq!(location(&done), "/settings");
        assert_eq!(
            integration_status(&app, user, Provider::Intervals).await,
            Some(Status::Revoked)
        );

        app.drain().await;
        let (_, activities) = me.json("/api/v1/me/activities").await;
        assert!(activities["total"].as_u64().unwrap() > 0, "{activities}");
        let refresh_token = strava_refresh_token(&app, user).await.unwrap();
        assert_eq!(refresh(&info, &refresh_token).await, StatusCode::OK);
        let done = me.post_form("/settings/strava/disconnect", &[]).await;
        assert_eq!(location(&done), "/settings");
        assert_eq!(
            integration_status(&app, user, Provider::Strava).await,
            Some(Status::Revoked)
        );
        assert_eq!(
            refresh(&info, &refresh_token).await,
            StatusCode::BAD_REQUEST,
            "Strava (the simulator) was told to revoke our access"
        );
        assert!(
            strava_refresh_token(&app, user).await.is_none(),
            "tokens deleted"
        );
        let (_, activities) = me.json("/api/v1/me/activities").await;
        assert_eq!(
            activities["total"], 0,
            "Strava's data goes with the connection"
        );
        let (_, page) = me.text("/settings").await;
        assert!(page.contains(r#"href="/auth/strava/login""#), "{page}");

        // Signing in again reconnects the same user.
        sign_in(&app, index).await;
        assert_eq!(newest_user(&app).await, user);
        assert_eq!(users::list(&app.store).await.unwrap().len(), 1);
        assert_eq!(
            integration_status(&app, user, Provider::Strava).await,
            Some(Status::Active)
        );
    }
    sim.shutdown();
}

/// `(table, rows of user)` for every table with a `user_id` column, plus the activity tables
/// by the given activity ids, plus `users` itself.
async fn rows_of(app: &TestApp, user: UserId, activity_ids: &[i64]) -> Vec<(String, i64)> {
    let db = app.store.queue_db();
    let list_sql = |column: &str| match app.store.engine() {
        trainload::store::Engine::Sqlite => format!(
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = '{column}' ORDER BY m.name"
        ),
        trainload::store::Engine::Postgres => format!(
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND column_name = '{column}' ORDER BY table_name"
        ),
    };
    let mut counts = Vec::new();
    let ids = activity_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    for (column, value) in [("user_id", user.0.to_string()), ("activity_id", ids)] {
        let sql = list_sql(column);
        let tables: Vec<String> = queue::with_db!(&db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await.unwrap());
        for table in tables {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} IN ({value})");
            let count: i64 = queue::with_db!(&db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.unwrap());
            counts.push((table, count));
        }
    }
    let count: i64 = queue::with_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1").bind(user.0).fetch_one(pool).await.unwrap());
    counts.push(("users".to_owned(), count));
    counts
}

#[tokio::test]
async fn deleting_my_data_leaves_no_row_of_mine_and_keeps_everyone_else_s() {
    let sim = start_sim(2).await;
    for engine in engines() {
        let app = sim_app(engine, &sim, None).await;
        let mut me = sign_in(&app, 0).await;
        let mine = newest_user(&app).await;
        let mut other = sign_in(&app, 1).await;
        let theirs = newest_user(&app).await;
        app.drain().await;
        // A task of mine still waiting in the queue, in a run shared with the other athlete.
        let run_id = app.start_run("quick_sync").await;
        let (_, list) = me.json("/api/v1/me/activities?limit=200").await;
        let ids: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert!(!ids.is_empty());
        let before = rows_of(&app, mine, &ids).await;
        let tables: Vec<&str> = before.iter().map(|(t, _)| t.as_str()).collect();
        for table in [
            "sessions",
            "integrations",
            "activities",
            "activity_streams",
            "activity_loads",
            "thresholds",
            "events",
            "task",
            "users",
        ] {
            assert!(tables.contains(&table), "{table} is counted: {tables:?}");
        }
        for table in ["activities", "activity_loads", "task", "sessions"] {
            let count = before.iter().find(|(t, _)| t == table).unwrap().1;
            assert!(count > 0, "before: {before:?}");
        }

        let (status, page) = me.text("/settings/delete").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("confirm-delete"), "{page}");
        let unconfirmed = me.post_form("/settings/delete", &[]).await;
        assert_eq!(unconfirmed.status(), StatusCode::BAD_REQUEST);
        assert!(users::get(&app.store, mine).await.is_ok());

        let deleted = me
            .post_form("/settings/delete", &[("confirm", "yes")])
            .await;
        assert_eq!(deleted.status(), StatusCode::OK);
        assert!(!me.has_cookie("tl_session"), "signed out");
        let after = rows_of(&app, mine, &ids).await;
        assert!(after.iter().all(|(_, n)| *n == 0), "left behind: {after:?}");

        // The other athlete keeps everything, and the shared run still finishes.
        let (status, list) = other.json("/api/v1/me/activities").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list["total"].as_u64().unwrap() > 0);
        assert!(users::get(&app.store, theirs).await.is_ok());
        app.drain().await;
        let run = app.scheduler.run(run_id).await.unwrap();
        assert_eq!(run.tasks_total, 1, "{run:?}");
        assert!(run.finished_at_ms.is_some(), "{run:?}");
    }
    sim.shutdown();
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused_and_a_same_origin_one_is_served() {
    let sim = start_sim(1).await;
    let app = sim_app(crate::support::app::Engine::Sqlite, &sim, None).await;
    let mut me = sign_in(&app, 0).await;
    let user = newest_user(&app).await;
    let path = "/settings/strava/disconnect";
    for (site, origin) in [
        ("cross-site", None),
        ("same-site", None),
        ("same-origin", Some("https://evil.example")),
    ] {
        let response = me.post_form_from(path, &[], site, origin).await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{site} {origin:?}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "cross_site_request");
    }
    assert_eq!(
        integration_status(&app, user, Provider::Strava).await,
        Some(Status::Active),
        "nothing happened"
    );
    let own_origin = app.address.clone();
    let response = me
        .post_form_from(path, &[], "same-origin", Some(&own_origin))
        .await;
    assert_eq!(location(&response), "/settings");
    assert_eq!(
        integration_status(&app, user, Provider::Strava).await,
        Some(Status::Revoked)
    );
    // The API's bearer-token clients send no cookie and are not affected.
    let api = app
        .client
        .post(app.url("/scheduler/run/quick_sync"))
        .bearer_auth(crate::support::app::TOKEN)
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::ACCEPTED);
    sim.shutdown();
}

#[tokio::test]
async fn a_second_athlete_gets_404_for_the_first_one_s_activity_and_403_on_admin_endpoints() {
    let sim = start_sim(2).await;
    for engine in engines() {
        let app = sim_app(engine, &sim, None).await;
        let mut admin = sign_in(&app, 0).await;
        let mut athlete = sign_in(&app, 1).await;
        app.drain().await;
        let roles: Vec<Role> = users::list(&app.store)
            .await
            .unwrap()
            .iter()
            .map(|u| u.role)
            .collect();
        assert_eq!(roles, [Role::Admin, Role::Athlete]);

        let (_, mine) = admin.json("/api/v1/me/activities?limit=1").await;
        let id = mine["items"][0]["id"].as_i64().unwrap();
        let (status, _) = admin.json(&format!("/api/v1/me/activities/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = athlete.json(&format!("/api/v1/me/activities/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        for path in ["/scheduler/jobs", "/scheduler/runs"] {
            let (status, body) = athlete.json(path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
            assert_eq!(body["code"], "forbidden");
            let (status, _) = admin.json(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
        }
        let refused = athlete.post_form("/scheduler/run/quick_sync", &[]).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let started = admin.post_form("/scheduler/run/quick_sync", &[]).await;
        assert_eq!(started.status(), StatusCode::ACCEPTED);
        let run_id = started.json::<Value>().await.unwrap()["run_id"]
            .as_i64()
            .unwrap();
        let run = app.scheduler.run(run_id).await.unwrap();
        assert!(run.actor.starts_with("user:"), "{run:?}");

        // Only the admin's navigation links the admin page.
        let (_, page) = admin.text("/dashboard").await;
        assert!(page.contains(r#"href="/admin""#));
        let (_, page) = athlete.text("/dashboard").await;
        assert!(!page.contains(r#"href="/admin""#));
        assert!(page.contains(r#"href="/settings""#));
        let mut anonymous = Browser::new(&app);
        let (status, _) = anonymous.json("/scheduler/jobs").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    sim.shutdown();
}
