//! What the dashboard shows, from the stored loads with the science crate: the day's
//! CTL/ATL/TSB, ACWR per sport, the connections and the next sync, and the PMC series. The API
//! serialises these types and the pages draw them, so the two always agree.

use std::collections::BTreeMap;

use providers::budget::Provider;
use queue::Scheduler;
use science::acwr::{AcwrPoint, CombinedRisk};
use science::load::Series;
use serde::Serialize;
use utoipa::ToSchema;

use super::ReadError;
use super::history::History;
use super::local;
use super::range::DateRange;
use super::status::next_sync;
use crate::store::{Store, integrations};

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
    #[schema(value_type = String)]
    pub provider: Provider,
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
/// A store, scheduler or calculation failure.
pub async fn dashboard(
    store: &Store,
    scheduler: &Scheduler,
    history: &History,
) -> Result<Dashboard, ReadError> {
    let cfg = &science::Config::default().load;
    let pmc = science::load::pmc_series(&history.daily, Series::Overall, cfg)
        .map_err(ReadError::failed)?;
    let last = pmc.last();
    let report = science::acwr::acwr(&history.daily, cfg).map_err(ReadError::failed)?;
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
/// A calculation failure.
pub fn pmc(history: &History, days: u32) -> Result<Vec<PmcPoint>, ReadError> {
    pmc_between(history, DateRange::last_days(history.today, days))
}

/// The days of `range`, oldest first; days before the first activity are zeros and days after
/// the athlete's today are left out (there is no load there yet). Read the history with
/// [`super::history_covering`] from `range.from` so the values are settled.
///
/// # Errors
/// A calculation failure.
pub fn pmc_between(history: &History, range: DateRange) -> Result<Vec<PmcPoint>, ReadError> {
    let cfg = &science::Config::default().load;
    let series = science::load::pmc_series(&history.daily, Series::Overall, cfg)
        .map_err(ReadError::failed)?;
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
