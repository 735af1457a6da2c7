//! The shared rate budget over the `api_budget` table (docs/providers.md §1.5, docs/scheduler.md
//! §6.5): [`SqlRateBudget`] implements [`providers::budget::RateBudget`] for every process using
//! the same database.
//!
//! A reservation is one statement in one write transaction, over every bucket of the provider
//! at once (and, for Strava, the day's tally of its priority): `INSERT … SELECT … FROM (VALUES
//! …) ON CONFLICT (provider, bucket, window_start_ms) DO UPDATE SET used = api_budget.used + 1
//! WHERE api_budget.used + 1 <= allowed RETURNING bucket`. `allowed` is computed in SQL from the
//! row's own `lim` (so a limit raised by the provider's headers takes effect at once): `lim ×
//! share / 100` in integer arithmetic, with share 100 for interactive and webhook calls and
//! `100 − reserve_pct` for background ones, i.e. `floor(lim × (100 − reserve_pct) / 100)`. A
//! bucket missing from the returned rows refuses; then the transaction rolls back and the error
//! carries the latest reset among the refusing buckets. One statement instead of one per bucket
//! matters because every call of every task takes the same few rows: on PostgreSQL their row
//! locks are held until the commit, so each round trip inside the transaction made the other
//! workers wait (six round trips with one statement per bucket, two now).
//!
//! Windows come from an injectable clock (epoch ms): the process clock by default, a test clock
//! in tests.

use std::fmt;
use std::sync::{Arc, LazyLock};

use providers::budget::{BoxFuture, Bucket, BudgetError, Observed, Priority, Provider, RateBudget};

use super::{Store, StoreError, begin_write};

/// Limits of each bucket for a fresh window, and the background reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetLimits {
    /// Strava, all requests per 15 minutes (200).
    pub strava_overall_15m: u32,
    /// Strava, all requests per UTC day (2,000).
    pub strava_overall_day: u32,
    /// Strava, read requests per 15 minutes (100).
    pub strava_read_15m: u32,
    /// Strava, read requests per UTC day (1,000).
    pub strava_read_day: u32,
    /// Intervals.icu, shared requests per minute (300).
    pub intervals_minute: u32,
    /// Share of each limit kept for interactive and webhook calls, % (10).
    pub reserve_pct: u32,
}

impl Default for BudgetLimits {
    fn default() -> Self {
        Self {
            strava_overall_15m: 200,
            strava_overall_day: 2000,
            strava_read_15m: 100,
            strava_read_day: 1000,
            intervals_minute: 300,
            reserve_pct: 10,
        }
    }
}

impl BudgetLimits {
    fn fresh_limit(&self, bucket: Bucket) -> u32 {
        match bucket {
            Bucket::Overall15m => self.strava_overall_15m,
            Bucket::OverallDay => self.strava_overall_day,
            Bucket::Read15m => self.strava_read_15m,
            Bucket::ReadDay => self.strava_read_day,
            Bucket::Minute => self.intervals_minute,
        }
    }
}

/// The buckets a call of `provider` counts in.
pub fn buckets(provider: Provider) -> &'static [Bucket] {
    match provider {
        Provider::Strava => &[
            Bucket::Overall15m,
            Bucket::OverallDay,
            Bucket::Read15m,
            Bucket::ReadDay,
        ],
        Provider::Intervals => &[Bucket::Minute],
    }
}

/// A source of "now", epoch ms.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The database-backed [`RateBudget`].
#[derive(Clone)]
pub struct SqlRateBudget {
    store: Store,
    limits: BudgetLimits,
    clock: Clock,
}

impl fmt::Debug for SqlRateBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlRateBudget")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The reservation statement of `provider`, built once: its buckets, and for Strava the tally.
fn reserve_sql(provider: Provider) -> &'static str {
    static STRAVA: LazyLock<String> =
        LazyLock::new(|| reserve_sql_over(buckets(Provider::Strava).len() + 1));
    static INTERVALS: LazyLock<String> =
        LazyLock::new(|| reserve_sql_over(buckets(Provider::Intervals).len()));
    match provider {
        Provider::Strava => &STRAVA,
        Provider::Intervals => &INTERVALS,
    }
}

/// The reservation over `rows` buckets: `$1` the provider, `$2` the share in %, then per
/// bucket its name, window start and fresh limit. Tally rows (see [`TALLY_PREFIX`]) count
/// without a limit. (`columnN` names the columns of a `VALUES` list on both engines.)
fn reserve_sql_over(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|i| format!("(${}, ${}, ${})", 3 + 3 * i, 4 + 3 * i, 5 + 3 * i))
        .collect();
    // `substr`, not `LIKE`: the prefix's `_` would be a wildcard.
    let is_tally = |column: &str| {
        format!(
            "substr({column}, 1, {}) = '{TALLY_PREFIX}'",
            TALLY_PREFIX.len()
        )
    };
    format!(
        "INSERT INTO api_budget (provider, bucket, window_start_ms, used, lim) \
         SELECT $1, b.column1, b.column2, 1, b.column3 FROM (VALUES {}) AS b \
         WHERE {} OR 1 <= (b.column3 * $2) / 100 \
         ON CONFLICT (provider, bucket, window_start_ms) DO UPDATE SET used = api_budget.used + 1 \
         WHERE {} OR api_budget.used + 1 <= (api_budget.lim * $2) / 100 RETURNING bucket",
        values.join(", "),
        is_tally("b.column1"),
        is_tally("excluded.bucket"),
    )
}
const RECONCILE: &str = "INSERT INTO api_budget (provider, bucket, window_start_ms, used, lim) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, bucket, window_start_ms) DO UPDATE SET \
     used = CASE WHEN api_budget.used < $4 THEN $4 ELSE api_budget.used END, lim = $5";
const EXHAUST: &str = "INSERT INTO api_budget (provider, bucket, window_start_ms, used, lim) \
     VALUES ($1, $2, $3, $4, $4) ON CONFLICT (provider, bucket, window_start_ms) DO UPDATE SET \
     used = api_budget.lim";
/// The bucket prefix of the tally of the day's granted Strava calls per priority, for the
/// planner and the admin page: a row of its own beside the buckets, counted by every granted
/// reservation and never refusing one (its limit is 0).
pub const TALLY_PREFIX: &str = "day_by_priority:";
const USAGE: &str = "SELECT used, lim FROM api_budget \
     WHERE provider = $1 AND bucket = $2 AND window_start_ms = $3";

/// The tally name of a priority.
pub const fn priority_name(priority: Priority) -> &'static str {
    match priority {
        Priority::Interactive => "interactive",
        Priority::Webhook => "webhook",
        Priority::Background => "background",
    }
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn unavailable(error: StoreError) -> BudgetError {
    BudgetError::Unavailable(error.to_string())
}

impl SqlRateBudget {
    /// A budget on `store` with the process clock.
    pub fn new(store: Store, limits: BudgetLimits) -> Self {
        Self::with_clock(store, limits, Arc::new(super::now_ms))
    }

    /// A budget on `store` reading the time from `clock`.
    pub fn with_clock(store: Store, limits: BudgetLimits, clock: Clock) -> Self {
        Self {
            store,
            limits,
            clock,
        }
    }

    /// `(used, lim)` of `bucket` in the current window, if the row exists.
    ///
    /// # Errors
    /// [`StoreError::Database`] on failure.
    pub async fn usage(
        &self,
        provider: Provider,
        bucket: Bucket,
    ) -> Result<Option<(i32, i32)>, StoreError> {
        let start = bucket.window_start_ms((self.clock)());
        let row = with_pool!(self.store, pool => sqlx::query_as(USAGE)
            .bind(provider.as_str())
            .bind(bucket.as_str())
            .bind(start)
            .fetch_optional(pool)
            .await)?;
        Ok(row)
    }

    async fn try_reserve(
        &self,
        provider: Provider,
        priority: Priority,
    ) -> Result<Option<i64>, StoreError> {
        let now_ms = (self.clock)();
        let share_pct = match priority {
            Priority::Interactive | Priority::Webhook => 100,
            Priority::Background => 100 - to_i32(self.limits.reserve_pct.min(100)),
        };
        let tally = (provider == Provider::Strava)
            .then(|| format!("{TALLY_PREFIX}{}", priority_name(priority)));
        let mut rows: Vec<(&str, i64, i32)> = buckets(provider)
            .iter()
            .map(|&bucket| {
                let start = bucket.window_start_ms(now_ms);
                (
                    bucket.as_str(),
                    start,
                    to_i32(self.limits.fresh_limit(bucket)),
                )
            })
            .collect();
        if let Some(tally) = &tally {
            rows.push((tally, Bucket::ReadDay.window_start_ms(now_ms), 0));
        }
        let sql = reserve_sql(provider);
        let mut tx = begin_write(&self.store).await?;
        let granted: Vec<String> = with_tx!(tx, conn => {
            // Safe: the text holds only numbered placeholders and constants.
            let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(provider.as_str())
                .bind(share_pct);
            for &(bucket, start, limit) in &rows {
                query = query.bind(bucket).bind(start).bind(limit);
            }
            query.fetch_all(&mut *conn).await
        })?;
        let refused_until = buckets(provider)
            .iter()
            .filter(|bucket| !granted.iter().any(|name| name == bucket.as_str()))
            .map(|bucket| bucket.window_start_ms(now_ms) + bucket.window_ms())
            .max();
        if refused_until.is_some() {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(refused_until)
    }

    async fn try_reconcile(
        &self,
        provider: Provider,
        observed: &[Observed],
    ) -> Result<(), StoreError> {
        let now_ms = (self.clock)();
        let mut tx = begin_write(&self.store).await?;
        for seen in observed {
            with_tx!(tx, conn => sqlx::query(RECONCILE)
                .bind(provider.as_str())
                .bind(seen.bucket.as_str())
                .bind(seen.bucket.window_start_ms(now_ms))
                .bind(to_i32(seen.usage))
                .bind(to_i32(seen.limit))
                .execute(&mut *conn)
                .await.map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    async fn try_exhaust(&self, provider: Provider, bucket: Bucket) -> Result<i64, StoreError> {
        let start = bucket.window_start_ms((self.clock)());
        with_pool!(self.store, pool => sqlx::query(EXHAUST)
            .bind(provider.as_str())
            .bind(bucket.as_str())
            .bind(start)
            .bind(to_i32(self.limits.fresh_limit(bucket)))
            .execute(pool)
            .await.map(|r| r.rows_affected()))?;
        Ok(start + bucket.window_ms())
    }
}

impl RateBudget for SqlRateBudget {
    fn reserve(
        &self,
        provider: Provider,
        priority: Priority,
    ) -> BoxFuture<'_, Result<(), BudgetError>> {
        Box::pin(async move {
            match self
                .try_reserve(provider, priority)
                .await
                .map_err(unavailable)?
            {
                None => Ok(()),
                Some(until_ms) => Err(BudgetError::Exhausted { until_ms }),
            }
        })
    }

    fn reconcile<'a>(
        &'a self,
        provider: Provider,
        observed: &'a [Observed],
    ) -> BoxFuture<'a, Result<(), BudgetError>> {
        Box::pin(async move {
            self.try_reconcile(provider, observed)
                .await
                .map_err(unavailable)
        })
    }

    fn exhaust(
        &self,
        provider: Provider,
        bucket: Bucket,
    ) -> BoxFuture<'_, Result<i64, BudgetError>> {
        Box::pin(async move {
            self.try_exhaust(provider, bucket)
                .await
                .map_err(unavailable)
        })
    }
}
