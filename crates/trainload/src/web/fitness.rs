//! `/fitness?window=90d|365d|all`: the threshold history (FTP/CP, threshold pace, LTHR, resting
//! HR with dates and sources), the power-duration curve on a log time axis and the best efforts
//! over the standard running distances for the window.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{chart, html};
use crate::http::athlete::data;
use crate::http::athlete::fitness::{self, BestTime, CurveWindow, PowerCurve, ThresholdEntry};
use crate::http::athlete::session::PageSession;
use crate::http::{ApiError, AppState};
use crate::store::users;
use crate::units::Units;

/// Threshold rows shown (newest first); the API has the whole history.
const HISTORY_ROWS: usize = 60;
/// Durations in the power table.
const TABLE_DURATIONS_S: [u32; 8] = [5, 15, 30, 60, 300, 600, 1200, 3600];

/// The `window` query parameter.
#[derive(Debug, Deserialize)]
pub struct FitnessQuery {
    window: Option<String>,
}

/// `/fitness`.
pub async fn fitness(
    State(state): State<AppState>,
    session: PageSession,
    Query(query): Query<FitnessQuery>,
) -> Result<Response, ApiError> {
    let window = match query.window.as_deref() {
        None => CurveWindow::Days90,
        Some(text) => CurveWindow::parse(text).ok_or_else(|| {
            ApiError::bad_request("invalid_window", "window must be 90d, 365d or all")
        })?,
    };
    let units = users::units(&state.store, session.user).await?;
    let today = data::today_of(&state.store, session.user).await?;
    let history = fitness::thresholds_history(&state.store, session.user).await?;
    let curve = fitness::power_curve(&state.store, session.user, window.range(today)).await?;
    let mut body = String::from("<h1>Fitness</h1>");
    body.push_str(&window_links(window));
    body.push_str(&curve_card(&curve));
    body.push_str(&efforts_card(&curve.best_times, units));
    body.push_str(&thresholds_card(&history, units));
    Ok(html::page("Fitness", session.nav(), &body))
}

fn window_links(current: CurveWindow) -> String {
    let links: String = CurveWindow::ALL
        .iter()
        .map(|w| {
            let label = match w {
                CurveWindow::Days90 => "90 days",
                CurveWindow::Year => "1 year",
                CurveWindow::All => "All",
            };
            if *w == current {
                format!(r#"<strong aria-current="page">{label}</strong>"#)
            } else {
                format!(r#"<a href="/fitness?window={}">{label}</a>"#, w.as_str())
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    format!(r#"<p class="tabs">Window: {links}</p>"#)
}

fn curve_card(curve: &PowerCurve) -> String {
    // The curve comes at the chart durations (a log-like ladder), evenly spread on a log axis.
    let points = &curve.power.points;
    if points.is_empty() {
        return r#"<div class="card" id="power-curve"><h2>Power-duration curve</h2><p class="muted">No rides with a power meter in this window.</p></div>"#.to_owned();
    }
    let spec = json!({
        "x": points.iter().map(|p| p.duration_s).collect::<Vec<_>>(),
        "x_kind": "log_seconds",
        "series": [{
            "label": "Best power (W)", "color": "#f59e0b",
            "values": points.iter().map(|p| chart::round1(p.value)).collect::<Vec<_>>(),
        }],
    });
    let mut rows = String::new();
    for d in TABLE_DURATIONS_S {
        let Some(p) = points.iter().find(|p| p.duration_s >= d) else {
            continue;
        };
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="num">{:.0} W</td><td><a href="/activities/{}">{}</a></td></tr>"#,
            duration_label(d),
            p.value,
            p.activity_id,
            html::escape(&p.date),
        );
    }
    format!(
        r#"<div class="card" id="power-curve"><h2>Power-duration curve</h2><p class="muted">The best average power held for each duration (log scale).</p>{}<div class="scroll"><table><thead><tr><th>Duration</th><th class="num">Best</th><th>Ride</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#,
        chart::container(None, &spec, chart::SEE_TABLE)
    )
}

fn duration_label(seconds: u32) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min", seconds / 60)
    }
}

fn efforts_card(efforts: &[BestTime], units: Units) -> String {
    if efforts.is_empty() {
        return r#"<div class="card" id="best-efforts"><h2>Best efforts</h2><p class="muted">No runs with speed data in this window.</p></div>"#.to_owned();
    }
    let mut rows = String::new();
    for e in efforts {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td><a href="/activities/{}">{}</a></td></tr>"#,
            distance_name(e.distance_m),
            clock(e.time_s),
            html::escape(&units.pace(e.distance_m / e.time_s)),
            e.activity_id,
            html::escape(&e.date),
        );
    }
    format!(
        r#"<div class="card" id="best-efforts"><h2>Best efforts</h2><div class="scroll"><table><thead><tr><th>Distance</th><th class="num">Time</th><th class="num">Pace</th><th>Run</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#
    )
}

/// The usual name of a standard race distance.
fn distance_name(metres: f64) -> String {
    match metres.round() as i64 {
        1609 => "1 mile".to_owned(),
        21098 => "Half marathon".to_owned(),
        42195 => "Marathon".to_owned(),
        m if m < 1000 => format!("{m} m"),
        m => format!("{} km", m / 1000),
    }
}

/// Seconds as `h:mm:ss` or `m:ss`.
fn clock(seconds: f64) -> String {
    let s = seconds.round() as i64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn thresholds_card(history: &[ThresholdEntry], units: Units) -> String {
    if history.is_empty() {
        return r#"<div class="card" id="thresholds"><h2>Thresholds</h2><p class="muted">No thresholds yet: they are estimated from your activities as they arrive.</p></div>"#.to_owned();
    }
    // A set may carry only some fields; the chart carries each field forward.
    let (mut ftp, mut lthr, mut rest) = (None, None, None);
    let mut points = Vec::new();
    for v in history {
        ftp = v.ftp_w.or(ftp);
        lthr = v.lthr_bpm.or(lthr);
        rest = v.resting_hr_bpm.or(rest);
        points.push((v.effective_from.as_str(), ftp, lthr, rest));
    }
    let spec = json!({
        "x": points.iter().map(|p| p.0).collect::<Vec<_>>(),
        "x_kind": "date",
        "series": [
            {"label": "FTP (W)", "color": "#f59e0b", "values": points.iter().map(|p| p.1).collect::<Vec<_>>()},
            {"label": "LTHR (bpm)", "color": "#dc2626", "axis": "right", "values": points.iter().map(|p| p.2).collect::<Vec<_>>()},
            {"label": "Resting HR (bpm)", "color": "#64748b", "axis": "right", "values": points.iter().map(|p| p.3).collect::<Vec<_>>()},
        ],
    });
    let cell = |value: Option<f64>, show: &dyn Fn(f64) -> String| {
        value.map_or_else(|| "–".to_owned(), show)
    };
    let mut rows = String::new();
    for v in history.iter().rev().take(HISTORY_ROWS) {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>{}<div class="muted">{}</div></td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
            html::escape(&v.effective_from),
            super::words::threshold_source(v.source),
            super::words::threshold_method(&v.method),
            cell(v.ftp_w, &|w| format!("{w:.0} W")),
            cell(v.cp_w, &|w| format!("{w:.0} W")),
            html::escape(&cell(v.threshold_speed_mps, &|s| units.pace(s))),
            cell(v.lthr_bpm, &|b| format!("{b:.0}")),
            cell(v.resting_hr_bpm, &|b| format!("{b:.0}")),
        );
    }
    format!(
        r#"<div class="card" id="thresholds"><h2>Thresholds</h2>{}<p class="muted">{} entries, newest first{}.</p><div class="scroll"><table><thead><tr><th>From</th><th>Source</th><th class="num">FTP</th><th class="num">CP</th><th class="num">Threshold pace</th><th class="num">LTHR</th><th class="num">Resting HR</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#,
        chart::container(None, &spec, chart::SEE_TABLE),
        history.len(),
        if history.len() > HISTORY_ROWS {
            format!(" (the latest {HISTORY_ROWS} shown)")
        } else {
            String::new()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_distances_have_their_usual_names() {
        let names: Vec<String> = [400.0, 1000.0, 1609.344, 5000.0, 21_097.5, 42_195.0]
            .into_iter()
            .map(distance_name)
            .collect();
        assert_eq!(
            names,
            [
                "400 m",
                "1 km",
                "1 mile",
                "5 km",
                "Half marathon",
                "Marathon"
            ]
        );
        assert_eq!(clock(3725.4), "1:02:05");
        assert_eq!(clock(185.0), "3:05");
    }
}
