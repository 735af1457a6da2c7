//! `/fitness?window=90d|365d|all`: the threshold history (FTP/CP, threshold pace, LTHR, resting
//! HR with dates and sources), the power-duration curve on a log time axis and the best efforts
//! over the standard running distances for the window.

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::page_session::PageSession;
use super::{chart, html};
use crate::http::athlete::manual::{self, ManualThresholds};
use crate::http::{ApiError, AppState};
use crate::read::fitness::{self, BestTime, CurveWindow, PowerCurve, ThresholdEntry};
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
    render(&state, session, window, "").await
}

pub(super) async fn render(
    state: &AppState,
    session: PageSession,
    window: CurveWindow,
    notice: &str,
) -> Result<Response, ApiError> {
    let units = users::units(&state.store, session.user).await?;
    let today = crate::read::today_of(&state.store, session.user).await?;
    let history = fitness::thresholds_history(&state.store, session.user).await?;
    let curve = fitness::power_curve(&state.store, session.user, window.range(today)).await?;
    let mut body = String::from("<h1>Fitness</h1>");
    body.push_str(notice);
    body.push_str(&window_links(window));
    body.push_str(&curve_card(&curve));
    body.push_str(&efforts_card(&curve.best_times, units));
    body.push_str(&thresholds_card(&history, units, &today.to_string()));
    body.push_str(&manual_form(units, &today.to_string()));
    body.push_str(&super::zones_form::card(&state.store, session.user, today, units).await?);
    Ok(html::page("Fitness", session.nav(), &body))
}

/// The `/fitness` threshold form: every field optional text, empty = not set.
#[derive(Debug, Deserialize)]
pub struct ThresholdForm {
    #[serde(default)]
    effective_from: String,
    #[serde(default)]
    ftp_w: String,
    /// `m:ss` per km or per mile (the athlete's units).
    #[serde(default)]
    threshold_pace: String,
    #[serde(default)]
    lthr_bpm: String,
    #[serde(default)]
    max_hr_bpm: String,
    #[serde(default)]
    resting_hr_bpm: String,
}

/// A number field: empty → `None`, else a number or the reason it is not.
fn number(label: &str, text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{label}: {t:?} is not a number"))
}

/// `m:ss` (or plain seconds) → seconds.
fn pace_seconds(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim().trim_end_matches("/km").trim_end_matches("/mi");
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || format!("threshold pace: {t:?} is not m:ss");
    match t.split_once(':') {
        Some((m, s)) => {
            let m: u32 = m.trim().parse().map_err(|_| bad())?;
            let s: u32 = s.trim().parse().map_err(|_| bad())?;
            if s >= 60 {
                return Err(bad());
            }
            Ok(Some(f64::from(m * 60 + s)))
        }
        None => t.parse::<f64>().map(Some).map_err(|_| bad()),
    }
}

impl ThresholdForm {
    fn to_input(&self, units: Units) -> Result<ManualThresholds, String> {
        let pace = pace_seconds(&self.threshold_pace)?;
        let speed = match pace {
            None => None,
            Some(p) => Some(
                units
                    .speed_from_pace(p)
                    .ok_or_else(|| "threshold pace must be positive".to_owned())?,
            ),
        };
        Ok(ManualThresholds {
            effective_from: Some(self.effective_from.clone()),
            ftp_w: number("FTP", &self.ftp_w)?,
            threshold_pace_s_per_km: None,
            threshold_speed_mps: speed,
            lthr_bpm: number("LTHR", &self.lthr_bpm)?,
            max_hr_bpm: number("Max HR", &self.max_hr_bpm)?,
            resting_hr_bpm: number("Resting HR", &self.resting_hr_bpm)?,
        })
    }
}

fn error_notice(text: &str) -> String {
    format!(
        r#"<div class="card warn" id="thresholds-error">{}</div>"#,
        html::escape(text)
    )
}

/// `POST /fitness/thresholds`: records the form's values as a manual entry and recomputes the
/// loads from its date; a refused value shows the page again with the reason.
pub async fn set_thresholds(
    State(state): State<AppState>,
    session: PageSession,
    form: Result<Form<ThresholdForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let Form(form) = form.map_err(|e| ApiError::bad_request("invalid_form", e.body_text()))?;
    let units = users::units(&state.store, session.user).await?;
    let input = match form.to_input(units) {
        Ok(input) => input,
        Err(reason) => return refused(&state, session, &reason).await,
    };
    match manual::set(&state, session.user, &input).await {
        Ok(_) => Ok(Redirect::to("/fitness#thresholds").into_response()),
        Err(error) if error.status() == StatusCode::BAD_REQUEST => {
            let reason = error.message().to_owned();
            refused(&state, session, &reason).await
        }
        Err(error) => Err(error),
    }
}

async fn refused(
    state: &AppState,
    session: PageSession,
    reason: &str,
) -> Result<Response, ApiError> {
    let page = render(state, session, CurveWindow::Days90, &error_notice(reason)).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// `POST /fitness/thresholds/{id}/remove`: removes one of the athlete's manual entries.
pub async fn remove_threshold(
    State(state): State<AppState>,
    session: PageSession,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    manual::remove(&state, session.user, id).await?;
    Ok(Redirect::to("/fitness#thresholds").into_response())
}

fn manual_form(units: Units, today: &str) -> String {
    let unit = units.distance_unit();
    format!(
        r#"<div class="card" id="set-thresholds"><h2>Set your thresholds</h2><p class="muted">Values you set win over the estimates from the date you choose until you set new ones or remove them; loads from that date are recomputed. Leave a field empty to keep it as it is.</p><form method="post" action="/fitness/thresholds" class="thresholds-form"><label>Effective from <input type="date" name="effective_from" value="{today}" required></label><label>FTP (W) <input type="number" name="ftp_w" min="20" max="1000" step="1" inputmode="numeric"></label><label>Running threshold pace (m:ss/{unit}) <input type="text" name="threshold_pace" placeholder="4:30" pattern="\d{{1,2}}:[0-5]\d"></label><label>LTHR (bpm) <input type="number" name="lthr_bpm" min="80" max="230" step="1"></label><label>Max HR (bpm) <input type="number" name="max_hr_bpm" min="100" max="250" step="1"></label><label>Resting HR (bpm) <input type="number" name="resting_hr_bpm" min="25" max="120" step="1"></label><button type="submit" id="save-thresholds">Save thresholds</button></form></div>"#
    )
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
        "y_label": "Power (W)",
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
        r#"<div class="card" id="power-curve"><h2>Power-duration curve</h2><p class="muted">The best average power over exactly each duration, as GoldenCheetah and intervals.icu report it (log scale).</p>{}<div class="scroll"><table><thead><tr><th>Duration</th><th class="num">Best</th><th>Ride</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#,
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

fn thresholds_card(history: &[ThresholdEntry], units: Units, today: &str) -> String {
    if history.is_empty() {
        return r#"<div class="card" id="thresholds"><h2>Thresholds</h2><p class="muted">No thresholds yet: they are estimated from your activities as they arrive, or set them below.</p></div>"#.to_owned();
    }
    let spec = super::threshold_chart::spec(history, units, today);
    // A number cell with its label for the phone layout, where each row becomes a card; an
    // empty one is marked so that a card leaves it out.
    let cell = |label: &str, value: Option<f64>, show: &dyn Fn(f64) -> String| match value {
        Some(v) => format!(
            r#"<td class="num" data-label="{label}">{}</td>"#,
            html::escape(&show(v))
        ),
        None => r#"<td class="num none">–</td>"#.to_owned(),
    };
    let mut rows = String::new();
    for v in history.iter().rev().take(HISTORY_ROWS) {
        let (source, action) = if v.source == "manual" {
            (
                super::words::threshold_source("manual"),
                format!(
                    r#"<form method="post" action="/fitness/thresholds/{}/remove"><button type="submit" class="link" id="remove-threshold-{}">Remove</button></form>"#,
                    v.id, v.id
                ),
            )
        } else {
            (super::words::threshold_source(v.source), String::new())
        };
        let _ = write!(
            rows,
            r#"<tr><td class="from">{}</td><td class="source">{}<div class="muted">{}</div></td>{}{}{}{}{}{}<td class="action">{action}</td></tr>"#,
            html::escape(&v.effective_from),
            source,
            super::words::threshold_method(&v.method),
            cell("FTP", v.ftp_w, &|w| format!("{w:.0} W")),
            cell("CP", v.cp_w, &|w| format!("{w:.0} W")),
            cell("Threshold pace", v.threshold_speed_mps, &|s| units.pace(s)),
            cell("LTHR", v.lthr_bpm, &|b| format!("{b:.0} bpm")),
            cell("Max HR", v.max_hr_bpm, &|b| format!("{b:.0} bpm")),
            cell("Resting HR", v.resting_hr_bpm, &|b| format!("{b:.0} bpm")),
        );
    }
    format!(
        r#"<div class="card" id="thresholds"><h2>Thresholds</h2>{}<p class="muted">{} entries, newest first{}. Values you set win over estimates until you remove them.</p><div class="scroll"><table><thead><tr><th>From</th><th>Source</th><th class="num">FTP</th><th class="num">CP</th><th class="num">Threshold pace</th><th class="num">LTHR</th><th class="num">Max HR</th><th class="num">Resting HR</th><th></th></tr></thead><tbody>{rows}</tbody></table></div></div>"#,
        chart::container(Some("threshold-chart"), &spec, chart::SEE_TABLE),
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
