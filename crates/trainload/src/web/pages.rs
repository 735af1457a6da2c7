//! The signed-in overview (`/dashboard`).

use std::fmt::Write;

use axum::extract::State;
use axum::response::Response;

use super::page_session::PageSession;
use super::{chart, html};
use crate::http::{ApiError, AppState};
use crate::read::recommend::{self, Recommendations};
use crate::read::wellness::{self, WellnessDay};
use crate::read::{self, AcwrView, Dashboard, DateRange};
use crate::store::users;
use crate::units::Units;

/// Days on the overview chart.
const CHART_DAYS: u32 = 90;
/// The legend of the server-drawn chart.
const PMC_LEGEND: &str = r#"<div class="legend"><span><i style="background:var(--ctl)"></i>Fitness (CTL)</span><span><i style="background:var(--atl)"></i>Fatigue (ATL)</span><span><i style="background:var(--tsb)"></i>Form (TSB)</span><span><i style="background:var(--load)"></i>Daily load</span></div>"#;

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
    let mut body = format!("<h1>{}</h1>", html::escape(&summary.name));
    body.push_str(&reauth_notice(&summary));
    body.push_str(&stats(&summary));
    let _ = write!(
        body,
        r#"<div class="card"><h2>Fitness, fatigue and form · last {CHART_DAYS} days</h2><p class="muted hide-sm">Drag across the chart to zoom, double-click to reset.</p>{}</div>"#,
        // The SVG and its legend are the fallback; uPlot draws its own legend.
        chart::container(
            Some("pmc-chart"),
            &chart::pmc_spec(&points),
            &(chart::pmc_svg(&points) + PMC_LEGEND)
        )
    );
    body.push_str(r#"<div class="grid">"#);
    body.push_str(&week_card(&summary, &plan));
    body.push_str(&recovery_card(&plan, today.first()));
    body.push_str("</div>");
    body.push_str(&acwr_card(&summary));
    body.push_str(&zones_card(&summary));
    body.push_str(&plan_card(&plan, units));
    Ok(html::page("Overview", session.nav(), &body))
}

/// The last seven days' load against the weekly target of the recommendations (docs/science.md
/// §11.2), as a number and a bar.
fn week_card(s: &Dashboard, plan: &Recommendations) -> String {
    let Some(target) = plan.state["target_week_utl"].as_f64().filter(|t| *t > 0.0) else {
        return String::new();
    };
    let done = s.week_load_utl;
    let percent = (done / target * 100.0).clamp(0.0, 999.0);
    let mode = match plan.state["mode"].as_str() {
        Some("building") => "building mode: a starter week while the history is short",
        _ if plan.state["reduced"].as_bool() == Some(true) => "reduced: high ratio or deep fatigue",
        _ => "about 5 % above your chronic load, capped at +10 % on last week",
    };
    format!(
        r#"<div class="card" id="week-vs-target"><h2>This week versus target</h2><div class="stat">{} <span class="muted">/ {} UTL</span></div><div class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{percent:.0}"><span style="width:{:.0}%"></span></div><p class="muted">Last 7 days against the weekly target ({}).</p></div>"#,
        html::num(Some(done), 0),
        html::num(Some(target), 0),
        percent.min(100.0),
        html::escape(mode),
    )
}

/// Today's recovery status from wellness, with the components that moved the modifier.
fn recovery_card(plan: &Recommendations, today: Option<&WellnessDay>) -> String {
    let status = plan.wellness_status;
    let note = match status {
        "green" => "Recovered: nothing alarming in HRV, resting HR, sleep or how you feel.",
        "amber" => "Some signs of poor recovery: hard days are eased.",
        "red" => "Strong signs of poor recovery: today is easy or rest.",
        _ => "No wellness data for today.",
    };
    let mut moved = String::new();
    for c in today
        .map(|d| super::wellness::moved_components(&d.modifier_components))
        .unwrap_or_default()
    {
        let _ = write!(
            moved,
            "<li>{}: {} ×{:.3}</li>",
            html::escape(&c.name),
            html::escape(&c.band),
            c.multiplier
        );
    }
    let modifier = today.map_or_else(String::new, |d| {
        format!(
            r#"<p class="muted">Wellness modifier today ×{:.3}</p>"#,
            d.modifier
        )
    });
    format!(
        r#"<div class="card" id="recovery"><h2>Recovery</h2><div class="stat"><span class="status status-{s}">{s}</span></div><p>{note}</p>{modifier}<ul class="compact">{moved}</ul></div>"#,
        s = html::escape(status),
    )
}

fn reauth_notice(summary: &Dashboard) -> String {
    summary
        .integrations
        .iter()
        .filter(|i| i.status != "active")
        .map(|i| {
            let (what, action) = match i.provider {
                "strava" => (
                    "new activities are not synced",
                    r#"<a class="button" id="reconnect-strava" href="/auth/strava/login">Reconnect Strava</a>"#,
                ),
                _ => (
                    "new wellness data is not synced",
                    r#"<a class="button" id="reconnect-intervals" href="/settings#connect-intervals-card">Reconnect Intervals.icu</a>"#,
                ),
            };
            format!(
                r#"<div class="card warn reauth" id="reauth-{provider}"><p><strong>{name} needs you to reconnect.</strong> Access was revoked or has expired, so {what}. Your data stays as it is.</p><p>{action}</p></div>"#,
                provider = html::escape(i.provider),
                name = provider_name(i.provider),
            )
        })
        .collect()
}

fn provider_name(provider: &str) -> &'static str {
    match provider {
        "strava" => "Strava",
        "intervals" => "Intervals.icu",
        _ => "A provider",
    }
}

fn stats(s: &Dashboard) -> String {
    let cell = |label: &str, value: String, note: &str| {
        format!(
            r#"<div class="card"><div class="muted">{label}</div><div class="stat">{value}</div><div class="muted">{note}</div></div>"#
        )
    };
    [
        cell("Fitness (CTL)", html::num(Some(s.ctl), 1), "42-day load"),
        cell("Fatigue (ATL)", html::num(Some(s.atl), 1), "7-day load"),
        cell(
            "Form (TSB)",
            html::num(Some(s.tsb), 1),
            "yesterday's fitness − yesterday's fatigue (going into today)",
        ),
        cell(
            "This week",
            html::num(Some(s.week_load_utl), 0),
            &format!(
                "UTL, the 7 days to {} (today included) · synced {}",
                html::escape(&s.date),
                html::time(s.last_sync_at_ms)
            ),
        ),
    ]
    .into_iter()
    .fold(String::from(r#"<div class="grid">"#), |acc, c| acc + &c)
        + "</div>"
}

/// The week's time in zone per model, from the dashboard summary (`time_in_zone`).
fn zones_card(s: &Dashboard) -> String {
    let week = &s.time_in_zone;
    let day = |text: &str| {
        text.parse::<jiff::civil::Date>()
            .map_or_else(|_| text.to_owned(), |d| d.strftime("%-d %b").to_string())
    };
    let tables = if week.kinds.is_empty() {
        r#"<p class="muted">No activity with zone data in these days.</p>"#.to_owned()
    } else {
        super::zone_table::week_tables(week)
    };
    format!(
        r#"<div class="card" id="week-zones"><h2>Time in zone · last 7 days ({} – {})</h2>{tables}</div>"#,
        html::escape(&day(&week.from)),
        html::escape(&day(&week.to)),
    )
}

fn acwr_card(s: &Dashboard) -> String {
    let mut rows = String::new();
    let rows_in_order = ["overall", "running", "cycling"]
        .into_iter()
        .filter_map(|name| Some((name, s.acwr.get(name)?)));
    for (name, view) in rows_in_order {
        let AcwrView {
            ratio,
            band,
            acute_weekly_utl,
            chronic_weekly_utl,
        } = view;
        let _ = write!(
            rows,
            r#"<tr><td>{name}</td><td class="num">{}</td><td>{}</td><td class="num hide-sm">{}</td><td class="num hide-sm">{}</td></tr>"#,
            html::num(*ratio, 2),
            html::band(band),
            html::num(Some(*acute_weekly_utl), 0),
            html::num(Some(*chronic_weekly_utl), 0),
        );
    }
    format!(
        r#"<div class="card" id="acwr"><h2>Acute:chronic workload ratio · overall risk {}</h2><table><thead><tr><th>Series</th><th class="num">ACWR</th><th>Band</th><th class="num hide-sm">Acute/wk</th><th class="num hide-sm">Chronic/wk</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        html::band(s.risk)
    )
}

fn plan_card(plan: &Recommendations, units: Units) -> String {
    let mut rows = String::new();
    for day in &plan.days {
        let utl = &day.utl;
        let distance = match (
            day.distance_km["lo"].as_f64(),
            day.distance_km["hi"].as_f64(),
        ) {
            (Some(lo), Some(hi)) => format!(
                "{:.1}–{}",
                units.distance_value(lo * 1000.0),
                units.distance(Some(hi * 1000.0))
            ),
            _ => "–".to_owned(),
        };
        let (duration, guidance) = (duration(&day.duration_min), guidance(&day.guidance, units));
        let _ = write!(
            rows,
            r#"<tr><td class="day-head">{}</td><td class="day-head">{}</td><td class="day-head">{}</td><td class="num{}">{}</td><td class="num" data-label="UTL">{}–{}</td><td class="num{}">{}</td><td data-label="Target"{}>{}</td><td class="why">{}</td></tr>"#,
            html::escape(&day.date),
            html::escape(day.intensity),
            html::escape(day.sport),
            none_class(&duration),
            html::escape(&duration),
            html::num(utl["lo"].as_f64(), 0),
            html::num(utl["hi"].as_f64(), 0),
            none_class(&distance),
            html::escape(&distance),
            if guidance == "–" {
                r#" class="none""#
            } else {
                ""
            },
            html::escape(&guidance),
            html::escape(&day.rationale),
        );
    }
    // The ratio the plan steers by is the overall one on the ACWR card (same value, same band).
    let acwr = format!(
        "ACWR {} ({})",
        html::num(plan.state["acwr"].as_f64(), 2),
        plan.state["acwr_band"]
            .as_str()
            .unwrap_or("insufficient_data")
            .replace('_', " ")
    );
    format!(
        r#"<div class="card" id="plan"><h2>Next 5 days</h2><p class="muted">Recovery status: {} · <span id="plan-acwr">{}</span></p><div class="scroll"><table class="plan"><thead><tr><th>Date</th><th>Day</th><th>Sport</th><th class="num">Duration</th><th class="num">UTL</th><th class="num">Distance</th><th>Target</th><th>Why</th></tr></thead><tbody>{rows}</tbody></table></div></div>"#,
        html::escape(plan.wellness_status),
        html::escape(&acwr),
    )
}

/// ` none` for a cell that holds only a dash: a phone's day card leaves it out.
fn none_class(text: &str) -> &'static str {
    if text == "–" { " none" } else { "" }
}

/// A planned duration range (`{lo, rec, hi}` minutes), or a dash on rest days.
fn duration(d: &serde_json::Value) -> String {
    match (d["lo"].as_f64(), d["hi"].as_f64()) {
        (Some(lo), Some(hi)) => format!("{lo:.0}–{hi:.0} min"),
        _ => "–".to_owned(),
    }
}

/// The intensity guidance of a planned day in the athlete's units (`{kind, lo, hi}`): watts,
/// pace per km or mile, or heart rate (an easy day has only a ceiling).
fn guidance(g: &serde_json::Value, units: Units) -> String {
    let Some(hi) = g["hi"].as_f64() else {
        return "–".to_owned();
    };
    let lo = g["lo"].as_f64();
    match (g["kind"].as_str(), lo) {
        (Some("power_w"), Some(lo)) => format!("{lo:.0}–{hi:.0} W"),
        // The faster speed is the quicker pace, so `hi` comes first.
        (Some("speed_mps"), Some(lo)) => format!("{}–{}", units.pace(hi), units.pace(lo)),
        (Some("heart_rate_bpm"), Some(lo)) => format!("{lo:.0}–{hi:.0} bpm"),
        (Some("heart_rate_bpm"), None) => format!("≤ {hi:.0} bpm"),
        _ => "–".to_owned(),
    }
}
