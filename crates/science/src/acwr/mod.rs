//! Acute:chronic workload ratios, risk bands, combined risk, monotony and strain
//! (docs/science.md §10).
//!
//! Two ratios per series: the coupled rolling ratio (7-day sum ÷ 28-day sum/4) and the EWMA
//! ratio of Williams et al. 2017 (λ = 2/(N+1), seed 0 on the seed day), which is the headline
//! value. The ratio is a guard rail, not an injury predictor (Impellizzeri et al. 2020).
//! Constants live in [`LoadConfig`].

mod monotony;
#[cfg(test)]
mod tests;

pub use monotony::{MonotonyStrain, monotony_strain};

use crate::error::{self, ScienceError};
use crate::load::{DailyLoads, LoadConfig, Series};
use crate::{LocalDate, SportGroup};

/// Gabbett 2016 bands (the inner split is the product's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskBand {
    /// [0, 0.5).
    Detraining,
    /// [0.5, 0.8).
    Low,
    /// [0.8, 1.3].
    SweetSpot,
    /// (1.3, 1.5].
    Elevated,
    /// > 1.5.
    High,
}

impl RiskBand {
    /// Lower-case name used in JSON and the UI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Detraining => "detraining",
            Self::Low => "low",
            Self::SweetSpot => "sweet_spot",
            Self::Elevated => "elevated",
            Self::High => "high",
        }
    }

    /// The band of a ratio (NaN falls in `High`, which cannot happen for validated loads).
    pub fn of(ratio: f64, cfg: &LoadConfig) -> Self {
        if ratio < cfg.band_low_from {
            Self::Detraining
        } else if ratio < cfg.band_sweet_spot_from {
            Self::Low
        } else if ratio <= cfg.band_sweet_spot_to {
            Self::SweetSpot
        } else if ratio <= cfg.band_elevated_to {
            Self::Elevated
        } else {
            Self::High
        }
    }
}

/// A ratio with its band, or `insufficient_data`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AcwrValue {
    /// Acute ÷ chronic.
    Ratio {
        /// The ratio.
        value: f64,
        /// Its band.
        band: RiskBand,
    },
    /// Chronic weekly load < 10 UTL, or fewer than 28 days since the seed.
    InsufficientData,
}

impl AcwrValue {
    /// The ratio, if there is one.
    pub fn ratio(self) -> Option<f64> {
        match self {
            Self::Ratio { value, .. } => Some(value),
            Self::InsufficientData => None,
        }
    }

    /// The band, if there is a ratio.
    pub fn band(self) -> Option<RiskBand> {
        match self {
            Self::Ratio { band, .. } => Some(band),
            Self::InsufficientData => None,
        }
    }
}

/// One ratio with the loads behind it, both in weekly units (UTL/week).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AcwrPoint {
    /// Acute load per week.
    pub acute_weekly: f64,
    /// Chronic load per week.
    pub chronic_weekly: f64,
    /// The ratio or `insufficient_data`.
    pub value: AcwrValue,
}

/// Both ratios of one series on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesAcwr {
    /// The date.
    pub date: LocalDate,
    /// Coupled rolling ratio.
    pub rolling: AcwrPoint,
    /// EWMA ratio (the headline value).
    pub ewma: AcwrPoint,
}

/// Combined risk across the overall, running and cycling series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CombinedRisk {
    /// A band.
    Band(RiskBand),
    /// The overall series is insufficient and no sport is elevated or high.
    InsufficientData,
}

/// ACWR of the three §10 series on `as_of`, and the combined risk (from the EWMA ratios).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AcwrReport {
    /// All activities.
    pub overall: SeriesAcwr,
    /// Running group.
    pub running: SeriesAcwr,
    /// Cycling group.
    pub cycling: SeriesAcwr,
    /// Combined risk of the EWMA ratios.
    pub combined: CombinedRisk,
}

/// EWMA state E_t = λ·L_t + (1 − λ)·E_{t−1} for the acute and chronic spans; seed 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ewma {
    lambda_acute: f64,
    lambda_chronic: f64,
    acute: f64,
    chronic: f64,
}

impl Ewma {
    /// A fresh state at 0 with λ = 2/(N + 1).
    ///
    /// # Errors
    /// [`ScienceError::NotPositive`] / [`ScienceError::NotFinite`] for a bad span.
    pub fn new(cfg: &LoadConfig) -> Result<Self, ScienceError> {
        let a = error::positive("EWMA acute span", cfg.ewma_acute_span_days)?;
        let c = error::positive("EWMA chronic span", cfg.ewma_chronic_span_days)?;
        Ok(Self {
            lambda_acute: 2.0 / (a + 1.0),
            lambda_chronic: 2.0 / (c + 1.0),
            acute: 0.0,
            chronic: 0.0,
        })
    }

    /// Feeds one day's load (validated by the caller or by [`DailyLoads`]).
    pub fn next(&mut self, load: f64) -> (f64, f64) {
        self.acute = self.lambda_acute * load + (1.0 - self.lambda_acute) * self.acute;
        self.chronic = self.lambda_chronic * load + (1.0 - self.lambda_chronic) * self.chronic;
        (self.acute, self.chronic)
    }

    /// Back to the seed state.
    pub fn reset(&mut self) {
        self.acute = 0.0;
        self.chronic = 0.0;
    }

    /// (λ_acute, λ_chronic).
    pub fn lambdas(&self) -> (f64, f64) {
        (self.lambda_acute, self.lambda_chronic)
    }
}

/// Both ratios for every day of one series, from the seed to `as_of` (empty without a seed).
///
/// # Errors
/// A bad EWMA span (see [`Ewma::new`]); [`ScienceError::TooFew`] for a window of 0 days.
pub fn acwr_history(
    daily: &DailyLoads,
    series: Series,
    cfg: &LoadConfig,
) -> Result<Vec<SeriesAcwr>, ScienceError> {
    let mut ewma = Ewma::new(cfg)?;
    for n in [cfg.acwr_acute_days, cfg.acwr_chronic_days] {
        if n == 0 {
            return Err(ScienceError::TooFew {
                what: "ACWR window (days)",
                needed: 1,
                actual: 0,
            });
        }
    }
    let Some(seed) = daily.seed() else {
        return Ok(Vec::new());
    };
    let loads = daily.series(series);
    let mut out = Vec::with_capacity(loads.len());
    for (t, &load) in loads.iter().enumerate() {
        let (e_acute, e_chronic) = ewma.next(load);
        let days = i32::try_from(t).unwrap_or(i32::MAX);
        let acute = window_sum(loads, t, cfg.acwr_acute_days);
        let chronic = window_sum(loads, t, cfg.acwr_chronic_days);
        out.push(SeriesAcwr {
            date: seed.add_days(days),
            rolling: point(
                acute / weeks(cfg.acwr_acute_days),
                chronic / weeks(cfg.acwr_chronic_days),
                days,
                cfg,
            ),
            ewma: point(7.0 * e_acute, 7.0 * e_chronic, days, cfg),
        });
    }
    Ok(out)
}

/// Both ratios of one series on `daily.as_of()`.
///
/// # Errors
/// A bad EWMA span (see [`Ewma::new`]).
pub fn acwr_on(
    daily: &DailyLoads,
    series: Series,
    cfg: &LoadConfig,
) -> Result<SeriesAcwr, ScienceError> {
    let history = acwr_history(daily, series, cfg)?;
    Ok(history.last().copied().unwrap_or(SeriesAcwr {
        date: daily.as_of(),
        rolling: point(0.0, 0.0, 0, cfg),
        ewma: point(0.0, 0.0, 0, cfg),
    }))
}

/// The overall, running and cycling ratios on `daily.as_of()` and their combined risk.
///
/// # Errors
/// A bad EWMA span (see [`Ewma::new`]).
pub fn acwr(daily: &DailyLoads, cfg: &LoadConfig) -> Result<AcwrReport, ScienceError> {
    let overall = acwr_on(daily, Series::Overall, cfg)?;
    let running = acwr_on(daily, Series::Group(SportGroup::Running), cfg)?;
    let cycling = acwr_on(daily, Series::Group(SportGroup::Cycling), cfg)?;
    let combined = combined_risk(
        overall.ewma.value,
        &[running.ewma.value, cycling.ewma.value],
    );
    Ok(AcwrReport {
        overall,
        running,
        cycling,
        combined,
    })
}

/// `high` if any series with a ratio is high, else `elevated` if any is elevated, else the
/// overall band (`insufficient_data` if the overall series is). A sport series that is
/// insufficient, low or detraining therefore never raises the level.
pub fn combined_risk(overall: AcwrValue, sports: &[AcwrValue]) -> CombinedRisk {
    let bands = || {
        std::iter::once(overall)
            .chain(sports.iter().copied())
            .filter_map(AcwrValue::band)
    };
    if bands().any(|b| b == RiskBand::High) {
        CombinedRisk::Band(RiskBand::High)
    } else if bands().any(|b| b == RiskBand::Elevated) {
        CombinedRisk::Band(RiskBand::Elevated)
    } else {
        overall
            .band()
            .map_or(CombinedRisk::InsufficientData, CombinedRisk::Band)
    }
}

/// Σ of the `n` values ending at index `t`, in index order (days before the seed are 0).
fn window_sum(loads: &[f64], t: usize, n: u16) -> f64 {
    let start = (t + 1).saturating_sub(usize::from(n));
    loads[start..=t].iter().sum()
}

/// A window length in weeks (28 days → 4).
fn weeks(days: u16) -> f64 {
    f64::from(days) / 7.0
}

/// A ratio or `insufficient_data` (chronic < minimum, chronic ≤ 0, or too few days).
fn point(
    acute_weekly: f64,
    chronic_weekly: f64,
    days_since_seed: i32,
    cfg: &LoadConfig,
) -> AcwrPoint {
    let enough = days_since_seed >= cfg.min_days_since_seed
        && chronic_weekly >= cfg.min_chronic_weekly_utl
        && chronic_weekly > 0.0;
    let value = if enough {
        let ratio = acute_weekly / chronic_weekly;
        AcwrValue::Ratio {
            value: ratio,
            band: RiskBand::of(ratio, cfg),
        }
    } else {
        AcwrValue::InsufficientData
    };
    AcwrPoint {
        acute_weekly,
        chronic_weekly,
        value,
    }
}
