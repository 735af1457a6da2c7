//! Walking through the pages in one browser session: every signed-in page holds one live-update
//! stream (`GET /events`), and a stream left open by a page the browser has left would take one
//! of Chromium's six connections per host, until the seventh page waited for a free one.

use std::time::{Duration, Instant};

use serde_json::json;

use super::demo_process::DemoProcess;
use super::webdriver::{Driver, Session};
use super::{WAIT, browser, screenshots_dir};

/// Far above a page of a debug build, far below the 37–60 s of a page queued behind leaked
/// streams.
const PAGE_BOUND: Duration = Duration::from_secs(10);

/// The navigation links clicked in turn: more pages than Chromium has connections per host.
const WALK: [&str; 12] = [
    "/activities",
    "/fitness",
    "/wellness",
    "/settings",
    "/admin",
    "/dashboard",
    "/activities",
    "/fitness",
    "/wellness",
    "/settings",
    "/admin",
    "/dashboard",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_pages_in_one_session_each_load_at_once() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let driver = Driver::start(programs).await;
    let browser = driver.session(&demo.dir().join("chromium-profile")).await;
    browser.goto(&demo.sign_in_links[0]).await;
    browser.wait_for("main h1", WAIT).await;
    // The first page's stream is open before the walk starts.
    wait_until_live(&browser).await;

    let mut times = Vec::new();
    for href in WALK {
        let link = browser
            .wait_for(&format!(r#"header a[href="{href}"]"#), WAIT)
            .await;
        let started = Instant::now();
        browser.click(&link).await;
        wait_for_page(&browser, href).await;
        let took = started.elapsed();
        times.push((href, took));
        wait_until_live(&browser).await;
    }
    eprintln!("page loads in one session: {times:?}");
    for (href, took) in &times {
        assert!(
            *took < PAGE_BOUND,
            "{href} took {took:?} to load after the earlier pages: {times:?}"
        );
    }
    browser
        .screenshot(&screenshots_dir().join("navigation-last-page.png"))
        .await;
    browser.quit().await;
    demo.stop();
}

/// Waits until the current page is `path` and has loaded.
async fn wait_for_page(browser: &Session<'_>, path: &str) {
    let deadline = Instant::now() + WAIT * 3;
    loop {
        let state = browser
            .script(
                "return [location.pathname, document.readyState];",
                json!([]),
            )
            .await;
        if state[0] == path && state[1] == "complete" {
            return;
        }
        assert!(Instant::now() < deadline, "{path} never loaded: {state}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the page's live-update stream is open (live.js marks `<html data-live>`).
async fn wait_until_live(browser: &Session<'_>) {
    browser.wait_for("html[data-live=open]", WAIT).await;
}
