//! The pages speak plainly: no internal names of the calculations (threshold methods, wellness
//! inputs, the encoded calculation version) and no references to documents a reader cannot
//! open. Screenshots of each page at 1280 px and 390 px land in `target/tmp/e2e/`.

use super::demo_process::DemoProcess;
use super::webdriver::Driver;
use super::{WAIT, browser, screenshots_dir};

/// Names that only mean something inside the code.
const INTERNAL: [&str; 12] = [
    "m7_ln_ms",
    "mu_ln_ms",
    "sigma_ln_ms",
    "delta_bpm",
    "cp_fit",
    "mmp_95pct_20min",
    "hr_95pct_20min",
    "corroborated_peak",
    "wellness_mean_14d",
    "Calculation version",
    "1000000",
    ".md",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_things_in_words_at_both_widths() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let shots = screenshots_dir();
    let driver = Driver::start(programs).await;
    for (width, height) in [(1280, 1000), (390, 844)] {
        let profile = demo.dir().join(format!("profile-{width}"));
        let browser = driver.session_sized(&profile, (width, height)).await;
        browser.goto(&demo.sign_in_links[0]).await;
        browser.goto(&format!("{}/activities", demo.base)).await;
        let first = browser
            .wait_for(r#"tr[id^="activity-"] a[href^="/activities/"]"#, WAIT)
            .await;
        let activity = browser.attribute(&first, "href").await.unwrap();
        // Each page with the part that names calculations in view for the screenshot.
        for (name, path, part) in [
            ("activity", activity.as_str(), "#load"),
            ("fitness", "/fitness", "#thresholds"),
            ("wellness", "/wellness", "table"),
            ("overview", "/dashboard", "#recovery"),
        ] {
            let url = if path.starts_with("http") {
                path.to_owned()
            } else {
                format!("{}{path}", demo.base)
            };
            browser.goto(&url).await;
            browser.wait_for("main h1", WAIT).await;
            let text = browser
                .script("return document.body.innerText;", serde_json::json!([]))
                .await;
            let text = text.as_str().unwrap();
            for word in INTERNAL {
                assert!(!text.contains(word), "{path} at {width} px shows {word:?}");
            }
            let scroll = "var e = document.querySelector(arguments[0]); if (e) e.scrollIntoView();";
            browser.script(scroll, serde_json::json!([part])).await;
            browser
                .screenshot(&shots.join(format!("words-{name}-{width}.png")))
                .await;
        }
        browser.quit().await;
    }
    demo.stop();
}
