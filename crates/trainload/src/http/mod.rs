//! The HTTP API (docs/scheduler.md §7): the router, one layer stack, and one module per resource.

pub mod admin_token;
pub mod athlete;
mod budget;
mod csrf;
mod docs_page;
mod error;
mod events;
pub(crate) mod extract;
mod health;
pub(crate) mod jobs;
mod metrics;
pub mod openapi;
mod request_id;
mod run;
mod runs;
mod scheduler_status;
mod state;
mod sync_test;
pub mod webhooks;

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, COOKIE};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use budget::planner_settings;
pub use error::{ApiError, ApiResult};
pub use scheduler_status::SchedulerStatus;
pub use state::{AppState, MetricsAccess, WebSettings};

/// Request timeout of ordinary endpoints.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Request timeout of the endpoints that may wait: `?wait=true` (≤ 300 s) and `/sync/test`
/// (≤ 120 s), plus a margin for the answer.
const LONG_REQUEST_TIMEOUT: Duration = Duration::from_secs(330);
/// Largest request body.
const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// The API with `pages` (the site's routes, which `http` does not know) beside it, under one layer
/// stack; the application adds the browsers' error pages and the state.
pub fn router(pages: Router<AppState>) -> Router<AppState> {
    let quick = Router::new()
        .merge(jobs::router())
        .merge(budget::router())
        .merge(runs::router())
        .merge(health::router())
        .merge(metrics::router())
        .merge(athlete::router().merge(pages))
        .merge(openapi::router())
        .merge(webhooks::router())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    let long = Router::new()
        .merge(run::router())
        .merge(sync_test::router())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            LONG_REQUEST_TIMEOUT,
        ));
    Router::new()
        .merge(quick)
        .merge(long)
        // An endless stream: no request timeout; it ends with the connection or the shutdown.
        .merge(events::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(csrf::refuse_cross_site))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(metrics::record))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetSensitiveRequestHeadersLayer::new([
            AUTHORIZATION,
            COOKIE,
        ]))
        .layer(axum::middleware::from_fn(request_id::request_id))
}

/// The admin API's routes with their OpenAPI description (the document's second half).
fn admin_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    jobs::routes()
        .merge(budget::routes())
        .merge(runs::routes())
        .merge(run::routes())
        .merge(sync_test::routes())
        .merge(health::routes())
        .merge(metrics::routes())
}

/// The request span: method, matched route and request id.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get(request_id::X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("http.request", method = %request.method(), route, request_id)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}
