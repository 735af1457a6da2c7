//! Daily load series, CTL/ATL/TSB and ramp (docs/science.md §10).
//!
//! Every day from the seed (the day before the athlete's first activity) to `as_of` is iterated;
//! a rest day is 0. The overall, running and cycling series share that seed, so a sport's chronic
//! load never starts at its own first activity.
//!
//! # EMA convention
//! CTL_d = CTL_{d−1} + (L_d − CTL_{d−1})·k with k = 1 − e^(−1/τ) (GoldenCheetah's exponential
//! form), τ = 42 days for CTL and 7 for ATL; seed value 0.

use crate::error::{self, ScienceError};
use crate::{LocalDate, SportGroup};

mod days;

pub use days::DaySums;

/// CTL gain 1 − e^(−1/42), as documented in docs/science.md §10.
pub const CTL_GAIN: f64 = 0.023528313347756735;
/// ATL gain 1 − e^(−1/7), as documented in docs/science.md §10.
pub const ATL_GAIN: f64 = 0.1331221002498184;
/// Longest history accepted, in days (200 years): guards the allocation against garbage dates.
pub const MAX_HISTORY_DAYS: i32 = 73_050;

/// Constants of §10 (load curves and ACWR).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadConfig {
    /// CTL time constant τ in days (42); gain 1 − e^(−1/τ).
    pub ctl_time_constant_days: f64,
    /// ATL time constant τ in days (7); gain 1 − e^(−1/τ).
    pub atl_time_constant_days: f64,
    /// Ramp = CTL(t) − CTL(t − n), n in days (7).
    pub ramp_days: u16,
    /// Rolling ACWR acute window in days (7).
    pub acwr_acute_days: u16,
    /// Rolling ACWR chronic window in days (28), reported in weekly units (÷ 4).
    pub acwr_chronic_days: u16,
    /// EWMA acute span N (7): λ = 2/(N + 1) = 0.25.
    pub ewma_acute_span_days: f64,
    /// EWMA chronic span N (28): λ = 2/29.
    pub ewma_chronic_span_days: f64,
    /// Below this chronic weekly load (UTL/week) a ratio is `insufficient_data` (10).
    pub min_chronic_weekly_utl: f64,
    /// Fewer days than this since the seed is `insufficient_data` (28).
    pub min_days_since_seed: i32,
    /// Ratios below this are "detraining" (0.5).
    pub band_low_from: f64,
    /// Ratios below this (and ≥ `band_low_from`) are "low" (0.8).
    pub band_sweet_spot_from: f64,
    /// Ratios up to and including this are the "sweet spot" (1.3).
    pub band_sweet_spot_to: f64,
    /// Ratios up to and including this (above the sweet spot) are "elevated"; above, "high" (1.5).
    pub band_elevated_to: f64,
    /// Monotony and strain window in days (7).
    pub monotony_days: u16,
}

impl Default for LoadConfig {
    fn default() -> Self {
        Self {
            ctl_time_constant_days: 42.0,
            atl_time_constant_days: 7.0,
            ramp_days: 7,
            acwr_acute_days: 7,
            acwr_chronic_days: 28,
            ewma_acute_span_days: 7.0,
            ewma_chronic_span_days: 28.0,
            min_chronic_weekly_utl: 10.0,
            min_days_since_seed: 28,
            band_low_from: 0.5,
            band_sweet_spot_from: 0.8,
            band_sweet_spot_to: 1.3,
            band_elevated_to: 1.5,
            monotony_days: 7,
        }
    }
}

impl LoadConfig {
    /// CTL gain 1 − e^(−1/τ) via `libm` (equals [`CTL_GAIN`] for τ = 42).
    ///
    /// # Errors
    /// [`ScienceError::NotPositive`] / [`ScienceError::NotFinite`] for a bad τ.
    pub fn ctl_gain(&self) -> Result<f64, ScienceError> {
        ema_gain("CTL time constant", self.ctl_time_constant_days)
    }

    /// ATL gain 1 − e^(−1/τ) via `libm` (equals [`ATL_GAIN`] for τ = 7).
    ///
    /// # Errors
    /// [`ScienceError::NotPositive`] / [`ScienceError::NotFinite`] for a bad τ.
    pub fn atl_gain(&self) -> Result<f64, ScienceError> {
        ema_gain("ATL time constant", self.atl_time_constant_days)
    }
}

fn ema_gain(what: &'static str, tau_days: f64) -> Result<f64, ScienceError> {
    let tau = error::positive(what, tau_days)?;
    Ok(1.0 - libm::exp(-1.0 / tau))
}

/// The UTL of one activity on its athlete-local date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatedLoad {
    /// Local date the activity started.
    pub date: LocalDate,
    /// Its sport group.
    pub group: SportGroup,
    /// Its UTL (≥ 0).
    pub utl: f64,
}

/// Which daily series: all activities, or one sport group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    /// All activities.
    Overall,
    /// One sport group (running and cycling are the ones §10 reports).
    Group(SportGroup),
}

/// Daily loads L_d from the seed to `as_of`, for the overall series and each sport group.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyLoads {
    seed: Option<LocalDate>,
    as_of: LocalDate,
    overall: Vec<f64>,
    groups: [Vec<f64>; 4],
}

impl DailyLoads {
    /// Sums UTL per day. Activities after `as_of` are ignored; with none on or before it there is
    /// no seed and every series is empty.
    ///
    /// Same-day activities are summed in a canonical order (group, then UTL), so any input order
    /// gives bit-identical sums.
    ///
    /// # Errors
    /// [`ScienceError::NotFinite`] or [`ScienceError::OutOfRange`] for a UTL that is not a finite
    /// value ≥ 0; [`ScienceError::OutOfRange`] for a history longer than [`MAX_HISTORY_DAYS`].
    pub fn new(loads: &[DatedLoad], as_of: LocalDate) -> Result<Self, ScienceError> {
        let mut used: Vec<&DatedLoad> = Vec::with_capacity(loads.len());
        for l in loads {
            error::finite("UTL", l.utl)?;
            if l.utl < 0.0 {
                return Err(ScienceError::OutOfRange {
                    what: "UTL",
                    value: l.utl,
                    min: 0.0,
                    max: f64::INFINITY,
                });
            }
            if l.date <= as_of {
                used.push(l);
            }
        }
        used.sort_by(|a, b| {
            (a.date, a.group)
                .cmp(&(b.date, b.group))
                .then(a.utl.total_cmp(&b.utl))
        });
        let empty = Self {
            seed: None,
            as_of,
            overall: Vec::new(),
            groups: Default::default(),
        };
        let Some(first) = used.first() else {
            return Ok(empty);
        };
        let seed = first.date.add_days(-1);
        let span = as_of.days_since(seed);
        if span > MAX_HISTORY_DAYS {
            return Err(ScienceError::OutOfRange {
                what: "history length (days)",
                value: f64::from(span),
                min: 0.0,
                max: f64::from(MAX_HISTORY_DAYS),
            });
        }
        let len = usize::try_from(span).map_or(0, |s| s + 1);
        let mut out = Self {
            seed: Some(seed),
            overall: vec![0.0; len],
            groups: std::array::from_fn(|_| vec![0.0; len]),
            ..empty
        };
        for l in used {
            let Ok(i) = usize::try_from(l.date.days_since(seed)) else {
                continue;
            };
            out.overall[i] += l.utl;
            out.groups[group_index(l.group)][i] += l.utl;
        }
        Ok(out)
    }

    /// The day before the first activity, if any.
    pub fn seed(&self) -> Option<LocalDate> {
        self.seed
    }

    /// The last day of every series.
    pub fn as_of(&self) -> LocalDate {
        self.as_of
    }

    /// Days from the seed to `as_of` (0 without a seed).
    pub fn days_since_seed(&self) -> i32 {
        self.seed.map_or(0, |s| self.as_of.days_since(s))
    }

    /// The daily loads of a series; index i is the date `seed + i`, the last is `as_of`.
    pub fn series(&self, series: Series) -> &[f64] {
        match series {
            Series::Overall => &self.overall,
            Series::Group(g) => &self.groups[group_index(g)],
        }
    }

    /// L_d of one date (0 outside the series).
    pub fn load_on(&self, date: LocalDate, series: Series) -> f64 {
        let Some(seed) = self.seed else { return 0.0 };
        usize::try_from(date.days_since(seed))
            .ok()
            .and_then(|i| self.series(series).get(i).copied())
            .unwrap_or(0.0)
    }

    /// Σ L over the `n` days ending on `last`, summed in date order.
    pub fn sum_days(&self, last: LocalDate, n: u16, series: Series) -> f64 {
        let mut sum = 0.0;
        for k in (0..i32::from(n)).rev() {
            sum += self.load_on(last.add_days(-k), series);
        }
        sum
    }
}

fn group_index(group: SportGroup) -> usize {
    match group {
        SportGroup::Running => 0,
        SportGroup::Cycling => 1,
        SportGroup::Swimming => 2,
        SportGroup::Other => 3,
    }
}

/// One day's step of the performance-management chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PmcStep {
    /// CTL after the day's load.
    pub ctl: f64,
    /// ATL after the day's load.
    pub atl: f64,
    /// TSB shown for the day: CTL(t−1) − ATL(t−1), the form going into it.
    pub tsb: f64,
    /// CTL(t) − CTL(t − 7); CTL before the seed is 0.
    pub ramp: f64,
}

/// CTL/ATL state fed one day at a time (ta-rs style `next`/`reset`); seed 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Pmc {
    ctl_gain: f64,
    atl_gain: f64,
    ctl: f64,
    atl: f64,
    /// CTL of the last `ramp_days` days, oldest at `pos`.
    recent_ctl: Vec<f64>,
    pos: usize,
}

impl Pmc {
    /// A fresh state at CTL = ATL = 0.
    ///
    /// # Errors
    /// A bad time constant (see [`LoadConfig::ctl_gain`]); [`ScienceError::TooFew`] for
    /// `ramp_days` = 0.
    pub fn new(cfg: &LoadConfig) -> Result<Self, ScienceError> {
        if cfg.ramp_days == 0 {
            return Err(ScienceError::TooFew {
                what: "ramp window (days)",
                needed: 1,
                actual: 0,
            });
        }
        Ok(Self {
            ctl_gain: cfg.ctl_gain()?,
            atl_gain: cfg.atl_gain()?,
            ctl: 0.0,
            atl: 0.0,
            recent_ctl: vec![0.0; usize::from(cfg.ramp_days)],
            pos: 0,
        })
    }

    /// Feeds one day's load L_d (≥ 0).
    ///
    /// # Errors
    /// [`ScienceError::NotFinite`] or [`ScienceError::OutOfRange`] for a bad load; the state is
    /// unchanged then.
    pub fn next(&mut self, load: f64) -> Result<PmcStep, ScienceError> {
        error::finite("daily load", load)?;
        if load < 0.0 {
            return Err(ScienceError::OutOfRange {
                what: "daily load",
                value: load,
                min: 0.0,
                max: f64::INFINITY,
            });
        }
        let tsb = self.ctl - self.atl;
        self.ctl += (load - self.ctl) * self.ctl_gain;
        self.atl += (load - self.atl) * self.atl_gain;
        let week_ago = self.recent_ctl[self.pos];
        self.recent_ctl[self.pos] = self.ctl;
        self.pos = (self.pos + 1) % self.recent_ctl.len();
        Ok(PmcStep {
            ctl: self.ctl,
            atl: self.atl,
            tsb,
            ramp: self.ctl - week_ago,
        })
    }

    /// Back to the seed state (CTL = ATL = 0).
    pub fn reset(&mut self) {
        self.ctl = 0.0;
        self.atl = 0.0;
        self.recent_ctl.fill(0.0);
        self.pos = 0;
    }

    /// Current CTL.
    pub fn ctl(&self) -> f64 {
        self.ctl
    }

    /// Current ATL.
    pub fn atl(&self) -> f64 {
        self.atl
    }

    /// CTL − ATL now: the TSB shown for the next day.
    pub fn tsb(&self) -> f64 {
        self.ctl - self.atl
    }
}

/// One day of the performance-management chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PmcDay {
    /// The date.
    pub date: LocalDate,
    /// L_d, UTL.
    pub load: f64,
    /// CTL after the day.
    pub ctl: f64,
    /// ATL after the day.
    pub atl: f64,
    /// CTL(t−1) − ATL(t−1).
    pub tsb: f64,
    /// CTL(t) − CTL(t−7).
    pub ramp: f64,
}

/// CTL/ATL/TSB/ramp for every day from the seed (CTL 0) to `as_of`; empty without a seed.
///
/// # Errors
/// A bad configuration (see [`Pmc::new`]).
pub fn pmc_series(
    daily: &DailyLoads,
    series: Series,
    cfg: &LoadConfig,
) -> Result<Vec<PmcDay>, ScienceError> {
    let mut pmc = Pmc::new(cfg)?;
    let Some(seed) = daily.seed() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(daily.series(series).len());
    for (date, &load) in (0..).map(|k| seed.add_days(k)).zip(daily.series(series)) {
        let s = pmc.next(load)?;
        out.push(PmcDay {
            date,
            load,
            ctl: s.ctl,
            atl: s.atl,
            tsb: s.tsb,
            ramp: s.ramp,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
