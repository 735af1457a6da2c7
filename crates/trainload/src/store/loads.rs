//! Activity loads: one computed load per activity, with everything needed to explain and
//! reproduce it (method, inputs, threshold set, calculation version, provenance).

use jiff::civil::Date;
use serde::Serialize;

use super::provenance::{ModifierRecord, Provenance};

use super::activities::{ActivityFilter, ActivityId};
use super::thresholds::ThresholdSetId;
use super::users::UserId;
use super::{Store, StoreError};

/// [`science::CALC_VERSION`] (`tl-science/M.m.p`) as the stored integer `M·10⁶ + m·10³ + p`.
pub fn calc_version() -> i64 {
    let digits = science::CALC_VERSION.rsplit('/').next().unwrap_or("0.0.0");
    digits
        .split('.')
        .map(|part| part.parse::<i64>().unwrap_or(0))
        .fold(0, |acc, part| acc * 1000 + part)
}

pub use super::provenance::ThresholdBasis;

/// The load of one activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityLoad {
    /// The activity.
    pub activity: ActivityId,
    /// How the base load was computed.
    #[serde(with = "super::science_text")]
    pub method: science::utl::Method,
    /// Base load before the wellness modifier.
    pub base_load: f64,
    /// Wellness modifier (1.0 = none).
    pub modifier: f64,
    /// The modifier's components.
    pub modifier_components: ModifierRecord,
    /// Unit Training Load: `base_load × modifier`.
    pub utl: f64,
    /// Intensity factor.
    pub intensity_factor: Option<f64>,
    /// Normalized power, W.
    pub np_w: Option<f64>,
    /// Normalized graded pace as a speed, m/s.
    pub ngp_mps: Option<f64>,
    /// Banister TRIMP.
    pub trimp: Option<f64>,
    /// Heart-rate TSS.
    pub hr_tss: Option<f64>,
    /// The threshold set used.
    pub threshold_set: Option<ThresholdSetId>,
    /// Calculation version.
    pub calc_version: i64,
    /// Computed at, epoch ms.
    pub computed_at_ms: i64,
    /// Which inputs were used (streams or summary, wellness day, coverage …).
    pub provenance: Provenance,
}

/// A load with its activity's local date, for daily sums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedLoad {
    /// Local date of the activity's start.
    #[serde(serialize_with = "super::hash::date_text")]
    pub local_date: Date,
    /// The load.
    pub load: ActivityLoad,
}

#[derive(sqlx::FromRow)]
struct LoadRow {
    activity_id: i64,
    method: String,
    base_load: f64,
    modifier: f64,
    modifier_components: String,
    utl: f64,
    intensity_factor: Option<f64>,
    np_w: Option<f64>,
    ngp_mps: Option<f64>,
    trimp: Option<f64>,
    hr_tss: Option<f64>,
    threshold_set_id: Option<i64>,
    calc_version: i64,
    computed_at_ms: i64,
    provenance: String,
}

impl TryFrom<LoadRow> for ActivityLoad {
    type Error = StoreError;

    fn try_from(row: LoadRow) -> Result<Self, StoreError> {
        Ok(Self {
            activity: ActivityId(row.activity_id),
            method: method_of(&row.method)?,
            base_load: row.base_load,
            modifier: row.modifier,
            modifier_components: typed_json(
                "activity_loads.modifier_components",
                &row.modifier_components,
            )?,
            utl: row.utl,
            intensity_factor: row.intensity_factor,
            np_w: row.np_w,
            ngp_mps: row.ngp_mps,
            trimp: row.trimp,
            hr_tss: row.hr_tss,
            threshold_set: row.threshold_set_id.map(ThresholdSetId),
            calc_version: row.calc_version,
            computed_at_ms: row.computed_at_ms,
            provenance: typed_json("activity_loads.provenance", &row.provenance)?,
        })
    }
}

/// A stored `activity_loads.method`.
pub(crate) fn method_of(text: &str) -> Result<science::utl::Method, StoreError> {
    super::science_text::ScienceText::parse(text).ok_or_else(|| StoreError::Corrupt {
        column: "activity_loads.method",
        detail: format!("unknown load method {text:?}"),
    })
}

/// Parses a stored JSON text column.
pub(crate) fn json(column: &'static str, text: &str) -> Result<serde_json::Value, StoreError> {
    typed_json(column, text)
}

/// Parses a stored JSON text column into its type; a value that does not fit is corrupt.
pub(crate) fn typed_json<T: serde::de::DeserializeOwned>(
    column: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

/// The JSON text of a record to store.
fn json_text<T: Serialize>(column: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

macro_rules! select_loads {
    () => {
        "SELECT l.activity_id, l.method, l.base_load, l.modifier, l.modifier_components, l.utl, \
         l.intensity_factor, l.np_w, l.ngp_mps, l.trimp, l.hr_tss, l.threshold_set_id, \
         l.calc_version, l.computed_at_ms, l.provenance "
    };
}

// Only live activities get a load: the insert selects nothing for a soft-deleted one.
const PUT: &str = "INSERT INTO activity_loads (activity_id, method, base_load, modifier, \
     modifier_components, utl, intensity_factor, np_w, ngp_mps, trimp, hr_tss, threshold_set_id, \
     calc_version, computed_at_ms, provenance) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
     $11, $12, $13, $14, $15 WHERE EXISTS (SELECT 1 FROM activities WHERE id = $1 \
     AND deleted_at_ms IS NULL) ON CONFLICT (activity_id) DO UPDATE SET method = excluded.method, \
     base_load = excluded.base_load, modifier = excluded.modifier, \
     modifier_components = excluded.modifier_components, utl = excluded.utl, \
     intensity_factor = excluded.intensity_factor, np_w = excluded.np_w, \
     ngp_mps = excluded.ngp_mps, trimp = excluded.trimp, hr_tss = excluded.hr_tss, \
     threshold_set_id = excluded.threshold_set_id, calc_version = excluded.calc_version, \
     computed_at_ms = excluded.computed_at_ms, provenance = excluded.provenance";
const GET: &str = concat!(
    select_loads!(),
    "FROM activity_loads l WHERE l.activity_id = $1"
);
const LIST: &str = concat!(
    select_loads!(),
    ", a.local_date FROM activity_loads l JOIN activities a ON a.id = l.activity_id \
     WHERE a.user_id = $1 AND a.local_date >= $2 AND a.local_date <= $3 \
     AND a.deleted_at_ms IS NULL ORDER BY a.start_at_ms, a.id"
);

/// Stores (or replaces) the load of a live activity, then rebuilds its day in `daily_loads`.
///
/// # Errors
/// [`StoreError::NotFound`] when the activity does not exist or is soft-deleted.
pub async fn put(store: &Store, load: &ActivityLoad) -> Result<(), StoreError> {
    let modifier_components = json_text(
        "activity_loads.modifier_components",
        &load.modifier_components,
    )?;
    let provenance = json_text("activity_loads.provenance", &load.provenance)?;
    let done = with_pool!(store, pool => sqlx::query(PUT)
        .bind(load.activity.0)
        .bind(load.method.as_str())
        .bind(load.base_load)
        .bind(load.modifier)
        .bind(modifier_components)
        .bind(load.utl)
        .bind(load.intensity_factor)
        .bind(load.np_w)
        .bind(load.ngp_mps)
        .bind(load.trimp)
        .bind(load.hr_tss)
        .bind(load.threshold_set.map(|t| t.0))
        .bind(load.calc_version)
        .bind(load.computed_at_ms)
        .bind(provenance)
        .execute(pool)
        .await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    // Right after the load, its day's sums (a crash between the two is mended by the monthly
    // drift check).
    super::daily_loads::refresh_activity(store, load.activity).await
}

/// The load of one activity, if computed.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable JSON.
pub async fn get(store: &Store, activity: ActivityId) -> Result<Option<ActivityLoad>, StoreError> {
    let row: Option<LoadRow> = with_pool!(store, pool => sqlx::query_as(GET)
        .bind(activity.0)
        .fetch_optional(pool)
        .await)?;
    row.map(ActivityLoad::try_from).transpose()
}

/// The loads of the page [`super::activities::page_matching`] returns for the same arguments,
/// in no particular order.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable rows.
pub async fn page_matching(
    store: &Store,
    user: UserId,
    filter: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<ActivityLoad>, StoreError> {
    let condition = filter.condition();
    let sql = format!(
        "{} FROM activity_loads l WHERE l.activity_id IN (SELECT id FROM activities WHERE {} \
         ORDER BY start_at_ms DESC, id DESC LIMIT ${} OFFSET ${})",
        select_loads!(),
        condition.sql,
        condition.next,
        condition.next + 1
    );
    let rows: Vec<LoadRow> = with_pool!(store, pool => {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(user.0);
        for date in &condition.dates {
            query = query.bind(date.as_str());
        }
        query.bind(limit).bind(offset).fetch_all(pool).await
    })?;
    rows.into_iter().map(ActivityLoad::try_from).collect()
}

/// The loads of a user's live activities with local dates in `from..=to`, by start.
///
/// # Errors
/// [`StoreError::Corrupt`] for unreadable rows.
pub async fn list_by_local_date(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<DatedLoad>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Dated {
        #[sqlx(flatten)]
        load: LoadRow,
        local_date: String,
    }
    let rows: Vec<Dated> = with_pool!(store, pool => sqlx::query_as(LIST)
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|row| {
            let local_date =
                row.local_date
                    .parse()
                    .map_err(|e: jiff::Error| StoreError::Corrupt {
                        column: "activities.local_date",
                        detail: e.to_string(),
                    })?;
            Ok(DatedLoad {
                local_date,
                load: row.load.try_into()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ThresholdBasis;
    use science::thresholds::history::Basis;

    #[test]
    fn threshold_bases_keep_their_stored_names() {
        let stored = [
            (Basis::Manual, "manual"),
            (Basis::Estimated, "estimated"),
            (Basis::Backfilled, "backfilled"),
            (Basis::PctMax, "pctmax"),
        ];
        for (basis, name) in stored {
            let typed = ThresholdBasis::from(basis);
            assert_eq!(serde_json::to_value(typed).unwrap(), name);
            assert_eq!(
                serde_json::from_value::<ThresholdBasis>(name.into()).unwrap(),
                typed
            );
        }
        assert!(serde_json::from_value::<ThresholdBasis>("guessed".into()).is_err());
    }
}
