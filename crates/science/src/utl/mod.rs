//! The UTL method hierarchy and its provenance (docs/science.md §5, §12).
//!
//! [`compute`] picks the first applicable method (power TSS, pace rTSS, per-sample HR load,
//! average-HR load, duration estimate), records why each earlier method was skipped, and
//! multiplies the base load by the wellness modifier.

mod methods;

use crate::{
    CALC_VERSION, Config, ScienceError, SportClass, SportGroup,
    heart_rate::Sex,
    sport::{SportParams, SportTable},
    stream::{Channel, Grid, Rejected},
    wellness::Modifier,
};

/// Constants of §5.
#[derive(Debug, Clone, PartialEq)]
pub struct UtlConfig {
    /// Per-class HR factors and default intensities.
    pub sports: SportTable,
    /// Minimum coverage of the method's channel, as a fraction of grid samples (0.80).
    pub min_coverage: f64,
    /// Minimum samples for the power and pace methods (30: one rolling window).
    pub min_samples: usize,
    /// An intensity factor above this … (1.5)
    pub suspect_if: f64,
    /// … held for longer than this flags the threshold as suspect, s (600).
    pub suspect_min_duration_s: f64,
}

impl Default for UtlConfig {
    fn default() -> Self {
        Self {
            sports: SportTable::default(),
            min_coverage: 0.80,
            min_samples: 30,
            suspect_if: 1.5,
            suspect_min_duration_s: 600.0,
        }
    }
}

/// The load methods, in hierarchy order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// TSS from power (§2).
    Power,
    /// rTSS from grade-adjusted pace (§3).
    Pace,
    /// hrTSS from per-sample TRIMP, times the sport's HR factor (§4).
    Hr,
    /// hrTSS from average HR over moving time, times the sport's HR factor.
    HrAvg,
    /// Moving time at the sport's default intensity.
    Estimated,
    /// Moving time 0: UTL 0.
    None,
}

impl Method {
    /// Every method, in hierarchy order.
    pub const ALL: [Self; 6] = [
        Self::Power,
        Self::Pace,
        Self::Hr,
        Self::HrAvg,
        Self::Estimated,
        Self::None,
    ];

    /// The method id of docs/science.md §5.1.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Power => "power",
            Self::Pace => "pace",
            Self::Hr => "hr",
            Self::HrAvg => "hr_avg",
            Self::Estimated => "estimated",
            Self::None => "none",
        }
    }
}

/// One activity as the UTL calculation sees it.
#[derive(Debug, Clone, Copy)]
pub struct ActivityInput<'a> {
    /// Strava `sport_type` (or legacy `type`); unknown strings are class `other`.
    pub sport_type: &'a str,
    /// Moving time from the summary, s.
    pub moving_time_s: f64,
    /// Strava `device_watts`: `Some(false)` means estimated power, never used for TSS.
    pub device_watts: Option<bool>,
    /// Summary average heart rate, bpm.
    pub average_heartrate_bpm: Option<f64>,
    /// The 1 Hz grid, when streams exist.
    pub grid: Option<&'a Grid>,
}

/// The thresholds in force on the activity's date, already resolved (docs/science.md §7.1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThresholdsInForce {
    /// The threshold set id (resolved entry ids), recorded in provenance.
    pub set_id: Option<String>,
    /// Functional threshold power, W.
    pub ftp_w: Option<f64>,
    /// Threshold (critical) speed, m/s.
    pub threshold_speed_mps: Option<f64>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub resting_hr_bpm: Option<f64>,
    /// Sex for the TRIMP weighting.
    pub sex: Sex,
}

/// The sport mapping used, for provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct SportProvenance {
    /// The raw sport type string.
    pub sport_type: String,
    /// Its class.
    pub class: SportClass,
    /// Its group.
    pub group: SportGroup,
    /// The class parameters used.
    pub params: SportParams,
}

/// Intermediate metrics of the method that produced the load (and of the others that ran).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadMetrics {
    /// Normalized Power, W.
    pub np_w: Option<f64>,
    /// TSS before the modifier.
    pub tss: Option<f64>,
    /// Normalized graded speed, m/s.
    pub ngp_mps: Option<f64>,
    /// rTSS before the modifier.
    pub rtss: Option<f64>,
    /// Banister TRIMP.
    pub trimp: Option<f64>,
    /// hrTSS before the sport factor.
    pub hrtss: Option<f64>,
}

/// Coverage of the channels the methods look at, as fractions of grid samples.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Coverage {
    /// Power coverage.
    pub watts: f64,
    /// Speed coverage.
    pub velocity: f64,
    /// Heart-rate coverage.
    pub heartrate: f64,
}

/// The load of one activity with everything needed to explain and reproduce it (§12).
#[derive(Debug, Clone, PartialEq)]
pub struct UtlResult {
    /// The method that produced the base load.
    pub method: Method,
    /// Each earlier method that did not apply, with the reason.
    pub skipped: Vec<(Method, String)>,
    /// True for the duration estimate.
    pub estimated: bool,
    /// Load before the wellness modifier.
    pub base_load: f64,
    /// The wellness modifier with its components.
    pub modifier: Modifier,
    /// base_load × modifier.
    pub utl: f64,
    /// Intensity factor of the method (NP/FTP, NGP/v_thr, implied HR IF, or IF_default).
    pub intensity_factor: Option<f64>,
    /// IF > 1.5 for more than 600 s: the threshold is probably out of date.
    pub suspect_threshold: bool,
    /// Samples (or seconds) the load was computed over.
    pub duration_s: f64,
    /// Intermediate metrics.
    pub metrics: LoadMetrics,
    /// Channel coverage.
    pub coverage: Coverage,
    /// Artefacts rejected while building the grid.
    pub rejected: Rejected,
    /// The sport mapping used.
    pub sport: SportProvenance,
    /// The thresholds used.
    pub thresholds: ThresholdsInForce,
    /// Digest of the configuration.
    pub config_digest: String,
    /// The calculation version.
    pub calc_version: &'static str,
}

/// Computes the UTL of one activity (docs/science.md §5).
///
/// # Errors
/// [`ScienceError::NotFinite`] / [`ScienceError::NotPositive`] for a NaN, infinite or negative
/// moving time; errors of the modifier are impossible because it is already computed.
pub fn compute(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    modifier: Modifier,
    cfg: &Config,
) -> Result<UtlResult, ScienceError> {
    let moving_time_s = crate::error::finite("moving time", activity.moving_time_s)?;
    if moving_time_s < 0.0 {
        return Err(ScienceError::NotPositive {
            what: "moving time",
            value: moving_time_s,
        });
    }
    let class = SportClass::of(activity.sport_type);
    let params = cfg.utl.sports.get(class);
    let mut result = UtlResult {
        method: Method::None,
        skipped: Vec::new(),
        estimated: false,
        base_load: 0.0,
        utl: 0.0,
        modifier,
        intensity_factor: None,
        suspect_threshold: false,
        duration_s: 0.0,
        metrics: LoadMetrics::default(),
        coverage: activity.grid.map(coverage_of).unwrap_or_default(),
        rejected: activity.grid.map(|g| g.rejected).unwrap_or_default(),
        sport: SportProvenance {
            sport_type: activity.sport_type.to_owned(),
            class,
            group: class.group(),
            params,
        },
        thresholds: thresholds.clone(),
        config_digest: cfg.digest(),
        calc_version: CALC_VERSION,
    };
    if moving_time_s == 0.0 {
        return Ok(result);
    }
    let applied = methods::select_method(activity, thresholds, cfg, &mut result, moving_time_s);
    result.base_load = applied.base_load;
    result.intensity_factor = Some(applied.intensity_factor);
    result.duration_s = applied.duration_s;
    result.suspect_threshold = applied.intensity_factor > cfg.utl.suspect_if
        && applied.duration_s > cfg.utl.suspect_min_duration_s;
    result.utl = applied.base_load * result.modifier.value;
    Ok(result)
}

fn coverage_of(grid: &Grid) -> Coverage {
    Coverage {
        watts: grid.coverage(Channel::Watts),
        velocity: grid.coverage(Channel::Velocity),
        heartrate: grid.coverage(Channel::HeartRate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LocalDate;
    use crate::stream::{RawStreams, resample};
    use crate::wellness::{WellnessRecord, modifier};

    const TOL: f64 = 1e-9;

    fn close(a: f64, e: f64) -> bool {
        (a - e).abs() <= TOL * e.abs().max(1.0)
    }

    fn neutral() -> Modifier {
        let day = LocalDate::from_ymd(2026, 6, 1).unwrap();
        modifier(&[], day, &crate::Config::default().wellness)
    }

    /// A grid of `n` seconds with the given constant channels.
    fn grid(n: usize, watts: Option<f64>, hr: Option<f64>, speed: Option<f64>) -> Grid {
        let fill = |v: Option<f64>| v.map_or_else(Vec::new, |x| vec![Some(x); n]);
        let raw = RawStreams {
            time_s: (0..n).map(|i| i as f64).collect(),
            watts: fill(watts),
            heartrate_bpm: fill(hr),
            velocity_mps: fill(speed),
            ..RawStreams::default()
        };
        resample(&raw, &Config::default().stream).unwrap()
    }

    fn athlete() -> ThresholdsInForce {
        ThresholdsInForce {
            set_id: Some("ftp:1".to_owned()),
            ftp_w: Some(250.0),
            threshold_speed_mps: Some(4.0),
            lthr_bpm: Some(170.0),
            max_hr_bpm: Some(190.0),
            resting_hr_bpm: Some(50.0),
            sex: Sex::Male,
        }
    }

    fn run(sport_type: &str, grid: Option<&Grid>, moving_time_s: f64) -> UtlResult {
        let activity = ActivityInput {
            sport_type,
            moving_time_s,
            device_watts: None,
            average_heartrate_bpm: Some(170.0),
            grid,
        };
        compute(&activity, &athlete(), neutral(), &Config::default()).unwrap()
    }

    #[test]
    fn an_hour_at_ftp_on_a_ride_scores_100_by_power() {
        let g = grid(3600, Some(250.0), Some(150.0), Some(9.0));
        let r = run("Ride", Some(&g), 3600.0);
        assert_eq!(r.method, Method::Power);
        assert!(close(r.base_load, 100.0) && close(r.utl, 100.0));
        assert!(close(r.intensity_factor.unwrap(), 1.0));
        assert_eq!(r.calc_version, CALC_VERSION);
        assert!(r.skipped.is_empty());
    }

    #[test]
    fn virtual_rides_with_power_use_the_power_method() {
        let g = grid(1800, Some(200.0), None, None);
        assert_eq!(run("VirtualRide", Some(&g), 1800.0).method, Method::Power);
    }

    #[test]
    fn e_bike_power_is_never_used() {
        let g = grid(3600, Some(250.0), Some(170.0), None);
        let r = run("EBikeRide", Some(&g), 3600.0);
        assert_eq!(r.method, Method::Hr);
        assert!(r.skipped[0].1.contains("e-bike"));
    }

    #[test]
    fn estimated_power_falls_through_to_heart_rate() {
        let g = grid(3600, Some(250.0), Some(170.0), None);
        let activity = ActivityInput {
            sport_type: "Ride",
            moving_time_s: 3600.0,
            device_watts: Some(false),
            average_heartrate_bpm: None,
            grid: Some(&g),
        };
        let r = compute(&activity, &athlete(), neutral(), &Config::default()).unwrap();
        assert_eq!(r.method, Method::Hr);
        // One hour at LTHR is hrTSS 100, times the ride factor 0.75.
        assert!(close(r.base_load, 75.0));
    }

    #[test]
    fn runs_use_pace_and_faster_runs_score_higher() {
        let slow = grid(3600, None, Some(150.0), Some(3.5));
        let fast = grid(3600, None, Some(150.0), Some(4.0));
        let (slow, fast) = (
            run("Run", Some(&slow), 3600.0),
            run("Run", Some(&fast), 3600.0),
        );
        assert_eq!(fast.method, Method::Pace);
        assert!(close(fast.base_load, 100.0));
        assert!(fast.base_load > slow.base_load);
    }

    #[test]
    fn low_power_coverage_skips_power_with_the_reason() {
        let mut g = grid(3600, Some(250.0), Some(170.0), None);
        for w in g.watts.iter_mut().take(1000) {
            *w = None;
        }
        let r = run("Ride", Some(&g), 3600.0);
        assert_eq!(r.method, Method::Hr);
        assert!(r.skipped[0].1.contains("coverage 72 %"), "{:?}", r.skipped);
    }

    #[test]
    fn activities_without_streams_use_average_heart_rate() {
        let r = run("Swim", None, 3600.0);
        assert_eq!(r.method, Method::HrAvg);
        // Average HR at LTHR for an hour: hrTSS 100, swim factor 0.85.
        assert!(close(r.base_load, 85.0));
    }

    #[test]
    fn without_any_data_the_duration_estimate_applies() {
        let activity = ActivityInput {
            sport_type: "Ride",
            moving_time_s: 3600.0,
            device_watts: None,
            average_heartrate_bpm: None,
            grid: None,
        };
        let thresholds = ThresholdsInForce::default();
        let r = compute(&activity, &thresholds, neutral(), &Config::default()).unwrap();
        assert_eq!(r.method, Method::Estimated);
        assert!(r.estimated);
        assert!(close(r.base_load, 42.25));
        assert_eq!(r.skipped.len(), 4);
    }

    #[test]
    fn unknown_sport_types_are_estimated_as_other() {
        let r = run("Quidditch", None, 7200.0);
        assert_eq!(r.sport.class, SportClass::Other);
        assert_eq!(r.method, Method::HrAvg);
        assert!(close(r.base_load, 140.0));
    }

    #[test]
    fn zero_moving_time_gives_zero_load_and_method_none() {
        let r = run("Run", None, 0.0);
        assert_eq!(r.method, Method::None);
        assert_eq!(r.utl, 0.0);
    }

    #[test]
    fn a_nan_moving_time_is_an_error_not_a_zero_load() {
        let activity = ActivityInput {
            sport_type: "Run",
            moving_time_s: f64::NAN,
            device_watts: None,
            average_heartrate_bpm: None,
            grid: None,
        };
        let cfg = Config::default();
        assert!(compute(&activity, &athlete(), neutral(), &cfg).is_err());
    }

    #[test]
    fn poor_recovery_raises_the_load_through_the_modifier() {
        let day = LocalDate::from_ymd(2026, 6, 1).unwrap();
        let short_night = WellnessRecord {
            sleep_s: Some(5.0 * 3600.0),
            ..WellnessRecord::empty(day)
        };
        let m = modifier(&[short_night], day, &Config::default().wellness);
        let g = grid(3600, Some(250.0), None, None);
        let activity = ActivityInput {
            sport_type: "Ride",
            moving_time_s: 3600.0,
            device_watts: Some(true),
            average_heartrate_bpm: None,
            grid: Some(&g),
        };
        let r = compute(&activity, &athlete(), m, &Config::default()).unwrap();
        assert!(close(r.base_load, 100.0));
        assert!(close(r.utl, 104.0));
    }

    #[test]
    fn an_intensity_far_above_threshold_for_long_is_flagged() {
        let g = grid(1200, Some(400.0), None, None);
        assert!(run("Ride", Some(&g), 1200.0).suspect_threshold);
        let short = grid(300, Some(400.0), None, None);
        assert!(!run("Ride", Some(&short), 300.0).suspect_threshold);
    }
}

#[cfg(test)]
mod no_panic {
    //! Whatever a sensor or a file sends, the whole path from raw streams to UTL answers with a
    //! value or an error, never a panic.

    use proptest::prelude::*;

    use super::*;
    use crate::best_efforts::{activity_speed_curve, best_times};
    use crate::mmp::activity_power_curve;
    use crate::stream::{RawStreams, resample};
    use crate::wellness::modifier;

    fn wild() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            Just(None),
            Just(Some(f64::NAN)),
            Just(Some(f64::INFINITY)),
            Just(Some(-1e300)),
            Just(Some(1e300)),
            (-100.0..4000.0f64).prop_map(Some),
        ]
    }

    fn raw_streams() -> impl Strategy<Value = RawStreams> {
        (1usize..300).prop_flat_map(|n| {
            (
                prop::collection::vec(prop_oneof![Just(f64::NAN), 0.0..50.0f64, -5.0..5.0f64], n),
                prop::collection::vec(wild(), n),
                prop::collection::vec(wild(), n),
                prop::collection::vec(wild(), n),
                prop::collection::vec(wild(), n),
            )
                .prop_map(|(steps, watts, hr, speed, distance)| {
                    let mut t = 0.0;
                    let time_s = steps
                        .iter()
                        .map(|s| {
                            t += s;
                            t
                        })
                        .collect();
                    RawStreams {
                        time_s,
                        watts,
                        heartrate_bpm: hr,
                        velocity_mps: speed,
                        distance_m: distance,
                        ..RawStreams::default()
                    }
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn garbage_streams_never_panic(raw in raw_streams(), sport in 0usize..4) {
            let cfg = Config::default();
            let Ok(grid) = resample(&raw, &cfg.stream) else { return Ok(()) };
            let _ = activity_power_curve(&grid, &cfg.curves);
            let _ = activity_speed_curve(&grid, &cfg.curves);
            let _ = best_times(&grid, &cfg.curves);
            let day = crate::LocalDate::from_days_since_epoch(0);
            let neutral = modifier(&[], day, &cfg.wellness);
            let activity = ActivityInput {
                sport_type: ["Ride", "Run", "Swim", "FutureSport"][sport],
                moving_time_s: grid.len() as f64,
                device_watts: None,
                average_heartrate_bpm: Some(150.0),
                grid: Some(&grid),
            };
            let thresholds = ThresholdsInForce {
                set_id: None,
                ftp_w: Some(250.0),
                threshold_speed_mps: Some(4.0),
                lthr_bpm: Some(170.0),
                max_hr_bpm: Some(190.0),
                resting_hr_bpm: Some(50.0),
                sex: Sex::Female,
            };
            let result = compute(&activity, &thresholds, neutral, &cfg).unwrap();
            prop_assert!(result.utl.is_finite() && result.utl >= 0.0);
        }
    }
}
