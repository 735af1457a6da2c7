//! The store: repositories over SQLite or PostgreSQL with one code path.
//!
//! The engine is chosen by the database URL (`sqlite://…` or `postgres://…`). The sqlx `Any`
//! driver is not used (it loses type checking and engine-specific types); instead [`Store`] holds
//! the queue's two-engine pool ([`queue::Db`], one helper for both crates, since the queue's
//! tables live in the same database and share its transactions) and every repository writes its
//! SQL once, as a `const` with `$1` placeholders that both engines accept, and runs it through
//! the `with_pool!` / `with_tx!` macros, thin wrappers of `queue::with_db!` / `queue::with_tx!`
//! that expand the same expression for each engine. Row structs derive `sqlx::FromRow`
//! generically, so they decode on both.
//!
//! Column types are chosen so one Rust type fits both engines: identities and integers are
//! `BIGINT` (`i64`; SQLite's `INTEGER PRIMARY KEY` is the identity), except `api_budget.used` and
//! `lim`, which docs/scheduler.md §4 fixes as `INTEGER` (`i32`); reals are `DOUBLE PRECISION`
//! (`f64`); booleans `BOOLEAN` (`bool`); blobs `BLOB`/`BYTEA` (`Vec<u8>`); text `TEXT`.
//!
//! Migrations (`migrations/sqlite`, `migrations/postgres`) are embedded in the binary and applied
//! by [`Store::connect`].

/// Runs `$body` with `$pool` bound to the store's typed pool (`&SqlitePool` or `&PgPool`).
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        queue::with_db!($store.pool(), $pool => $body)
    };
}

/// Runs `$body` with `$conn` bound to the [`WriteTx`]'s connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); use `&mut *$conn` for each query.
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        queue::with_tx!($tx.queue_tx(), $conn => $body)
    };
}

pub mod activities;
pub mod backup;
pub mod budget;
pub mod curve_fold;
pub mod curve_months;
pub mod daily_loads;
mod error;
pub mod events;
pub mod fan_out;
pub mod integrations;
pub mod loaded_activities;
pub mod loads;
pub mod planner;
pub mod power_curves;
pub mod private_files;
pub mod provenance;
pub mod push;
pub mod science_text;
pub mod secrets;
pub mod sessions;
pub mod streams;
pub mod thresholds;
pub mod users;
pub mod webhooks;
pub mod wellness;
pub mod zones;

mod connect;
mod hash;

use std::sync::Arc;

pub use error::StoreError;
pub use secrets::{SecretKey, SecretKeyError};

use secrets::Cipher;

pub use queue::db::Engine;

/// The application's database: a connection pool plus the cipher for secrets at rest. Cheap to
/// clone (the pool and cipher are shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: queue::Db,
    cipher: Arc<Cipher>,
}

impl Store {
    /// Connects to `database_url`, creating a SQLite file and its directory if missing, and applies
    /// the engine's embedded migrations.
    ///
    /// SQLite connections use WAL, `synchronous = NORMAL`, a 10 s busy timeout and foreign keys.
    ///
    /// # Errors
    /// [`StoreError::Config`] for a URL of another scheme or a directory that cannot be created;
    /// [`StoreError::Database`] when the database cannot be reached; [`StoreError::Migrate`] when
    /// a migration fails.
    pub async fn connect(database_url: &str, key: &SecretKey) -> Result<Self, StoreError> {
        let pool = connect::open_pool(database_url).await?;
        let store = Self {
            pool,
            cipher: Arc::new(Cipher::new(key)),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the embedded migrations not yet applied (idempotent; [`Store::connect`] calls it).
    ///
    /// # Errors
    /// [`StoreError::Migrate`] when a migration fails or the database holds a newer one.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            queue::Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            queue::Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.pool.engine()
    }

    /// Closes every connection (waits for checked-out ones to come back). On SQLite this also
    /// checkpoints the WAL into the main file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The same pool as the scheduler's database handle (its tables live in this database).
    pub fn queue_db(&self) -> queue::Db {
        self.pool.clone()
    }

    pub(crate) fn pool(&self) -> &queue::Db {
        &self.pool
    }

    pub(crate) fn cipher(&self) -> &Cipher {
        &self.cipher
    }
}

/// An open write transaction (see [`begin_write`]). Dropped without [`WriteTx::commit`], it
/// rolls back.
#[derive(Debug)]
pub struct WriteTx {
    /// The scheduler's own transaction type, so that a domain write and the task it queues
    /// can share one transaction (see [`WriteTx::queue_tx`]).
    inner: queue::Tx,
}

impl WriteTx {
    /// Commits the transaction.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the commit fails (nothing was written).
    pub async fn commit(self) -> Result<(), StoreError> {
        Ok(self.inner.commit().await?)
    }

    /// Rolls the transaction back.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the connection failed (the database rolls back anyway).
    pub async fn rollback(self) -> Result<(), StoreError> {
        Ok(self.inner.rollback().await?)
    }

    /// The same transaction as the scheduler sees it, e.g. for [`queue::Scheduler::enqueue`].
    pub fn queue_tx(&mut self) -> &mut queue::Tx {
        &mut self.inner
    }
}

/// Begins a transaction for read-then-write work: `BEGIN IMMEDIATE` on SQLite (takes the write
/// lock at once; a deferred transaction that upgrades later fails with `SQLITE_BUSY` despite the
/// busy timeout), plain `BEGIN` on PostgreSQL.
///
/// # Errors
/// [`StoreError::Database`] when no connection or lock could be had within the timeouts.
pub async fn begin_write(store: &Store) -> Result<WriteTx, StoreError> {
    Ok(WriteTx {
        inner: store.pool().begin_write().await?,
    })
}

/// The current time, epoch milliseconds (the default clock of the repositories that need one).
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
