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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_user_text_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }
}
