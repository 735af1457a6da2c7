//! Rules 7–10: duration, intensity guidance, distance, and ranges with rounding.

use super::{
    DayIntensity, DayPlan, DaySport, HistoryActivity, IntensityGuidance, LoadMethod,
    RecommendConfig, RecommendInput, ValueRange,
};
use crate::sport::SportTable;
use crate::{LocalDate, SportClass, SportGroup};

/// What planning knows about one group from the last 90 days.
#[derive(Debug, Clone, Copy)]
struct Profile {
    /// Most frequent method (ties: power > pace > hr > estimated); `None` without activities.
    method: Option<LoadMethod>,
    /// Most frequent class (ties in table order), else the group's main class.
    class: SportClass,
    /// (k = median UTL per km, IF_ref), when there are enough clean activities.
    distance: Option<(f64, f64)>,
}

/// Per-group profiles and the thresholds, shared by the five days.
#[derive(Debug)]
pub(super) struct Context<'a> {
    profiles: [Profile; 4],
    input: &'a RecommendInput,
    cfg: &'a RecommendConfig,
    sports: &'a SportTable,
}

impl<'a> Context<'a> {
    pub fn new(
        history: &[HistoryActivity],
        input: &'a RecommendInput,
        cfg: &'a RecommendConfig,
        sports: &'a SportTable,
    ) -> Self {
        let first = input.as_of.add_days(-i32::from(cfg.method_window_days));
        let recent: Vec<&HistoryActivity> = history.iter().filter(|a| a.date >= first).collect();
        let profiles = SportGroup::ALL.map(|g| {
            let of_group: Vec<&HistoryActivity> =
                recent.iter().copied().filter(|a| a.group() == g).collect();
            Profile {
                method: most_frequent(of_group.iter().map(|a| a.method)),
                class: most_frequent(of_group.iter().map(|a| a.class)).unwrap_or(main_class(g)),
                distance: distance_model(&of_group, cfg),
            }
        });
        Self {
            profiles,
            input,
            cfg,
            sports,
        }
    }

    /// The configuration.
    pub fn cfg(&self) -> &RecommendConfig {
        self.cfg
    }

    /// One day's plan without its rationale.
    pub fn day(
        &self,
        date: LocalDate,
        intensity: DayIntensity,
        sport: DaySport,
        u: f64,
    ) -> DayPlan {
        let Some(ti) = intensity.index().checked_sub(1) else {
            return DayPlan {
                intensity,
                ..DayPlan::rest(date)
            };
        };
        let cfg = self.cfg;
        let if_t = cfg.target_if[ti];
        let per_hour = self.utl_per_hour(sport, if_t);
        let raw_min = u / per_hour * 60.0;
        let minutes = if raw_min.is_nan() {
            cfg.min_duration_min
        } else {
            raw_min.max(cfg.min_duration_min).min(cfg.max_duration_min)
        };
        let u = if minutes == raw_min {
            u
        } else {
            minutes / 60.0 * per_hour
        };
        let distance_km = match sport {
            DaySport::Group(g @ (SportGroup::Running | SportGroup::Cycling)) => self.profiles
                [group_index(g)]
            .distance
            .and_then(|(k, if_ref)| {
                let km = u / (k * if_t / if_ref);
                km.is_finite().then(|| rounded(km, cfg.km_step, cfg))
            }),
            _ => None,
        };
        DayPlan {
            date,
            intensity,
            sport,
            utl: rounded(u, cfg.utl_step, cfg),
            duration_min: Some(rounded(minutes, cfg.minutes_step, cfg)),
            distance_km,
            guidance: self.guidance(sport, ti),
            rationale: String::new(),
        }
    }

    /// The load of the shortest session worth planning (the minimum duration) at `intensity`.
    pub fn shortest_session_utl(&self, sport: DaySport, intensity: DayIntensity) -> f64 {
        let Some(ti) = intensity.index().checked_sub(1) else {
            return 0.0;
        };
        self.cfg.min_duration_min / 60.0 * self.utl_per_hour(sport, self.cfg.target_if[ti])
    }

    /// UTL per hour at target IF: power/pace 100·IF²; hr 100·IF²·factor; estimated (or no
    /// history in the group) 100·IF_default²; `any` sport 100·IF² (the UTL scale itself).
    fn utl_per_hour(&self, sport: DaySport, if_t: f64) -> f64 {
        let DaySport::Group(g) = sport else {
            return 100.0 * if_t * if_t;
        };
        let p = self.profiles[group_index(g)];
        let params = self.sports.get(p.class);
        match p.method {
            Some(LoadMethod::Power | LoadMethod::Pace) => 100.0 * if_t * if_t,
            Some(LoadMethod::Hr) => 100.0 * if_t * if_t * params.hr_factor,
            Some(LoadMethod::Estimated) | None => 100.0 * params.if_default * params.if_default,
        }
    }

    /// Rule 8: power for cycling with FTP, speed for running with threshold speed, else HR.
    fn guidance(&self, sport: DaySport, ti: usize) -> Option<IntensityGuidance> {
        let cfg = self.cfg;
        let input = self.input;
        match (sport, input.ftp_w, input.threshold_speed_mps) {
            (DaySport::Group(SportGroup::Cycling), Some(ftp), _) => {
                let [lo, hi] = cfg.cycling_ftp_bands[ti];
                return Some(IntensityGuidance::PowerW {
                    lo: lo * ftp,
                    hi: hi * ftp,
                });
            }
            (DaySport::Group(SportGroup::Running), _, Some(v)) => {
                let [lo, hi] = cfg.running_speed_bands[ti];
                return Some(IntensityGuidance::SpeedMps {
                    lo: lo * v,
                    hi: hi * v,
                });
            }
            _ => {}
        }
        let lthr = input.lthr_bpm?;
        let [lo, hi] = cfg.hr_lthr_bands[ti];
        Some(IntensityGuidance::HeartRateBpm {
            lo: (lo > 0.0).then_some(lo * lthr),
            hi: hi * lthr,
        })
    }
}

fn group_index(group: SportGroup) -> usize {
    SportGroup::ALL
        .iter()
        .position(|&g| g == group)
        .unwrap_or(3)
}

/// The class used for a group without recent activities.
fn main_class(group: SportGroup) -> SportClass {
    match group {
        SportGroup::Running => SportClass::Run,
        SportGroup::Cycling => SportClass::Ride,
        SportGroup::Swimming => SportClass::Swim,
        SportGroup::Other => SportClass::Other,
    }
}

/// The most frequent value; ties go to the smallest in `Ord` order.
fn most_frequent<T: Ord + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut sorted: Vec<T> = values.collect();
    sorted.sort_unstable();
    let mut best: Option<(T, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| run.len() > n) {
            best = run.first().map(|&v| (v, run.len()));
        }
    }
    best.map(|(v, _)| v)
}

/// Rule 9: k = median base load per km and IF_ref = median sqrt(base/(100·h)) over the group's
/// clean activities (≥ 1 km, ≥ 10 min, not estimated) after dropping UTL-per-km values outside
/// the Tukey fences. Needs ≥ 5 values after the filter, and k, IF_ref > 0.
fn distance_model(activities: &[&HistoryActivity], cfg: &RecommendConfig) -> Option<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = activities
        .iter()
        .filter(|a| {
            a.method != LoadMethod::Estimated && a.moving_time_s >= cfg.distance_min_moving_s
        })
        .filter_map(|a| {
            let m = a.distance_m.filter(|&d| d >= cfg.distance_min_m)?;
            let hours = a.moving_time_s / 3600.0;
            Some((
                a.base_load / (m / 1000.0),
                (a.base_load / (100.0 * hours)).sqrt(),
            ))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let per_km: Vec<f64> = points.iter().map(|p| p.0).collect();
    let (q1, q3) = (quantile(&per_km, 0.25)?, quantile(&per_km, 0.75)?);
    let fence = cfg.distance_iqr_fence * (q3 - q1);
    points.retain(|p| p.0 >= q1 - fence && p.0 <= q3 + fence);
    if points.len() < cfg.distance_min_values.max(1) {
        return None;
    }
    let k = quantile(&points.iter().map(|p| p.0).collect::<Vec<_>>(), 0.5)?;
    let mut ifs: Vec<f64> = points.iter().map(|p| p.1).collect();
    ifs.sort_by(f64::total_cmp);
    let if_ref = quantile(&ifs, 0.5)?;
    (k > 0.0 && if_ref > 0.0).then_some((k, if_ref))
}

/// Quantile of sorted values by linear interpolation at position (m − 1)·p.
pub(super) fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = f64::from(u32::try_from(last).ok()?) * p;
    let below = pos.floor();
    // `below` lies in [0, last]: a whole number that fits the index type.
    let i = below as usize;
    let lo = *sorted.get(i)?;
    let hi = sorted.get(i + 1).copied().unwrap_or(lo);
    Some(lo + (hi - lo) * (pos - below))
}

/// Rule 10: [0.85·x, 1.15·x]; lo rounds down, hi up, rec to nearest (half away from zero), then
/// rec is clamped to [lo, hi]. A step ≤ 0 means no rounding.
pub(super) fn rounded(x: f64, step: f64, cfg: &RecommendConfig) -> ValueRange {
    let [f_lo, f_hi] = cfg.range_fractions;
    let round = |v: f64, f: fn(f64) -> f64| if step > 0.0 { f(v / step) * step } else { v };
    let lo = round(f_lo * x, f64::floor);
    let hi = round(f_hi * x, f64::ceil);
    let rec = round(x, f64::round).max(lo).min(hi);
    ValueRange { lo, rec, hi }
}
