//! `GET /health` (public, reveals no data): the database ping and this process's tick loop.
//! 503 when the ping fails or an enabled tick loop is stale.

use std::time::Instant;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use queue::with_db;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::jobs::view::rfc3339;

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// The database ping and this process's tick loop: `{status, database, scheduler, build}`.
#[utoipa::path(
    get, path = "/health", tag = "operations",
    responses(
        (status = 200, description = "Healthy", body = Object),
        (status = 503, description = "The database ping failed or the tick loop is stale", body = Object),
    )
)]

async fn health(State(state): State<AppState>) -> Response {
    let db = state.scheduler.db();
    let started = Instant::now();
    let ping: Result<i32, sqlx::Error> =
        with_db!(db, pool => sqlx::query_scalar("SELECT 1").fetch_one(pool).await);
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if let Err(error) = &ping {
        tracing::warn!(%error, "health: database ping failed");
    }
    let now = state.scheduler.now_ms();
    let stale = state.status.is_stale(now);
    let healthy = ping.is_ok() && !stale;
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": { "ok": ping.is_ok(), "engine": db.engine(), "latency_ms": latency_ms },
        "scheduler": {
            "enabled": state.status.enabled,
            "running": state.status.is_running(now),
            "last_tick_at": state.status.last_tick_at_ms().and_then(|ms| rfc3339(ms, &TimeZone::UTC)),
            "stale_jobs": state.scheduler.stale_jobs(),
        },
        "build": env!("CARGO_PKG_VERSION"),
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
