//! `GET /api/v1/me/activities?sport=&from=&to=&limit=&offset=` and the `/activities` page over
//! the same filter: sport groups, inclusive local dates, page boundaries with `next`, 400 codes
//! for values the list cannot use, and only the athlete's own activities. Every test runs on
//! each engine.

use jiff::civil::Date;
use reqwest::StatusCode;
use serde_json::Value;
use trainload::store::activities;
use trainload::store::now_ms;
use trainload::store::users::UserId;

use crate::api::athlete_data::{Athlete, add_ride, app, day, ride};
use crate::support::app::{TestApp, assert_error, engines};

/// Stores an activity of `sport_type` on `date` (no load); returns its id.
async fn add_activity(
    app: &TestApp,
    user: UserId,
    external_id: u64,
    date: Date,
    sport_type: &str,
) -> i64 {
    let mut summary = ride(external_id, date);
    summary.sport_type = sport_type.to_owned();
    summary.legacy_type = None;
    summary.name = Some(format!("{sport_type} {external_id}"));
    activities::upsert(&app.store, user, &summary, now_ms())
        .await
        .unwrap()
        .id
        .0
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

/// The athlete's mixed week and a half: ids of runs, rides, swims and others, newest first.
struct Mix {
    runs: Vec<i64>,
    rides: Vec<i64>,
    swims: Vec<i64>,
    others: Vec<i64>,
}

/// Day -1 … -10: a run every day, a ride (a gravel ride on even days) on odd days, a swim on
/// day -4, a hike on day -6 and a sport Strava has not invented yet on day -7.
async fn add_mix(app: &TestApp, user: UserId) -> Mix {
    let mut mix = Mix {
        runs: Vec::new(),
        rides: Vec::new(),
        swims: Vec::new(),
        others: Vec::new(),
    };
    for age in 1..=10_i64 {
        let n = u64::try_from(age).unwrap() * 10;
        let run = if age % 2 == 0 { "TrailRun" } else { "Run" };
        mix.runs
            .push(add_activity(app, user, n, day(-age), run).await);
        if age % 2 == 1 {
            let id = add_ride(&app.store, user, n + 1, day(-age), age as f64).await;
            mix.rides.push(id);
        }
        if age == 4 {
            mix.swims
                .push(add_activity(app, user, n + 2, day(-age), "Swim").await);
        }
        if age == 6 {
            mix.others
                .push(add_activity(app, user, n + 3, day(-age), "Hike").await);
        }
        if age == 7 {
            mix.others
                .push(add_activity(app, user, n + 4, day(-age), "Zorbing").await);
        }
    }
    mix
}

#[tokio::test]
async fn the_sport_filter_keeps_one_group_and_other_keeps_unknown_sports() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let mix = add_mix(&app, me.id).await;
        // Runs and rides share days: same start time, so the newer id comes first.
        let running = me
            .ok(&app, "/api/v1/me/activities?sport=running&limit=200")
            .await;
        assert_eq!(running["total"], 10, "{running}");
        assert_eq!(ids(&running), mix.runs);
        assert_eq!(running["sport"], "running");
        assert!(
            running["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["sport"] == "running"),
            "{running}"
        );
        let cycling = me.ok(&app, "/api/v1/me/activities?sport=cycling").await;
        assert_eq!(ids(&cycling), mix.rides);
        assert_eq!(cycling["items"][0]["method"], "power", "loads come along");
        let swimming = me.ok(&app, "/api/v1/me/activities?sport=swimming").await;
        assert_eq!(ids(&swimming), mix.swims);
        let other = me.ok(&app, "/api/v1/me/activities?sport=other").await;
        assert_eq!(ids(&other), mix.others);
        assert_eq!(other["items"][1]["sport_type"], "Zorbing");
        assert_eq!(other["items"][1]["sport"], "other");
        let all = me.ok(&app, "/api/v1/me/activities?limit=200").await;
        assert_eq!(all["total"], 10 + 5 + 1 + 2);
        assert_eq!(all["sport"], Value::Null);
    }
}

#[tokio::test]
async fn dates_are_inclusive_local_days_and_combine_with_the_sport() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let mix = add_mix(&app, me.id).await;
        let (from, to) = (day(-5), day(-3));
        let page = me
            .ok(
                &app,
                &format!("/api/v1/me/activities?sport=running&from={from}&to={to}"),
            )
            .await;
        // Runs of days -3, -4 and -5: indexes 2, 3 and 4 of the newest-first list.
        assert_eq!(ids(&page), mix.runs[2..5]);
        assert_eq!(page["total"], 3);
        assert_eq!(
            (page["from"].as_str(), page["to"].as_str()),
            (
                Some(from.to_string().as_str()),
                Some(to.to_string().as_str())
            )
        );
        // One day: from = to.
        let one = me
            .ok(
                &app,
                &format!("/api/v1/me/activities?from={from}&to={from}"),
            )
            .await;
        let dates: Vec<&str> = one["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["local_date"].as_str().unwrap())
            .collect();
        assert_eq!(dates, [from.to_string(), from.to_string()], "run and ride");
        // Only a start or only an end is open on the other side.
        let since = me
            .ok(&app, &format!("/api/v1/me/activities?from={}", day(-2)))
            .await;
        assert_eq!(since["total"], 3, "runs of -1 and -2, ride of -1: {since}");
        let until = me
            .ok(&app, &format!("/api/v1/me/activities?to={}", day(-9)))
            .await;
        assert_eq!(until["total"], 3, "runs of -9 and -10, ride of -9: {until}");
        // Blank fields (an HTML form's) are no filter.
        let blank = me.ok(&app, "/api/v1/me/activities?sport=&from=&to=").await;
        assert_eq!(blank["total"], 18);
    }
}

#[tokio::test]
async fn pages_end_at_the_total_and_next_keeps_the_filter() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let mix = add_mix(&app, me.id).await;
        let from = day(-10);
        let first = me
            .ok(
                &app,
                &format!("/api/v1/me/activities?sport=running&from={from}&limit=4"),
            )
            .await;
        assert_eq!(ids(&first), mix.runs[..4]);
        assert_eq!(first["next_offset"], 4);
        let next = first["next"].as_str().unwrap().to_owned();
        assert_eq!(
            next,
            format!("/api/v1/me/activities?sport=running&from={from}&limit=4&offset=4")
        );
        let second = me.ok(&app, &next).await;
        assert_eq!(ids(&second), mix.runs[4..8]);
        let last = me.ok(&app, second["next"].as_str().unwrap()).await;
        assert_eq!(ids(&last), mix.runs[8..]);
        assert_eq!(last["next_offset"], Value::Null, "{last}");
        assert_eq!(last["next"], Value::Null);
        // A page that ends exactly at the total has no next page either.
        let exact = me
            .ok(&app, "/api/v1/me/activities?sport=running&limit=5&offset=5")
            .await;
        assert_eq!(ids(&exact), mix.runs[5..]);
        assert_eq!(exact["next"], Value::Null);
        // Past the end: empty, with the total still told.
        let past = me
            .ok(&app, "/api/v1/me/activities?sport=running&offset=10")
            .await;
        assert_eq!(past["items"], serde_json::json!([]));
        assert_eq!(past["total"], 10);
    }
}

#[tokio::test]
async fn values_the_list_cannot_use_are_400_with_a_code_and_a_reason() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let cases = [
            (
                "sport=Run",
                "invalid_sport",
                "running, cycling, swimming, other",
            ),
            ("sport=yoga", "invalid_sport", "\"yoga\""),
            ("from=2026-02-30", "invalid_date", "YYYY-MM-DD"),
            ("to=yesterday", "invalid_date", "to must be a date"),
            ("from=2026-03-02&to=2026-03-01", "invalid_range", "after"),
            ("limit=0", "invalid_limit", "between 1 and 200"),
            ("offset=-1", "invalid_offset", "negative"),
        ];
        for (query, code, words) in cases {
            let (status, body) = me
                .get(&app, &format!("/api/v1/me/activities?{query}"))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert_error(&body, code);
            let message = body["error"].as_str().unwrap();
            assert!(message.contains(words), "{query}: {message}");
        }
    }
}

#[tokio::test]
async fn an_athlete_filters_only_their_own_activities() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let other = Athlete::new(&app).await;
        let mine = add_mix(&app, me.id).await;
        add_mix(&app, other.id).await;
        let runs = me
            .ok(&app, "/api/v1/me/activities?sport=running&limit=200")
            .await;
        assert_eq!(ids(&runs), mine.runs);
        let theirs = other
            .ok(&app, "/api/v1/me/activities?sport=running&limit=200")
            .await;
        assert!(
            ids(&theirs).iter().all(|id| !mine.runs.contains(id)),
            "{theirs}"
        );
        assert_eq!(theirs["total"], 10);
    }
}

/// The page over the same data: GET with the session cookie, status and HTML.
async fn page(app: &TestApp, me: &Athlete, query: &str) -> (StatusCode, String) {
    let response = app
        .client
        .get(app.url(&format!("/activities?{query}")))
        .header(reqwest::header::COOKIE, &me.cookie)
        .header(reqwest::header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_activities_page_filters_pages_and_says_when_nothing_matches() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let mix = add_mix(&app, me.id).await;
        let (status, html) = page(&app, &me, "sport=running&limit=4&offset=4").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(r#"<option value="running" selected>"#),
            "{html}"
        );
        assert!(html.contains(r#"id="list-count">5–8 of 10"#), "{html}");
        for (index, id) in mix.runs.iter().enumerate() {
            let shown = html.contains(&format!(r#"id="activity-{id}""#));
            assert_eq!(shown, (4..8).contains(&index), "run {index}");
        }
        assert!(!html.contains(&format!(r#"id="activity-{}""#, mix.rides[0])));
        assert!(
            html.contains(r#"href="/activities?sport=running&amp;limit=4&amp;offset=0">← Newer"#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/activities?sport=running&amp;limit=4&amp;offset=8">Older"#),
            "{html}"
        );
        // The first page has no newer link, the last no older one.
        let (_, first) = page(&app, &me, "sport=running&limit=4").await;
        assert!(!first.contains("page-newer") && first.contains("page-older"));
        let (_, last) = page(&app, &me, "sport=running&limit=4&offset=8").await;
        assert!(last.contains("page-newer") && !last.contains("page-older"));

        let (status, empty) = page(&app, &me, &format!("sport=swimming&to={}", day(-5))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            empty.contains(&format!(
                r#"<p id="list-empty">No swimming up to {}. Try another sport"#,
                day(-5)
            )),
            "{empty}"
        );
        let (status, wrong) = page(&app, &me, "from=2026-03-02&to=2026-03-01").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(wrong.contains(r#"id="filter-error""#), "{wrong}");
        assert!(wrong.contains("is after to"), "{wrong}");
        assert!(
            wrong.contains(r#"value="2026-03-02""#),
            "the form keeps the values"
        );

        let nobody = Athlete::new(&app).await;
        let (_, none) = page(&app, &nobody, "").await;
        assert!(none.contains("No activities yet."), "{none}");
    }
}
