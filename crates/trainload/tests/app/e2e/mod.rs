//! The product in a real browser: starts `trainload demo` as a user would, drives
//! Debian's headless Chromium through `chromedriver`, signs in, checks that the overview chart is
//! drawn with data, opens an activity's load explanation, runs the quick sync from the admin page
//! and sees the run appear. Screenshots land in `target/tmp/e2e/`.
//!
//! Needs `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the test says
//! so and passes, except under CI (`CI` set), where a missing browser is a failure.

mod activity_filter;
mod dead_ends;
mod demo_process;
mod navigation;
mod notifications;
mod phone;
mod threshold_chart;
mod webdriver;
mod words;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use demo_process::DemoProcess;
use webdriver::Driver;

/// Generous: the first page of a debug build under a loaded CI machine.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

pub(crate) fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `chromedriver` and Chromium from `PATH`; `None` (the test is skipped, loudly) when they are
/// missing outside CI. Under CI (`CI` set) a missing browser fails the test.
pub(crate) fn browser() -> Option<(PathBuf, PathBuf)> {
    let found = webdriver::installed();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver or chromium is not on PATH: .ci/run must install chromium and chromium-driver"
        );
        // Straight to the process's stderr, past the test harness's capture, so the skip shows
        // in a plain `cargo test` (nextest shows it through the override in .config/nextest.toml).
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the browser test needs chromedriver and chromium on PATH \
             (Debian: apt-get install chromium chromium-driver); nothing was checked"
        );
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_athlete_signs_in_reads_the_dashboard_and_runs_a_quick_sync() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let shots = screenshots_dir();
    let driver = Driver::start(programs).await;
    let profile = demo.dir().join("chromium-profile");
    let browser = driver.session(&profile).await;

    // Sign in through the demo link of the first athlete (the cyclist, who is the admin).
    browser.goto(&demo.sign_in_links[0]).await;
    assert!(browser.url().await.ends_with("/dashboard"));
    let chart = browser.wait_for("#pmc-chart[data-points]", WAIT).await;
    let points: usize = browser
        .attribute(&chart, "data-points")
        .await
        .unwrap()
        .parse()
        .unwrap();
    assert!(points > 0, "the chart was drawn without data");
    let canvases = browser.find_all("#pmc-chart canvas").await;
    assert!(!canvases.is_empty(), "the chart library drew no canvas");
    let titles = browser.attribute(&chart, "data-axis-titles").await;
    assert_eq!(
        titles.as_deref(),
        Some("Date | Load (UTL/day)"),
        "both axes have titles with units"
    );
    browser.screenshot(&shots.join("1-overview.png")).await;

    // An activity's one-click explanation.
    browser.goto(&format!("{}/activities", demo.base)).await;
    let summary = browser
        .wait_for(r#"tr[id^="activity-"] details summary"#, WAIT)
        .await;
    assert!(browser.text(&summary).await.contains("Why this load?"));
    browser.click(&summary).await;
    let opened = browser
        .wait_for(r#"tr[id^="activity-"] details[open]"#, WAIT)
        .await;
    let explanation = browser.text(&opened).await;
    assert!(
        explanation.len() > "Why this load?".len() + 10,
        "the explanation is empty: {explanation:?}"
    );
    browser
        .screenshot(&shots.join("2-activity-explained.png"))
        .await;

    // The admin runs the quick sync now and sees the run listed.
    browser.goto(&format!("{}/admin", demo.base)).await;
    let before = browser
        .find_all(r#"tr.run[data-job="quick_sync"]"#)
        .await
        .len();
    let run_now = browser.wait_for("button#run-quick_sync", WAIT).await;
    browser.click(&run_now).await;
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let runs = browser.find_all(r#"tr.run[data-job="quick_sync"]"#).await;
        if runs.len() > before {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no new quick_sync run appeared on {}",
            browser.url().await
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // The job's next run reads as people read it: relative and local, not RFC 3339.
    let times = browser
        .find_all(r#"tr.job[data-job="quick_sync"] time"#)
        .await;
    assert!(!times.is_empty(), "the job row shows its next run");
    let shown = browser.text(&times[0]).await;
    assert!(
        (shown.starts_with("in ") || shown.starts_with("now")) && !shown.contains("+00:00"),
        "{shown}"
    );
    browser.screenshot(&shots.join("3-admin-run.png")).await;

    browser.quit().await;
    demo.stop();
}

/// No browser needed: the demo says when it is ready and leaves no temporary folder behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_says_it_is_ready_and_removes_its_folder_when_stopped() {
    // `start` returns once the "Ready:" line was printed.
    let mut demo = DemoProcess::start().await;
    let data = demo.data_dir().expect("the demo made its data directory");
    assert!(data.join("trainload.db").exists());
    assert!(demo.terminate(), "the demo exits cleanly on SIGTERM");
    assert!(!data.exists(), "{} was left behind", data.display());
}
