//! The signed-in overview (`/dashboard`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::chart::{self, Chart};
use super::html;
use super::page_session::PageSession;
use super::wellness::MovedComponent;
use super::zone_table::WeekZones;
use providers::budget::Provider;

use crate::http::{ApiError, AppState};
use crate::read::recommend::{self, GuidanceView, Recommendations};
use crate::read::wellness::{self, WellnessDay};
use crate::read::{self, AcwrView, Dashboard, DateRange};
use crate::store::users;
use crate::units::Units;

/// Days on the overview chart.
const CHART_DAYS: u32 = 90;

/// `/dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    let history = read::history(&state.store, session.user).await?;
    let summary = read::dashboard(&state.store, &state.scheduler, &history).await?;
    let points = read::pmc(&history, CHART_DAYS)?;
    let plan = recommend::recommendations(&state.store, &history).await?;
    let units = users::units(&state.store, session.user).await?;
    let today = wellness::wellness_series(
        &state.store,
        session.user,
        DateRange::last_days(history.today, 1),
    )
    .await?;
    let page = DashboardPage {
        nav: session.nav(),
        reauth: summary
            .integrations
            .iter()
            .filter(|i| i.status != "active")
            .map(|i| i.provider)
            .collect(),
        chart_days: CHART_DAYS,
        pmc_chart: chart::container(
            Some("pmc-chart"),
            &chart::pmc_spec(&points),
            Some(chart::pmc_fallback(&points)),
        ),
        week: week_card(&summary, &plan),
        recovery: recovery_card(&plan, today.first()),
        stats: stats(&summary),
        acwr: acwr_rows(&summary),
        zones_from: day(&summary.time_in_zone.from),
        zones_to: day(&summary.time_in_zone.to),
        zone_tables: (!summary.time_in_zone.kinds.is_empty())
            .then(|| super::zone_table::week_tables(&summary.time_in_zone)),
        plan_status: plan.wellness_status,
        plan_acwr: plan_acwr(&plan),
        plan_days: plan_days(&plan, units),
        summary: &summary,
    };
    Ok(html::render(&page))
}

/// The page (`dashboard.html`).
#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    nav: html::Nav,
    summary: &'a Dashboard,
    /// The providers whose connection needs the athlete again.
    reauth: Vec<Provider>,
    chart_days: u32,
    pmc_chart: Chart,
    week: Option<WeekCard>,
    recovery: RecoveryCard,
    stats: Stats,
    acwr: Vec<AcwrRow>,
    zones_from: String,
    zones_to: String,
    /// None when no activity of the week has zone data.
    zone_tables: Option<WeekZones>,
    plan_status: &'static str,
    plan_acwr: String,
    plan_days: Vec<PlanDay>,
}

/// The numbers at the top, as shown.
struct Stats {
    ctl: String,
    atl: String,
    tsb: String,
    week_load: String,
    /// When the data was last synced.
    synced: String,
}

/// A row of the ACWR card.
struct AcwrRow {
    name: &'static str,
    ratio: String,
    band: &'static str,
    acute: String,
    chronic: String,
}

/// The last seven days' load against the weekly target.
struct WeekCard {
    done: String,
    target: String,
    /// `done` of `target`, capped at 999 %.
    percent: f64,
    /// How the target was set.
    mode: &'static str,
}

/// Today's recovery status.
struct RecoveryCard {
    status: &'static str,
    note: &'static str,
    /// Today's wellness modifier, if there is a record.
    modifier: Option<f64>,
    moved: Vec<MovedComponent>,
}

/// A planned day, its cells as shown.
struct PlanDay {
    date: String,
    intensity: &'static str,
    sport: &'static str,
    duration: String,
    utl_lo: String,
    utl_hi: String,
    distance: String,
    guidance: String,
    rationale: String,
}

/// The last seven days' load against the weekly target of the recommendations (docs/science.md
/// §11.2).
fn week_card(s: &Dashboard, plan: &Recommendations) -> Option<WeekCard> {
    let target = Some(plan.state.target_week_utl).filter(|t| *t > 0.0)?;
    let done = s.week_load_utl;
    let mode = match plan.state.mode {
        "building" => "building mode: a starter week while the history is short",
        _ if plan.state.reduced => "reduced: high ratio or deep fatigue",
        _ => "about 5 % above your chronic load, capped at +10 % on last week",
    };
    Some(WeekCard {
        done: html::num(Some(done), 0),
        target: html::num(Some(target), 0),
        percent: (done / target * 100.0).clamp(0.0, 999.0),
        mode,
    })
}

/// Today's recovery status from wellness, with the components that moved the modifier.
fn recovery_card(plan: &Recommendations, today: Option<&WellnessDay>) -> RecoveryCard {
    let status = plan.wellness_status;
    let note = match status {
        "green" => "Recovered: nothing alarming in HRV, resting HR, sleep or how you feel.",
        "amber" => "Some signs of poor recovery: hard days are eased.",
        "red" => "Strong signs of poor recovery: today is easy or rest.",
        _ => "No wellness data for today.",
    };
    RecoveryCard {
        status,
        note,
        modifier: today.map(|d| d.modifier),
        moved: today
            .map(|d| super::wellness::moved_components(&d.modifier_components))
            .unwrap_or_default(),
    }
}

fn stats(s: &Dashboard) -> Stats {
    Stats {
        ctl: html::num(Some(s.ctl), 1),
        atl: html::num(Some(s.atl), 1),
        tsb: html::num(Some(s.tsb), 1),
        week_load: html::num(Some(s.week_load_utl), 0),
        synced: html::time(s.last_sync_at_ms),
    }
}

/// The ACWR rows in order: overall, running, cycling.
fn acwr_rows(s: &Dashboard) -> Vec<AcwrRow> {
    ["overall", "running", "cycling"]
        .into_iter()
        .filter_map(|name| {
            let AcwrView {
                ratio,
                band,
                acute_weekly_utl,
                chronic_weekly_utl,
            } = s.acwr.get(name)?;
            Some(AcwrRow {
                name,
                ratio: html::num(*ratio, 2),
                band,
                acute: html::num(Some(*acute_weekly_utl), 0),
                chronic: html::num(Some(*chronic_weekly_utl), 0),
            })
        })
        .collect()
}

/// A date of the zones card as "6 Dec" (the text itself if it is not a date).
fn day(text: &str) -> String {
    text.parse::<jiff::civil::Date>()
        .map_or_else(|_| text.to_owned(), |d| d.strftime("%-d %b").to_string())
}

/// The ratio the plan steers by: the overall one on the ACWR card (same value, same band).
fn plan_acwr(plan: &Recommendations) -> String {
    format!(
        "ACWR {} ({})",
        html::num(plan.state.acwr, 2),
        plan.state.acwr_band.replace('_', " ")
    )
}

fn plan_days(plan: &Recommendations, units: Units) -> Vec<PlanDay> {
    plan.days
        .iter()
        .map(|day| {
            let distance = day.distance_km.map_or_else(
                || "–".to_owned(),
                |d| {
                    format!(
                        "{:.1}–{}",
                        units.distance_value(d.lo * 1000.0),
                        units.distance(Some(d.hi * 1000.0))
                    )
                },
            );
            PlanDay {
                date: day.date.clone(),
                intensity: day.intensity,
                sport: day.sport,
                duration: day.duration_min.map_or_else(
                    || "–".to_owned(),
                    |d| format!("{:.0}–{:.0} min", d.lo, d.hi),
                ),
                utl_lo: html::num(Some(day.utl.lo), 0),
                utl_hi: html::num(Some(day.utl.hi), 0),
                distance,
                guidance: day
                    .guidance
                    .map_or_else(|| "–".to_owned(), |g| guidance(g, units)),
                rationale: day.rationale.clone(),
            }
        })
        .collect()
}

/// The intensity guidance of a planned day in the athlete's units (`{kind, lo, hi}`): watts,
/// pace per km or mile, or heart rate (an easy day has only a ceiling).
fn guidance(g: GuidanceView, units: Units) -> String {
    match g {
        GuidanceView::PowerW { lo, hi } => format!("{lo:.0}–{hi:.0} W"),
        // The faster speed is the quicker pace, so `hi` comes first.
        GuidanceView::SpeedMps { lo, hi } => format!("{}–{}", units.pace(hi), units.pace(lo)),
        GuidanceView::HeartRateBpm { lo: Some(lo), hi } => format!("{lo:.0}–{hi:.0} bpm"),
        GuidanceView::HeartRateBpm { lo: None, hi } => format!("≤ {hi:.0} bpm"),
    }
}
