//! The pages at a phone's 390 px: no page scrolls sideways (wide tables hide secondary columns
//! or scroll inside their card), and the charts keep their axis titles.

use serde_json::json;

use crate::demo_process::DemoProcess;
use crate::webdriver::Driver;
use crate::{WAIT, browser, screenshots_dir};

/// The pages with tables or charts, checked at 390 px.
const PAGES: [&str; 4] = ["/dashboard", "/fitness", "/activities", "/admin"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_on_a_phone() {
    let Some(programs) = browser() else {
        return;
    };
    let demo = DemoProcess::start().await;
    let driver = Driver::start(programs).await;
    let profile = demo.dir().join("chromium-profile-phone");
    let browser = driver.session_sized(&profile, (390, 844)).await;
    browser.goto(&demo.sign_in_links[0]).await;
    browser.wait_for("main h1", WAIT).await;
    for path in PAGES {
        browser.goto(&format!("{}{path}", demo.base)).await;
        browser.wait_for("main h1", WAIT).await;
        let widths = browser
            .script(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                json!([]),
            )
            .await;
        let name = path.trim_start_matches('/');
        browser
            .screenshot(&screenshots_dir().join(format!("phone-{name}.png")))
            .await;
        assert!(
            widths[0].as_i64() <= widths[1].as_i64(),
            "{path} is wider than the phone (scrollWidth, innerWidth): {widths}"
        );
    }
    // The overview chart keeps its axis titles on a phone.
    browser.goto(&format!("{}/dashboard", demo.base)).await;
    let chart = browser.wait_for("#pmc-chart[data-axis-titles]", WAIT).await;
    let titles = browser.attribute(&chart, "data-axis-titles").await;
    assert_eq!(titles.as_deref(), Some("Date | Load (UTL/day)"));
    browser.quit().await;
    demo.stop();
}
