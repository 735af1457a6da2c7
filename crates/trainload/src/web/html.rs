//! Small HTML helpers: escaping, the page frame, number formatting and risk-band badges.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The stylesheet, embedded so the pages work offline.
pub const APP_CSS: &str = include_str!("../../assets/app.css");
/// The live-update script of signed-in pages (an `EventSource` on `/events`).
pub const LIVE_JS: &str = include_str!("../../assets/live.js");

/// `text` with `& < > " '` escaped, safe in element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
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

/// A whole page: `title` (escaped here), the navigation and `body` (already safe HTML).
pub fn page(title: &str, nav: Nav, body: &str) -> Response {
    const ATHLETE: &str = concat!(
        r#"<a href="/dashboard">Overview</a><a href="/activities">Activities</a>"#,
        r#"<a href="/fitness">Fitness</a><a href="/wellness">Wellness</a>"#,
        r#"<a href="/settings">Settings</a>"#
    );
    // A form, not a link: signing out changes state, so a cross-site link must not do it.
    const SIGN_OUT: &str = r#"<form class="sign-out" method="post" action="/logout"><button type="submit">Sign out</button></form>"#;
    let nav = match nav {
        Nav::Anonymous => String::new(),
        Nav::Athlete => format!("{ATHLETE}{SIGN_OUT}"),
        Nav::Admin => format!(r#"{ATHLETE}<a href="/admin">Admin</a>{SIGN_OUT}"#),
    };
    // Signed-in pages follow the athlete's live events; the sign-in page has none to follow.
    let script = if nav.is_empty() {
        ""
    } else {
        r#"<script src="/assets/live.js" defer></script>"#
    };
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · TrainingLoad</title><link rel="stylesheet" href="/assets/app.css">{charts}{script}</head>
<body><header><a class="brand" href="/">TrainingLoad</a>{nav}</header>
<main>{body}</main></body></html>"#,
        title = escape(title),
        charts = super::assets::HEAD_TAGS,
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// A page with a status other than 200 (or a plain notice): `message` is already safe HTML.
pub fn status_page(status: StatusCode, title: &str, nav: Nav, message: &str) -> Response {
    let body = format!(
        r#"<h1>{}</h1><div class="card">{message}</div>"#,
        escape(title)
    );
    (status, page(title, nav, &body)).into_response()
}

/// A 404 page for a missing `what` (also for another athlete's, so the two look the same).
pub fn not_found(what: &str, nav: Nav) -> Response {
    let message = format!(
        r#"<p>There is no such {}.</p><p><a href="/dashboard">Back to the overview</a></p>"#,
        escape(what)
    );
    status_page(StatusCode::NOT_FOUND, "Not found", nav, &message)
}

/// A number with `decimals` decimals, or a dash.
pub fn num(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "–".to_owned(),
    }
}

/// A colour-coded badge for a risk band name.
pub fn band(name: &str) -> String {
    let label = match name {
        "sweet_spot" => "sweet spot",
        "insufficient_data" => "not enough data",
        other => other,
    };
    format!(
        r#"<span class="band band-{}">{}</span>"#,
        escape(name),
        escape(label)
    )
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
/// instant. "never" when there is none.
pub fn when(ms: Option<i64>, clock: &Clock) -> String {
    let Some(timestamp) = ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()) else {
        return "never".to_owned();
    };
    let delta_s = (timestamp.as_millisecond() - clock.now_ms) / 1000;
    let relative = match delta_s {
        d if d.abs() < 60 => "now".to_owned(),
        d if d > 0 => format!("in {}", age(d)),
        d => format!("{} ago", age(-d)),
    };
    let local = timestamp
        .to_zoned(clock.zone.clone())
        .strftime("%a %-d %b %H:%M %Z")
        .to_string();
    format!(
        r#"<time datetime="{iso}" title="{utc}">{relative}<span class="muted"> · {local}</span></time>"#,
        iso = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        utc = timestamp.strftime("%Y-%m-%d %H:%M:%S UTC"),
        local = escape(&local),
    )
}

/// [`when`] of an RFC 3339 time as the API views carry it; the text itself if it does not parse.
pub fn when_text(text: Option<&str>, clock: &Clock) -> String {
    match text {
        None => "never".to_owned(),
        Some(text) => text
            .parse::<jiff::Timestamp>()
            .map_or_else(|_| escape(text), |t| when(Some(t.as_millisecond()), clock)),
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
        let later = when(Some(clock.now_ms + 12 * 60_000), &clock);
        assert!(later.contains(">in 12 min<"), "{later}");
        assert!(later.contains("Sat 6 Dec 06:58 CET</span>"), "{later}");
        assert!(
            later.contains(r#"datetime="2025-12-06T05:58:40Z""#),
            "{later}"
        );
        let earlier = when(Some(clock.now_ms - 3 * 3_600_000), &clock);
        assert!(earlier.contains(">3 h ago<"), "{earlier}");
        assert_eq!(when(None, &clock), "never");
        assert!(when_text(Some("2025-12-06T06:46:40+01:00"), &clock).contains(">now<"));
        assert_eq!(when_text(Some("<soon>"), &clock), "&lt;soon&gt;");
    }

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
