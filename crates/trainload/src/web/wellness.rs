//! `/wellness?days=30|90|365`: resting HR, HRV and sleep trends, and the history of the
//! wellness modifier an activity on each day gets (docs/science.md §6), as charts over every day of
//! the window (a day without a record is a gap) and a table of the latest recorded days.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::chart::{self, Chart};
use super::html;
use super::page_session::PageSession;
use crate::http::{ApiError, AppState};
use crate::read::wellness::{self, WellnessDay};
use crate::read::{self, DateRange, add_days};
use crate::store::provenance::ModifierRecord;

/// The windows offered, days.
const WINDOWS: [i64; 3] = [30, 90, 365];
/// Days in the table (newest first).
const TABLE_DAYS: usize = 14;

/// The `days` query parameter.
#[derive(Debug, Deserialize)]
pub struct WellnessQuery {
    days: Option<i64>,
}

/// `/wellness`.
pub async fn wellness(
    State(state): State<AppState>,
    session: PageSession,
    Query(query): Query<WellnessQuery>,
) -> Result<Response, ApiError> {
    let days = query.days.unwrap_or(90);
    if !WINDOWS.contains(&days) {
        return Err(ApiError::bad_request(
            "invalid_days",
            "days must be 30, 90 or 365",
        ));
    }
    let today = read::today_of(&state.store, session.user).await?;
    let range = DateRange::last_days(today, u32::try_from(days).unwrap_or(90));
    let stored = wellness::wellness_series(&state.store, session.user, range).await?;
    let page = WellnessPage {
        nav: session.nav(),
        windows: WINDOWS,
        days,
        empty: stored.is_empty(),
        trends: trends(range, &stored),
        latest: latest_days(&stored),
    };
    Ok(html::render(&page))
}

/// The page (`wellness.html`).
#[derive(Template)]
#[template(path = "wellness.html")]
struct WellnessPage {
    nav: html::Nav,
    windows: [i64; 3],
    /// The window shown.
    days: i64,
    /// Whether the window holds no record.
    empty: bool,
    trends: Trends,
    latest: Vec<DayRow>,
}

/// The trend charts.
struct Trends {
    heart: Chart,
    sleep: Chart,
    modifier: Chart,
}

/// A row of the latest days' table.
struct DayRow {
    date: String,
    resting_hr: String,
    hrv: String,
    sleep_h: String,
    readiness: String,
    modifier: f64,
    status: &'static str,
    /// The components that moved the modifier, with their multipliers.
    moved_by: String,
}

/// The charts over every day of `range` (a day without a stored record is a gap).
fn trends(range: DateRange, stored: &[WellnessDay]) -> Trends {
    let mut dates = Vec::new();
    let mut day = range.from;
    while day <= range.to {
        dates.push(day.to_string());
        day = add_days(day, 1);
    }
    let by_date: std::collections::HashMap<&str, &WellnessDay> =
        stored.iter().map(|d| (d.date.as_str(), d)).collect();
    let series: Vec<Option<&WellnessDay>> = dates
        .iter()
        .map(|d| by_date.get(d.as_str()).copied())
        .collect();
    let x: Vec<&str> = dates.iter().map(String::as_str).collect();
    let values = |f: &dyn Fn(&WellnessDay) -> Option<f64>| -> Vec<Option<f64>> {
        series.iter().map(|d| d.and_then(f)).collect()
    };
    let heart = json!({
        "x": x, "x_kind": "date", "sync": "wellness",
        "series": [
            {"label": "Resting HR (bpm)", "color": "#dc2626", "values": values(&|d| d.resting_hr_bpm.map(|v| v as f64))},
            {"label": "HRV rMSSD (ms)", "color": "#2563eb", "axis": "right", "values": values(&|d| d.hrv_rmssd_ms.map(chart::round1))},
        ],
    });
    let sleep = json!({
        "x": x, "x_kind": "date", "sync": "wellness", "height": 180,
        "series": [
            {"label": "Sleep (h)", "color": "#a5b4fc", "bars": true, "values": values(&|d| d.sleep_s.map(|s| chart::round1(s as f64 / 3600.0)))},
        ],
    });
    let modifier = json!({
        "x": x, "x_kind": "date", "sync": "wellness", "height": 180,
        "series": [
            {"label": "Wellness modifier", "color": "#16a34a", "values": values(&|d| Some((d.modifier * 1000.0).round() / 1000.0))},
        ],
    });
    Trends {
        heart: chart::container(None, &heart, None),
        sleep: chart::container(None, &sleep, None),
        modifier: chart::container(None, &modifier, None),
    }
}

/// The latest recorded days, newest first.
fn latest_days(series: &[WellnessDay]) -> Vec<DayRow> {
    series
        .iter()
        .rev()
        .take(TABLE_DAYS)
        .map(|d| {
            let moved: Vec<String> = moved_components(&d.modifier_components)
                .iter()
                .map(|c| format!("{} ×{:.3}", c.name, c.multiplier))
                .collect();
            DayRow {
                date: d.date.clone(),
                resting_hr: html::num(d.resting_hr_bpm.map(|v| v as f64), 0),
                hrv: html::num(d.hrv_rmssd_ms, 0),
                sleep_h: html::num(d.sleep_s.map(|s| s as f64 / 3600.0), 1),
                readiness: html::num(d.readiness, 0),
                modifier: d.modifier,
                status: d.status,
                moved_by: moved.join(", "),
            }
        })
        .collect()
}

/// A component that moved a day's modifier away from 1.
pub(super) struct MovedComponent {
    /// `resting HR`, `sleep duration`, … (spaces for underscores).
    pub name: String,
    /// The band it fell into.
    pub band: String,
    /// Its multiplier.
    pub multiplier: f64,
}

/// The components of a stored modifier (`WellnessDay::modifier_components`, the form loads
/// store) whose multiplier is not 1.
pub(super) fn moved_components(modifier: &ModifierRecord) -> Vec<MovedComponent> {
    modifier
        .components
        .iter()
        .filter(|c| c.outcome.multiplier() != 1.0)
        .map(|c| MovedComponent {
            name: super::words::wellness_component(c.component).to_owned(),
            band: c.outcome.label().to_owned(),
            multiplier: c.outcome.multiplier(),
        })
        .collect()
}
