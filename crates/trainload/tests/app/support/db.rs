//! Test databases on both engines (a SQLite file, a PostgreSQL database of its own) and
//! synthetic data to fill them.

use secrecy::ExposeSecret;
use sqlx::Connection;
use tempfile::TempDir;
use trainload::store::integrations::Provider;
use trainload::store::{Engine, SecretKey, Store};

use crate::support::temp_dir;

/// Runs the body once per engine: `conformance!(async fn name(db) { … })`.
macro_rules! conformance {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for $db in crate::support::db::databases().await {
                eprintln!("engine: {:?}", $db.engine());
                $body
                $db.finish().await;
            }
        }
    };
}

/// The PostgreSQL server the tests may create databases on (`TRAINLOAD_TEST_POSTGRES_URL`).
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TRAINLOAD_TEST_POSTGRES_URL").ok()
}

/// SQLite always; PostgreSQL too when `TRAINLOAD_TEST_POSTGRES_URL` is set.
pub fn engines() -> Vec<Engine> {
    let mut engines = vec![Engine::Sqlite];
    if postgres_admin_url().is_some() {
        engines.push(Engine::Postgres);
    }
    engines
}

/// A PostgreSQL database of its own: dropped by [`PgDatabase::drop_database`], or on drop.
#[derive(Debug)]
pub struct PgDatabase {
    pub url: String,
    admin: String,
    name: String,
    dropped: bool,
}

impl PgDatabase {
    /// Creates a fresh database on the server at `admin`.
    pub async fn create(admin: &str) -> Self {
        let name = crate::support::unique_name("tl_test");
        let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        Self {
            url: with_database(admin, &name),
            admin: admin.to_owned(),
            name,
            dropped: false,
        }
    }

    /// Drops the database (its connections are closed by force).
    pub async fn drop_database(mut self) {
        let mut conn = sqlx::PgConnection::connect(&self.admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(self.drop_sql()))
            .execute(&mut conn)
            .await
            .unwrap();
        self.dropped = true;
    }

    fn drop_sql(&self) -> String {
        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
    }
}

impl Drop for PgDatabase {
    /// A database not dropped already (a failed test, a test app) goes on a runtime of its own.
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, sql) = (self.admin.clone(), self.drop_sql());
        crate::support::on_a_runtime_of_its_own(async move {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await;
            }
        });
    }
}

/// One test database, with the key its store was opened with.
#[derive(Debug)]
pub struct TestDb {
    pub store: Store,
    pub url: String,
    /// The secret key, as `TRAINLOAD_SECRET_KEY` takes it (for child processes).
    pub key_base64: String,
    pub dir: TempDir,
    postgres: Option<PgDatabase>,
}

/// A test database on every engine of [`engines`].
pub async fn databases() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Some(admin) = postgres_admin_url() {
        dbs.push(postgres(&admin).await);
    }
    dbs
}

/// A fresh SQLite file.
pub async fn sqlite() -> TestDb {
    let dir = temp_dir();
    let url = format!(
        "sqlite://{}",
        dir.path().join("db").join("test.db").display()
    );
    TestDb::connect(url, dir, None).await
}

/// A fresh database on the PostgreSQL server at `admin`.
pub async fn postgres(admin: &str) -> TestDb {
    let database = PgDatabase::create(admin).await;
    TestDb::connect(database.url.clone(), temp_dir(), Some(database)).await
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

impl TestDb {
    async fn connect(url: String, dir: TempDir, postgres: Option<PgDatabase>) -> Self {
        let key = SecretKey::generate().unwrap();
        let store = Store::connect(&url, &key).await.unwrap();
        Self {
            store,
            url,
            key_base64: key.to_base64().expose_secret().to_owned(),
            dir,
            postgres,
        }
    }

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

    /// The first column of the first row of `sql` (a raw `SELECT COUNT(*) …`), as an integer.
    pub async fn count(&self, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.engine() {
            Engine::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await.unwrap();
                let value = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                value
            }
            Engine::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                let value = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                value
            }
        }
    }

    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(database) = self.postgres {
            database.drop_database().await;
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
        provider: Provider::Strava,
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

/// A power load of `utl` for a ride (IF 0.8, NP 215 W, no wellness data), with the provenance
/// a load from streams records; change fields with struct update syntax.
pub fn power_load(
    activity: trainload::store::activities::ActivityId,
    utl: f64,
    now_ms: i64,
) -> trainload::store::loads::ActivityLoad {
    use trainload::store::provenance::{
        Coverage, HrFeatures, LoadInput, ModifierRecord, Provenance, SportRecord, WellnessRef,
    };
    let provenance = Provenance {
        activity_revision: 1,
        input: LoadInput::Streams,
        skipped: Vec::new(),
        estimated: false,
        suspect_threshold: false,
        duration_s: 3600.0,
        rejected: None,
        coverage: Coverage {
            watts: 1.0,
            velocity: 1.0,
            heartrate: 1.0,
        },
        sport: SportRecord {
            sport_type: "Ride".to_owned(),
            class: science::SportClass::Ride,
            group: science::SportGroup::Cycling,
            hr_factor: 1.0,
        },
        threshold_set: String::new(),
        thresholds: std::collections::BTreeMap::new(),
        wellness: WellnessRef {
            date: "2026-01-01".to_owned(),
            modifier: 1.0,
        },
        hr: HrFeatures::default(),
        config_digest: String::new(),
        calc_version: "tl-science/1.0.0".to_owned(),
        digest: String::new(),
    };
    trainload::store::loads::ActivityLoad {
        activity,
        method: science::utl::Method::Power,
        base_load: utl,
        modifier: 1.0,
        modifier_components: ModifierRecord {
            components: Vec::new(),
            raw_product: Some(1.0),
            clamped: false,
            status: science::wellness::WellnessStatus::Unknown,
        },
        utl,
        intensity_factor: Some(0.8),
        np_w: Some(215.0),
        ngp_mps: None,
        trimp: None,
        hr_tss: None,
        threshold_set: None,
        calc_version: 1,
        computed_at_ms: now_ms,
        provenance: provenance.sealed(),
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
