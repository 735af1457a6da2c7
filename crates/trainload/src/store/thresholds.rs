//! Threshold history: append-only sets of FTP, CP, W′, threshold speed, D′, LTHR, max and
//! resting HR, each effective from a date. A load row references the set it used, so sets are
//! never edited: a correction is a new set.

use jiff::civil::Date;
use serde::Serialize;

use super::loads::json;
use super::users::{UserId, corrupt};
use super::{Store, StoreError};

/// A threshold set's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ThresholdSetId(pub i64);

/// Where a threshold set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdSource {
    /// Entered by the athlete or a coach.
    Manual,
    /// Estimated from activities.
    Estimated,
    /// From wellness data (resting HR).
    Wellness,
}

impl ThresholdSource {
    /// The `source` column value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Estimated => "estimated",
            Self::Wellness => "wellness",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "manual" => Ok(Self::Manual),
            "estimated" => Ok(Self::Estimated),
            "wellness" => Ok(Self::Wellness),
            other => Err(corrupt("thresholds.source", other)),
        }
    }
}

/// The values of a set; `None` where unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ThresholdValues {
    /// Functional threshold power, W.
    pub ftp_w: Option<f64>,
    /// Critical power, W.
    pub cp_w: Option<f64>,
    /// W′, J.
    pub w_prime_j: Option<f64>,
    /// Threshold (critical) speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// D′, m.
    pub d_prime_m: Option<f64>,
    /// Lactate threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<f64>,
}

/// A set to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewThresholdSet {
    /// The athlete.
    pub user: UserId,
    /// First day the set applies to.
    #[serde(serialize_with = "super::hash::date_text")]
    pub effective_from: Date,
    /// Manual, estimated or wellness.
    pub source: ThresholdSource,
    /// Estimation method (`manual`, `cp_3param`, `mmp_95pct_20min`, …).
    pub method: String,
    /// The values.
    pub values: ThresholdValues,
    /// Which efforts support it, JSON.
    pub evidence: serde_json::Value,
    /// Data considered up to this day.
    #[serde(serialize_with = "super::hash::optional_date_text")]
    pub as_of: Option<Date>,
    /// Calculation version.
    pub calc_version: i64,
}

/// A stored set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdSet {
    /// Id.
    pub id: ThresholdSetId,
    /// Created, epoch ms.
    pub created_at_ms: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub set: NewThresholdSet,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    effective_from: String,
    source: String,
    method: String,
    ftp_w: Option<f64>,
    cp_w: Option<f64>,
    w_prime_j: Option<f64>,
    threshold_speed_mps: Option<f64>,
    d_prime_m: Option<f64>,
    lthr_bpm: Option<f64>,
    max_hr_bpm: Option<f64>,
    resting_hr_bpm: Option<f64>,
    evidence: String,
    as_of: Option<String>,
    calc_version: i64,
    created_at_ms: i64,
}

fn date(column: &'static str, text: &str) -> Result<Date, StoreError> {
    text.parse().map_err(|e: jiff::Error| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

impl TryFrom<Row> for ThresholdSet {
    type Error = StoreError;

    fn try_from(row: Row) -> Result<Self, StoreError> {
        let values = ThresholdValues {
            ftp_w: row.ftp_w,
            cp_w: row.cp_w,
            w_prime_j: row.w_prime_j,
            threshold_speed_mps: row.threshold_speed_mps,
            d_prime_m: row.d_prime_m,
            lthr_bpm: row.lthr_bpm,
            max_hr_bpm: row.max_hr_bpm,
            resting_hr_bpm: row.resting_hr_bpm,
        };
        let set = NewThresholdSet {
            user: UserId(row.user_id),
            effective_from: date("thresholds.effective_from", &row.effective_from)?,
            source: ThresholdSource::parse(&row.source)?,
            method: row.method,
            values,
            evidence: json("thresholds.evidence", &row.evidence)?,
            as_of: row
                .as_of
                .map(|d| date("thresholds.as_of", &d))
                .transpose()?,
            calc_version: row.calc_version,
        };
        Ok(Self {
            id: ThresholdSetId(row.id),
            created_at_ms: row.created_at_ms,
            set,
        })
    }
}

macro_rules! select_thresholds {
    () => {
        "SELECT id, user_id, effective_from, source, method, ftp_w, cp_w, w_prime_j, \
         threshold_speed_mps, d_prime_m, lthr_bpm, max_hr_bpm, resting_hr_bpm, evidence, as_of, \
         calc_version, created_at_ms FROM thresholds "
    };
}

const INSERT: &str = "INSERT INTO thresholds (user_id, effective_from, source, method, ftp_w, \
     cp_w, w_prime_j, threshold_speed_mps, d_prime_m, lthr_bpm, max_hr_bpm, resting_hr_bpm, \
     evidence, as_of, calc_version, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
     $10, $11, $12, $13, $14, $15, $16) RETURNING id";
const GET: &str = concat!(select_thresholds!(), "WHERE id = $1");
const HISTORY: &str = concat!(
    select_thresholds!(),
    "WHERE user_id = $1 ORDER BY effective_from, id"
);
const IN_EFFECT: &str = concat!(
    select_thresholds!(),
    "WHERE user_id = $1 AND effective_from <= $2 ORDER BY effective_from DESC, id DESC LIMIT 1"
);

const DELETE_MANUAL: &str = "DELETE FROM thresholds WHERE id = $1 AND user_id = $2 \
     AND source = 'manual' RETURNING effective_from";

/// Removes a manual set of `user`; returns its effective date, or `None` when `id` is not a
/// manual set of that user. Loads that used it keep their row (their reference is cleared) until
/// they are recomputed.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable date.
pub async fn delete_manual(
    store: &Store,
    user: UserId,
    id: ThresholdSetId,
) -> Result<Option<Date>, StoreError> {
    let day: Option<String> = with_pool!(store, pool => sqlx::query_scalar(DELETE_MANUAL)
        .bind(id.0)
        .bind(user.0)
        .fetch_optional(pool)
        .await)?;
    day.map(|d| date("thresholds.effective_from", &d))
        .transpose()
}

/// Records a new set.
///
/// # Errors
/// [`StoreError::Database`] on failure (an unknown user fails the foreign key).
pub async fn add(
    store: &Store,
    set: &NewThresholdSet,
    now_ms: i64,
) -> Result<ThresholdSetId, StoreError> {
    let v = &set.values;
    let id: i64 = with_pool!(store, pool => sqlx::query_scalar(INSERT)
        .bind(set.user.0)
        .bind(set.effective_from.to_string())
        .bind(set.source.as_str())
        .bind(&set.method)
        .bind(v.ftp_w)
        .bind(v.cp_w)
        .bind(v.w_prime_j)
        .bind(v.threshold_speed_mps)
        .bind(v.d_prime_m)
        .bind(v.lthr_bpm)
        .bind(v.max_hr_bpm)
        .bind(v.resting_hr_bpm)
        .bind(set.evidence.to_string())
        .bind(set.as_of.map(|d| d.to_string()))
        .bind(set.calc_version)
        .bind(now_ms)
        .fetch_one(pool)
        .await)?;
    Ok(ThresholdSetId(id))
}

/// One set.
///
/// # Errors
/// [`StoreError::NotFound`] for an unknown id.
pub async fn get(store: &Store, id: ThresholdSetId) -> Result<ThresholdSet, StoreError> {
    let row: Row = with_pool!(store, pool => sqlx::query_as(GET).bind(id.0).fetch_one(pool).await)?;
    row.try_into()
}

/// A user's sets by effective date (then by creation).
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable rows.
pub async fn history(store: &Store, user: UserId) -> Result<Vec<ThresholdSet>, StoreError> {
    let rows: Vec<Row> =
        with_pool!(store, pool => sqlx::query_as(HISTORY).bind(user.0).fetch_all(pool).await)?;
    rows.into_iter().map(ThresholdSet::try_from).collect()
}

/// The set in effect on `day`: the latest effective on or before it (the newest when several
/// share that date).
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable row.
pub async fn in_effect(
    store: &Store,
    user: UserId,
    day: Date,
) -> Result<Option<ThresholdSet>, StoreError> {
    let row: Option<Row> = with_pool!(store, pool => sqlx::query_as(IN_EFFECT)
        .bind(user.0)
        .bind(day.to_string())
        .fetch_optional(pool)
        .await)?;
    row.map(ThresholdSet::try_from).transpose()
}
