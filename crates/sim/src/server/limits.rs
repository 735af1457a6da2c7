//! Strava's per-application rate limits on the simulated clock: fixed 15-minute windows from
//! :00/:15/:30/:45 and the UTC day, refused requests still counted, 429 with the real body and no
//! `Retry-After`, and the four usage headers on every API response.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::state::RateWindows;
use super::{Shared, lock, reply};
use crate::config::RateLimits;

/// Counts a request; `true` if it is within the limits.
pub(crate) fn admit(windows: &mut RateWindows, limits: &RateLimits, now_s: i64) -> bool {
    windows.roll(now_s);
    let allowed = windows.overall_15m < limits.overall_15m
        && windows.overall_day < limits.overall_day
        && windows.read_15m < limits.read_15m
        && windows.read_day < limits.read_day;
    windows.overall_15m += 1;
    windows.overall_day += 1;
    windows.read_15m += 1;
    windows.read_day += 1;
    allowed
}

fn set(response: &mut Response, name: &'static str, a: u32, b: u32) {
    if let Ok(value) = HeaderValue::from_str(&format!("{a},{b}")) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

/// Adds `X-Ratelimit-*` and `X-Readratelimit-*` headers.
pub(crate) fn headers(response: &mut Response, windows: &RateWindows, limits: &RateLimits) {
    set(
        response,
        "x-ratelimit-limit",
        limits.overall_15m,
        limits.overall_day,
    );
    set(
        response,
        "x-ratelimit-usage",
        windows.overall_15m,
        windows.overall_day,
    );
    set(
        response,
        "x-readratelimit-limit",
        limits.read_15m,
        limits.read_day,
    );
    set(
        response,
        "x-readratelimit-usage",
        windows.read_15m,
        windows.read_day,
    );
}

/// The 429 Strava sends when the application's limit is spent.
pub(crate) fn too_many() -> Response {
    reply::strava_fault(
        StatusCode::TOO_MANY_REQUESTS,
        "Rate Limit Exceeded",
        "Application",
        "rate limit",
        "exceeded",
    )
}

/// Middleware on `/strava/api/v3/*`.
pub(crate) async fn strava_limits(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limits) = shared.config.rate_limits else {
        return next.run(request).await;
    };
    let now_s = shared.config.clock.now_s();
    let allowed = admit(&mut lock(&shared.windows), &limits, now_s);
    let mut response = if allowed {
        next.run(request).await
    } else {
        too_many()
    };
    let windows = *lock(&shared.windows);
    headers(&mut response, &windows, &limits);
    response
}
