//! `bench athlete-api`: one athlete with years of synthetic history ([`super::history`]), the
//! real HTTP application, and p50/p99 of every `/api/v1/me` endpoint (and `/openapi.json`).

use std::time::Instant;

use axum::http::header::COOKIE;
use serde_json::{Value, json};

use super::db::BenchDb;
use super::history;
use super::http_get::{get_with_headers, quantile_ms};
use super::round2;
use super::serving::{self, Serving};
use crate::startup::Application;
use crate::sync::add_days;

/// Arguments of `bench athlete-api`.
#[derive(Debug, Clone, clap::Args)]
pub struct AthleteApiArgs {
    /// Years of history.
    #[arg(long, default_value_t = 5)]
    pub years: i64,
    /// Requests per endpoint.
    #[arg(long, default_value_t = 50)]
    pub samples: usize,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures or a request that does not answer 200.
pub async fn run(args: &AthleteApiArgs) -> anyhow::Result<Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &AthleteApiArgs, db: &BenchDb) -> anyhow::Result<Value> {
    let app = Application::build(serving::settings(db, 0), |_| Ok(Vec::new())).await?;
    let store = app.store().clone();
    let today = crate::read::local_today("UTC");
    let seeding = Instant::now();
    // The API never reads streams, so none are stored.
    let seeded = history::seed(&store, args.years * 365, 0).await?;
    let seed_s = seeding.elapsed().as_secs_f64();
    db.analyze().await?;
    let cookie = serving::session_cookie(&store, seeded.user).await?;
    let serving = Serving::start(app)?;
    let addr = serving.addr;
    let first_day = add_days(today, -args.years * 365);
    let year_ago = add_days(today, -365);
    let endpoints = [
        ("dashboard", "/api/v1/me/dashboard".to_owned()),
        ("pmc_90d", "/api/v1/me/pmc?days=90".to_owned()),
        (
            "pmc_all",
            format!("/api/v1/me/pmc?from={first_day}&to={today}"),
        ),
        (
            "activities_first_page",
            "/api/v1/me/activities?limit=20".to_owned(),
        ),
        (
            "activities_last_page",
            format!(
                "/api/v1/me/activities?limit=20&offset={}",
                seeded.activities.saturating_sub(20)
            ),
        ),
        (
            "activity",
            format!("/api/v1/me/activities/{}", seeded.newest.0),
        ),
        ("recommendations", "/api/v1/me/recommendations".to_owned()),
        ("thresholds", "/api/v1/me/thresholds".to_owned()),
        ("wellness_90d", "/api/v1/me/wellness".to_owned()),
        (
            "wellness_365d",
            format!("/api/v1/me/wellness?from={year_ago}"),
        ),
        ("power_curve_90d", "/api/v1/me/power-curve".to_owned()),
        (
            "power_curve_365d",
            "/api/v1/me/power-curve?window=365d".to_owned(),
        ),
        (
            "power_curve_all",
            "/api/v1/me/power-curve?window=all".to_owned(),
        ),
        ("sync", "/api/v1/me/sync".to_owned()),
        ("openapi", "/openapi.json".to_owned()),
    ];
    let mut timings = serde_json::Map::new();
    for (label, path) in &endpoints {
        let mut samples = Vec::with_capacity(args.samples);
        for _ in 0..args.samples {
            let (status, elapsed) =
                get_with_headers(addr, path, &[(COOKIE.as_str(), &cookie)]).await?;
            anyhow::ensure!(status == 200, "GET {path} answered {status}");
            samples.push(elapsed);
        }
        let p50 = quantile_ms(&mut samples, 0.5);
        let p99 = quantile_ms(&mut samples, 0.99);
        timings.insert((*label).to_owned(), json!({"p50_ms": p50, "p99_ms": p99}));
    }
    serving.stop().await?;
    Ok(json!({
        "scenario": "athlete-api", "engine": db.engine(), "years": args.years,
        "samples": args.samples, "activities": seeded.activities, "curves": seeded.curves,
        "threshold_sets": seeded.threshold_sets, "wellness_days": seeded.wellness_days,
        "seed_s": round2(seed_s), "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        "endpoints": timings,
    }))
}
