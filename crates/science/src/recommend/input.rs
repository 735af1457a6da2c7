//! What a recommendation is computed from: daily load sums for the long history and, for the
//! last weeks only, the activities themselves.
//!
//! CTL, ATL, the ACWR, C, W and the history's length need only each day's sums, which a store
//! keeps per day ([`DaySums`]); reading years of activities to sum them again cost most of a
//! plan. The rules that look at single activities (yesterday's IF, the sport shares of 28 days,
//! the typical method and the distance model of 90 days, today's completed work) reach back at
//! most [`RecommendConfig::detail_days`] days.

use super::RecommendConfig;
use crate::error::ScienceError;
use crate::load::{DatedLoad, DaySums};
use crate::wellness::WellnessStatus;
use crate::{LocalDate, SportClass, SportGroup};

/// The UTL method of a past activity, as far as planning cares (`hr_avg` maps to `Hr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LoadMethod {
    /// TSS from power.
    Power,
    /// rTSS from pace.
    Pace,
    /// hrTSS (streams or summary average).
    Hr,
    /// Estimated from duration and IF_default.
    Estimated,
}

/// One past activity.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryActivity {
    /// Local start date.
    pub date: LocalDate,
    /// Sport class (the group follows from it; the class gives IF_default and the HR factor).
    pub class: SportClass,
    /// UTL (≥ 0).
    pub utl: f64,
    /// Base load before the wellness modifier (≥ 0).
    pub base_load: f64,
    /// IF from its method, if known (IF_default is used for estimates without one).
    pub intensity_factor: Option<f64>,
    /// Method that produced the load.
    pub method: LoadMethod,
    /// Distance in m, if known.
    pub distance_m: Option<f64>,
    /// Moving time in s.
    pub moving_time_s: f64,
}

impl HistoryActivity {
    /// Its sport group.
    pub fn group(&self) -> SportGroup {
        self.class.group()
    }

    /// Its load as the daily sums take it.
    pub fn dated_load(&self) -> DatedLoad {
        DatedLoad {
            date: self.date,
            group: self.group(),
            utl: self.utl,
        }
    }
}

/// Everything a recommendation depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendInput {
    /// T, the first planned day.
    pub as_of: LocalDate,
    /// The load sums of the days before T, in any order (days on or after T are ignored; today
    /// is summed from `recent`): CTL, ATL, the ACWR, C, W and the length of the history come
    /// from them. [`day_sums`] makes them from activities.
    pub daily: Vec<DaySums>,
    /// The activities themselves, in any order: every one dated from
    /// T − [`RecommendConfig::detail_days`] through T. Those dated T are today's completed work
    /// (they reduce day 0 and count in the ACWR); later ones are ignored. When none of that
    /// window is before T, the plan takes the sport of the latest earlier activity: pass the
    /// earlier activities too then (earlier ones are harmless at any time).
    pub recent: Vec<HistoryActivity>,
    /// Current FTP, W.
    pub ftp_w: Option<f64>,
    /// Current running threshold speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// Current LTHR, bpm.
    pub lthr_bpm: Option<f64>,
    /// Wellness status for T.
    pub wellness: WellnessStatus,
}

impl RecommendInput {
    /// The input for a caller that holds every activity (for example in tests): their day
    /// sums, and all of them in detail.
    ///
    /// # Errors
    /// [`ScienceError::NotFinite`] / [`ScienceError::OutOfRange`] for a bad UTL.
    pub fn from_activities(
        as_of: LocalDate,
        activities: Vec<HistoryActivity>,
    ) -> Result<Self, ScienceError> {
        Ok(Self {
            as_of,
            daily: day_sums(&activities)?,
            recent: activities,
            ftp_w: None,
            threshold_speed_mps: None,
            lthr_bpm: None,
            wellness: WellnessStatus::Unknown,
        })
    }
}

impl RecommendConfig {
    /// How many days before T the plan reads single activities: the longer of the sport-share
    /// and the method windows (90 with the defaults). Older days count only through their sums.
    pub fn detail_days(&self) -> u16 {
        self.share_window_days.max(self.method_window_days)
    }
}

/// One [`DaySums`] per date of `activities` (by date), summed as a store sums a day's loads.
///
/// # Errors
/// [`ScienceError::NotFinite`] / [`ScienceError::OutOfRange`] for a bad UTL.
pub fn day_sums(activities: &[HistoryActivity]) -> Result<Vec<DaySums>, ScienceError> {
    let mut loads: Vec<DatedLoad> = activities.iter().map(HistoryActivity::dated_load).collect();
    loads.sort_by_key(|l| l.date);
    loads
        .chunk_by(|a, b| a.date == b.date)
        .map(|day| DaySums::of(day[0].date, day))
        .collect()
}
