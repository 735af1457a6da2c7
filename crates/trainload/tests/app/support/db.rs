//! Test databases on both engines, a temporary directory, synthetic data.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;
use trainload::store::{Engine, SecretKey, Store};

/// Runs the body once per engine: `conformance!(async fn name(db) { … })`.
macro_rules! conformance {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for $db in crate::helpers::engines().await {
                eprintln!("engine: {:?}", $db.engine());
                $body
                $db.finish().await;
            }
        }
    };
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A directory removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(unique_name("trainload_test"));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One test database.
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    pub url: String,
    pub dir: TempDir,
    postgres: Option<(String, String)>,
}

/// SQLite always; PostgreSQL too when `TRAINLOAD_TEST_POSTGRES_URL` is set.
pub async fn engines() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Ok(admin) = std::env::var("TRAINLOAD_TEST_POSTGRES_URL") {
        dbs.push(postgres(&admin).await);
    }
    dbs
}

pub async fn sqlite() -> TestDb {
    let dir = TempDir::new();
    let url = format!(
        "sqlite://{}",
        dir.path().join("db").join("test.db").display()
    );
    let store = Store::connect(&url, &SecretKey::generate().unwrap())
        .await
        .unwrap();
    TestDb {
        store,
        url,
        dir,
        postgres: None,
    }
}

/// `admin` with its database replaced by `database`.
fn with_database(admin: &str, database: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let root = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

async fn postgres(admin: &str) -> TestDb {
    let name = unique_name("tl_test");
    let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let url = with_database(admin, &name);
    let store = Store::connect(&url, &SecretKey::generate().unwrap())
        .await
        .unwrap();
    TestDb {
        store,
        url,
        dir: TempDir::new(),
        postgres: Some((admin.to_owned(), name)),
    }
}

impl TestDb {
    pub fn engine(&self) -> Engine {
        self.store.engine()
    }

    /// Runs raw SQL on a connection of its own (to tamper with rows behind the store's back).
    pub async fn raw(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.engine() {
            Engine::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
            }
        }
    }

    /// Counts rows with a raw `SELECT COUNT(*) …`.
    pub async fn count(&self, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.engine() {
            Engine::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
        }
    }

    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = &self.postgres {
            let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }
}

/// A user named `name`.
pub async fn user(store: &Store, name: &str) -> trainload::store::users::UserId {
    let new = trainload::store::users::NewUser {
        name: name.to_owned(),
        sex: None,
        birth_year: None,
        time_zone: "Europe/Paris".to_owned(),
        role: trainload::store::users::Role::Athlete,
    };
    trainload::store::users::add(store, &new, 1_000)
        .await
        .unwrap()
}

/// A synthetic Strava ride summary (ids above 2^32, as real ones are).
pub fn ride(external_id: u64) -> trainload::store::activities::ActivitySummary {
    trainload::store::activities::ActivitySummary {
        provider: "strava".to_owned(),
        external_id: external_id.to_string(),
        upload_external_id: Some(format!("garmin_ping_{external_id}")),
        sport_type: "GravelRide".to_owned(),
        legacy_type: Some("Ride".to_owned()),
        sport: "ride".to_owned(),
        name: Some("Morning gravel".to_owned()),
        start_at_ms: 1_767_250_800_000, // 2026-01-01T07:00:00Z
        utc_offset_s: 3600,
        time_zone: Some("Europe/Paris".to_owned()),
        elapsed_s: Some(3700),
        moving_s: Some(3600),
        distance_m: Some(30_123.4),
        elevation_gain_m: Some(250.0),
        average_speed_mps: Some(8.367),
        max_speed_mps: Some(14.2),
        average_hr_bpm: Some(142.5),
        max_hr_bpm: Some(171.0),
        average_watts: Some(201.3),
        weighted_average_watts: Some(215.0),
        max_watts: Some(812.0),
        kilojoules: Some(724.7),
        device_watts: Some(true),
        trainer: false,
        commute: false,
        manual: false,
        is_private: false,
        visibility: Some("everyone".to_owned()),
    }
}

/// A deterministic, realistic 1 Hz ride of `seconds` with all eight channels: intervals, HR
/// lagging effort, a few dropouts and a pause.
pub fn sample_streams(seconds: usize) -> science::stream::RawStreams {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 10_000) as f64 / 10_000.0 - 0.5
    };
    let mut s = science::stream::RawStreams::default();
    let (mut distance, mut altitude, mut hr) = (0.0, 120.0, 95.0);
    for i in 0..seconds {
        let t = i as f64 + if i > seconds / 2 { 60.0 } else { 0.0 }; // one 60 s pause
        let hard = (i / 240) % 2 == 1;
        let watts = if hard { 290.0 } else { 180.0 } + 40.0 * noise();
        let speed: f64 = (watts / 25.0 + noise()).max(0.0);
        hr += ((if hard { 165.0 } else { 135.0 }) - hr) / 30.0;
        distance += speed;
        let grade = 3.0 * (i as f64 / 300.0).sin() + 0.3 * noise();
        altitude += speed * grade / 100.0;
        s.time_s.push(t);
        s.watts.push((i % 997 != 5).then(|| watts.round()));
        s.heartrate_bpm
            .push((!(1000..1010).contains(&i)).then(|| (hr + noise()).round()));
        s.velocity_mps.push(Some((speed * 1000.0).round() / 1000.0));
        s.distance_m.push(Some((distance * 10.0).round() / 10.0));
        s.altitude_m.push(Some((altitude * 10.0).round() / 10.0));
        s.grade_pct.push(Some((grade * 10.0).round() / 10.0));
        s.moving.push(Some(speed > 0.5));
    }
    s
}

/// Every byte string of `needle` in `haystack`?
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_test_database_url_replaces_only_the_database() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
}
