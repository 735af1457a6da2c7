//! One athlete's stored history as of their local today (the daily load sums and the series
//! they make) and the thresholds in force on a day: what every other read starts from.

use jiff::civil::Date;
use science::load::{DailyLoads, DaySums};

use super::ReadError;
use crate::store::users::{self, User, UserId};
use crate::store::{Store, StoreError, daily_loads};

/// How far back the load history is read: CTL forgets with a 42-day constant, so three years
/// is indistinguishable from all of it.
pub(super) const HISTORY_DAYS: i64 = 3 * 365;
/// Days of history read before the first day of a PMC range: a year weighs the CTL's start
/// (zero) by e^(−365/42) < 0.02 %.
const WARM_UP_DAYS: i64 = 365;

/// One athlete's stored history as of their local today.
#[derive(Debug)]
pub struct History {
    /// The athlete.
    pub user: User,
    /// Their local date now.
    pub today: Date,
    /// Daily load sums up to today, from the stored day sums (`daily_loads`): bit-identical to
    /// summing every activity's load.
    pub daily: DailyLoads,
    /// The stored day sums `daily` was made from (days with a load only, any order): the plan
    /// takes them as they are.
    pub days: Vec<DaySums>,
}

/// Reads `user`'s history.
///
/// # Errors
/// [`ReadError::NotFound`] for an unknown user; a store or calculation failure.
pub async fn history(store: &Store, user: UserId) -> Result<History, ReadError> {
    history_covering(store, user, None).await
}

/// Reads `user`'s history, reaching back far enough that the PMC is settled on `first_day`
/// (at least a year before it).
///
/// # Errors
/// [`ReadError::NotFound`] for an unknown user; a store or calculation failure.
pub async fn history_covering(
    store: &Store,
    user: UserId,
    first_day: Option<Date>,
) -> Result<History, ReadError> {
    let user = match users::get(store, user).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Err(ReadError::NotFound("user")),
        Err(other) => return Err(other.into()),
    };
    let today = local_today(&user.time_zone);
    let from = add_days(today, -HISTORY_DAYS);
    // Reach further back only when the first day asked for would lack its warm-up, so ranges
    // within the last two years agree exactly with the dashboard's series.
    let from = first_day.map_or(from, |d| from.min(add_days(d, -WARM_UP_DAYS)));
    let days = daily_loads::between(store, user.id, from, today).await?;
    let daily = DailyLoads::from_days(&days, local(today)).map_err(ReadError::failed)?;
    Ok(History {
        user,
        today,
        daily,
        days,
    })
}

/// The activities with a load from `days` before the athlete's today through today (at most
/// the three years of [`history`]), in the few columns the plan reads.
///
/// # Errors
/// A store failure.
pub async fn loaded_activities(
    store: &Store,
    history: &History,
    days: i64,
) -> Result<Vec<crate::store::loaded_activities::LoadedActivity>, ReadError> {
    let from = add_days(history.today, -days.min(HISTORY_DAYS));
    let rows =
        crate::store::loaded_activities::between(store, history.user.id, from, history.today)
            .await?;
    Ok(rows)
}

/// `user`'s local date now.
///
/// # Errors
/// [`ReadError::NotFound`] for an unknown user; a store failure.
pub async fn today_of(store: &Store, user: UserId) -> Result<Date, ReadError> {
    match users::get(store, user).await {
        Ok(user) => Ok(local_today(&user.time_zone)),
        Err(StoreError::NotFound) => Err(ReadError::NotFound("user")),
        Err(other) => Err(other.into()),
    }
}

/// The thresholds in force for `user` on `day`, each field resolved as the sync resolves it
/// for a load (docs/science.md §7.1: manual, else the latest estimate, else back-filled; LTHR
/// may come from max HR). The newest stored set may hold only some fields (a resting-HR set
/// from wellness has no FTP), so reading that set alone would lose the others.
///
/// # Errors
/// A store failure.
pub async fn thresholds_on(
    store: &Store,
    user: UserId,
    day: Date,
) -> Result<ThresholdsInForce, ReadError> {
    use science::thresholds::Field;
    let history: Vec<_> = crate::store::thresholds::history(store, user)
        .await?
        .iter()
        .map(crate::sync::history_entry)
        .collect();
    let cfg = science::Config::default();
    let set = science::thresholds::history::resolve_all(&history, local(day), &cfg.thresholds);
    Ok(ThresholdsInForce {
        ftp_w: set.value(Field::Ftp),
        threshold_speed_mps: set.value(Field::ThresholdSpeed),
        lthr_bpm: set.value(Field::Lthr),
    })
}

/// The thresholds the plan and the zones are drawn from on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ThresholdsInForce {
    /// Functional threshold power, W.
    pub ftp_w: Option<f64>,
    /// Threshold running speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// Lactate threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
}

/// The date in `zone` now (UTC when the name is unknown).
pub fn local_today(zone: &str) -> Date {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).date()
}

use crate::sync::{add_days, local};
