//! Notifications on `/settings` in a real browser: the service worker registers, the button
//! says where this device stands, subscribing ends in a clear state (this machine has no route
//! to a real push service, so the browser's subscription may fail: it must say so, not hang),
//! the test button without a device explains what to do, and the preferences form saves.
//! Screenshots at 1280 px and 390 px land in `target/tmp/e2e/`.

use std::time::{Duration, Instant};

use super::demo_process::DemoProcess;
use super::webdriver::{Driver, Session};
use super::{WAIT, browser, screenshots_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_page_registers_the_worker_and_every_control_answers() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let shots = screenshots_dir();
    let driver = Driver::start(programs).await;
    let wide = driver.session(&demo.dir().join("profile-push")).await;
    wide.goto(&demo.sign_in_links[0]).await;
    let settings = format!("{}/settings", demo.base);
    wide.goto(&settings).await;
    wide.wait_for("#push[data-worker=registered]", WAIT).await;
    let state = settled_state(&wide, &["ready", "denied", "subscribed"]).await;
    assert_eq!(state, "ready", "a new profile has not decided yet");
    let button = wide.wait_for("#push-enable", WAIT).await;
    assert_eq!(wide.text(&button).await, "Notify me on this device");
    wide.screenshot(&shots.join("notifications-1-ready.png"))
        .await;

    // "Allow", then subscribe: the page ends subscribed or says why it could not.
    wide.grant("notifications").await;
    wide.click(&button).await;
    let state = settled_state(&wide, &["subscribed", "failed"]).await;
    let status = wide.wait_for("#push-state", WAIT).await;
    let said = wide.text(&status).await;
    assert!(!said.is_empty(), "the outcome is put in words ({state})");
    wide.screenshot(&shots.join("notifications-2-after-subscribe.png"))
        .await;

    // With no device subscribed, the test button explains what to do first.
    if state == "failed" {
        let test = wide.wait_for("#push-test", WAIT).await;
        wide.click(&test).await;
        let error = wide.wait_for("#settings-error", WAIT).await;
        assert!(
            wide.text(&error).await.contains("Notify me on this device"),
            "{}",
            wide.text(&error).await
        );
    }

    // Preferences save and show as saved.
    wide.goto(&settings).await;
    let activities = wide
        .wait_for("#push-preferences input[name=activities]", WAIT)
        .await;
    wide.click(&activities).await;
    let save = wide.wait_for("#push-preferences button", WAIT).await;
    wide.click(&save).await;
    // The form posts and comes back to /settings#notifications.
    let deadline = Instant::now() + WAIT;
    while !wide.url().await.ends_with("#notifications") {
        assert!(
            Instant::now() < deadline,
            "the preferences form did not come back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wide.wait_for(
        "#push-preferences input[name=activities]:not(:checked)",
        WAIT,
    )
    .await;
    assert_eq!(
        wide.find_all("#push-preferences input:checked").await.len(),
        2,
        "thresholds and summaries stay on"
    );
    wide.quit().await;

    let phone = driver
        .session_sized(&demo.dir().join("profile-push-phone"), (390, 844))
        .await;
    phone.goto(&demo.sign_in_links[0]).await;
    phone.goto(&format!("{settings}#notifications")).await;
    phone.wait_for("#push[data-worker=registered]", WAIT).await;
    let overflow = phone
        .script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(overflow.as_i64(), Some(0), "no sideways scroll at 390 px");
    phone.screenshot(&shots.join("notifications-390.png")).await;
    phone.quit().await;
}

/// The push box's `data-state` once it is one of `settled`.
async fn settled_state(session: &Session<'_>, settled: &[&str]) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let state = session
            .script(
                "var box = document.getElementById('push'); return box && box.getAttribute('data-state');",
                serde_json::json!([]),
            )
            .await;
        let state = state.as_str().unwrap_or_default().to_owned();
        if settled.contains(&state.as_str()) {
            return state;
        }
        assert!(Instant::now() < deadline, "the push box stays {state:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
