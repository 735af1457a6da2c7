//! One code path on two engines, for the queue and the application's store alike: the pool and
//! transaction types, the macros that expand one statement for each engine, the write
//! transaction, the few dialect differences, and the queue's own migrations.
//!
//! Every statement is written once with `$n` placeholders (SQLite accepts them) and run on
//! either engine through `with_db!` and `with_tx!`. The only dialect difference the queue needs
//! is row locking ([`Tx::for_update`], [`Tx::for_update_skip_locked`]).

use sqlx::migrate::Migrator;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::QueueError;
use crate::stored_text::stored_text_enum;

/// The queue keeps its migration history in its own table, so the application's migrator and
/// ours never see each other's versions.
const MIGRATIONS_TABLE: &str = "_queue_migrations";

stored_text_enum! {
    /// Which database engine a pool talks to.
    Engine, "database engine" {
        /// A SQLite file (WAL): one scheduling process.
        Sqlite = "sqlite",
        /// PostgreSQL: any number of processes.
        Postgres = "postgres",
    }
}

/// A connection pool on either engine.
#[derive(Debug, Clone)]
pub enum Db {
    /// An embedded SQLite file (one scheduling process).
    Sqlite(SqlitePool),
    /// PostgreSQL (any number of processes).
    Postgres(PgPool),
}

/// An open write transaction on either engine. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    /// SQLite, begun with `BEGIN IMMEDIATE`.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL, READ COMMITTED.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the engine's typed pool (`&SqlitePool` or `&PgPool`).
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`).
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// The engine behind this pool.
    pub fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the queue's migrations (idempotent).
    ///
    /// # Errors
    /// A failed or diverged migration.
    pub async fn migrate(&self) -> Result<(), QueueError> {
        let mut migrator: Migrator = match self {
            Self::Sqlite(_) => sqlx::migrate!("./migrations/sqlite"),
            Self::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.dangerous_set_table_name(MIGRATIONS_TABLE);
        migrator.set_ignore_missing(true);
        match self {
            Self::Sqlite(pool) => migrator.run(pool).await?,
            Self::Postgres(pool) => migrator.run(pool).await?,
        }
        Ok(())
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite, so a transaction that reads then
    /// writes never fails to upgrade its lock (a deferred one fails with `SQLITE_BUSY` despite
    /// the busy timeout); plain `BEGIN` on PostgreSQL.
    ///
    /// # Errors
    /// The database could not be reached or is busy beyond its timeout.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes every connection (waits for checked-out ones to come back). On SQLite this also
    /// checkpoints the WAL into the main file.
    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await);
    }
}

impl Tx {
    /// Commits.
    ///
    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.commit().await,
            Self::Postgres(tx) => tx.commit().await,
        }
    }

    /// Rolls back.
    ///
    /// # Errors
    /// The connection failed (the database rolls back anyway).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await,
            Self::Postgres(tx) => tx.rollback().await,
        }
    }

    /// `FOR UPDATE` on PostgreSQL, so concurrent transactions queue on the rows a statement
    /// selects; nothing on SQLite, whose `BEGIN IMMEDIATE` already serialises writers.
    pub fn for_update(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "",
            Self::Postgres(_) => "FOR UPDATE",
        }
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent claimers take different rows;
    /// nothing on SQLite.
    pub fn for_update_skip_locked(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "",
            Self::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        }
    }
}
