//! The store: repositories over SQLite or PostgreSQL with one code path.
//!
//! The engine is chosen by the database URL (`sqlite://…` or `postgres://…`). The sqlx `Any`
//! driver is not used (it loses type checking and engine-specific types); instead [`Store`] holds
//! one of two typed pools and every repository writes its SQL once, as a `const` with `$1`
//! placeholders that both engines accept, and runs it through the `with_pool!` / `with_tx!` macros,
//! which expand the same expression for each engine. Row structs derive `sqlx::FromRow`
//! generically, so they decode on both.
//!
//! Column types are chosen so one Rust type fits both engines: identities and integers are
//! `BIGINT` (`i64`; SQLite's `INTEGER PRIMARY KEY` is the identity), except `api_budget.used` and
//! `lim`, which docs/scheduler.md §4 fixes as `INTEGER` (`i32`); reals are `DOUBLE PRECISION`
//! (`f64`); booleans `BOOLEAN` (`bool`); blobs `BLOB`/`BYTEA` (`Vec<u8>`); text `TEXT`.
//!
//! Migrations (`migrations/sqlite`, `migrations/postgres`) are embedded in the binary and applied
//! by [`Store::connect`].

/// Runs `$body` with `$pool` bound to the engine's typed pool (`&SqlitePool` or `&PgPool`).
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.pool() {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`); use `&mut *$conn` for each query.
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx.inner_mut() {
            $crate::store::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

pub mod activities;
pub mod backup;
pub mod budget;
mod error;
pub mod events;
pub mod fan_out;
pub mod integrations;
pub mod loads;
pub mod planner;
pub mod power_curves;
pub mod private_files;
pub mod push;
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

use sqlx::{PgPool, SqlitePool};

pub use error::StoreError;
pub use secrets::{SecretKey, SecretKeyError};

use secrets::Cipher;

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A SQLite file (WAL): one process.
    Sqlite,
    /// PostgreSQL: any number of processes.
    Postgres,
}

/// The typed connection pool of the engine in use.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// The application's database: a connection pool plus the cipher for secrets at rest. Cheap to
/// clone (the pool and cipher are shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
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
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Closes every connection (waits for checked-out ones to come back). On SQLite this also
    /// checkpoints the WAL into the main file.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }

    /// The same pool as the scheduler's database handle (its tables live in this database).
    pub fn queue_db(&self) -> queue::Db {
        match &self.pool {
            Pool::Sqlite(pool) => queue::Db::Sqlite(pool.clone()),
            Pool::Postgres(pool) => queue::Db::Postgres(pool.clone()),
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
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
    inner: TxInner,
}

/// The engine's typed transaction: the scheduler's own type, so that a domain write and the
/// task it queues can share one transaction (see [`WriteTx::queue_tx`]).
pub(crate) use queue::Tx as TxInner;

impl WriteTx {
    /// Commits the transaction.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the commit fails (nothing was written).
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Rolls the transaction back.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the connection failed (the database rolls back anyway).
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().await?,
            TxInner::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    pub(crate) fn inner_mut(&mut self) -> &mut TxInner {
        &mut self.inner
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
    let inner = match store.pool() {
        Pool::Sqlite(pool) => TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
        Pool::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
    };
    Ok(WriteTx { inner })
}

/// The current time, epoch milliseconds (the default clock of the repositories that need one).
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
