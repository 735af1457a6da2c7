//! `/activities`: the athlete's activities, newest first, a page at a time, narrowed by a small
//! GET form (sport, from, to) whose values the previous and next links keep.

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use science::SportGroup;

use super::html;
use super::page_session::PageSession;
use crate::http::athlete::QueryParam;
use crate::http::{ApiError, AppState};
use crate::read::activities::{self, ActivityView};
use crate::read::activity_list::{ActivityQuery, ActivityRequest};
use crate::store::loads::ActivityLoad;
use crate::store::users;
use crate::units::Units;

/// Activities on one page of the list.
const PAGE_SIZE: i64 = 50;

/// `/activities?sport=&from=&to=&limit=&offset=`. A value the list cannot use is answered 400
/// with the form kept and the reason above it, so the athlete can correct it in place.
pub async fn activities(
    State(state): State<AppState>,
    session: PageSession,
    QueryParam(query): QueryParam<ActivityQuery>,
) -> Result<Response, ApiError> {
    let request = match query.check(PAGE_SIZE) {
        Ok(request) => request,
        Err(error) => {
            let body = format!(
                r#"<h1>Activities</h1>{}<div class="card warn" id="filter-error"><p>{}</p><p><a href="/activities">Show all activities</a></p></div>"#,
                filter_form(&query),
                html::escape(&error.to_string())
            );
            let page = html::page("Activities", session.nav(), &body);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let units = users::units(&state.store, session.user).await?;
    let (rows, total) = activities::page_rows(
        &state.store,
        session.user,
        &request.filter(),
        request.limit,
        request.offset,
    )
    .await?;
    let list = if rows.is_empty() {
        empty_note(&request, total)
    } else {
        let shown: String = rows
            .iter()
            .map(|(a, load)| {
                activity_row(&ActivityView::new(a, load.as_ref()), load.as_ref(), units)
            })
            .collect();
        let first = request.offset + 1;
        let last = request.offset + i64::try_from(rows.len()).unwrap_or(0);
        format!(
            r#"<p class="muted" id="list-count">{first}–{last} of {total}, newest first.</p><div class="scroll"><table><thead><tr><th>Date</th><th>Activity</th><th class="num hide-sm">Time</th><th class="num">Distance</th><th class="num">UTL</th><th class="hide-sm">Method</th></tr></thead><tbody>{shown}</tbody></table></div>{}"#,
            pager(&request, total)
        )
    };
    let body = format!(
        r#"<h1>Activities</h1>{}<div class="card">{list}</div>"#,
        filter_form(&query)
    );
    Ok(html::page("Activities", session.nav(), &body))
}

/// The filter form, filled with what was asked (also when it was wrong, so it can be fixed).
fn filter_form(query: &ActivityQuery) -> String {
    let sport = query.sport.as_deref().unwrap_or("");
    let mut options = String::from(r#"<option value="">All sports</option>"#);
    for group in SportGroup::ALL {
        let _ = write!(
            options,
            r#"<option value="{value}"{selected}>{label}</option>"#,
            value = group.as_str(),
            selected = if group.as_str() == sport {
                " selected"
            } else {
                ""
            },
            label = sport_label(group),
        );
    }
    // A page size asked for in the address stays while the filter changes.
    let limit = query.limit.map_or_else(String::new, |limit| {
        format!(r#"<input type="hidden" name="limit" value="{limit}">"#)
    });
    format!(
        r#"<form class="filters card" id="activity-filter" method="get" action="/activities"><label>Sport <select name="sport">{options}</select></label><label>From <input type="date" name="from" value="{from}"></label><label>To <input type="date" name="to" value="{to}"></label>{limit}<span class="filter-actions"><button type="submit">Show</button> <a href="/activities">Clear</a></span></form>"#,
        from = html::escape(query.from.as_deref().unwrap_or("")),
        to = html::escape(query.to.as_deref().unwrap_or("")),
    )
}

/// "Running", "Cycling", … as the form shows a group.
fn sport_label(group: SportGroup) -> &'static str {
    match group {
        SportGroup::Running => "Running",
        SportGroup::Cycling => "Cycling",
        SportGroup::Swimming => "Swimming",
        SportGroup::Other => "Other sports",
    }
}

/// What an empty page says: nothing stored yet, nothing matching the filter, or past the end.
fn empty_note(request: &ActivityRequest, total: i64) -> String {
    let text = if total > 0 {
        format!("This page is past the last of {total} activities.")
    } else if request.filter_query().is_empty() {
        "No activities yet. They appear here after the first sync with Strava.".to_owned()
    } else {
        let mut what = request
            .sport
            .map_or("activities", |g| sport_label(g))
            .to_lowercase();
        if let Some(from) = request.from {
            let _ = write!(what, " from {from}");
        }
        if let Some(to) = request.to {
            let _ = write!(what, " up to {to}");
        }
        format!("No {what}. Try another sport or a wider range of dates.")
    };
    format!(
        r#"<p id="list-empty">{}</p><p><a href="/activities">Show all activities</a></p>"#,
        html::escape(&text)
    )
}

/// Newer and older links that keep the filter; none on a single page.
fn pager(request: &ActivityRequest, total: i64) -> String {
    let link = |id: &str, rel: &str, text: &str, offset: Option<i64>| {
        offset.map_or_else(String::new, |offset| {
            format!(
                r#"<a class="button" id="{id}" rel="{rel}" href="/activities?{}">{text}</a>"#,
                html::escape(&request.query_at(offset))
            )
        })
    };
    let newer = link("page-newer", "prev", "← Newer", request.previous_offset());
    let older = link("page-older", "next", "Older →", request.next_offset(total));
    if newer.is_empty() && older.is_empty() {
        return String::new();
    }
    format!(r#"<nav class="pager" aria-label="Pages">{newer}{older}</nav>"#)
}

fn activity_row(a: &ActivityView, load: Option<&ActivityLoad>, units: Units) -> String {
    let name = a.name.as_deref().unwrap_or("(untitled)");
    // The stored explanation with paces in the athlete's units.
    let why = load.map_or_else(
        || a.explanation.clone(),
        |l| activities::explain_in(l, units),
    );
    format!(
        r#"<tr id="activity-{id}" data-sport="{group}"><td>{date}</td><td><a href="/activities/{id}">{name}</a><div class="muted">{sport}</div><details><summary>Why this load?</summary><p>{why}</p></details></td><td class="num hide-sm">{time}</td><td class="num">{distance}</td><td class="num">{utl}</td><td class="hide-sm">{method}</td></tr>"#,
        id = a.id,
        group = a.sport,
        date = html::escape(&a.local_date),
        name = html::escape(name),
        sport = html::escape(&a.sport_type),
        why = html::escape(&why),
        time = html::duration(a.moving_s),
        distance = html::escape(&units.distance(a.distance_m)),
        utl = html::num(a.utl, 1),
        method = html::escape(a.method.as_deref().unwrap_or("pending")),
    )
}
