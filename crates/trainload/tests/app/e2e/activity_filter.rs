//! The activity list as a person uses it: the triathlete picks "Running" in the filter form,
//! sees only runs, and pages to older runs with the filter kept.

use std::time::{Duration, Instant};

use serde_json::json;

use super::demo_process::DemoProcess;
use super::webdriver::{Driver, Session};
use super::{WAIT, browser, screenshots_dir};

/// The demo's triathlete: runs, rides and swims in one list.
const TRIATHLETE: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_athlete_filters_the_activities_by_sport_and_pages_through_them() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let driver = Driver::start(programs).await;
    let browser = driver
        .session(&demo.dir().join("chromium-profile-filter"))
        .await;
    browser.goto(&demo.sign_in_links[TRIATHLETE]).await;
    browser.wait_for("main h1", WAIT).await;

    // Small pages, so a few weeks of runs take more than one.
    browser
        .goto(&format!("{}/activities?limit=5", demo.base))
        .await;
    assert_eq!(
        row_ids(&browser).await.len(),
        5,
        "pages of five before the filter"
    );
    let running = browser
        .wait_for(r#"#activity-filter option[value="running"]"#, WAIT)
        .await;
    browser.click(&running).await;
    let show = browser
        .wait_for(r#"#activity-filter button[type="submit"]"#, WAIT)
        .await;
    browser.click(&show).await;
    wait_for_query(&browser, &["sport=running", "limit=5"]).await;
    let first = row_ids(&browser).await;
    assert_eq!(first.len(), 5, "a full first page of runs");
    assert!(
        row_sports(&browser).await.iter().all(|s| s == "running"),
        "only runs after the filter"
    );
    browser
        .screenshot(&screenshots_dir().join("activities-running.png"))
        .await;

    let older = browser.wait_for("#page-older", WAIT).await;
    browser.click(&older).await;
    wait_for_query(&browser, &["sport=running", "offset=5"]).await;
    let second = row_ids(&browser).await;
    assert!(!second.is_empty(), "the second page has runs");
    assert!(
        second.iter().all(|id| !first.contains(id)),
        "the second page repeats none of the first: {first:?} {second:?}"
    );
    assert!(row_sports(&browser).await.iter().all(|s| s == "running"));
    let selected = browser
        .script(
            r#"return document.querySelector('#activity-filter select[name="sport"]').value;"#,
            json!([]),
        )
        .await;
    assert_eq!(selected, "running", "the form still shows the filter");
    browser.wait_for("#page-newer", WAIT).await;

    // A run from the filtered list opens with its pace drawn on a pace axis.
    let run = browser
        .wait_for(r#"tr[id^="activity-"] td a[href^="/activities/"]"#, WAIT)
        .await;
    browser.click(&run).await;
    let pace = browser
        .wait_for(r#"[data-chart][data-axis-titles*="Pace"]"#, WAIT)
        .await;
    let titles = browser.attribute(&pace, "data-axis-titles").await;
    browser
        .script(
            r#"document.querySelector('[data-chart][data-axis-titles*="Pace"]').scrollIntoView();"#,
            json!([]),
        )
        .await;
    browser
        .screenshot(&screenshots_dir().join("activities-run-pace.png"))
        .await;
    assert_eq!(
        titles.as_deref(),
        Some("Elapsed time (h:mm:ss) | Pace (per km)")
    );
    browser.quit().await;
    demo.stop();
}

/// Waits until the page's address holds every part of `parts` and it has loaded.
async fn wait_for_query(browser: &Session<'_>, parts: &[&str]) {
    let deadline = Instant::now() + WAIT;
    loop {
        let state = browser
            .script("return [location.search, document.readyState];", json!([]))
            .await;
        let search = state[0].as_str().unwrap_or_default();
        if parts.iter().all(|p| search.contains(p)) && state[1] == "complete" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never reached {parts:?}: {state}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The ids of the listed activities, in order.
async fn row_ids(browser: &Session<'_>) -> Vec<String> {
    let ids = browser
        .script(
            r#"return [...document.querySelectorAll('tr[id^="activity-"]')].map(r => r.id);"#,
            json!([]),
        )
        .await;
    serde_json::from_value(ids).unwrap()
}

/// The sport group of each listed activity.
async fn row_sports(browser: &Session<'_>) -> Vec<String> {
    let sports = browser
        .script(
            r#"return [...document.querySelectorAll('tr[id^="activity-"]')].map(r => r.dataset.sport);"#,
            json!([]),
        )
        .await;
    serde_json::from_value(sports).unwrap()
}
