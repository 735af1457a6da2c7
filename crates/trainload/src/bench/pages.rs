//! `bench pages`: server time of the dashboard pages for one athlete with years of data (a
//! page should render in well under 100 ms). Seeds the store directly ([`super::history`]), starts
//! the real application and times GETs of each page over loopback with the athlete's session
//! cookie.

use axum::http::header::COOKIE;
use serde_json::{Value, json};

use super::db::BenchDb;
use super::history;
use super::http_get::{get_with_headers, quantile_ms};
use super::serving::{self, Serving};
use crate::startup::Application;

/// Arguments of `bench pages`.
#[derive(Debug, Clone, clap::Args)]
pub struct PagesArgs {
    /// Years of history (one activity and one wellness record a day).
    #[arg(long, default_value_t = 5)]
    pub years: u32,
    /// Requests per page.
    #[arg(long, default_value_t = 30)]
    pub samples: usize,
    /// Latest activities that get stored streams (2 h at 1 Hz each).
    #[arg(long, default_value_t = 20)]
    pub with_streams: usize,
    /// PostgreSQL admin URL [default: a SQLite file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs the scenario and returns its JSON line.
///
/// # Errors
/// Setup failures or a page that does not answer 200.
pub async fn run(args: &PagesArgs) -> anyhow::Result<Value> {
    let db = BenchDb::create(args.database_url.as_deref()).await?;
    let result = measure(args, &db).await;
    db.remove().await;
    result
}

async fn measure(args: &PagesArgs, db: &BenchDb) -> anyhow::Result<Value> {
    let seed_started = std::time::Instant::now();
    let store = db.store().await?;
    let seeded = history::seed(&store, i64::from(args.years) * 365, args.with_streams).await?;
    store.close().await;
    db.analyze().await?;
    let seed_s = seed_started.elapsed().as_secs_f64();
    let app = Application::build(serving::settings(db, 0), |_| Ok(Vec::new())).await?;
    let cookie = serving::session_cookie(app.store(), seeded.user).await?;
    let serving = Serving::start(app)?;
    let addr = serving.addr;
    let pages = [
        ("dashboard", "/dashboard".to_owned()),
        ("activities", "/activities".to_owned()),
        ("activity", format!("/activities/{}", seeded.newest.0)),
        ("fitness_90d", "/fitness".to_owned()),
        ("fitness_all", "/fitness?window=all".to_owned()),
        ("wellness_90d", "/wellness".to_owned()),
        ("wellness_365d", "/wellness?days=365".to_owned()),
    ];
    let headers = [(COOKIE.as_str(), cookie.as_str())];
    let mut results = serde_json::Map::new();
    for (label, path) in &pages {
        // One warm-up request (connection pool, page cache), not counted.
        get_with_headers(addr, path, &headers).await?;
        let mut samples = Vec::with_capacity(args.samples);
        for _ in 0..args.samples {
            let (status, elapsed) = get_with_headers(addr, path, &headers).await?;
            anyhow::ensure!(status == 200, "GET {path} answered {status}");
            samples.push(elapsed);
        }
        let p50 = quantile_ms(&mut samples, 0.5);
        let p99 = quantile_ms(&mut samples, 0.99);
        let max = quantile_ms(&mut samples, 1.0);
        results.insert(
            (*label).to_owned(),
            json!({"path": path, "p50_ms": p50, "p99_ms": p99, "max_ms": max}),
        );
    }
    serving.stop().await?;
    Ok(json!({
        "scenario": "pages", "engine": db.engine(), "years": args.years,
        "activities": seeded.activities, "wellness_days": seeded.wellness_days,
        "threshold_sets": seeded.threshold_sets, "curves": seeded.curves,
        "seed_s": super::round2(seed_s), "samples": args.samples, "pages": results,
    }))
}
