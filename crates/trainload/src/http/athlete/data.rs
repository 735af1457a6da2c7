//! What the athlete API and the dashboard pages show, computed from the stored loads with the
//! science crate: the day's CTL/ATL/TSB, ACWR per sport, the PMC series and the activity list.
//! Both the JSON handlers and the HTML pages read these types, so they always agree.

use std::collections::BTreeMap;

use jiff::civil::Date;
use science::acwr::{AcwrPoint, CombinedRisk};
use science::load::{DailyLoads, Series};
use serde::Serialize;
use utoipa::ToSchema;

use queue::Scheduler;

pub use super::fitness::{PowerCurve, ThresholdEntry, power_curve, thresholds_history};
use super::range::DateRange;
pub use super::status::{NextSync, SyncStatus, next_sync, sync_status};
pub use super::wellness::{WellnessDay, wellness_series};
use crate::http::ApiError;
use crate::store::activities::{self, Activity, ActivityId};
use crate::store::loads::{self, ActivityLoad};
use crate::store::users::{self, User, UserId};
use crate::store::{Store, StoreError, integrations};

/// How far back the load history is read: CTL forgets with a 42-day constant, so three years
/// is indistinguishable from all of it.
const HISTORY_DAYS: i64 = 3 * 365;
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
    /// Live activities, by start.
    pub activities: Vec<Activity>,
    /// Loads by activity.
    pub loads: BTreeMap<ActivityId, ActivityLoad>,
    /// Daily load sums up to today.
    pub daily: DailyLoads,
}

/// Reads `user`'s history.
///
/// # Errors
/// 404 for an unknown user; 500 for a store or calculation failure.
pub async fn history(store: &Store, user: UserId) -> Result<History, ApiError> {
    history_covering(store, user, None).await
}

/// Reads `user`'s history, reaching back far enough that the PMC is settled on `first_day`
/// (at least a year before it).
///
/// # Errors
/// 404 for an unknown user; 500 for a store or calculation failure.
pub async fn history_covering(
    store: &Store,
    user: UserId,
    first_day: Option<Date>,
) -> Result<History, ApiError> {
    let user = match users::get(store, user).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Err(not_found("user")),
        Err(other) => return Err(other.into()),
    };
    let today = local_today(&user.time_zone);
    let from = add_days(today, -HISTORY_DAYS);
    // Reach further back only when the first day asked for would lack its warm-up, so ranges
    // within the last two years agree exactly with the dashboard's series.
    let from = first_day.map_or(from, |d| from.min(add_days(d, -WARM_UP_DAYS)));
    let acts = activities::list_by_local_date(store, user.id, from, today).await?;
    let dated = loads::list_by_local_date(store, user.id, from, today).await?;
    let science_loads: Vec<_> = dated.iter().map(science_load).collect();
    let daily = DailyLoads::new(&science_loads, local(today)).map_err(ApiError::internal)?;
    let loads = dated
        .into_iter()
        .map(|d| (d.load.activity, d.load))
        .collect();
    Ok(History {
        user,
        today,
        activities: acts,
        loads,
        daily,
    })
}

/// `user`'s local date now.
///
/// # Errors
/// 404 for an unknown user; 500 for a store failure.
pub async fn today_of(store: &Store, user: UserId) -> Result<Date, ApiError> {
    match users::get(store, user).await {
        Ok(user) => Ok(local_today(&user.time_zone)),
        Err(StoreError::NotFound) => Err(not_found("user")),
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
) -> Result<ThresholdsInForce, ApiError> {
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

/// 404 in the house format for an unknown `what`.
pub fn not_found(what: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        format!("no such {what}"),
    )
}

/// The date in `zone` now (UTC when the name is unknown).
pub fn local_today(zone: &str) -> Date {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned(tz).date()
}

pub(crate) use crate::sync::{add_days, local, science_load};

/// One ACWR series on the dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcwrView {
    /// EWMA acute ÷ chronic, or `None` with too little data.
    pub ratio: Option<f64>,
    /// `detraining`, `low`, `sweet_spot`, `elevated`, `high` or `insufficient_data`.
    pub band: &'static str,
    /// Acute load, UTL per week.
    pub acute_weekly_utl: f64,
    /// Chronic load, UTL per week.
    pub chronic_weekly_utl: f64,
}

impl AcwrView {
    fn of(point: &AcwrPoint) -> Self {
        Self {
            ratio: point.value.ratio(),
            band: point
                .value
                .band()
                .map_or("insufficient_data", |b| b.as_str()),
            acute_weekly_utl: point.acute_weekly,
            chronic_weekly_utl: point.chronic_weekly,
        }
    }
}

/// One provider connection's state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntegrationView {
    /// `strava` or `intervals`.
    pub provider: &'static str,
    /// `active`, `needs_reauth` or `revoked`.
    pub status: &'static str,
    /// Last successful sync, epoch ms.
    pub last_sync_at_ms: Option<i64>,
}

/// `GET /api/v1/me/dashboard`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// Display name.
    pub name: String,
    /// The athlete's local today.
    pub date: String,
    /// Chronic training load (fitness), UTL/day.
    pub ctl: f64,
    /// Acute training load (fatigue), UTL/day.
    pub atl: f64,
    /// Training stress balance (form) going into today: yesterday's CTL − yesterday's ATL
    /// (TrainingPeaks' convention), so it is not `ctl − atl` of this answer.
    pub tsb: f64,
    /// ACWR by series: `overall`, `running`, `cycling`.
    pub acwr: BTreeMap<&'static str, AcwrView>,
    /// Combined risk band of the three series.
    pub risk: &'static str,
    /// Sum of UTL over the last 7 days including today.
    pub week_load_utl: f64,
    /// Latest successful sync of any provider, epoch ms.
    pub last_sync_at_ms: Option<i64>,
    /// Next scheduled sync (`quick_sync` or `daily_sync`, whichever fires first), epoch ms;
    /// null without an active connection or with both jobs paused.
    pub next_sync_at_ms: Option<i64>,
    /// The same instant, RFC 3339 in UTC.
    pub next_sync_at: Option<String>,
    /// The provider connections.
    pub integrations: Vec<IntegrationView>,
    /// Time in zone over the last 7 local days (today included), summed per model.
    pub time_in_zone: super::zone_times::WeekZoneTime,
}

/// The dashboard summary of `history`.
///
/// # Errors
/// 500 for a store or calculation failure.
pub async fn dashboard(
    store: &Store,
    scheduler: &Scheduler,
    history: &History,
) -> Result<Dashboard, ApiError> {
    let cfg = &science::Config::default().load;
    let pmc = science::load::pmc_series(&history.daily, Series::Overall, cfg)
        .map_err(ApiError::internal)?;
    let last = pmc.last();
    let report = science::acwr::acwr(&history.daily, cfg).map_err(ApiError::internal)?;
    let acwr = BTreeMap::from([
        ("overall", AcwrView::of(&report.overall.ewma)),
        ("running", AcwrView::of(&report.running.ewma)),
        ("cycling", AcwrView::of(&report.cycling.ewma)),
    ]);
    let risk = match report.combined {
        CombinedRisk::Band(band) => band.as_str(),
        CombinedRisk::InsufficientData => "insufficient_data",
    };
    let connections = integrations::list_for_user(store, history.user.id).await?;
    let integrations: Vec<IntegrationView> = connections
        .iter()
        .map(|i| IntegrationView {
            provider: i.provider,
            status: i.status.as_str(),
            last_sync_at_ms: i.last_sync_at_ms,
        })
        .collect();
    let next_sync = next_sync(scheduler, &connections).await?;
    let time_in_zone = super::zone_times::last_week(store, history.user.id, history.today).await?;
    Ok(Dashboard {
        name: history.user.name.clone(),
        date: history.today.to_string(),
        ctl: last.map_or(0.0, |d| d.ctl),
        atl: last.map_or(0.0, |d| d.atl),
        tsb: last.map_or(0.0, |d| d.tsb),
        acwr,
        risk,
        week_load_utl: history
            .daily
            .sum_days(local(history.today), 7, Series::Overall),
        last_sync_at_ms: integrations.iter().filter_map(|i| i.last_sync_at_ms).max(),
        next_sync_at_ms: next_sync.as_ref().map(|n| n.at_ms),
        next_sync_at: next_sync.map(|n| n.at),
        integrations,
        time_in_zone,
    })
}

/// One day of the performance-management chart.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PmcPoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The day's load, UTL.
    pub load: f64,
    /// Fitness.
    pub ctl: f64,
    /// Fatigue.
    pub atl: f64,
    /// Form.
    pub tsb: f64,
}

/// `GET /api/v1/me/pmc`: the chart's days.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PmcSeries {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (never after the athlete's today).
    pub to: String,
    /// Number of days.
    pub days: usize,
    /// One point per day, oldest first.
    pub points: Vec<PmcPoint>,
}

/// The last `days` days up to today, oldest first; days before the first activity are zeros.
///
/// # Errors
/// 500 for a calculation failure.
pub fn pmc(history: &History, days: u32) -> Result<Vec<PmcPoint>, ApiError> {
    pmc_between(history, DateRange::last_days(history.today, days))
}

/// The days of `range`, oldest first; days before the first activity are zeros and days after
/// the athlete's today are left out (there is no load there yet). Read the history with
/// [`history_covering`] from `range.from` so the values are settled.
///
/// # Errors
/// 500 for a calculation failure.
pub fn pmc_between(history: &History, range: DateRange) -> Result<Vec<PmcPoint>, ApiError> {
    let cfg = &science::Config::default().load;
    let series = science::load::pmc_series(&history.daily, Series::Overall, cfg)
        .map_err(ApiError::internal)?;
    let by_date: BTreeMap<i32, &science::load::PmcDay> = series
        .iter()
        .map(|d| (d.date.days_since_epoch(), d))
        .collect();
    let last = range.to.min(history.today);
    let first = local(range.from);
    let days = local(last).days_since(first) + 1;
    Ok((0..days.max(0))
        .map(|k| {
            let date = first.add_days(k);
            let day = by_date.get(&date.days_since_epoch());
            PmcPoint {
                date: date.to_string(),
                load: day.map_or(0.0, |d| d.load),
                ctl: day.map_or(0.0, |d| d.ctl),
                atl: day.map_or(0.0, |d| d.atl),
                tsb: day.map_or(0.0, |d| d.tsb),
            }
        })
        .collect())
}
