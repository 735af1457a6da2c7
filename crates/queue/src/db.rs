//! One code path on two engines: the pool and transaction types, the write transaction, and
//! the queue's own migrations.
//!
//! Every statement is written once with `$n` placeholders (SQLite accepts them) and run on
//! either engine through `with_db!` and `with_tx!`. The only dialect difference is the
//! claim's `FOR UPDATE SKIP LOCKED` on PostgreSQL.

use sqlx::migrate::Migrator;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use sqlx::{Postgres, Sqlite, Transaction};

use crate::QueueError;

/// The queue keeps its migration history in its own table, so the application's migrator and
/// ours never see each other's versions.
const MIGRATIONS_TABLE: &str = "_queue_migrations";

/// A connection pool on either engine.
#[derive(Debug, Clone)]
pub enum Db {
    /// An embedded SQLite file (one scheduling process).
    Sqlite(SqlitePool),
    /// PostgreSQL (any number of processes).
    Postgres(PgPool),
}

/// An open write transaction on either engine.
#[derive(Debug)]
pub enum Tx {
    /// SQLite, begun with `BEGIN IMMEDIATE`.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL, READ COMMITTED.
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the engine's pool.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection.
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
    /// True on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn engine(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
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
    /// writes never fails to upgrade its lock; plain `BEGIN` on PostgreSQL.
    ///
    /// # Errors
    /// The database could not be reached or is busy beyond its timeout.
    pub async fn begin_write(&self) -> Result<Tx, QueueError> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

impl Tx {
    /// Commits.
    ///
    /// # Errors
    /// The commit failed; nothing was written.
    pub async fn commit(self) -> Result<(), QueueError> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// True on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }
}
