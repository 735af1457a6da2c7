//! `/fitness?window=90d|365d|all`: the threshold history (FTP/CP, threshold pace, LTHR, resting
//! HR with dates and sources), the power-duration curve on a log time axis and the best efforts
//! over the standard running distances for the window.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::chart::{self, Chart};
use super::html;
use super::page_session::PageSession;
use super::zones_form::ZonesCard;
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
    render(&state, session, window, None).await
}

/// Why a form of the page was refused, shown above it.
pub(super) enum Refusal {
    /// The threshold form's values.
    Thresholds(String),
    /// The zone boundaries.
    Zones(String),
}

/// The page (`fitness.html` and the cards it includes).
#[derive(Template)]
#[template(path = "fitness.html")]
struct FitnessPage {
    nav: html::Nav,
    notice: Option<Refusal>,
    windows: [(CurveWindow, &'static str); 3],
    current: CurveWindow,
    curve: Option<CurveCard>,
    efforts: Vec<EffortRow>,
    thresholds: Option<ThresholdsCard>,
    today: String,
    distance_unit: &'static str,
    zones: ZonesCard,
}

/// The power-duration curve and its table.
struct CurveCard {
    chart: Chart,
    rows: Vec<CurveRow>,
}

/// The best power over a standard duration.
struct CurveRow {
    duration: String,
    watts: f64,
    activity_id: i64,
    date: String,
}

/// A best effort over a standard distance.
struct EffortRow {
    distance: String,
    time: String,
    pace: String,
    activity_id: i64,
    date: String,
}

/// The threshold history.
struct ThresholdsCard {
    chart: Chart,
    /// Entries in the history, of which `rows` shows the latest.
    entries: usize,
    rows: Vec<ThresholdRow>,
}

/// A threshold entry.
struct ThresholdRow {
    from: String,
    source: &'static str,
    method: &'static str,
    /// Each value's label and text, none when the entry does not set it.
    cells: [(&'static str, Option<String>); 6],
    /// The id of an entry set by hand, which can be removed.
    removable: Option<i64>,
}

pub(super) async fn render(
    state: &AppState,
    session: PageSession,
    window: CurveWindow,
    notice: Option<Refusal>,
) -> Result<Response, ApiError> {
    let units = users::units(&state.store, session.user).await?;
    let today = crate::read::today_of(&state.store, session.user).await?;
    let history = fitness::thresholds_history(&state.store, session.user).await?;
    let curve = fitness::power_curve(&state.store, session.user, window.range(today)).await?;
    let page = FitnessPage {
        nav: session.nav(),
        notice,
        windows: [
            (CurveWindow::Days90, "90 days"),
            (CurveWindow::Year, "1 year"),
            (CurveWindow::All, "All"),
        ],
        current: window,
        curve: curve_card(&curve),
        efforts: efforts_rows(&curve.best_times, units),
        thresholds: thresholds_card(&history, units, &today.to_string()),
        today: today.to_string(),
        distance_unit: units.distance_unit(),
        zones: super::zones_form::card(&state.store, session.user, today, units).await?,
    };
    Ok(html::render(&page))
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
        Err(reason) => return refused(&state, session, reason).await,
    };
    match manual::set(&state, session.user, &input).await {
        Ok(_) => Ok(Redirect::to("/fitness#thresholds").into_response()),
        Err(error) if error.status() == StatusCode::BAD_REQUEST => {
            let reason = error.message().to_owned();
            refused(&state, session, reason).await
        }
        Err(error) => Err(error),
    }
}

async fn refused(
    state: &AppState,
    session: PageSession,
    reason: String,
) -> Result<Response, ApiError> {
    let notice = Some(Refusal::Thresholds(reason));
    let page = render(state, session, CurveWindow::Days90, notice).await?;
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

fn curve_card(curve: &PowerCurve) -> Option<CurveCard> {
    // The curve comes at the chart durations (a log-like ladder), evenly spread on a log axis.
    let points = &curve.power.points;
    if points.is_empty() {
        return None;
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
    let rows = TABLE_DURATIONS_S
        .into_iter()
        .filter_map(|d| {
            let p = points.iter().find(|p| p.duration_s >= d)?;
            Some(CurveRow {
                duration: duration_label(d),
                watts: p.value,
                activity_id: p.activity_id,
                date: p.date.clone(),
            })
        })
        .collect();
    Some(CurveCard {
        chart: chart::container(None, &spec, None),
        rows,
    })
}

fn duration_label(seconds: u32) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min", seconds / 60)
    }
}

fn efforts_rows(efforts: &[BestTime], units: Units) -> Vec<EffortRow> {
    efforts
        .iter()
        .map(|e| EffortRow {
            distance: distance_name(e.distance_m),
            time: clock(e.time_s),
            pace: units.pace(e.distance_m / e.time_s),
            activity_id: e.activity_id,
            date: e.date.clone(),
        })
        .collect()
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

fn thresholds_card(
    history: &[ThresholdEntry],
    units: Units,
    today: &str,
) -> Option<ThresholdsCard> {
    if history.is_empty() {
        return None;
    }
    let spec = super::threshold_chart::spec(history, units, today);
    let watts = |w: Option<f64>| w.map(|w| format!("{w:.0} W"));
    let bpm = |b: Option<f64>| b.map(|b| format!("{b:.0} bpm"));
    let rows = history
        .iter()
        .rev()
        .take(HISTORY_ROWS)
        .map(|v| ThresholdRow {
            from: v.effective_from.clone(),
            source: super::words::threshold_source(v.source),
            method: super::words::threshold_method(&v.method),
            cells: [
                ("FTP", watts(v.ftp_w)),
                ("CP", watts(v.cp_w)),
                (
                    "Threshold pace",
                    v.threshold_speed_mps.map(|s| units.pace(s)),
                ),
                ("LTHR", bpm(v.lthr_bpm)),
                ("Max HR", bpm(v.max_hr_bpm)),
                ("Resting HR", bpm(v.resting_hr_bpm)),
            ],
            removable: (v.source == "manual").then_some(v.id),
        })
        .collect();
    Some(ThresholdsCard {
        chart: chart::container(Some("threshold-chart"), &spec, None),
        entries: history.len(),
        rows,
    })
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
