//! The pages at a phone's 390 px: no page scrolls sideways (wide tables hide secondary columns,
//! stack their rows as cards or scroll inside their card), the overview's plan and ACWR tables
//! and the admin's jobs fit without scrolling at all, and the charts keep their axis titles.

use serde_json::{Value, json};

use super::demo_process::DemoProcess;
use super::webdriver::{Driver, Session};
use super::{WAIT, browser, screenshots_dir};

/// The pages with tables or charts, checked at 390 px.
const PAGES: [&str; 4] = ["/dashboard", "/fitness", "/activities", "/admin"];
/// The overview's tables that must fit a phone without scrolling inside their card.
const OVERVIEW_TABLES: [&str; 2] = ["#plan", "#acwr"];

/// For each card in `cards`: its table's and its own `[scrollWidth, clientWidth]`, and whether
/// the table's header row shows.
const TABLE_WIDTHS: &str = r#"return arguments[0].map(card => {
  const box = document.querySelector(card), table = box.querySelector('table');
  const scroller = table.parentElement;
  return { card, table: [table.scrollWidth, scroller.clientWidth],
    box: [box.scrollWidth, box.clientWidth],
    header: getComputedStyle(table.querySelector('thead')).display !== 'none' };
});"#;

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
    // The admin's jobs are cards: their buttons stay inside the card.
    browser.goto(&format!("{}/admin", demo.base)).await;
    browser.wait_for("#jobs table", WAIT).await;
    let jobs = &browser.script(TABLE_WIDTHS, json!([["#jobs"]])).await[0];
    let fits = |pair: &Value| pair[0].as_i64() <= pair[1].as_i64();
    assert!(
        fits(&jobs["table"]) && fits(&jobs["box"]),
        "the jobs table is wider than its card at 390 px: {jobs}"
    );
    assert_eq!(jobs["header"], false, "jobs are cards on a phone");

    // The API's Swagger UI: laid out at the phone's width, with nothing off to the side.
    browser.goto(&format!("{}/docs/", demo.base)).await;
    browser.wait_for(".swagger-ui .opblock-summary", WAIT).await;
    let docs = browser
        .script(
            r#"const meta = document.querySelector('meta[name="viewport"]');
               return [meta && meta.content, document.documentElement.scrollWidth,
                       window.innerWidth];"#,
            json!([]),
        )
        .await;
    browser
        .screenshot(&screenshots_dir().join("phone-docs.png"))
        .await;
    assert_eq!(docs[0], "width=device-width, initial-scale=1", "{docs}");
    assert!(
        docs[1].as_i64() <= docs[2].as_i64(),
        "/docs is wider than the phone (scrollWidth, innerWidth): {docs}"
    );

    // The overview chart keeps its axis titles on a phone.
    browser.goto(&format!("{}/dashboard", demo.base)).await;
    let chart = browser.wait_for("#pmc-chart[data-axis-titles]", WAIT).await;
    let titles = browser.attribute(&chart, "data-axis-titles").await;
    assert_eq!(titles.as_deref(), Some("Date | Load (UTL/day)"));

    // The plan stacks its days as cards and the ACWR table drops its weekly loads: neither
    // scrolls inside its card.
    let tables = overview_tables(&browser, "phone").await;
    for table in tables.as_array().unwrap() {
        let fits = |pair: &Value| pair[0].as_i64() <= pair[1].as_i64();
        assert!(
            fits(&table["table"]) && fits(&table["box"]),
            "a table is wider than its card at 390 px: {table}"
        );
    }
    assert_eq!(
        tables[0]["header"], false,
        "the plan's days are cards on a phone"
    );

    // So are the threshold entries on /fitness, every value with its label.
    browser.goto(&format!("{}/fitness", demo.base)).await;
    browser.wait_for("#thresholds table", WAIT).await;
    browser
        .script(
            "document.querySelector('#thresholds').scrollIntoView();",
            json!([]),
        )
        .await;
    browser
        .screenshot(&screenshots_dir().join("phone-fitness-thresholds.png"))
        .await;
    let thresholds = browser
        .script(TABLE_WIDTHS, json!([["#thresholds .scroll"]]))
        .await;
    let thresholds = &thresholds[0];
    let fits = |pair: &Value| pair[0].as_i64() <= pair[1].as_i64();
    assert!(
        fits(&thresholds["table"]) && fits(&thresholds["box"]),
        "the thresholds table is wider than its card at 390 px: {thresholds}"
    );
    assert_eq!(thresholds["header"], false, "threshold entries are cards");
    browser.quit().await;

    // The same tables at 1280 px keep their header rows (a screenshot for people to compare).
    let wide = driver
        .session_sized(&demo.dir().join("chromium-profile-wide"), (1280, 1000))
        .await;
    wide.goto(&demo.sign_in_links[0]).await;
    wide.wait_for("main h1", WAIT).await;
    let tables = overview_tables(&wide, "desktop").await;
    assert!(
        tables
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["header"] == true),
        "tables are tables at 1280 px: {tables}"
    );
    wide.quit().await;
    demo.stop();
}

/// The widths of the overview's tables (see [`TABLE_WIDTHS`]), after a screenshot of each
/// (`{device}-dashboard-plan.png`, `{device}-dashboard-acwr.png`).
async fn overview_tables(browser: &Session<'_>, device: &str) -> Value {
    for card in OVERVIEW_TABLES {
        browser.wait_for(&format!("{card} table"), WAIT).await;
        browser
            .script(
                "document.querySelector(arguments[0]).scrollIntoView();",
                json!([card]),
            )
            .await;
        let name = card.trim_start_matches('#');
        browser
            .screenshot(&screenshots_dir().join(format!("{device}-dashboard-{name}.png")))
            .await;
    }
    browser.script(TABLE_WIDTHS, json!([OVERVIEW_TABLES])).await
}
