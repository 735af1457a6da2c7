//! Wellness: one record per (user, day), upserted from Intervals.icu (docs/providers.md §3, §4).
//!
//! An upsert replaces every field (a value gone null clears ours). When the provider's `updated`
//! stamp and the content hash are both unchanged, nothing is written. A changed stamp with the
//! same content refreshes the stamp only and reports [`Outcome::Unchanged`], since no load
//! depends on it.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use super::hash::content_hash;
use super::users::UserId;
use super::{Store, StoreError, begin_write};

/// One day of wellness, as read from the provider. 1–4 scales are raw (1 is good).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WellnessRecord {
    /// Athlete-local date (the provider's record id).
    #[serde(serialize_with = "super::hash::date_text")]
    pub day: Date,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<i64>,
    /// HRV rMSSD, ms.
    pub hrv_rmssd_ms: Option<f64>,
    /// HRV SDNN, ms.
    pub hrv_sdnn_ms: Option<f64>,
    /// Time asleep, s.
    pub sleep_s: Option<i64>,
    /// Device sleep score.
    pub sleep_score: Option<f64>,
    /// Subjective sleep quality, 1–4.
    pub sleep_quality: Option<u8>,
    /// Average heart rate asleep, bpm.
    pub avg_sleeping_hr_bpm: Option<f64>,
    /// Device readiness score.
    pub readiness: Option<f64>,
    /// Soreness, 1–4.
    pub soreness: Option<u8>,
    /// Fatigue, 1–4.
    pub fatigue: Option<u8>,
    /// Stress, 1–4.
    pub stress: Option<u8>,
    /// Mood, 1–4.
    pub mood: Option<u8>,
    /// Motivation, 1–4.
    pub motivation: Option<u8>,
    /// Injury, 1–4.
    pub injury: Option<u8>,
    /// Hydration, subjective.
    pub hydration: Option<u8>,
    /// Body weight, kg.
    pub weight_kg: Option<f64>,
    /// Body fat, %.
    pub body_fat_pct: Option<f64>,
    /// Blood oxygen saturation, %.
    pub spo2_pct: Option<f64>,
    /// Respiration, breaths per minute.
    pub respiration_bpm: Option<f64>,
    /// Steps.
    pub steps: Option<i64>,
    /// Energy consumed, kcal.
    pub kcal_consumed: Option<i64>,
    /// VO2max, ml/kg/min.
    pub vo2max: Option<f64>,
    /// The weight is temporary.
    pub temp_weight: Option<bool>,
    /// The resting HR is temporary.
    pub temp_resting_hr: Option<bool>,
    /// The provider's CTL (comparison only).
    pub ctl: Option<f64>,
    /// The provider's ATL (comparison only).
    pub atl: Option<f64>,
    /// The provider's ramp rate (comparison only).
    pub ramp_rate: Option<f64>,
    /// The provider's `updated` stamp, epoch ms (not part of the content hash).
    pub provider_updated_at_ms: Option<i64>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new day.
    Inserted,
    /// The content changed: the day's loads need recomputing.
    Updated,
    /// Same content (at most the stamp was refreshed).
    Unchanged,
}

/// Binds the record's 27 measured fields in column order.
macro_rules! bind_fields {
    ($query:expr, $r:expr) => {
        $query
            .bind($r.resting_hr_bpm)
            .bind($r.hrv_rmssd_ms)
            .bind($r.hrv_sdnn_ms)
            .bind($r.sleep_s)
            .bind($r.sleep_score)
            .bind($r.sleep_quality.map(i64::from))
            .bind($r.avg_sleeping_hr_bpm)
            .bind($r.readiness)
            .bind($r.soreness.map(i64::from))
            .bind($r.fatigue.map(i64::from))
            .bind($r.stress.map(i64::from))
            .bind($r.mood.map(i64::from))
            .bind($r.motivation.map(i64::from))
            .bind($r.injury.map(i64::from))
            .bind($r.hydration.map(i64::from))
            .bind($r.weight_kg)
            .bind($r.body_fat_pct)
            .bind($r.spo2_pct)
            .bind($r.respiration_bpm)
            .bind($r.steps)
            .bind($r.kcal_consumed)
            .bind($r.vo2max)
            .bind($r.temp_weight)
            .bind($r.temp_resting_hr)
            .bind($r.ctl)
            .bind($r.atl)
            .bind($r.ramp_rate)
    };
}

macro_rules! field_columns {
    () => {
        "resting_hr_bpm, hrv_rmssd_ms, hrv_sdnn_ms, sleep_s, sleep_score, sleep_quality, \
         avg_sleeping_hr_bpm, readiness, soreness, fatigue, stress, mood, motivation, injury, \
         hydration, weight_kg, body_fat_pct, spo2_pct, respiration_bpm, steps, kcal_consumed, \
         vo2max, temp_weight, temp_resting_hr, ctl, atl, ramp_rate"
    };
}

const EXISTING: &str = "SELECT day, content_hash, provider_updated_at_ms FROM wellness \
     WHERE user_id = $1 AND day >= $2 AND day <= $3";
const UPSERT: &str = concat!(
    "INSERT INTO wellness (",
    field_columns!(),
    ", provider_updated_at_ms, content_hash, stored_at_ms, user_id, day) VALUES ($1, $2, $3, $4, \
     $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
     $24, $25, $26, $27, $28, $29, $30, $31, $32) ON CONFLICT (user_id, day) DO UPDATE SET \
     resting_hr_bpm = excluded.resting_hr_bpm, hrv_rmssd_ms = excluded.hrv_rmssd_ms, \
     hrv_sdnn_ms = excluded.hrv_sdnn_ms, sleep_s = excluded.sleep_s, \
     sleep_score = excluded.sleep_score, sleep_quality = excluded.sleep_quality, \
     avg_sleeping_hr_bpm = excluded.avg_sleeping_hr_bpm, readiness = excluded.readiness, \
     soreness = excluded.soreness, fatigue = excluded.fatigue, stress = excluded.stress, \
     mood = excluded.mood, motivation = excluded.motivation, injury = excluded.injury, \
     hydration = excluded.hydration, weight_kg = excluded.weight_kg, \
     body_fat_pct = excluded.body_fat_pct, spo2_pct = excluded.spo2_pct, \
     respiration_bpm = excluded.respiration_bpm, steps = excluded.steps, \
     kcal_consumed = excluded.kcal_consumed, vo2max = excluded.vo2max, \
     temp_weight = excluded.temp_weight, temp_resting_hr = excluded.temp_resting_hr, \
     ctl = excluded.ctl, atl = excluded.atl, ramp_rate = excluded.ramp_rate, \
     provider_updated_at_ms = excluded.provider_updated_at_ms, \
     content_hash = excluded.content_hash, stored_at_ms = excluded.stored_at_ms"
);
const RANGE: &str = concat!(
    "SELECT day, ",
    field_columns!(),
    ", provider_updated_at_ms FROM wellness WHERE user_id = $1 AND day >= $2 AND day <= $3 \
     ORDER BY day"
);

/// Stores one day for `user` unless nothing changed (see the module docs).
///
/// # Errors
/// [`StoreError::Database`] on failure.
pub async fn upsert(
    store: &Store,
    user: UserId,
    record: &WellnessRecord,
    now_ms: i64,
) -> Result<Outcome, StoreError> {
    let outcomes = upsert_days(store, user, std::slice::from_ref(record), now_ms).await?;
    Ok(outcomes.into_iter().next().unwrap_or(Outcome::Unchanged))
}

/// Stores several days for `user` in one transaction, each unless nothing changed; returns one
/// outcome per record, in order. A day listed twice keeps its last record.
///
/// # Errors
/// [`StoreError::Database`] on failure (nothing is written then).
pub async fn upsert_days(
    store: &Store,
    user: UserId,
    records: &[WellnessRecord],
    now_ms: i64,
) -> Result<Vec<Outcome>, StoreError> {
    let (Some(first), Some(last)) = (
        records.iter().map(|r| r.day).min(),
        records.iter().map(|r| r.day).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut tx = begin_write(store).await?;
    let rows: Vec<(String, String, Option<i64>)> = with_tx!(tx, conn => sqlx::query_as(EXISTING)
        .bind(user.0)
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&mut *conn)
        .await)?;
    let mut existing: HashMap<String, (String, Option<i64>)> = rows
        .into_iter()
        .map(|(day, hash, stamp)| (day, (hash, stamp)))
        .collect();
    let mut outcomes = Vec::with_capacity(records.len());
    let mut written = 0;
    for record in records {
        let day = record.day.to_string();
        let hash = content_hash(&WellnessRecord {
            provider_updated_at_ms: None,
            ..record.clone()
        });
        let outcome = match existing.get(&day) {
            None => Outcome::Inserted,
            Some((old, _)) if *old != hash => Outcome::Updated,
            Some((_, stamp)) if *stamp == record.provider_updated_at_ms => {
                outcomes.push(Outcome::Unchanged);
                continue;
            }
            Some(_) => Outcome::Unchanged,
        };
        with_tx!(tx, conn => bind_fields!(sqlx::query(UPSERT), record)
            .bind(record.provider_updated_at_ms)
            .bind(&hash)
            .bind(now_ms)
            .bind(user.0)
            .bind(&day)
            .execute(&mut *conn)
            .await.map(|r| r.rows_affected()))?;
        written += 1;
        existing.insert(day, (hash, record.provider_updated_at_ms));
        outcomes.push(outcome);
    }
    if written == 0 {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(outcomes)
}

/// A user's records for days `from..=to`, by day.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable row.
pub async fn range(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<WellnessRecord>, StoreError> {
    let rows: Vec<rows::Row> = with_pool!(store, pool => sqlx::query_as(RANGE)
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(WellnessRecord::try_from).collect()
}

mod rows {
    //! The private row of the `wellness` table.

    use super::WellnessRecord;
    use crate::store::StoreError;

    #[derive(sqlx::FromRow)]
    pub(super) struct Row {
        day: String,
        resting_hr_bpm: Option<i64>,
        hrv_rmssd_ms: Option<f64>,
        hrv_sdnn_ms: Option<f64>,
        sleep_s: Option<i64>,
        sleep_score: Option<f64>,
        sleep_quality: Option<i64>,
        avg_sleeping_hr_bpm: Option<f64>,
        readiness: Option<f64>,
        soreness: Option<i64>,
        fatigue: Option<i64>,
        stress: Option<i64>,
        mood: Option<i64>,
        motivation: Option<i64>,
        injury: Option<i64>,
        hydration: Option<i64>,
        weight_kg: Option<f64>,
        body_fat_pct: Option<f64>,
        spo2_pct: Option<f64>,
        respiration_bpm: Option<f64>,
        steps: Option<i64>,
        kcal_consumed: Option<i64>,
        vo2max: Option<f64>,
        temp_weight: Option<bool>,
        temp_resting_hr: Option<bool>,
        ctl: Option<f64>,
        atl: Option<f64>,
        ramp_rate: Option<f64>,
        provider_updated_at_ms: Option<i64>,
    }

    fn scale(column: &'static str, v: Option<i64>) -> Result<Option<u8>, StoreError> {
        v.map(|x| {
            u8::try_from(x).map_err(|_| StoreError::Corrupt {
                column,
                detail: format!("scale value {x}"),
            })
        })
        .transpose()
    }

    impl TryFrom<Row> for WellnessRecord {
        type Error = StoreError;

        fn try_from(r: Row) -> Result<Self, StoreError> {
            let day = r
                .day
                .parse()
                .map_err(|e: jiff::Error| StoreError::Corrupt {
                    column: "wellness.day",
                    detail: e.to_string(),
                })?;
            Ok(Self {
                day,
                resting_hr_bpm: r.resting_hr_bpm,
                hrv_rmssd_ms: r.hrv_rmssd_ms,
                hrv_sdnn_ms: r.hrv_sdnn_ms,
                sleep_s: r.sleep_s,
                sleep_score: r.sleep_score,
                sleep_quality: scale("wellness.sleep_quality", r.sleep_quality)?,
                avg_sleeping_hr_bpm: r.avg_sleeping_hr_bpm,
                readiness: r.readiness,
                soreness: scale("wellness.soreness", r.soreness)?,
                fatigue: scale("wellness.fatigue", r.fatigue)?,
                stress: scale("wellness.stress", r.stress)?,
                mood: scale("wellness.mood", r.mood)?,
                motivation: scale("wellness.motivation", r.motivation)?,
                injury: scale("wellness.injury", r.injury)?,
                hydration: scale("wellness.hydration", r.hydration)?,
                weight_kg: r.weight_kg,
                body_fat_pct: r.body_fat_pct,
                spo2_pct: r.spo2_pct,
                respiration_bpm: r.respiration_bpm,
                steps: r.steps,
                kcal_consumed: r.kcal_consumed,
                vo2max: r.vo2max,
                temp_weight: r.temp_weight,
                temp_resting_hr: r.temp_resting_hr,
                ctl: r.ctl,
                atl: r.atl,
                ramp_rate: r.ramp_rate,
                provider_updated_at_ms: r.provider_updated_at_ms,
            })
        }
    }
}
