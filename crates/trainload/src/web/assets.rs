//! The pages' static files, embedded so the pages work offline: the stylesheet, `live.js`, our
//! `charts.js` and the vendored uPlot 1.6.32 (MIT, `assets/vendor/uplot/LICENSE`).

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::AppState;

const CHARTS_JS: &str = include_str!("../../assets/charts.js");
const UPLOT_JS: &str = include_str!("../../assets/vendor/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../../assets/vendor/uplot/uPlot.min.css");

/// The asset routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", super::html::APP_CSS) }),
        )
        .route(
            "/assets/live.js",
            get(|| async { asset("text/javascript; charset=utf-8", super::html::LIVE_JS) }),
        )
        .route(
            "/assets/push.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    super::notifications::PUSH_JS,
                )
            }),
        )
        .route(
            "/assets/charts.js",
            get(|| async { asset("text/javascript; charset=utf-8", CHARTS_JS) }),
        )
        .route(
            "/assets/vendor/uplot/uPlot.iife.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", UPLOT_JS) }),
        )
        .route(
            "/assets/vendor/uplot/uPlot.min.css",
            get(|| async { asset("text/css; charset=utf-8", UPLOT_CSS) }),
        )
}

/// An embedded file with its type, cacheable for an hour.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
