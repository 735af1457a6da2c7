//! `/activities`: the athlete's activities, newest first, a page at a time, narrowed by a small
//! GET form (sport, from, to) whose values the previous and next links keep.

use std::fmt::Write;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
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
            let page = ActivitiesPage {
                nav: session.nav(),
                filter: filter_form(&query),
                list: List::Refused(error.to_string()),
            };
            return Ok(html::render_with(StatusCode::BAD_REQUEST, &page));
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
        List::Empty(empty_note(&request, total))
    } else {
        let shown = rows
            .iter()
            .map(|(a, load)| {
                activity_row(&ActivityView::new(a, load.as_ref()), load.as_ref(), units)
            })
            .collect();
        List::Rows {
            first: request.offset + 1,
            last: request.offset + i64::try_from(rows.len()).unwrap_or(0),
            total,
            rows: shown,
            newer: request.previous_offset().map(|o| request.query_at(o)),
            older: request.next_offset(total).map(|o| request.query_at(o)),
        }
    };
    let page = ActivitiesPage {
        nav: session.nav(),
        filter: filter_form(&query),
        list,
    };
    Ok(html::render(&page))
}

/// The page (`activities.html`).
#[derive(Template)]
#[template(path = "activities.html")]
struct ActivitiesPage {
    nav: html::Nav,
    filter: FilterForm,
    list: List,
}

/// What the card under the filter shows.
enum List {
    /// Why the filter could not be used.
    Refused(String),
    /// Why the page is empty.
    Empty(String),
    /// Activities `first`–`last` of `total`, with the queries of the newer and older pages.
    Rows {
        first: i64,
        last: i64,
        total: i64,
        rows: Vec<ActivityRow>,
        newer: Option<String>,
        older: Option<String>,
    },
}

/// The filter form's values.
struct FilterForm {
    sports: Vec<SportOption>,
    from: String,
    to: String,
    limit: Option<i64>,
}

/// A choice of the sport menu.
struct SportOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

/// A row of the list.
struct ActivityRow {
    id: i64,
    /// The sport group, for the browser test.
    group: &'static str,
    date: String,
    name: String,
    sport: String,
    why: String,
    time: String,
    distance: String,
    utl: String,
    method: String,
}

/// The filter form, filled with what was asked (also when it was wrong, so it can be fixed).
fn filter_form(query: &ActivityQuery) -> FilterForm {
    let sport = query.sport.as_deref().unwrap_or("");
    FilterForm {
        sports: SportGroup::ALL
            .into_iter()
            .map(|group| SportOption {
                value: group.as_str(),
                label: sport_label(group),
                selected: group.as_str() == sport,
            })
            .collect(),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        limit: query.limit,
    }
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
    if total > 0 {
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
    }
}

fn activity_row(a: &ActivityView, load: Option<&ActivityLoad>, units: Units) -> ActivityRow {
    // The stored explanation with paces in the athlete's units.
    let why = load.map_or_else(
        || a.explanation.clone(),
        |l| activities::explain_in(l, units),
    );
    ActivityRow {
        id: a.id,
        group: a.sport,
        date: a.local_date.clone(),
        name: a.name.as_deref().unwrap_or("(untitled)").to_owned(),
        sport: a.sport_type.clone(),
        why,
        time: html::duration(a.moving_s),
        distance: units.distance(a.distance_m),
        utl: html::num(a.utl, 1),
        method: a.method.unwrap_or("pending").to_owned(),
    }
}
