//! The signed-in pages: the overview and the activity list.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Response;

use super::{chart, html};
use crate::http::athlete::activities::{self, ActivityView};
use crate::http::athlete::data::{self, AcwrView, Dashboard};
use crate::http::athlete::recommend::{self, Recommendations};
use crate::http::athlete::session::PageSession;
use crate::http::{ApiError, AppState};

/// Days on the overview chart.
const CHART_DAYS: u32 = 90;
/// Activities on the list page.
const LIST_LIMIT: i64 = 100;

/// `/dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    let history = data::history(&state.store, session.user).await?;
    let summary = data::dashboard(&state.store, &state.scheduler, &history).await?;
    let points = data::pmc(&history, CHART_DAYS)?;
    let plan = recommend::recommendations(&state.store, &history).await?;
    let mut body = format!("<h1>{}</h1>", html::escape(&summary.name));
    body.push_str(&reauth_notice(&summary));
    body.push_str(&stats(&summary));
    let _ = write!(
        body,
        r#"<div class="card"><h2>Fitness, fatigue and form · last {CHART_DAYS} days</h2>{}<div class="legend"><span><i style="background:var(--ctl)"></i>Fitness (CTL)</span><span><i style="background:var(--atl)"></i>Fatigue (ATL)</span><span><i style="background:var(--tsb)"></i>Form (TSB)</span><span><i style="background:var(--load)"></i>Daily load</span></div></div>"#,
        chart::pmc_svg(&points)
    );
    body.push_str(&acwr_card(&summary));
    body.push_str(&plan_card(&plan));
    Ok(html::page("Overview", true, &body))
}

fn reauth_notice(summary: &Dashboard) -> String {
    summary
        .integrations
        .iter()
        .filter(|i| i.status != "active")
        .map(|i| {
            format!(
                r#"<div class="card warn"><strong>{} needs you to reconnect.</strong> Access was revoked or expired, so new activities are not synced (status: {}).</div>"#,
                provider_name(i.provider),
                html::escape(i.status)
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
        cell("Form (TSB)", html::num(Some(s.tsb), 1), "fitness − fatigue"),
        cell(
            "This week",
            html::num(Some(s.week_load_utl), 0),
            &format!(
                "UTL, last 7 days · synced {}",
                html::time(s.last_sync_at_ms)
            ),
        ),
    ]
    .into_iter()
    .fold(String::from(r#"<div class="grid">"#), |acc, c| acc + &c)
        + "</div>"
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
        r#"<div class="card"><h2>Acute:chronic workload ratio · overall risk {}</h2><table><thead><tr><th>Series</th><th class="num">ACWR</th><th>Band</th><th class="num hide-sm">Acute/wk</th><th class="num hide-sm">Chronic/wk</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        html::band(s.risk)
    )
}

fn plan_card(plan: &Recommendations) -> String {
    let mut rows = String::new();
    for day in &plan.days {
        let utl = &day.utl;
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}–{}</td><td class="hide-sm">{}</td></tr>"#,
            html::escape(&day.date),
            html::escape(day.intensity),
            html::escape(day.sport),
            html::num(utl["lo"].as_f64(), 0),
            html::num(utl["hi"].as_f64(), 0),
            html::escape(&day.rationale),
        );
    }
    format!(
        r#"<div class="card"><h2>Next 5 days</h2><p class="muted">Recovery status: {}</p><table><thead><tr><th>Date</th><th>Day</th><th>Sport</th><th class="num">UTL</th><th class="hide-sm">Why</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        html::escape(plan.wellness_status)
    )
}

/// `/activities`.
pub async fn activities(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Response, ApiError> {
    let page = activities::page(&state.store, session.user, LIST_LIMIT, 0).await?;
    let (items, total) = (page.items, page.total);
    let rows: String = items.iter().map(activity_row).collect();
    let body = format!(
        r#"<h1>Activities</h1><div class="card"><p class="muted">{shown} of {total}, newest first.</p><table><thead><tr><th>Date</th><th>Activity</th><th class="num">Time</th><th class="num">UTL</th><th>Method</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        shown = items.len(),
    );
    Ok(html::page("Activities", true, &body))
}

fn activity_row(a: &ActivityView) -> String {
    let name = a.name.as_deref().unwrap_or("(untitled)");
    format!(
        r#"<tr id="activity-{id}"><td>{date}</td><td>{name}<div class="muted">{sport}</div><details><summary>Why this load?</summary><p>{why}</p></details></td><td class="num">{time}</td><td class="num">{utl}</td><td>{method}</td></tr>"#,
        id = a.id,
        date = html::escape(&a.local_date),
        name = html::escape(name),
        sport = html::escape(&a.sport_type),
        why = html::escape(&a.explanation),
        time = html::duration(a.moving_s),
        utl = html::num(a.utl, 1),
        method = html::escape(a.method.as_deref().unwrap_or("pending")),
    )
}
