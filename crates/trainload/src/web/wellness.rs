//! `/wellness?days=30|90|365`: resting HR, HRV and sleep trends, and the history of the
//! wellness modifier an activity on each day gets (SCIENCE.md §6), as charts and a table of
//! the latest days.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{chart, html};
use crate::http::athlete::data::{self, add_days};
use crate::http::athlete::session::PageSession;
use crate::http::athlete::wellness::{self, WellnessDay};
use crate::http::{ApiError, AppState};
use crate::store::users;

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
    let user = users::get(&state.store, session.user).await?;
    let today = data::local_today(&user.time_zone);
    let series =
        wellness::wellness_series(&state.store, session.user, add_days(today, 1 - days), today)
            .await?;
    let mut body = String::from("<h1>Wellness</h1>");
    let links: Vec<String> = WINDOWS
        .iter()
        .map(|&d| {
            if d == days {
                format!(r#"<strong aria-current="page">{d} days</strong>"#)
            } else {
                format!(r#"<a href="/wellness?days={d}">{d} days</a>"#)
            }
        })
        .collect();
    let _ = write!(body, r#"<p class="tabs">Window: {}</p>"#, links.join(" · "));
    if series
        .iter()
        .all(|d| d.status == "unknown" && d.resting_hr_bpm.is_none())
    {
        body.push_str(r#"<div class="card"><p class="muted">No wellness data in this window. Connect Intervals.icu to bring in resting HR, HRV and sleep.</p></div>"#);
    }
    body.push_str(&charts_card(&series));
    body.push_str(&table_card(&series));
    Ok(html::page("Wellness", session.nav(), &body))
}

fn charts_card(series: &[WellnessDay]) -> String {
    let x: Vec<&str> = series.iter().map(|d| d.date.as_str()).collect();
    let heart = json!({
        "x": x, "x_kind": "date", "sync": "wellness",
        "series": [
            {"label": "Resting HR (bpm)", "color": "#dc2626", "values": series.iter().map(|d| d.resting_hr_bpm).collect::<Vec<_>>()},
            {"label": "HRV rMSSD (ms)", "color": "#2563eb", "axis": "right", "values": series.iter().map(|d| d.hrv_rmssd_ms.map(chart::round1)).collect::<Vec<_>>()},
        ],
    });
    let sleep = json!({
        "x": x, "x_kind": "date", "sync": "wellness", "height": 180,
        "series": [
            {"label": "Sleep (h)", "color": "#a5b4fc", "bars": true, "values": series.iter().map(|d| d.sleep_h.map(chart::round1)).collect::<Vec<_>>()},
        ],
    });
    let modifier = json!({
        "x": x, "x_kind": "date", "sync": "wellness", "height": 180,
        "series": [
            {"label": "Wellness modifier", "color": "#16a34a", "values": series.iter().map(|d| (d.modifier * 1000.0).round() / 1000.0).collect::<Vec<_>>()},
        ],
    });
    format!(
        r#"<div class="card" id="wellness-trends"><h2>Resting HR and HRV</h2>{}<h2>Sleep</h2>{}<h2>Wellness modifier</h2><p class="muted">Above 1: poor recovery makes the same workout cost more; below 1: good recovery, less.</p>{}</div>"#,
        chart::container(None, &heart, chart::SEE_TABLE),
        chart::container(None, &sleep, chart::SEE_TABLE),
        chart::container(None, &modifier, chart::SEE_TABLE),
    )
}

fn table_card(series: &[WellnessDay]) -> String {
    let mut rows = String::new();
    for d in series.iter().rev().take(TABLE_DAYS) {
        let moved: Vec<String> = d
            .components
            .iter()
            .filter(|c| c.multiplier != 1.0)
            .map(|c| format!("{} ×{:.3}", c.name.replace('_', " "), c.multiplier))
            .collect();
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num hide-sm">{}</td><td class="num">×{:.3}</td><td><span class="status status-{s}">{s}</span></td><td class="hide-sm">{}</td></tr>"#,
            html::escape(&d.date),
            html::num(d.resting_hr_bpm.map(|v| v as f64), 0),
            html::num(d.hrv_rmssd_ms, 0),
            html::num(d.sleep_h, 1),
            html::num(d.readiness, 0),
            d.modifier,
            html::escape(&moved.join(", ")),
            s = html::escape(d.status),
        );
    }
    format!(
        r#"<div class="card" id="wellness-days"><h2>Latest days</h2><div class="scroll"><table><thead><tr><th>Date</th><th class="num">Rest HR</th><th class="num">HRV</th><th class="num">Sleep h</th><th class="num hide-sm">Readiness</th><th class="num">Modifier</th><th>Status</th><th class="hide-sm">Moved by</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#
    )
}
