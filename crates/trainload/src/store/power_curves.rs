//! Per-activity mean-maximal curves (power, or best speed), so window curves (last 90 days,
//! season) are a fold over small blobs instead of a pass over every stream.
//!
//! Blob format, version 1: `version:u8 (=1) · count:varint · (duration delta:varint ·
//! zigzag value delta:varint){count}`, durations in whole seconds strictly increasing, values as
//! integers of 1/1000 of the unit (mW or mm/s); varints as in the streams codec.

use jiff::civil::Date;
use serde::Serialize;

use super::activities::ActivityId;
use super::streams::codec::{Reader, put_varint, unzigzag, zigzag};
use super::users::UserId;
use super::{Store, StoreError};

const FORMAT_VERSION: u8 = 1;
const VALUE_SCALE: f64 = 1000.0;
/// Longest curve accepted when decoding (a week of 1 s durations).
const MAX_POINTS: u64 = 7 * 86_400;

/// What a curve measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CurveKind {
    /// Mean-maximal power, W.
    Power,
    /// Best average speed, m/s.
    Speed,
}

impl CurveKind {
    /// The `kind` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Power => "power",
            Self::Speed => "speed",
        }
    }
}

/// One point of a curve: the best mean value over `duration_s`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Window length, s.
    pub duration_s: u32,
    /// Best mean over the window (W or m/s), stored to 1/1000.
    pub value: f64,
}

const PUT: &str = "INSERT INTO power_curves (user_id, activity_id, kind, encoded, computed_at_ms, \
     calc_version) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, activity_id, kind) DO \
     UPDATE SET encoded = excluded.encoded, computed_at_ms = excluded.computed_at_ms, \
     calc_version = excluded.calc_version";
const STALE: &str = "SELECT DISTINCT activity_id FROM power_curves WHERE user_id = $1 \
     AND calc_version < $2 ORDER BY activity_id";
const DELETE_ACTIVITY: &str = "DELETE FROM power_curves WHERE user_id = $1 AND activity_id = $2";
const COUNT: &str =
    "SELECT COUNT(*) FROM power_curves WHERE user_id = $1 AND activity_id = $2 AND kind = $3";
const GET: &str =
    "SELECT encoded FROM power_curves WHERE user_id = $1 AND activity_id = $2 AND kind = $3";
// The two reads below bound `a.user_id` too (the same rows), so that the athlete's activities
// come from a (user, …) index: without it PostgreSQL read every athlete's live activities to
// find one athlete's, a cost that grew with the number of athletes.
const BETWEEN: &str = "SELECT c.activity_id, c.encoded FROM power_curves c \
     JOIN activities a ON a.id = c.activity_id WHERE c.user_id = $1 AND c.kind = $2 \
     AND a.user_id = $1 AND a.start_at_ms >= $3 AND a.start_at_ms < $4 \
     AND a.deleted_at_ms IS NULL ORDER BY a.start_at_ms";
const BY_LOCAL_DATE: &str = "SELECT c.activity_id, a.local_date, c.encoded FROM power_curves c \
     JOIN activities a ON a.id = c.activity_id WHERE c.user_id = $1 AND c.kind = $2 \
     AND a.user_id = $1 AND a.local_date >= $3 AND a.local_date <= $4 \
     AND a.deleted_at_ms IS NULL ORDER BY a.local_date, a.id";

/// Encodes a curve; points must have strictly increasing durations and finite values.
///
/// # Errors
/// [`StoreError::Invalid`] otherwise.
pub fn encode(points: &[CurvePoint]) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![FORMAT_VERSION];
    put_varint(&mut out, points.len() as u64);
    let (mut prev_duration, mut prev_value) = (0u32, 0i64);
    for (i, point) in points.iter().enumerate() {
        if i > 0 && point.duration_s <= prev_duration {
            return Err(StoreError::Invalid(
                "curve durations must increase".to_owned(),
            ));
        }
        let scaled = (point.value * VALUE_SCALE).round();
        if !scaled.is_finite() || scaled.abs() > 1e15 {
            return Err(StoreError::Invalid(format!("curve value {}", point.value)));
        }
        #[expect(clippy::cast_possible_truncation, reason = "checked range above")]
        let value = scaled as i64;
        put_varint(&mut out, u64::from(point.duration_s - prev_duration));
        put_varint(&mut out, zigzag(value - prev_value));
        (prev_duration, prev_value) = (point.duration_s, value);
    }
    Ok(out)
}

/// Decodes a curve written by [`encode`].
///
/// # Errors
/// [`StoreError::Corrupt`] for malformed bytes.
pub fn decode(bytes: &[u8]) -> Result<Vec<CurvePoint>, StoreError> {
    let mut points = Vec::new();
    decode_into(bytes, &mut points)?;
    Ok(points)
}

/// [`decode`] into `points` (cleared first), so a loop over many curves reuses one buffer.
///
/// # Errors
/// [`StoreError::Corrupt`] for malformed bytes.
pub fn decode_into(bytes: &[u8], points: &mut Vec<CurvePoint>) -> Result<(), StoreError> {
    let corrupt = |detail: &str| StoreError::Corrupt {
        column: "power_curves.encoded",
        detail: detail.to_owned(),
    };
    points.clear();
    let mut r = Reader::new(bytes);
    if r.byte()? != FORMAT_VERSION {
        return Err(corrupt("unknown curve format version"));
    }
    let count = r.varint()?;
    if count > MAX_POINTS {
        return Err(corrupt("too many points"));
    }
    let (mut duration, mut value) = (0u64, 0i64);
    points.reserve(usize::try_from(count).unwrap_or(0));
    for _ in 0..count {
        duration = duration
            .checked_add(r.varint()?)
            .ok_or_else(|| corrupt("overflow"))?;
        value = value
            .checked_add(unzigzag(r.varint()?))
            .ok_or_else(|| corrupt("overflow"))?;
        let duration_s = u32::try_from(duration).map_err(|_| corrupt("duration out of range"))?;
        points.push(CurvePoint {
            duration_s,
            value: value as f64 / VALUE_SCALE,
        });
    }
    if !r.at_end() {
        return Err(corrupt("trailing bytes"));
    }
    Ok(())
}

/// Stores (or replaces) the curve of one activity, then updates its month's fold
/// (`curve_months`): a first curve is added to it, a replaced one refolds the month.
///
/// # Errors
/// [`StoreError::Invalid`] for a curve [`encode`] refuses; [`StoreError::Database`] on failure.
pub async fn put(
    store: &Store,
    user: UserId,
    activity: ActivityId,
    kind: CurveKind,
    points: &[CurvePoint],
    now_ms: i64,
) -> Result<(), StoreError> {
    let encoded = encode(points)?;
    let replaces: i64 = with_pool!(store, pool => sqlx::query_scalar(COUNT)
        .bind(user.0)
        .bind(activity.0)
        .bind(kind.as_str())
        .fetch_one(pool)
        .await)?;
    with_pool!(store, pool => sqlx::query(PUT)
        .bind(user.0)
        .bind(activity.0)
        .bind(kind.as_str())
        .bind(&encoded)
        .bind(now_ms)
        .bind(super::loads::calc_version())
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    if replaces > 0 {
        // The replaced curve may have held a best: fold the month afresh.
        super::curve_months::refresh_activity(store, activity).await
    } else {
        super::curve_months::add_first_curve(store, activity, kind, points).await
    }
}

/// Activities of `user` with a curve computed by a calculation version older than `current`.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn stale(
    store: &Store,
    user: UserId,
    current: i64,
) -> Result<Vec<ActivityId>, StoreError> {
    let ids: Vec<i64> = with_pool!(store, pool => sqlx::query_scalar(STALE)
        .bind(user.0)
        .bind(current)
        .fetch_all(pool)
        .await)?;
    Ok(ids.into_iter().map(ActivityId).collect())
}

/// Removes every curve of one activity (before it is recomputed) and rebuilds its month's fold.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn delete_activity(
    store: &Store,
    user: UserId,
    activity: ActivityId,
) -> Result<(), StoreError> {
    with_pool!(store, pool => sqlx::query(DELETE_ACTIVITY)
        .bind(user.0)
        .bind(activity.0)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    super::curve_months::refresh_activity(store, activity).await
}

/// The curve of one activity, if stored.
///
/// # Errors
/// [`StoreError::Corrupt`] for a blob that does not decode.
pub async fn get(
    store: &Store,
    user: UserId,
    activity: ActivityId,
    kind: CurveKind,
) -> Result<Option<Vec<CurvePoint>>, StoreError> {
    let encoded: Option<Vec<u8>> = with_pool!(store, pool => sqlx::query_scalar(GET)
        .bind(user.0)
        .bind(activity.0)
        .bind(kind.as_str())
        .fetch_optional(pool)
        .await)?;
    encoded.map(|bytes| decode(&bytes)).transpose()
}

/// The curves of a user's live activities starting in `from_ms..to_ms`, by start.
///
/// # Errors
/// [`StoreError::Corrupt`] for a blob that does not decode.
pub async fn list_between(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(ActivityId, Vec<CurvePoint>)>, StoreError> {
    let rows: Vec<(i64, Vec<u8>)> = with_pool!(store, pool => sqlx::query_as(BETWEEN)
        .bind(user.0)
        .bind(kind.as_str())
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|(id, bytes)| Ok((ActivityId(id), decode(&bytes)?)))
        .collect()
}

/// The encoded curves (see [`decode`]) of a user's live activities dated `from..=to`
/// (athlete-local), with each activity's date, by date then id. Undecoded, so a caller folding
/// years of curves can decode them one at a time, off the async threads.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable date.
pub async fn encoded_by_local_date(
    store: &Store,
    user: UserId,
    kind: CurveKind,
    from: Date,
    to: Date,
) -> Result<Vec<(ActivityId, Date, Vec<u8>)>, StoreError> {
    let rows: Vec<(i64, String, Vec<u8>)> = with_pool!(store, pool => sqlx::query_as(BY_LOCAL_DATE)
        .bind(user.0)
        .bind(kind.as_str())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|(id, day, bytes)| {
            let date = day.parse().map_err(|e: jiff::Error| StoreError::Corrupt {
                column: "activities.local_date",
                detail: e.to_string(),
            })?;
            Ok((ActivityId(id), date, bytes))
        })
        .collect()
}
