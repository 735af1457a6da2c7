//! The few columns of an athlete's loaded activities that planning needs (date, sport, distance,
//! time, method and load figures), read in one narrow query: the recommendations look at years
//! of them, and reading whole activity and load rows (with their JSON provenance) for that
//! cost most of a page.

use jiff::civil::Date;

use super::users::UserId;
use super::{Store, StoreError};

/// One live activity with a load, as planning reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedActivity {
    /// Local date of the start.
    pub local_date: Date,
    /// Raw provider sport type.
    pub sport_type: String,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Moving time, s.
    pub moving_s: Option<i64>,
    /// Elapsed time, s.
    pub elapsed_s: Option<i64>,
    /// The load's method.
    pub method: science::utl::Method,
    /// Unit Training Load.
    pub utl: f64,
    /// Base load before the wellness modifier.
    pub base_load: f64,
    /// Intensity factor.
    pub intensity_factor: Option<f64>,
}

const BETWEEN: &str = "SELECT a.local_date, a.sport_type, a.distance_m, a.moving_s, a.elapsed_s, \
     l.method, l.utl, l.base_load, l.intensity_factor FROM activities a \
     JOIN activity_loads l ON l.activity_id = a.id WHERE a.user_id = $1 \
     AND a.local_date >= $2 AND a.local_date <= $3 AND a.deleted_at_ms IS NULL \
     ORDER BY a.start_at_ms, a.id";

#[derive(sqlx::FromRow)]
struct Row {
    local_date: String,
    sport_type: String,
    distance_m: Option<f64>,
    moving_s: Option<i64>,
    elapsed_s: Option<i64>,
    method: String,
    utl: f64,
    base_load: f64,
    intensity_factor: Option<f64>,
}

/// `user`'s live activities with a load dated `from..=to`, by start.
///
/// # Errors
/// [`StoreError::Corrupt`] for an unreadable date or method.
pub async fn between(
    store: &Store,
    user: UserId,
    from: Date,
    to: Date,
) -> Result<Vec<LoadedActivity>, StoreError> {
    let rows: Vec<Row> = with_pool!(store, pool => sqlx::query_as(BETWEEN)
        .bind(user.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|row| {
            Ok(LoadedActivity {
                local_date: row.local_date.parse().map_err(|e: jiff::Error| {
                    StoreError::Corrupt {
                        column: "activities.local_date",
                        detail: e.to_string(),
                    }
                })?,
                sport_type: row.sport_type,
                distance_m: row.distance_m,
                moving_s: row.moving_s,
                elapsed_s: row.elapsed_s,
                method: super::loads::method_of(&row.method)?,
                utl: row.utl,
                base_load: row.base_load,
                intensity_factor: row.intensity_factor,
            })
        })
        .collect()
}
