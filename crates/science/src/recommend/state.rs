//! Rule 1: the state at T from the history through T−1.

use super::{HistoryActivity, LoadMethod, RecommendConfig};
use crate::acwr::{AcwrValue, acwr_on};
use crate::error::ScienceError;
use crate::load::{DailyLoads, DatedLoad, LoadConfig, Series, pmc_series};
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

/// The state at `as_of` (T). CTL and ATL are those after T−1, the last complete day; the ACWR
/// is the one on T with today's completed activities (`today`), as the overview shows it.
pub(super) fn at(
    history: &[HistoryActivity],
    today: &[HistoryActivity],
    as_of: LocalDate,
    cfg: &RecommendConfig,
    load_cfg: &LoadConfig,
    sports: &SportTable,
) -> Result<State, ScienceError> {
    let yesterday = as_of.add_days(-1);
    let loads: Vec<DatedLoad> = history
        .iter()
        .map(|a| DatedLoad {
            date: a.date,
            group: a.group(),
            utl: a.utl,
        })
        .collect();
    let daily = DailyLoads::new(&loads, yesterday)?;
    let chart = pmc_series(&daily, Series::Overall, load_cfg)?;
    let (ctl, atl) = chart.last().map_or((0.0, 0.0), |d| (d.ctl, d.atl));
    let ratio = acwr_on(&daily, Series::Overall, load_cfg)?;
    let chronic = ratio.ewma.chronic_weekly;
    let through_today: Vec<DatedLoad> = loads
        .iter()
        .copied()
        .chain(today.iter().map(|a| DatedLoad {
            date: a.date,
            group: a.group(),
            utl: a.utl,
        }))
        .collect();
    let now = acwr_on(
        &DailyLoads::new(&through_today, as_of)?,
        Series::Overall,
        load_cfg,
    )?;
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
