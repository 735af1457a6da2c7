//! Daily load sums per athlete and local date (`daily_loads`): the UTL of the day's live
//! activities summed overall and per sport group, in the science crate's canonical order
//! ([`science::load::DaySums`]), so the overview, the PMC and ACWR read one row per day instead
//! of every activity and load. CTL and ATL are not stored: they follow from the sums in
//! microseconds, and storing them would make an edit of an old day rewrite every later row.
//!
//! A day is rebuilt from its loads (never adjusted by a difference) whenever a write can change
//! it: a load stored ([`super::loads::put`]), an activity soft-deleted, moved to another local
//! date or restored, activities deleted for a provider. Each rebuild locks the athlete's row
//! first (PostgreSQL), so two rebuilds of one day cannot interleave and the later one reads
//! what the earlier committed. Deleting the athlete deletes the rows (cascade). Databases from
//! before the table are filled on the athlete's first read ([`between`]: the migration lists
//! every athlete then in `daily_loads_pending`), and the monthly job compares the rows with a fresh computation and
//! rebuilds a drifted athlete.

use std::collections::BTreeMap;

use jiff::civil::Date;
use science::SportGroup;
use science::load::{DatedLoad, DaySums};
use serde::Deserialize;

use super::activities::ActivityId;
use super::users::UserId;
use super::{Store, StoreError, WriteTx, begin_write};

/// The first and last dates a full read covers (every stored day).
const FIRST_DAY: &str = "0001-01-01";
const LAST_DAY: &str = "9999-12-31";

const DAY_LOADS: &str = "SELECT a.local_date, l.utl, l.provenance FROM activity_loads l \
     JOIN activities a ON a.id = l.activity_id WHERE a.user_id = $1 AND a.local_date >= $2 \
     AND a.local_date <= $3 AND a.deleted_at_ms IS NULL";
const UPSERT: &str = "INSERT INTO daily_loads (user_id, local_date, loads, overall, running, \
     cycling, swimming, other) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (user_id, local_date) DO UPDATE SET loads = excluded.loads, \
     overall = excluded.overall, running = excluded.running, cycling = excluded.cycling, \
     swimming = excluded.swimming, other = excluded.other";
const DELETE_DAY: &str = "DELETE FROM daily_loads WHERE user_id = $1 AND local_date = $2";
const DELETE_ALL: &str = "DELETE FROM daily_loads WHERE user_id = $1";
const BUILT: &str = "DELETE FROM daily_loads_pending WHERE user_id = $1";
const PENDING: &str = "SELECT COUNT(*) FROM daily_loads_pending WHERE user_id = $1";
const BETWEEN: &str = "SELECT local_date, loads, overall, running, cycling, swimming, other \
     FROM daily_loads WHERE user_id = $1 AND local_date >= $2 AND local_date <= $3";
const ACTIVITY_DAY: &str = "SELECT user_id, local_date FROM activities WHERE id = $1";

/// The part of a load's provenance the sums need: its sport group, read as
/// [`super::provenance::SportRecord`] reads it.
#[derive(Deserialize)]
struct GroupOnly {
    sport: SportOnly,
}

#[derive(Deserialize)]
struct SportOnly {
    #[serde(with = "super::science_text")]
    group: SportGroup,
}

fn group_of(provenance: &str) -> Result<SportGroup, StoreError> {
    let parsed: GroupOnly = super::loads::typed_json("activity_loads.provenance", provenance)?;
    Ok(parsed.sport.group)
}

fn science_date(text: &str) -> Result<science::LocalDate, StoreError> {
    text.parse()
        .map_err(|e: science::ScienceError| StoreError::Corrupt {
            column: "local_date",
            detail: e.to_string(),
        })
}

/// The day sums of `user`'s live loads dated `from..=to` (text dates), computed from the loads.
async fn sums_from_loads(
    tx: &mut WriteTx,
    user: UserId,
    from: &str,
    to: &str,
) -> Result<Vec<DaySums>, StoreError> {
    let rows: Vec<(String, f64, String)> = with_tx!(tx, conn => sqlx::query_as(DAY_LOADS)
        .bind(user.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await)?;
    let mut by_day: BTreeMap<String, Vec<DatedLoad>> = BTreeMap::new();
    for (day, utl, provenance) in rows {
        let load = DatedLoad {
            date: science_date(&day)?,
            group: group_of(&provenance)?,
            // As the daily sums have always taken a load: never below 0.
            utl: utl.max(0.0),
        };
        by_day.entry(day).or_default().push(load);
    }
    by_day
        .values()
        .map(|loads| {
            DaySums::of(loads[0].date, loads).map_err(|e| StoreError::Invalid(e.to_string()))
        })
        .collect()
}

async fn put_day(tx: &mut WriteTx, user: UserId, day: &DaySums) -> Result<(), StoreError> {
    let g = |group| day.group(group);
    with_tx!(tx, conn => sqlx::query(UPSERT)
        .bind(user.0)
        .bind(day.date.to_string())
        .bind(i64::from(day.loads))
        .bind(day.overall)
        .bind(g(SportGroup::Running))
        .bind(g(SportGroup::Cycling))
        .bind(g(SportGroup::Swimming))
        .bind(g(SportGroup::Other))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes the athlete's row lock (PostgreSQL; SQLite's writer lock is already held), so
/// rebuilds of one athlete's days run one after the other and each reads what the previous
/// committed.
pub(crate) async fn lock_user(tx: &mut WriteTx, user: UserId) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT id FROM users WHERE id = $1 {}",
        tx.queue_tx().for_update()
    );
    let _: Option<i64> = with_tx!(tx, conn => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await)?;
    Ok(())
}

/// Rebuilds `user`'s rows of the local dates `days` (`YYYY-MM-DD`) from their loads, inside
/// the caller's transaction.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable provenance or date; [`StoreError::Invalid`] for a
/// UTL that is not finite; database errors.
pub async fn refresh_days_in(
    tx: &mut WriteTx,
    user: UserId,
    days: &[String],
) -> Result<(), StoreError> {
    if days.is_empty() {
        return Ok(());
    }
    lock_user(tx, user).await?;
    for day in days {
        let sums = sums_from_loads(tx, user, day, day).await?;
        match sums.first() {
            Some(sums) => put_day(tx, user, sums).await?,
            None => {
                with_tx!(tx, conn => sqlx::query(DELETE_DAY)
                    .bind(user.0)
                    .bind(day)
                    .execute(&mut *conn)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
    }
    Ok(())
}

/// Rebuilds the day of `activity` (after its load was stored), in a transaction of its own.
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn refresh_activity(store: &Store, activity: ActivityId) -> Result<(), StoreError> {
    let mut tx = begin_write(store).await?;
    let found: Option<(i64, String)> = with_tx!(tx, conn => sqlx::query_as(ACTIVITY_DAY)
        .bind(activity.0)
        .fetch_optional(&mut *conn)
        .await)?;
    // An activity gone for good was accounted for when it went (purge, provider deletion).
    let Some((user, day)) = found else {
        return Ok(());
    };
    refresh_days_in(&mut tx, UserId(user), &[day]).await?;
    tx.commit().await
}

/// Rebuilds every row of `user` from the loads inside the caller's transaction and records
/// the athlete as built (no longer pending).
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn rebuild_in(tx: &mut WriteTx, user: UserId) -> Result<(), StoreError> {
    lock_user(tx, user).await?;
    let sums = sums_from_loads(tx, user, FIRST_DAY, LAST_DAY).await?;
    with_tx!(tx, conn => sqlx::query(DELETE_ALL).bind(user.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    for day in &sums {
        put_day(tx, user, day).await?;
    }
    with_tx!(tx, conn => sqlx::query(BUILT).bind(user.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Rebuilds every row of `user` from the loads (the first read, a repair).
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn rebuild(store: &Store, user: UserId) -> Result<(), StoreError> {
    let mut tx = begin_write(store).await?;
    rebuild_in(&mut tx, user).await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct DayRow {
    local_date: String,
    loads: i64,
    overall: f64,
    running: f64,
    cycling: f64,
    swimming: f64,
    other: f64,
}

impl TryFrom<DayRow> for DaySums {
    type Error = StoreError;

    fn try_from(row: DayRow) -> Result<Self, StoreError> {
        Ok(Self {
            date: science_date(&row.local_date)?,
            loads: u32::try_from(row.loads).map_err(|_| StoreError::Corrupt {
                column: "daily_loads.loads",
                detail: row.loads.to_string(),
            })?,
            overall: row.overall,
            groups: [row.running, row.cycling, row.swimming, row.other],
        })
    }
}

/// The stored sums of `user`'s days `from..=to`, building the athlete's rows first if they
/// never were (a database from before the table).
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn between(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<DaySums>, StoreError> {
    let pending: i64 = with_pool!(store, pool => sqlx::query_scalar(PENDING)
        .bind(user.0)
        .fetch_one(pool)
        .await)?;
    if pending > 0 {
        rebuild(store, user).await?;
    }
    stored(store, user, &from.to_string(), &to.to_string()).await
}

/// Every stored day sum of `user`, as stored (no building): what a drift check compares.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable row.
pub async fn all_stored(store: &Store, user: UserId) -> Result<Vec<DaySums>, StoreError> {
    stored(store, user, FIRST_DAY, LAST_DAY).await
}

async fn stored(
    store: &Store,
    user: UserId,
    from: &str,
    to: &str,
) -> Result<Vec<DaySums>, StoreError> {
    let rows: Vec<DayRow> = with_pool!(store, pool => sqlx::query_as(BETWEEN)
        .bind(user.0)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(DaySums::try_from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_is_read_as_the_loads_reader_reads_it() {
        let cases = [
            (
                r#"{"sport": {"group": "running", "class": "run"}}"#,
                SportGroup::Running,
            ),
            (
                r#"{"sport": {"group": "cycling"}, "hr": {"x": 1}}"#,
                SportGroup::Cycling,
            ),
            (r#"{"sport": {"group": "swimming"}}"#, SportGroup::Swimming),
            (r#"{"sport": {"group": "other"}}"#, SportGroup::Other),
        ];
        for (text, group) in cases {
            assert_eq!(group_of(text).unwrap(), group, "{text}");
        }
        for corrupt in [
            "{not json",
            r#"{"sport": {"group": "rowing"}}"#,
            "{}",
            "null",
        ] {
            assert!(
                matches!(group_of(corrupt), Err(StoreError::Corrupt { .. })),
                "{corrupt}"
            );
        }
    }
}
