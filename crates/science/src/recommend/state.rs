//! Rule 1: the state at T from the history through T−1.

use super::{HistoryActivity, LoadMethod, RecommendConfig};
use crate::acwr::{AcwrValue, acwr_on};
use crate::error::ScienceError;
use crate::load::{DailyLoads, DatedLoad, DaySums, LoadConfig, Series, pmc_series};
use crate::sport::SportTable;
use crate::{LocalDate, SportGroup};

/// CTL/ATL/TSB, ACWR, C, W and whether yesterday was hard.
#[derive(Debug, Clone, Copy)]
pub(super) struct State {
    pub ctl: f64,
    pub atl: f64,
    /// TSB_T = CTL(T−1) − ATL(T−1).
    pub tsb: f64,
    pub acwr: AcwrValue,
    /// C = 7·E_chronic at T−1.
    pub chronic: f64,
    /// W = Σ L over T−7 … T−1.
    pub last_week: f64,
    /// Days from the seed to T−1 (0 without history).
    pub history_days: i32,
    pub yesterday_hard: bool,
    /// Group of yesterday's largest load, for the rationale.
    pub yesterday_group: Option<SportGroup>,
}

/// The daily loads the state reads: through T−1, and through T with today's completed work.
#[derive(Debug, Clone)]
pub(super) struct Loads {
    before: DailyLoads,
    through_today: DailyLoads,
}

impl Loads {
    /// From the stored sums of the days before T and today's activities, summed as
    /// [`DaySums::of`] sums a day: equal bit for bit to [`Loads::from_activities`] over the
    /// activities the sums were made from.
    pub fn from_days(
        daily: &[DaySums],
        today: &[HistoryActivity],
        as_of: LocalDate,
    ) -> Result<Self, ScienceError> {
        let yesterday = as_of.add_days(-1);
        let today_loads: Vec<DatedLoad> = today.iter().map(HistoryActivity::dated_load).collect();
        let mut with_today: Vec<DaySums> =
            daily.iter().copied().filter(|d| d.date < as_of).collect();
        with_today.push(DaySums::of(as_of, &today_loads)?);
        Ok(Self {
            before: DailyLoads::from_days(daily, yesterday)?,
            through_today: DailyLoads::from_days(&with_today, as_of)?,
        })
    }

    /// Summed from every activity before T (`history`) and on T (`today`): how the plan summed
    /// loads before the stored day sums, kept to check that the two agree.
    #[cfg(test)]
    pub fn from_activities(
        history: &[HistoryActivity],
        today: &[HistoryActivity],
        as_of: LocalDate,
    ) -> Result<Self, ScienceError> {
        let loads: Vec<DatedLoad> = history.iter().map(HistoryActivity::dated_load).collect();
        let through_today: Vec<DatedLoad> = loads
            .iter()
            .copied()
            .chain(today.iter().map(HistoryActivity::dated_load))
            .collect();
        Ok(Self {
            before: DailyLoads::new(&loads, as_of.add_days(-1))?,
            through_today: DailyLoads::new(&through_today, as_of)?,
        })
    }
}

/// The state at `as_of` (T). CTL and ATL are those after T−1, the last complete day; the ACWR
/// is the one on T with today's completed activities, as the overview shows it. `history` holds
/// the activities before T (only yesterday's are read here).
pub(super) fn at(
    history: &[HistoryActivity],
    loads: &Loads,
    as_of: LocalDate,
    cfg: &RecommendConfig,
    load_cfg: &LoadConfig,
    sports: &SportTable,
) -> Result<State, ScienceError> {
    let yesterday = as_of.add_days(-1);
    let daily = &loads.before;
    let chart = pmc_series(daily, Series::Overall, load_cfg)?;
    let (ctl, atl) = chart.last().map_or((0.0, 0.0), |d| (d.ctl, d.atl));
    let ratio = acwr_on(daily, Series::Overall, load_cfg)?;
    let chronic = ratio.ewma.chronic_weekly;
    let now = acwr_on(&loads.through_today, Series::Overall, load_cfg)?;
    let l_yesterday = daily.load_on(yesterday, Series::Overall);
    let on_yesterday = history.iter().filter(|a| a.date == yesterday);
    let by_intensity = on_yesterday.clone().any(|a| {
        let est = (a.method == LoadMethod::Estimated).then(|| sports.get(a.class).if_default);
        a.intensity_factor.or(est).is_some_and(|f| f >= cfg.hard_if)
    });
    // A zero load is never hard, even when C = 0 makes the load criterion 0 ≥ 0.
    let by_load = l_yesterday > 0.0 && l_yesterday >= cfg.hard_load_chronic_days * chronic / 7.0;
    let yesterday_group = on_yesterday
        .max_by(|a, b| a.utl.total_cmp(&b.utl))
        .map(HistoryActivity::group);
    Ok(State {
        ctl,
        atl,
        tsb: ctl - atl,
        acwr: now.ewma.value,
        chronic,
        last_week: daily.sum_days(yesterday, 7, Series::Overall),
        history_days: daily.days_since_seed(),
        yesterday_hard: by_intensity || by_load,
        yesterday_group,
    })
}
