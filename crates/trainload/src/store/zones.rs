//! Training zones: each athlete's edited boundaries and each activity's time in zone
//! (docs/science.md, "Zones").

use jiff::civil::Date;
use science::zones::{Boundaries, ZoneKind, ZoneSettings, ZoneTime};
use serde::{Deserialize, Serialize};

use super::activities::ActivityId;
use super::users::UserId;
use super::{Store, StoreError};

/// A zone model as stored and sent in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Power, % of FTP.
    Power,
    /// Heart rate, % of LTHR.
    HeartRate,
    /// Running speed, % of threshold speed.
    Pace,
}

impl From<ZoneKind> for Kind {
    fn from(kind: ZoneKind) -> Self {
        match kind {
            ZoneKind::Power => Self::Power,
            ZoneKind::HeartRate => Self::HeartRate,
            ZoneKind::Pace => Self::Pace,
        }
    }
}

impl From<Kind> for ZoneKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Power => Self::Power,
            Kind::HeartRate => Self::HeartRate,
            Kind::Pace => Self::Pace,
        }
    }
}

/// One activity's seconds in the zones of one model, with the threshold and boundaries they
/// were counted against (so a reader needs nothing else to label them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindTime {
    /// The model.
    pub kind: Kind,
    /// The threshold in force on the activity's date: W, bpm or m/s.
    pub threshold: f64,
    /// The boundaries used, % of the threshold.
    pub boundaries_pct: Vec<f64>,
    /// Seconds per zone, lowest first.
    pub seconds: Vec<u32>,
}

impl From<&ZoneTime> for KindTime {
    fn from(t: &ZoneTime) -> Self {
        Self {
            kind: t.kind.into(),
            threshold: t.threshold,
            boundaries_pct: t.boundaries_pct.clone(),
            seconds: t.seconds.clone(),
        }
    }
}

/// The boundaries as stored: percentages of the threshold per model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SettingsBody {
    power: Vec<f64>,
    heart_rate: Vec<f64>,
    pace: Vec<f64>,
}

const GET_SETTINGS: &str = "SELECT body FROM zone_settings WHERE user_id = $1";
const PUT_SETTINGS: &str = "INSERT INTO zone_settings (user_id, body, updated_at_ms) \
     VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET body = excluded.body, \
     updated_at_ms = excluded.updated_at_ms";
const GET_TIMES: &str = "SELECT z.body FROM activity_zone_times z JOIN activities a \
     ON a.id = z.activity_id WHERE z.activity_id = $1 AND a.deleted_at_ms IS NULL";
// Only live activities get zone times: the insert selects nothing for a soft-deleted one.
const PUT_TIMES: &str = "INSERT INTO activity_zone_times (activity_id, body, computed_at_ms) \
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM activities WHERE id = $1 \
     AND deleted_at_ms IS NULL) ON CONFLICT (activity_id) DO UPDATE SET body = excluded.body, \
     computed_at_ms = excluded.computed_at_ms";
const LIST_TIMES: &str = "SELECT a.local_date, z.body FROM activity_zone_times z \
     JOIN activities a ON a.id = z.activity_id WHERE a.user_id = $1 AND a.local_date >= $2 \
     AND a.local_date <= $3 AND a.deleted_at_ms IS NULL ORDER BY a.start_at_ms, a.id";

fn corrupt(column: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        column,
        detail: detail.to_string(),
    }
}

/// `user`'s boundaries: the edited ones, or the defaults.
///
/// # Errors
/// [`StoreError::Corrupt`] for a stored body that no longer validates.
pub async fn settings(store: &Store, user: UserId) -> Result<ZoneSettings, StoreError> {
    let body: Option<String> = with_pool!(store, pool => sqlx::query_scalar(GET_SETTINGS)
        .bind(user.0)
        .fetch_optional(pool)
        .await)?;
    let Some(body) = body else {
        return Ok(ZoneSettings::default());
    };
    let parsed: SettingsBody =
        serde_json::from_str(&body).map_err(|e| corrupt("zone_settings.body", e))?;
    let checked =
        |kind, pct| Boundaries::new(kind, pct).map_err(|e| corrupt("zone_settings.body", e));
    Ok(ZoneSettings {
        power: checked(ZoneKind::Power, parsed.power)?,
        heart_rate: checked(ZoneKind::HeartRate, parsed.heart_rate)?,
        pace: checked(ZoneKind::Pace, parsed.pace)?,
    })
}

/// Stores `user`'s boundaries.
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn put_settings(
    store: &Store,
    user: UserId,
    settings: &ZoneSettings,
    now_ms: i64,
) -> Result<(), StoreError> {
    let body = SettingsBody {
        power: settings.power.pct().to_vec(),
        heart_rate: settings.heart_rate.pct().to_vec(),
        pace: settings.pace.pct().to_vec(),
    };
    let text = serde_json::to_string(&body).map_err(|e| corrupt("zone_settings.body", e))?;
    with_pool!(store, pool => sqlx::query(PUT_SETTINGS)
        .bind(user.0)
        .bind(text)
        .bind(now_ms)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The stored time in zone of a live activity (an empty list: computed, nothing to count).
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable JSON.
pub async fn times(
    store: &Store,
    activity: ActivityId,
) -> Result<Option<Vec<KindTime>>, StoreError> {
    let body: Option<String> = with_pool!(store, pool => sqlx::query_scalar(GET_TIMES)
        .bind(activity.0)
        .fetch_optional(pool)
        .await)?;
    body.map(|b| parse_times(&b)).transpose()
}

fn parse_times(body: &str) -> Result<Vec<KindTime>, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt("activity_zone_times.body", e))
}

/// Stores (or replaces) the time in zone of a live activity.
///
/// # Errors
/// [`StoreError::NotFound`] when the activity does not exist or is soft-deleted.
pub async fn put_times(
    store: &Store,
    activity: ActivityId,
    times: &[KindTime],
    now_ms: i64,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(times).map_err(|e| corrupt("activity_zone_times.body", e))?;
    let done = with_pool!(store, pool => sqlx::query(PUT_TIMES)
        .bind(activity.0)
        .bind(text)
        .bind(now_ms)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The time in zone of `user`'s live activities dated `from..=to`, with their dates, by start.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable rows.
pub async fn times_by_local_date(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<(Date, Vec<KindTime>)>, StoreError> {
    let rows: Vec<(String, String)> = with_pool!(store, pool => sqlx::query_as(LIST_TIMES)
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|(day, body)| {
            let day = day
                .parse::<Date>()
                .map_err(|e| corrupt("activities.local_date", e))?;
            Ok((day, parse_times(&body)?))
        })
        .collect()
}
