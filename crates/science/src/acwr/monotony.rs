//! Foster 1998 monotony and strain.

use crate::load::{DailyLoads, LoadConfig, Series};

/// Monotony and strain over the 7 days ending on `as_of` (rest days 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonotonyStrain {
    /// Σ L over the window, UTL.
    pub weekly_total: f64,
    /// Mean daily load, UTL/day.
    pub mean: f64,
    /// Population SD (÷ n) of the daily loads.
    pub sd: f64,
    /// mean / SD; `None` when SD = 0.
    pub monotony: Option<f64>,
    /// weekly total × monotony; `None` with monotony.
    pub strain: Option<f64>,
}

/// Monotony = mean/SD with the population SD (the week itself, not a sample); strain = weekly
/// total × monotony. Days before the seed count as rest days.
///
/// A week whose loads are all equal has SD exactly 0 (checked directly, so rounding in the mean
/// cannot turn a flat week into a huge monotony). A window of 0 days gives all zeros and `None`.
pub fn monotony_strain(daily: &DailyLoads, series: Series, cfg: &LoadConfig) -> MonotonyStrain {
    let n = cfg.monotony_days;
    let week: Vec<f64> = (0..i32::from(n))
        .rev()
        .map(|k| daily.load_on(daily.as_of().add_days(-k), series))
        .collect();
    let weekly_total: f64 = week.iter().sum();
    let count = f64::from(n);
    let flat = week.windows(2).all(|w| w[0] == w[1]);
    let (mean, sd) = if n == 0 {
        (0.0, 0.0)
    } else {
        let mean = weekly_total / count;
        let ss: f64 = week.iter().map(|x| (x - mean) * (x - mean)).sum();
        (mean, if flat { 0.0 } else { (ss / count).sqrt() })
    };
    let monotony = (sd > 0.0).then(|| mean / sd);
    MonotonyStrain {
        weekly_total,
        mean,
        sd,
        monotony,
        strain: monotony.map(|m| weekly_total * m),
    }
}
