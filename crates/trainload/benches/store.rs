//! Store throughput and size: activity + 1 h stream upserts per second, and the database size
//! of one athlete-year (300 activities with 1 h of 1 Hz streams, 365 wellness days). Runs on
//! SQLite, and on PostgreSQL when `TRAINLOAD_TEST_POSTGRES_URL` is set.
//!
//! `cargo bench -p trainload --bench store -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness")]

use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use science::stream::RawStreams;
use sqlx::Connection;
use tokio::runtime::Runtime;
use trainload::bench::db::BenchDb;
use trainload::store::activities::{self, ActivitySummary};
use trainload::store::users::{self, NewUser, Role, UserId};
use trainload::store::wellness::{self, WellnessRecord};
use trainload::store::{Store, streams};

/// A realistic 1 Hz ride: intervals, HR lag, noise.
fn ride_streams(seconds: usize) -> RawStreams {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 10_000) as f64 / 10_000.0 - 0.5
    };
    let mut s = RawStreams::default();
    let (mut distance, mut altitude, mut hr) = (0.0, 200.0, 100.0);
    for i in 0..seconds {
        let hard = (i / 240) % 2 == 1;
        let watts: f64 = if hard { 300.0 } else { 190.0 } + 40.0 * noise();
        let speed = (watts / 25.0 + noise()).max(0.0);
        hr += ((if hard { 168.0 } else { 138.0 }) - hr) / 30.0;
        distance += speed;
        let grade = 3.0 * (i as f64 / 300.0).sin() + 0.3 * noise();
        altitude += speed * grade / 100.0;
        s.time_s.push(i as f64);
        s.watts.push(Some(watts.round()));
        s.heartrate_bpm.push(Some((hr + noise()).round()));
        s.velocity_mps.push(Some((speed * 1000.0).round() / 1000.0));
        s.distance_m.push(Some((distance * 10.0).round() / 10.0));
        s.altitude_m.push(Some((altitude * 10.0).round() / 10.0));
        s.grade_pct.push(Some((grade * 10.0).round() / 10.0));
        s.moving.push(Some(true));
    }
    s
}

fn summary(external_id: u64) -> ActivitySummary {
    ActivitySummary {
        provider: trainload::store::integrations::Provider::Strava,
        external_id: external_id.to_string(),
        upload_external_id: None,
        sport_type: "Ride".to_owned(),
        legacy_type: Some("Ride".to_owned()),
        sport: "ride".to_owned(),
        name: Some("Endurance".to_owned()),
        start_at_ms: 1_767_250_800_000 + external_id as i64 * 86_400_000,
        utc_offset_s: 3600,
        time_zone: Some("Europe/Paris".to_owned()),
        elapsed_s: Some(3600),
        moving_s: Some(3600),
        distance_m: Some(30_000.0),
        elevation_gain_m: Some(300.0),
        average_speed_mps: Some(8.3),
        max_speed_mps: Some(15.0),
        average_hr_bpm: Some(145.0),
        max_hr_bpm: Some(172.0),
        average_watts: Some(220.0),
        weighted_average_watts: Some(235.0),
        max_watts: Some(700.0),
        kilojoules: Some(790.0),
        device_watts: Some(true),
        trainer: false,
        commute: false,
        manual: false,
        is_private: false,
        visibility: Some("everyone".to_owned()),
    }
}

/// A fresh benchmark database on `engine` and its store.
async fn fresh(engine: &str) -> (BenchDb, Store) {
    let admin =
        (engine == "postgres").then(|| std::env::var("TRAINLOAD_TEST_POSTGRES_URL").unwrap());
    let db = BenchDb::create(admin.as_deref()).await.unwrap();
    let store = db.store().await.unwrap();
    (db, store)
}

async fn athlete(store: &Store) -> UserId {
    let new = NewUser {
        name: "Bench".to_owned(),
        sex: None,
        birth_year: None,
        time_zone: "Europe/Paris".to_owned(),
        role: Role::Athlete,
    };
    users::add(store, &new, 0).await.unwrap()
}

/// Stores one athlete-year and reports the database size.
async fn athlete_year(engine: &str) {
    let (db, store) = fresh(engine).await;
    let user = athlete(&store).await;
    let hour = ride_streams(3600);
    let mut stream_bytes = 0;
    for i in 0..300 {
        let id = activities::upsert(&store, user, &summary(i), 1)
            .await
            .unwrap()
            .id;
        stream_bytes += streams::put(&store, id, &hour, 2).await.unwrap();
    }
    let start: jiff::civil::Date = "2026-01-01".parse().unwrap();
    for d in 0..365 {
        let day = start.checked_add(jiff::Span::new().days(d)).unwrap();
        let record = WellnessRecord {
            day,
            resting_hr_bpm: Some(48),
            hrv_rmssd_ms: Some(70.0),
            sleep_s: Some(27_000),
            ..Default::default()
        };
        wellness::upsert(&store, user, &record, 3).await.unwrap();
    }
    let size = match db.engine() {
        "postgres" => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let empty: i64 = sqlx::query_scalar("SELECT pg_database_size('template1')")
                .fetch_one(&mut conn)
                .await
                .unwrap();
            let total: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            format!(
                "{} MB (database total; an empty database is about {} MB)",
                total / 1_000_000,
                empty / 1_000_000
            )
        }
        _ => {
            store.close().await;
            let bytes = std::fs::metadata(db.dir.path().join("bench.db"))
                .unwrap()
                .len();
            format!(
                "{:.1} MB (SQLite file after checkpoint)",
                bytes as f64 / 1e6
            )
        }
    };
    println!(
        "{engine}: one athlete-year (300 × 1 h rides, 365 wellness days): {size}; streams {:.1} MB, {} bytes per hour of 1 Hz",
        stream_bytes as f64 / 1e6,
        stream_bytes / 300
    );
    store.close().await;
    db.remove().await;
}

fn upserts(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let mut engines = vec!["sqlite"];
    if std::env::var("TRAINLOAD_TEST_POSTGRES_URL").is_ok() {
        engines.push("postgres");
    }
    let hour = ride_streams(3600);
    for engine in engines {
        rt.block_on(athlete_year(engine));
        let (db, store) = rt.block_on(fresh(engine));
        let user = rt.block_on(athlete(&store));
        let next = AtomicU64::new(1_000_000);
        c.bench_function(&format!("{engine}/upsert_activity_with_1h_streams"), |b| {
            b.iter(|| {
                rt.block_on(async {
                    let ext = next.fetch_add(1, Ordering::Relaxed);
                    let id = activities::upsert(&store, user, &summary(ext), 1)
                        .await
                        .unwrap()
                        .id;
                    streams::put(&store, id, &hour, 2).await.unwrap();
                });
            });
        });
        c.bench_function(&format!("{engine}/upsert_unchanged_activity"), |b| {
            b.iter(|| {
                rt.block_on(async {
                    activities::upsert(&store, user, &summary(1_000_000), 3)
                        .await
                        .unwrap();
                });
            });
        });
        rt.block_on(async {
            store.close().await;
            db.remove().await;
        });
    }
}

criterion_group!(benches, upserts);
criterion_main!(benches);
