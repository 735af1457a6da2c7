//! No dead ends: the athlete whose Strava access lapsed reconnects from the banner and keeps
//! their data; `/settings` shows a working Intervals.icu connection instead of its form; a bad
//! address shows a page, not JSON. Screenshots at 1280 px and 390 px land in `target/tmp/e2e/`.

use super::demo_process::DemoProcess;
use super::webdriver::{Driver, Session};
use super::{WAIT, browser, screenshots_dir};

/// The demo's fifth athlete has had their Strava access revoked.
const REVOKED: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_athlete_reconnects_strava_and_bad_addresses_show_pages() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let shots = screenshots_dir();
    let driver = Driver::start(programs).await;
    let wide = driver.session(&demo.dir().join("profile-wide")).await;

    // The revoked athlete sees the banner with a way out.
    wide.goto(&demo.sign_in_links[REVOKED]).await;
    wide.wait_for("#reauth-strava", WAIT).await;
    wide.screenshot(&shots.join("reconnect-1-banner.png")).await;
    let before = activity_count(&wide, &demo.base).await;
    assert!(before > 0, "the revoked athlete has history to keep");
    wide.goto(&format!("{}/settings", demo.base)).await;
    let status = wide.wait_for("#connection-strava", WAIT).await;
    assert!(wide.text(&status).await.contains("needs reconnecting"));
    wide.wait_for("#connection-strava #reconnect-strava", WAIT)
        .await;
    wide.screenshot(&shots.join("reconnect-2-settings.png"))
        .await;

    // Reconnecting goes through the (simulated) Strava and back to the same athlete.
    wide.goto(&format!("{}/dashboard", demo.base)).await;
    let reconnect = wide
        .wait_for("#reauth-strava #reconnect-strava", WAIT)
        .await;
    wide.click(&reconnect).await;
    wide.wait_for("main h1", WAIT).await;
    assert!(
        wide.url().await.ends_with("/dashboard"),
        "{}",
        wide.url().await
    );
    assert!(
        wide.find_all("#reauth-strava").await.is_empty(),
        "the banner is gone after reconnecting"
    );
    assert!(
        activity_count(&wide, &demo.base).await >= before,
        "the data was kept"
    );
    wide.goto(&format!("{}/settings", demo.base)).await;
    let status = wide.wait_for("#connection-strava", WAIT).await;
    let text = wide.text(&status).await;
    assert!(
        text.contains("connected") && !text.contains("needs"),
        "{text}"
    );
    wide.screenshot(&shots.join("reconnect-3-done.png")).await;

    // An athlete with a working Intervals.icu connection sees it, not the form to connect.
    wide.goto(&demo.sign_in_links[0]).await;
    wide.goto(&format!("{}/settings", demo.base)).await;
    let intervals = wide.wait_for("#connection-intervals", WAIT).await;
    let text = wide.text(&intervals).await;
    assert!(text.contains("connected"), "{text}");
    let last_sync = wide
        .wait_for("#connection-intervals .last-sync", WAIT)
        .await;
    assert!(wide.text(&last_sync).await.contains("UTC"));
    assert!(wide.find_all("#connect-intervals").await.is_empty());
    wide.screenshot(&shots.join("settings-1280.png")).await;

    // Bad addresses show pages.
    for (path, title) in [
        ("/nonexistent", "Page not found"),
        ("/activities/abc", "This address is not valid"),
        ("/fitness?window=bogus", "This address is not valid"),
    ] {
        wide.goto(&format!("{}{path}", demo.base)).await;
        let heading = wide.wait_for("main h1", WAIT).await;
        assert_eq!(wide.text(&heading).await, title, "{path}");
        wide.wait_for("#error-text", WAIT).await;
    }
    wide.screenshot(&shots.join("error-page-1280.png")).await;
    wide.quit().await;

    // The same pages on a phone.
    let phone = driver
        .session_sized(&demo.dir().join("profile-phone"), (390, 844))
        .await;
    phone.goto(&demo.sign_in_links[0]).await;
    phone.goto(&format!("{}/settings", demo.base)).await;
    phone.wait_for("#connection-intervals", WAIT).await;
    phone.screenshot(&shots.join("settings-390.png")).await;
    phone.goto(&format!("{}/nonexistent", demo.base)).await;
    phone.wait_for("#error-text", WAIT).await;
    phone.screenshot(&shots.join("error-page-390.png")).await;
    phone.quit().await;
    demo.stop();
}

/// How many activities the signed-in athlete has, from the API.
async fn activity_count(browser: &Session<'_>, base: &str) -> usize {
    let script = "var x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send(); \
                  return x.responseText;";
    let url = format!("{base}/api/v1/me/activities?limit=1");
    let body = browser.script(script, serde_json::json!([url])).await;
    let parsed: serde_json::Value = serde_json::from_str(body.as_str().unwrap()).unwrap();
    let total = parsed["total"].as_u64();
    usize::try_from(total.unwrap_or_else(|| panic!("no total in {parsed}"))).unwrap()
}
