//! Per-month folds of the stored curves (`curve_months`): for each athlete, curve kind and local
//! month, the [`CurveFold`] of that month's activities, so a window of years merges one stored
//! fold per month instead of decoding every activity's curve.
//!
//! A month is rebuilt from its curves whenever a write can change it: a curve stored or removed
//! ([`super::power_curves`]), an activity soft-deleted, moved to another local date or restored,
//! activities deleted for a provider; the athlete's row lock orders the rebuilds as for
//! `daily_loads`. Databases from before the table, and folds of an older layout (other chart
//! durations or distances), are rebuilt on the athlete's next read ([`between`]).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::activities::ActivityId;
use super::curve_fold::CurveFold;
use super::daily_loads::lock_user;
use super::power_curves::{self, CurveKind};
use super::users::UserId;
use super::{Store, StoreError, WriteTx, begin_write};

/// Bounded by `a.user_id` too (the same rows): without it PostgreSQL read every athlete's live
/// activities to find one athlete's month, a cost that grew with the number of athletes.
const CURVES: &str = "SELECT c.activity_id, a.local_date, c.kind, c.encoded FROM power_curves c \
     JOIN activities a ON a.id = c.activity_id WHERE c.user_id = $1 AND a.user_id = $1 \
     AND a.local_date >= $2 AND a.local_date <= $3 AND a.deleted_at_ms IS NULL \
     ORDER BY a.local_date, a.id";
const UPSERT: &str = "INSERT INTO curve_months (user_id, kind, month, activities, encoded) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, kind, month) DO UPDATE SET \
     activities = excluded.activities, encoded = excluded.encoded";
const DELETE_MONTH: &str = "DELETE FROM curve_months WHERE user_id = $1 AND month = $2";
const DELETE_ALL: &str = "DELETE FROM curve_months WHERE user_id = $1";
const BUILT: &str = "DELETE FROM curve_months_pending WHERE user_id = $1";
const PENDING: &str = "SELECT COUNT(*) FROM curve_months_pending WHERE user_id = $1";
const BETWEEN: &str = "SELECT encoded FROM curve_months WHERE user_id = $1 AND kind = $2 \
     AND month >= $3 AND month <= $4 ORDER BY month";
const ALL_STORED: &str = "SELECT kind, month, encoded FROM curve_months WHERE user_id = $1";
const ACTIVITY_DAY: &str = "SELECT user_id, local_date FROM activities WHERE id = $1";
const LIVE_DAY: &str =
    "SELECT user_id, local_date FROM activities WHERE id = $1 AND deleted_at_ms IS NULL";
/// The plain `user_id` and date bounds on `activities` let both engines read the month's rest
/// from the (user, date) index; without them a database whose statistics are not yet gathered
/// walked every curve of the athlete for each new one.
const LATER_CURVES: &str = "SELECT COUNT(*) FROM power_curves c \
     JOIN activities a ON a.id = c.activity_id WHERE c.user_id = $1 AND c.kind = $2 \
     AND a.user_id = $1 AND a.deleted_at_ms IS NULL AND a.local_date >= $4 \
     AND a.local_date <= $3 AND (a.local_date > $4 OR (a.local_date = $4 AND a.id > $5))";
const MONTH_FOLD: &str =
    "SELECT encoded FROM curve_months WHERE user_id = $1 AND kind = $2 AND month = $3";

/// The distances a fold of `kind` keeps best times over (the speed curves' running distances).
pub fn distances(kind: CurveKind) -> Vec<f64> {
    match kind {
        CurveKind::Power => Vec::new(),
        CurveKind::Speed => science::Config::default().curves.best_time_distances_m,
    }
}

/// `YYYY-MM` of a `YYYY-MM-DD` date.
fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// `YYYY-MM` of a date.
pub fn month(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

fn kind_named(name: &str) -> Result<CurveKind, StoreError> {
    match name {
        "power" => Ok(CurveKind::Power),
        "speed" => Ok(CurveKind::Speed),
        other => Err(StoreError::Corrupt {
            column: "power_curves.kind",
            detail: other.to_owned(),
        }),
    }
}

type Folds = BTreeMap<(String, &'static str), CurveFold>;

/// The folds per month and kind of `user`'s live curves dated `from..=to` (text dates).
async fn folds_from_curves(
    tx: &mut WriteTx,
    user: UserId,
    from: &str,
    to: &str,
) -> Result<Folds, StoreError> {
    let rows: Vec<(i64, String, String, Vec<u8>)> = with_tx!(tx, conn => sqlx::query_as(CURVES)
        .bind(user.0)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await)?;
    fold_rows(rows)
}

fn fold_rows(rows: Vec<(i64, String, String, Vec<u8>)>) -> Result<Folds, StoreError> {
    let mut folds = Folds::new();
    let mut points = Vec::new();
    for (id, day, kind, bytes) in rows {
        let kind = kind_named(&kind)?;
        let date: Date = day.parse().map_err(|e: jiff::Error| StoreError::Corrupt {
            column: "activities.local_date",
            detail: e.to_string(),
        })?;
        power_curves::decode_into(&bytes, &mut points)?;
        folds
            .entry((month_of(&day).to_owned(), kind.as_str()))
            .or_insert_with(|| CurveFold::new(distances(kind)))
            .add(ActivityId(id), date, &points);
    }
    Ok(folds)
}

async fn put_folds(tx: &mut WriteTx, user: UserId, folds: &Folds) -> Result<(), StoreError> {
    for ((month, kind), fold) in folds {
        with_tx!(tx, conn => sqlx::query(UPSERT)
            .bind(user.0)
            .bind(*kind)
            .bind(month)
            .bind(i64::try_from(fold.activities()).unwrap_or(i64::MAX))
            .bind(fold.encode())
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Rebuilds `user`'s folds of the months holding the local dates `days` (`YYYY-MM-DD`), inside
/// the caller's transaction.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable curve or date; database errors.
pub async fn refresh_days_in(
    tx: &mut WriteTx,
    user: UserId,
    days: &[String],
) -> Result<(), StoreError> {
    let mut months: Vec<&str> = days.iter().map(|d| month_of(d)).collect();
    months.sort_unstable();
    months.dedup();
    if months.is_empty() {
        return Ok(());
    }
    lock_user(tx, user).await?;
    for month in months {
        with_tx!(tx, conn => sqlx::query(DELETE_MONTH)
            .bind(user.0)
            .bind(month)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
        // Day 31 bounds every month: dates compare as text.
        let folds =
            folds_from_curves(tx, user, &format!("{month}-01"), &format!("{month}-31")).await?;
        put_folds(tx, user, &folds).await?;
    }
    Ok(())
}

/// Rebuilds the month of `activity` (after its curves changed), in a transaction of its own.
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

/// Adds the first curve of `kind` stored for `activity` to its month's fold without reading
/// the month's other curves, when the result is what a rebuild would give: the activity is
/// live and the month's latest with a curve of that kind (by local date, then id; a fold keeps
/// the later activity on a tie), and the fold is stored in the current layout. Otherwise, or
/// for an athlete not built yet, it does what [`refresh_activity`] does. A sync's new activity
/// is nearly always its month's latest, so it folds one curve instead of the month's.
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn add_first_curve(
    store: &Store,
    activity: ActivityId,
    kind: CurveKind,
    points: &[power_curves::CurvePoint],
) -> Result<(), StoreError> {
    let mut tx = begin_write(store).await?;
    let found: Option<(i64, String)> = with_tx!(tx, conn => sqlx::query_as(LIVE_DAY)
        .bind(activity.0)
        .fetch_optional(&mut *conn)
        .await)?;
    let Some((user, day)) = found else {
        drop(tx);
        return refresh_activity(store, activity).await;
    };
    let user = UserId(user);
    lock_user(&mut tx, user).await?;
    let pending: i64 = with_tx!(tx, conn => sqlx::query_scalar(PENDING)
        .bind(user.0)
        .fetch_one(&mut *conn)
        .await)?;
    if pending > 0 {
        // The first read builds every fold.
        return tx.commit().await;
    }
    let month = month_of(&day).to_owned();
    let later: i64 = with_tx!(tx, conn => sqlx::query_scalar(LATER_CURVES)
        .bind(user.0)
        .bind(kind.as_str())
        .bind(format!("{month}-31"))
        .bind(&day)
        .bind(activity.0)
        .fetch_one(&mut *conn)
        .await)?;
    let stored: Option<Vec<u8>> = with_tx!(tx, conn => sqlx::query_scalar(MONTH_FOLD)
        .bind(user.0)
        .bind(kind.as_str())
        .bind(&month)
        .fetch_optional(&mut *conn)
        .await)?;
    let wanted = distances(kind);
    let fold = match stored {
        // A built athlete without the month's row has no curve of this kind in that month.
        None => Some(CurveFold::new(wanted)),
        Some(bytes) => CurveFold::decode(&bytes, &wanted)?,
    };
    match fold {
        Some(mut fold) if later == 0 => {
            let date: Date = day.parse().map_err(|e: jiff::Error| StoreError::Corrupt {
                column: "activities.local_date",
                detail: e.to_string(),
            })?;
            fold.add(activity, date, points);
            put_folds(
                &mut tx,
                user,
                &Folds::from([((month, kind.as_str()), fold)]),
            )
            .await?;
        }
        _ => refresh_days_in(&mut tx, user, &[day]).await?,
    }
    tx.commit().await
}

/// Rebuilds every fold of `user` inside the caller's transaction and records the athlete as
/// built (no longer pending).
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn rebuild_in(tx: &mut WriteTx, user: UserId) -> Result<(), StoreError> {
    lock_user(tx, user).await?;
    let folds = folds_from_curves(tx, user, "0001-01-01", "9999-12-31").await?;
    with_tx!(tx, conn => sqlx::query(DELETE_ALL).bind(user.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    put_folds(tx, user, &folds).await?;
    with_tx!(tx, conn => sqlx::query(BUILT).bind(user.0).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Rebuilds every fold of `user` (the first read, a layout change, a repair).
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn rebuild(store: &Store, user: UserId) -> Result<(), StoreError> {
    let mut tx = begin_write(store).await?;
    rebuild_in(&mut tx, user).await?;
    tx.commit().await
}

/// The stored folds of `kind` for the months `first..=last` (`YYYY-MM`), oldest first, building
/// the athlete's folds first if they never were or were folded for another layout.
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn between(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    first: &str,
    last: &str,
) -> Result<Vec<CurveFold>, StoreError> {
    let pending: i64 = with_pool!(store, pool => sqlx::query_scalar(PENDING)
        .bind(user.0)
        .fetch_one(pool)
        .await)?;
    if pending > 0 {
        rebuild(store, user).await?;
    }
    if let Some(folds) = stored(store, user, kind, first, last).await? {
        return Ok(folds);
    }
    rebuild(store, user).await?;
    stored(store, user, kind, first, last)
        .await?
        .ok_or_else(|| StoreError::Invalid("curve folds of an unknown layout".to_owned()))
}

async fn stored(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    first: &str,
    last: &str,
) -> Result<Option<Vec<CurveFold>>, StoreError> {
    let rows: Vec<Vec<u8>> = with_pool!(store, pool => sqlx::query_scalar(BETWEEN)
        .bind(user.0)
        .bind(kind.as_str())
        .bind(first)
        .bind(last)
        .fetch_all(pool)
        .await)?;
    let wanted = distances(kind);
    rows.iter()
        .map(|bytes| CurveFold::decode(bytes, &wanted))
        .collect()
}

/// The months (`YYYY-MM` and kind) whose stored fold differs from a fold made afresh from the
/// curves (a missing or extra month included), and how many were compared.
///
/// # Errors
/// As [`refresh_days_in`].
pub async fn drifted(
    store: &Store,
    user: UserId,
) -> Result<(usize, Vec<(String, &'static str)>), StoreError> {
    let curves: Vec<(i64, String, String, Vec<u8>)> = with_pool!(store, pool => sqlx::query_as(CURVES)
        .bind(user.0)
        .bind("0001-01-01")
        .bind("9999-12-31")
        .fetch_all(pool)
        .await)?;
    let fresh = fold_rows(curves)?;
    let rows: Vec<(String, String, Vec<u8>)> = with_pool!(store, pool => sqlx::query_as(ALL_STORED)
        .bind(user.0)
        .fetch_all(pool)
        .await)?;
    let mut kept = BTreeMap::new();
    for (kind, month, bytes) in rows {
        kept.insert((month, kind_named(&kind)?.as_str()), bytes);
    }
    let mut keys: Vec<_> = fresh.keys().chain(kept.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    let differ = keys
        .iter()
        .filter(|key| fresh.get(*key).map(CurveFold::encode).as_ref() != kept.get(*key))
        .cloned()
        .collect();
    Ok((keys.len(), differ))
}
