//! The dashboard pages for demo athletes with data: the overview's zoomable chart, the activity
//! page, fitness, wellness and the display units; user text is escaped and another athlete's
//! activity is a 404 page.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::Value;
use trainload::store::activities;

use crate::support::demo::{Browser, start};

/// The JSON spec of the chart container that starts at `marker`.
fn chart_spec(html: &str, marker: &str) -> Value {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let open = r#"<script type="application/json">"#;
    let json_start = html[start..].find(open).unwrap() + start + open.len();
    let json_end = html[json_start..].find("</script>").unwrap() + json_start;
    serde_json::from_str(&html[json_start..json_end]).unwrap()
}

/// The id of the first activity row whose load used `method`.
fn first_with_method(list: &str, method: &str) -> i64 {
    let row_end = format!(r#"<td class="hide-sm">{method}</td></tr>"#);
    let rows: Vec<&str> = list.split(r#"<tr id="activity-"#).skip(1).collect();
    let row = rows
        .iter()
        .find(|r| r.contains(&row_end))
        .unwrap_or_else(|| panic!("no {method} row"));
    row.split('"').next().unwrap().parse().unwrap()
}

/// The ids of the activity rows of `/activities`, in order.
fn activity_ids(list: &str) -> Vec<i64> {
    list.split(r#"<tr id="activity-"#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn ok_html(browser: &Browser, path: &str) -> String {
    let response = browser.raw_get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert!(
        response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path}"
    );
    response.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_renders_with_data_for_a_cyclist_and_a_runner() {
    let demo = start(2, 35).await;
    let (cyclist, runner) = (demo.sign_in(0).await, demo.sign_in(1).await);

    let overview = ok_html(&cyclist, "/dashboard").await;
    let spec = chart_spec(
        &overview,
        r#"<div class="chart" id="pmc-chart" data-chart>"#,
    );
    assert_eq!(spec["x"].as_array().unwrap().len(), 90, "{spec}");
    let labels: Vec<&str> = spec["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Daily load", "Fitness (CTL)", "Fatigue (ATL)", "Form (TSB)"]
    );
    assert!(
        spec["series"][0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.as_f64().unwrap() > 0.0),
        "the daily loads are in the chart"
    );
    for needed in [
        r#"<script defer src="/assets/charts.js"></script>"#,
        r#"id="week-vs-target""#,
        " UTL</span>",
        r#"id="recovery""#,
        "Next 5 days",
    ] {
        assert!(overview.contains(needed), "{needed}");
    }
    for asset in [
        "/assets/charts.js",
        "/assets/vendor/uplot/uPlot.iife.min.js",
        "/assets/vendor/uplot/uPlot.min.css",
    ] {
        let (status, body) = cyclist.text(asset).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(body.len() > 500, "{asset}");
    }

    let list = ok_html(&cyclist, "/activities").await;
    let id = first_with_method(&list, "power");
    assert!(list.contains(&format!(r#"<a href="/activities/{id}">"#)));
    let page = ok_html(&cyclist, &format!("/activities/{id}")).await;
    for needed in [
        r#"id="streams""#,
        "<h3>Power</h3>",
        "<h3>Heart rate</h3>",
        "Load breakdown",
        "Power (TSS)",
        "Formula version",
        "Thresholds used",
        "FTP",
        "Wellness modifier components",
    ] {
        assert!(page.contains(needed), "activity page lacks {needed}");
    }
    let power = chart_spec(&page, "<h3>Power</h3>");
    let points = power["x"].as_array().unwrap().len();
    assert!(points > 10 && points <= 800, "{points} chart points");

    let fitness = ok_html(&cyclist, "/fitness").await;
    assert!(
        fitness.contains(r#"<td>20 min</td><td class="num">"#),
        "the power table"
    );
    let curve = chart_spec(&fitness, r#"id="power-curve""#);
    assert_eq!(curve["x_kind"], "log_seconds");
    let durations: Vec<u64> = curve["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap())
        .collect();
    assert!(durations.windows(2).all(|w| w[0] < w[1]), "{durations:?}");
    assert!(fitness.contains(r#"id="thresholds""#));
    ok_html(&cyclist, "/fitness?window=365d").await;
    ok_html(&cyclist, "/fitness?window=all").await;
    let (status, _) = cyclist.text("/fitness?window=2w").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let running = ok_html(&runner, "/fitness?window=all").await;
    assert!(running.contains(r#"id="best-efforts""#));
    assert!(
        running.contains("<td>1 km</td>"),
        "the runner has a best 1 km"
    );

    let wellness = ok_html(&cyclist, "/wellness").await;
    let trend = chart_spec(&wellness, "<h2>Resting HR and HRV</h2>");
    assert_eq!(trend["x"].as_array().unwrap().len(), 90);
    assert!(
        trend["series"][0]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(Value::is_number),
        "resting HR values"
    );
    assert!(wellness.contains("Wellness modifier") && wellness.contains(r#"id="wellness-days""#));
    assert_eq!(
        wellness.matches("<tr><td>").count(),
        14,
        "a row per latest day"
    );
    ok_html(&cyclist, "/wellness?days=365").await;
    let (status, _) = cyclist.text("/wellness?days=7").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let anonymous = Browser::anonymous(&demo.base);
    for path in [
        "/fitness",
        "/wellness",
        &format!("/activities/{id}"),
        "/settings/display",
    ] {
        let response = anonymous.raw_get(path).await;
        assert!(response.status().is_redirection(), "{path}");
        assert_eq!(response.headers()[LOCATION], "/", "{path}");
    }
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_names_are_escaped_and_another_athletes_activity_is_not_found() {
    let demo = start(2, 21).await;
    let (first, second) = (demo.sign_in(0).await, demo.sign_in(1).await);
    let id = activity_ids(&ok_html(&first, "/activities").await)[0];
    let store = &demo.ctx.store;
    let mut summary = activities::get(store, activities::ActivityId(id))
        .await
        .unwrap()
        .summary;
    summary.name = Some(r#"<script>alert("x")</script> & <b>co</b>"#.to_owned());
    activities::upsert(store, demo.athletes[0].user, &summary, 1)
        .await
        .unwrap();
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;";
    for path in ["/activities".to_owned(), format!("/activities/{id}")] {
        let html = ok_html(&first, &path).await;
        assert!(html.contains(escaped), "{path} shows the name escaped");
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<b>co</b>"), "{path}");
    }

    let theirs = second.raw_get(&format!("/activities/{id}")).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let theirs = theirs.text().await.unwrap();
    let missing = second.raw_get("/activities/999999999").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        theirs,
        missing.text().await.unwrap(),
        "another athlete's activity looks exactly like a missing one"
    );
    assert!(!theirs.contains("alert"), "nothing of it leaks");
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_to_imperial_changes_the_units_on_every_page() {
    let demo = start(2, 21).await;
    let (me, other) = (demo.sign_in(1).await, demo.sign_in(0).await);
    let list = ok_html(&me, "/activities").await;
    assert!(list.contains(" km</td>") && !list.contains(" mi</td>"));
    let id = activity_ids(&list)[0];
    let page = ok_html(&me, &format!("/activities/{id}")).await;
    assert!(page.contains("/km") && page.contains(r#"<div class="stat-sm">"#));
    let form = ok_html(&me, "/settings/display").await;
    assert!(form.contains(r#"value="metric" checked"#));

    let saved = me
        .post_form("/settings/display", &[("units", "imperial")])
        .await;
    assert!(saved.status().is_redirection(), "{}", saved.status());
    assert_eq!(saved.headers()[LOCATION], "/settings/display");
    let form = ok_html(&me, "/settings/display").await;
    assert!(form.contains(r#"value="imperial" checked"#));

    let list = ok_html(&me, "/activities").await;
    assert!(
        list.contains(" mi</td>") && !list.contains(" km</td>"),
        "distances in miles"
    );
    let page = ok_html(&me, &format!("/activities/{id}")).await;
    assert!(
        page.contains("/mi") && !page.contains("/km"),
        "paces per mile"
    );
    assert!(page.contains(" mi<"), "the distance in miles");
    assert!(
        page.contains(" ft<") || page.contains("(ft)"),
        "elevation in feet"
    );
    let running = ok_html(&me, "/fitness?window=all").await;
    assert!(running.contains("/mi</td>") && !running.contains("/km</td>"));

    let unchanged = ok_html(&other, "/activities").await;
    assert!(
        unchanged.contains(" km</td>"),
        "the other athlete keeps metric"
    );

    let bad = me
        .post_form("/settings/display", &[("units", "furlongs")])
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let back = me
        .post_form("/settings/display", &[("units", "metric")])
        .await;
    assert!(back.status().is_redirection());
    assert!(ok_html(&me, "/activities").await.contains(" km</td>"));
    demo.stop().await;
}
