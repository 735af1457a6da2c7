//! What every page shares: the templates' escaper, rendering a page template into a response,
//! the status pages, number formatting and moments in time.

use std::fmt;

use askama::Template;
use askama::filters::Escaper;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The stylesheet, embedded so the pages work offline.
pub const APP_CSS: &str = include_str!("../../assets/app.css");
/// The live-update script of signed-in pages (an `EventSource` on `/events`).
pub const LIVE_JS: &str = include_str!("../../assets/live.js");

/// `text` escaped as the templates escape it, for the markup drawn in Rust (the overview's SVG
/// chart): safe in element content and quoted attributes.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a `String` cannot fail.
    let _ = Entities.write_escaped_str(&mut out, text);
    out
}

/// The escaper of every template (`askama.toml`): `& < > " '` as `&amp; &lt; &gt; &quot; &#39;`,
/// the entities the pages have always written (askama's own escaper writes numeric ones).
#[derive(Debug, Clone, Copy)]
pub struct Entities;

impl Escaper for Entities {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        let mut plain_from = 0;
        for (at, c) in text.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            dest.write_str(&text[plain_from..at])?;
            dest.write_str(entity)?;
            plain_from = at + c.len_utf8();
        }
        dest.write_str(&text[plain_from..])
    }
}

/// Which navigation a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Nobody is signed in: no links.
    Anonymous,
    /// An athlete: their pages, settings and sign-out.
    Athlete,
    /// An admin: the athlete's links plus the admin page.
    Admin,
}

impl Nav {
    /// Whether someone is signed in: the layout then shows the links and follows live events.
    pub fn signed_in(self) -> bool {
        self != Self::Anonymous
    }

    /// Whether the layout links to the admin page.
    pub fn is_admin(self) -> bool {
        self == Self::Admin
    }
}

/// The response of a whole page (a template that extends `layout.html`), never cached.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page did not render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// [`render`] with a status other than 200.
pub fn render_with(status: StatusCode, page: &impl Template) -> Response {
    (status, render(page)).into_response()
}

/// The 404 page of [`not_found`].
#[derive(Template)]
#[template(path = "status/not_found.html")]
struct NotFound<'a> {
    title: &'a str,
    nav: Nav,
    what: &'a str,
}

/// A 404 page for a missing `what` (also for another athlete's, so the two look the same).
pub fn not_found(what: &str, nav: Nav) -> Response {
    let page = NotFound {
        title: "Not found",
        nav,
        what,
    };
    render_with(StatusCode::NOT_FOUND, &page)
}

/// The 403 page of [`admins_only`].
#[derive(Template)]
#[template(path = "status/admins_only.html")]
struct AdminsOnly<'a> {
    title: &'a str,
    nav: Nav,
}

/// The 403 page of an admin page opened by an athlete.
pub fn admins_only(nav: Nav) -> Response {
    let page = AdminsOnly {
        title: "Admins only",
        nav,
    };
    render_with(StatusCode::FORBIDDEN, &page)
}

/// A number with `decimals` decimals, or a dash.
pub fn num(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "–".to_owned(),
    }
}

/// The words of a risk band name, for its badge (`components/band.html`).
pub fn band_label(name: &str) -> &str {
    match name {
        "sweet_spot" => "sweet spot",
        "insufficient_data" => "not enough data",
        other => other,
    }
}

/// `seconds` as `h:mm`.
pub fn duration(seconds: Option<i64>) -> String {
    seconds.map_or_else(
        || "–".to_owned(),
        |s| format!("{}:{:02}", s / 3600, (s % 3600) / 60),
    )
}

/// Epoch ms as `YYYY-MM-DD HH:MM UTC`.
pub fn time(ms: Option<i64>) -> String {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map_or_else(
            || "never".to_owned(),
            |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        )
}

/// The reader's "now" and the zone local times are shown in (the scheduler's zone), for
/// [`when`].
#[derive(Debug, Clone)]
pub struct Clock {
    /// Now, epoch ms.
    pub now_ms: i64,
    /// The zone of local times.
    pub zone: jiff::tz::TimeZone,
}

impl Clock {
    /// Now and the scheduler's zone, for the pages' times.
    pub fn of(state: &crate::http::AppState) -> Self {
        Self {
            now_ms: state.scheduler.now_ms(),
            zone: state.scheduler.config().zone.clone(),
        }
    }
}

/// A moment for people: relative ("in 12 min", "3 h ago", "now") and the zone's local time
/// ("Sun 6 Dec 05:00 CET"), in a `<time>` whose `datetime` and tooltip hold the exact UTC
/// instant; `otherwise` ("never", or a text that is not a time) when there is none. Shown in a
/// template as `{{ moment|safe }}`: it escapes its own text.
#[derive(Debug, Clone, Template)]
#[template(path = "components/moment.html")]
pub struct Moment {
    exact: Option<ExactMoment>,
    otherwise: String,
}

/// The texts of a known moment.
#[derive(Debug, Clone)]
struct ExactMoment {
    /// `datetime`: RFC 3339 in UTC.
    iso: String,
    /// The tooltip: the UTC time to the second.
    utc: String,
    /// "in 12 min", "3 h ago", "now".
    relative: String,
    /// The zone's local time.
    local: String,
}

/// [`Moment`] of epoch ms; "never" when there is none.
pub fn when(ms: Option<i64>, clock: &Clock) -> Moment {
    let Some(timestamp) = ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()) else {
        return Moment {
            exact: None,
            otherwise: "never".to_owned(),
        };
    };
    let delta_s = (timestamp.as_millisecond() - clock.now_ms) / 1000;
    let relative = match delta_s {
        d if d.abs() < 60 => "now".to_owned(),
        d if d > 0 => format!("in {}", age(d)),
        d => format!("{} ago", age(-d)),
    };
    let exact = ExactMoment {
        iso: timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        utc: timestamp.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        relative,
        local: timestamp
            .to_zoned(clock.zone.clone())
            .strftime("%a %-d %b %H:%M %Z")
            .to_string(),
    };
    Moment {
        exact: Some(exact),
        otherwise: String::new(),
    }
}

/// [`when`] of an RFC 3339 time as the API views carry it; the text itself if it does not parse.
pub fn when_text(text: Option<&str>, clock: &Clock) -> Moment {
    match text.map(|text| (text, text.parse::<jiff::Timestamp>())) {
        None => when(None, clock),
        Some((_, Ok(t))) => when(Some(t.as_millisecond()), clock),
        Some((text, Err(_))) => Moment {
            exact: None,
            otherwise: text.to_owned(),
        },
    }
}

/// A length of time, rounded down: "45 s", "12 min", "3 h", "2 d".
pub fn age(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7_200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3_600),
        s => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_relative_and_local_with_the_exact_instant_kept() {
        let clock = Clock {
            now_ms: 1_765_000_000_000,
            zone: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        };
        let later = when(Some(clock.now_ms + 12 * 60_000), &clock).to_string();
        assert!(later.contains(">in 12 min<"), "{later}");
        assert!(later.contains("Sat 6 Dec 06:58 CET</span>"), "{later}");
        assert!(
            later.contains(r#"datetime="2025-12-06T05:58:40Z""#),
            "{later}"
        );
        let earlier = when(Some(clock.now_ms - 3 * 3_600_000), &clock).to_string();
        assert!(earlier.contains(">3 h ago<"), "{earlier}");
        assert_eq!(when(None, &clock).to_string(), "never");
        assert!(
            when_text(Some("2025-12-06T06:46:40+01:00"), &clock)
                .to_string()
                .contains(">now<")
        );
        assert_eq!(
            when_text(Some("<soon>"), &clock).to_string(),
            "&lt;soon&gt;"
        );
    }

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            escaped(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
