//! The threshold history chart on `/fitness` in a browser: the runner's threshold pace is drawn
//! with its unit on the axis title, the triathlete's beside FTP and heart rate, and the
//! cyclist's chart keeps FTP and heart rate only.

use super::demo_process::DemoProcess;
use super::webdriver::Driver;
use super::{WAIT, browser, screenshots_dir};

/// The demo athletes (by sign-in link) and the axis titles their threshold chart shows.
const EXPECTED: [(usize, &str, &str); 3] = [
    (0, "cyclist", "Date | FTP (W) | Heart rate (bpm)"),
    (1, "runner", "Date | Pace (m:ss/km) | Heart rate (bpm)"),
    (
        2,
        "triathlete",
        "Date | FTP (W) | Heart rate (bpm) | Pace (m:ss/km)",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_threshold_chart_draws_a_runners_threshold_pace_with_its_unit() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let driver = Driver::start(programs).await;
    for (athlete, name, titles) in EXPECTED {
        let profile = demo
            .dir()
            .join(format!("chromium-profile-thresholds-{name}"));
        let browser = driver.session(&profile).await;
        browser.goto(&demo.sign_in_links[athlete]).await;
        browser.wait_for("main h1", WAIT).await;
        browser.goto(&format!("{}/fitness", demo.base)).await;
        let chart = browser
            .wait_for("#threshold-chart[data-axis-titles]", WAIT)
            .await;
        assert!(
            !browser.find_all("#threshold-chart canvas").await.is_empty(),
            "{name}: the chart was drawn"
        );
        let shown = browser.attribute(&chart, "data-axis-titles").await;
        browser
            .script(
                "document.querySelector('#threshold-chart').scrollIntoView();",
                serde_json::json!([]),
            )
            .await;
        browser
            .screenshot(&screenshots_dir().join(format!("thresholds-{name}.png")))
            .await;
        assert_eq!(shown.as_deref(), Some(titles), "{name}");
        browser.quit().await;
    }
    // Three axes still fit a phone: the triathlete's /fitness does not scroll sideways.
    let phone = driver
        .session_sized(
            &demo.dir().join("chromium-profile-thresholds-phone"),
            (390, 844),
        )
        .await;
    phone.goto(&demo.sign_in_links[2]).await;
    phone.wait_for("main h1", WAIT).await;
    phone.goto(&format!("{}/fitness", demo.base)).await;
    phone.wait_for("#threshold-chart canvas", WAIT).await;
    let widths = phone
        .script(
            "document.querySelector('#threshold-chart').scrollIntoView();
             return [document.documentElement.scrollWidth, window.innerWidth];",
            serde_json::json!([]),
        )
        .await;
    phone
        .screenshot(&screenshots_dir().join("phone-thresholds-triathlete.png"))
        .await;
    assert!(
        widths[0].as_i64() <= widths[1].as_i64(),
        "/fitness is wider than the phone: {widths}"
    );
    phone.quit().await;
    demo.stop();
}
