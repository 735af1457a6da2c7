//! Five-day training recommendations (docs/science.md §11).
//!
//! A deterministic function of the history through `as_of − 1`, the activities already done on
//! `as_of` (the athlete's local today), the current thresholds, the wellness status for `as_of`
//! and the configuration. Days T … T+4 with T = `as_of`. Planned loads are UTL at modifier 1.0.
//! The long history comes as daily load sums, single activities only for the last weeks
//! (`input.rs`).
//!
//! Today's completed activities count for today: day 0 shows what is left of its target as an
//! easy session, or "done for today" (`today.rs`). The ACWR in the state is the overall ratio on
//! T including them, the same value the overview shows (see docs/science.md).
//!
//! Steps: state at T (`state.rs`), weekly target, pattern and wellness override (`plan.rs`),
//! sport per day (`sport_split.rs`), then duration, intensity guidance and distance per day
//! (`targets.rs`).

mod config;
mod input;
mod plan;
mod sport_split;
mod state;
#[cfg(test)]
mod sums_tests;
mod targets;
#[cfg(test)]
mod tests;
mod today;

pub use config::{Band, RecommendConfig};
pub use input::{HistoryActivity, LoadMethod, RecommendInput, day_sums};

use crate::error::{self, ScienceError};
use crate::load::LoadConfig;
use crate::sport::SportTable;
use crate::{LocalDate, SportGroup};

/// Day type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayIntensity {
    /// No training (weight 0).
    Rest,
    /// Easy (weight 0.6, IF 0.65).
    Easy,
    /// Moderate (weight 1.0, IF 0.80).
    Moderate,
    /// Hard (weight 1.5, IF 0.95).
    Hard,
}

impl DayIntensity {
    fn index(self) -> usize {
        match self {
            Self::Rest => 0,
            Self::Easy => 1,
            Self::Moderate => 2,
            Self::Hard => 3,
        }
    }

    /// Lower-case name used in JSON and the UI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rest => "rest",
            Self::Easy => "easy",
            Self::Moderate => "moderate",
            Self::Hard => "hard",
        }
    }
}

/// The sport of a planned day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DaySport {
    /// A sport group.
    Group(SportGroup),
    /// Any sport (no history to go by), and rest days.
    Any,
}

/// A rounded range with lo ≤ rec ≤ hi.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    /// Lower end (rounded down).
    pub lo: f64,
    /// Recommended value (rounded to nearest, then clamped to [lo, hi]).
    pub rec: f64,
    /// Upper end (rounded up).
    pub hi: f64,
}

/// How hard to go, in the athlete's own units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntensityGuidance {
    /// Cycling power range, W.
    PowerW {
        /// Lower power.
        lo: f64,
        /// Upper power.
        hi: f64,
    },
    /// Running speed range, m/s (show as pace: 1000/v s/km).
    SpeedMps {
        /// Lower speed (slower pace).
        lo: f64,
        /// Upper speed (faster pace).
        hi: f64,
    },
    /// Heart-rate range, bpm; no lower bound for easy days.
    HeartRateBpm {
        /// Lower HR, if any.
        lo: Option<f64>,
        /// Upper HR.
        hi: f64,
    },
}

/// One planned day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayPlan {
    /// The date (T + i).
    pub date: LocalDate,
    /// Day type.
    pub intensity: DayIntensity,
    /// Sport (`Any` on rest days).
    pub sport: DaySport,
    /// Planned UTL range (all 0 on rest days).
    pub utl: ValueRange,
    /// Duration range, minutes (`None` on rest days).
    pub duration_min: Option<ValueRange>,
    /// Distance range, km (running and cycling with enough data only).
    pub distance_km: Option<ValueRange>,
    /// Intensity guidance, when a threshold is known.
    pub guidance: Option<IntensityGuidance>,
    /// One line explaining the day.
    pub rationale: String,
}

impl DayPlan {
    /// A rest day on `date`: nothing planned, no explanation yet.
    pub(crate) fn rest(date: LocalDate) -> Self {
        Self {
            date,
            intensity: DayIntensity::Rest,
            sport: DaySport::Any,
            utl: ValueRange {
                lo: 0.0,
                rec: 0.0,
                hi: 0.0,
            },
            duration_min: None,
            distance_km: None,
            guidance: None,
            rationale: String::new(),
        }
    }
}

/// How the weekly target was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanMode {
    /// < 28 days of history or C < 10: starter week.
    Building,
    /// Steered by the chronic load.
    Normal,
}

/// The state at T and the numbers behind the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanState {
    /// CTL(T−1).
    pub ctl: f64,
    /// ATL(T−1).
    pub atl: f64,
    /// TSB_T = CTL(T−1) − ATL(T−1).
    pub tsb: f64,
    /// Overall EWMA ACWR on T, including today's completed activities (the value the overview
    /// shows).
    pub acwr: crate::acwr::AcwrValue,
    /// C: chronic weekly load 7·E_chronic at T−1, UTL/week.
    pub chronic_weekly_utl: f64,
    /// W: Σ L over T−7 … T−1, UTL.
    pub last_week_utl: f64,
    /// Y: weekly target, UTL.
    pub target_week_utl: f64,
    /// B = Y × 5/7, UTL.
    pub budget_utl: f64,
    /// Building or normal.
    pub mode: PlanMode,
    /// Whether the reduce rule fired.
    pub reduced: bool,
    /// Whether yesterday was hard.
    pub yesterday_hard: bool,
    /// Σ UTL of the activities already done on T.
    pub done_today_utl: f64,
    /// Day 0's target before today's completed load was taken off, UTL.
    pub planned_today_utl: f64,
}

/// Five planned days and the state behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// T.
    pub as_of: LocalDate,
    /// State and targets.
    pub state: PlanState,
    /// Days T … T+4.
    pub days: [DayPlan; 5],
}

/// The five-day plan starting on `input.as_of`.
///
/// # Errors
/// [`ScienceError::NotFinite`] / [`ScienceError::OutOfRange`] / [`ScienceError::NotPositive`]
/// for a bad activity value, day sum or threshold; [`ScienceError::Inconsistent`] for two sums
/// of one day; a bad [`LoadConfig`].
pub fn recommend(
    input: &RecommendInput,
    cfg: &RecommendConfig,
    load_cfg: &LoadConfig,
    sports: &SportTable,
) -> Result<Recommendation, ScienceError> {
    validate_thresholds(input)?;
    let (history, today) = canonical_history(input)?;
    let loads = state::Loads::from_days(&input.daily, &today, input.as_of)?;
    plan_from(input, &history, &today, &loads, cfg, load_cfg, sports)
}

/// The plan from the canonical activities before T and on T and the daily loads.
fn plan_from(
    input: &RecommendInput,
    history: &[HistoryActivity],
    today: &[HistoryActivity],
    loads: &state::Loads,
    cfg: &RecommendConfig,
    load_cfg: &LoadConfig,
    sports: &SportTable,
) -> Result<Recommendation, ScienceError> {
    let st = state::at(history, loads, input.as_of, cfg, load_cfg, sports)?;
    let week = plan::week(&st, input.wellness, cfg);
    let split = sport_split::assign(history, input, &week.intensities, cfg);
    let ctx = targets::Context::new(history, input, cfg, sports);
    let done: f64 = today.iter().map(|a| a.utl).sum();
    let planned_today = week.day_target(split.intensities[0], cfg);
    let notes = plan::Notes {
        week: &week,
        st: &st,
        load_cfg,
    };
    let days = std::array::from_fn(|i| {
        let intensity = split.intensities[i];
        let sport = split.sports[i];
        let date = input.as_of.add_days(day_offset(i));
        if i == 0 && done > 0.0 {
            return today::remaining(&ctx, &notes, date, intensity, sport, planned_today, done);
        }
        let u = week.day_target(intensity, cfg);
        let mut day = ctx.day(date, intensity, sport, u);
        day.rationale = notes.rationale(i, &day, split.downgraded[i]);
        day
    });
    let mut state = week.state(&st);
    state.done_today_utl = done;
    state.planned_today_utl = planned_today;
    Ok(Recommendation {
        as_of: input.as_of,
        state,
        days,
    })
}

fn day_offset(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(0)
}

fn validate_thresholds(input: &RecommendInput) -> Result<(), ScienceError> {
    let named = [
        ("FTP", input.ftp_w),
        ("threshold speed", input.threshold_speed_mps),
        ("LTHR", input.lthr_bpm),
    ];
    for (what, v) in named {
        if let Some(v) = v {
            error::positive(what, v)?;
        }
    }
    Ok(())
}

fn non_negative(what: &'static str, v: f64) -> Result<(), ScienceError> {
    error::finite(what, v)?;
    if v < 0.0 {
        return Err(ScienceError::OutOfRange {
            what,
            value: v,
            min: 0.0,
            max: f64::INFINITY,
        });
    }
    Ok(())
}

/// Validates the activities and sorts those before T and those on T canonically, so any input
/// order gives the same bits.
type Split = (Vec<HistoryActivity>, Vec<HistoryActivity>);

fn canonical_history(input: &RecommendInput) -> Result<Split, ScienceError> {
    let mut before = Vec::with_capacity(input.recent.len());
    let mut today = Vec::new();
    for a in &input.recent {
        non_negative("UTL", a.utl)?;
        non_negative("base load", a.base_load)?;
        non_negative("moving time", a.moving_time_s)?;
        if let Some(v) = a.intensity_factor {
            non_negative("IF", v)?;
        }
        if let Some(v) = a.distance_m {
            non_negative("distance", v)?;
        }
        if a.date < input.as_of {
            before.push(a.clone());
        } else if a.date == input.as_of {
            today.push(a.clone());
        }
    }
    sort_canonically(&mut before);
    sort_canonically(&mut today);
    Ok((before, today))
}

fn sort_canonically(activities: &mut [HistoryActivity]) {
    let opt = |v: Option<f64>| v.map_or(-1.0, |x| x);
    activities.sort_by(|a, b| {
        (a.date, a.class, a.method)
            .cmp(&(b.date, b.class, b.method))
            .then(a.utl.total_cmp(&b.utl))
            .then(a.base_load.total_cmp(&b.base_load))
            .then(a.moving_time_s.total_cmp(&b.moving_time_s))
            .then(opt(a.distance_m).total_cmp(&opt(b.distance_m)))
            .then(opt(a.intensity_factor).total_cmp(&opt(b.intensity_factor)))
    });
}
