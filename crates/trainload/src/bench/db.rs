//! A throwaway database for one benchmark: a SQLite file in a fresh temporary directory, or a
//! fresh PostgreSQL database created through an admin URL and dropped afterwards.

use anyhow::Context;
use sqlx::Connection;

use crate::config::StoreArgs;
use crate::store::{SecretKey, Store};

/// The benchmark's database and data directory.
#[derive(Debug)]
pub struct BenchDb {
    /// The URL the store opens.
    pub url: String,
    /// A temporary data directory (the SQLite file, the admin token, the key).
    pub dir: tempfile::TempDir,
    /// The admin URL and database name to drop afterwards (PostgreSQL).
    postgres: Option<(String, String)>,
}

impl BenchDb {
    /// A new SQLite database, or a new PostgreSQL database when `admin_url` is given.
    ///
    /// # Errors
    /// The directory or the database cannot be created.
    pub async fn create(admin_url: Option<&str>) -> anyhow::Result<Self> {
        let name = unique_name();
        let dir = tempfile::Builder::new()
            .prefix(&name)
            .tempdir()
            .context("creating the benchmark's temporary directory")?;
        let Some(admin) = admin_url else {
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            return Ok(Self {
                url,
                dir,
                postgres: None,
            });
        };
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .context("connecting to the PostgreSQL admin URL")?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .context("creating the benchmark database")?;
        conn.close().await.ok();
        Ok(Self {
            url: with_database(admin, &name)?,
            dir,
            postgres: Some((admin.to_owned(), name)),
        })
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        if self.postgres.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    }

    /// The store over this database (migrated), with a fresh key.
    ///
    /// # Errors
    /// The database cannot be opened or migrated.
    pub async fn store(&self) -> anyhow::Result<Store> {
        let key = SecretKey::generate().context("generating a key")?;
        Store::connect(&self.url, &key)
            .await
            .context("opening the benchmark store")
    }

    /// Store arguments naming this database and directory (for `Application::build`).
    pub fn store_args(&self) -> StoreArgs {
        StoreArgs {
            data_dir: self.dir.path().to_owned(),
            database_url: Some(self.url.clone()),
            secret_key: None,
        }
    }

    /// Refreshes PostgreSQL's planner statistics (nothing on SQLite). Autovacuum does this within
    /// a minute or so of a bulk load; a benchmark that queries right after seeding would
    /// otherwise time the plans of empty-table estimates.
    ///
    /// # Errors
    /// The connection or the `ANALYZE` fails.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        if self.postgres.is_some() {
            let mut conn = sqlx::PgConnection::connect(&self.url).await?;
            sqlx::query("ANALYZE").execute(&mut conn).await?;
            conn.close().await.ok();
        }
        Ok(())
    }

    /// Drops the PostgreSQL database and removes the directory (dropping `self`).
    pub async fn remove(self) {
        if let Some((admin, name)) = &self.postgres
            && let Ok(mut conn) = sqlx::PgConnection::connect(admin).await
        {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(error) = sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&mut conn)
                .await
            {
                eprintln!("could not drop benchmark database {name}: {error}");
            }
            conn.close().await.ok();
        }
    }
}

/// `tl_bench_<pid>_<nanos>`: unique per run and a valid unquoted SQL identifier.
fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("tl_bench_{}_{nanos}", std::process::id())
}

/// `admin` with its database path replaced by `name` (query string kept).
fn with_database(admin: &str, name: &str) -> anyhow::Result<String> {
    let mut url = reqwest::Url::parse(admin).context("parsing the PostgreSQL admin URL")?;
    url.set_path(name);
    Ok(url.into())
}
