//! The metric sections of an analysis report, computed with the science crate.

use science::critical_power::cp_from_curve;
use science::heart_rate::{self, HrThresholds};
use science::mmp::{self, DatedCurve, MmpCurve};
use science::stream::Grid;
use science::utl::{self, ActivityInput, Method, ThresholdsInForce, UtlResult};
use science::{Config, LocalDate, ScienceError, SportGroup, power, running, wellness};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::AthleteSettings;
use crate::activity_file::FileActivity;

/// The durations of the `mmp_w` section, s.
const MMP_DURATIONS_S: [u32; 15] = [
    1, 5, 10, 20, 30, 60, 120, 180, 300, 600, 720, 1200, 1800, 2400, 3600,
];

/// `power` section: summary of the power stream and, with an FTP, IF and TSS.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PowerReport {
    /// Mean power including zeros, W.
    pub avg_w: f64,
    /// Highest valid sample, W.
    pub max_w: f64,
    /// Normalized Power (Coggan), W; null under 30 samples.
    pub np_w: Option<f64>,
    /// NP / FTP.
    #[serde(rename = "if")]
    pub intensity_factor: Option<f64>,
    /// Training Stress Score.
    pub tss: Option<f64>,
    /// Work, kJ.
    pub work_kj: f64,
    /// NP / average power.
    pub variability_index: Option<f64>,
    /// Skiba's xPower, W.
    pub xpower_w: Option<f64>,
}

/// `heart_rate` section.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HeartRateReport {
    /// Mean heart rate, bpm.
    pub avg_bpm: f64,
    /// Highest valid sample, bpm.
    pub max_bpm: f64,
    /// Banister TRIMP per sample; needs resting and max HR.
    pub trimp: Option<f64>,
    /// TRIMP scaled to 100 for an hour at LTHR; needs LTHR too.
    pub hrtss: Option<f64>,
}

/// `pace` section (running group only).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PaceReport {
    /// Mean moving speed, m/s.
    pub avg_mps: f64,
    /// Normalized graded speed, m/s.
    pub ngp_mps: Option<f64>,
    /// Mean moving pace, `m:ss/km`.
    pub avg_pace: String,
    /// Normalized graded pace, `m:ss/km`.
    pub ngp_pace: Option<String>,
    /// NGP speed / threshold speed.
    #[serde(rename = "if")]
    pub intensity_factor: Option<f64>,
    /// Running TSS.
    pub rtss: Option<f64>,
}

/// `mmp_w` section: best mean power per standard duration, in ascending duration.
#[derive(Debug, Clone, PartialEq)]
pub struct MmpReport(pub Vec<(u32, f64)>);

impl Serialize for MmpReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (duration_s, watts) in &self.0 {
            map.serialize_entry(&duration_s.to_string(), watts)?;
        }
        map.end()
    }
}

/// `critical_power` section: the 2-parameter fit over this activity's curve.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CriticalPowerReport {
    /// Critical power, W.
    pub cp_w: f64,
    /// W′, J.
    pub w_prime_j: f64,
    /// Quality of the fit in the power domain.
    pub r2: f64,
    /// The durations whose best efforts were fitted, s.
    pub durations_s: Vec<u32>,
}

/// `load` section.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LoadReport {
    /// `power_tss`, `pace_rtss`, `hr_trimp` or `duration_estimate`.
    pub method: &'static str,
    /// Load before the wellness modifier.
    pub base: f64,
    /// The wellness modifier (1.0 without wellness data).
    pub modifier: f64,
    /// base × modifier.
    pub utl: f64,
    /// True when no measured method applied and the load is the duration estimate.
    pub estimated: bool,
    /// Each better method that was not used, with the reason, in the order tried.
    pub skipped: Vec<SkippedMethod>,
}

/// A load method that was tried and skipped.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SkippedMethod {
    /// `power_tss`, `pace_rtss` or `hr_trimp` (`hr_avg` for the average-HR variant).
    pub method: &'static str,
    /// Why it did not apply.
    pub reason: String,
}

/// Every metric section of one activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Moving time, s: the file's timer time, or the track's moving seconds without one.
    pub moving_s: f64,
    /// `timer` or `track`: where `moving_s` comes from.
    pub moving_source: &'static str,
    /// 1 Hz samples after resampling.
    pub samples: usize,
    /// Samples (per channel) rejected as artefacts.
    pub samples_rejected: usize,
    /// Of which power spikes kept out of every figure.
    pub power_spikes: usize,
    /// Of which run seconds at an implausible speed.
    pub implausible_speed: usize,
    /// Power section.
    pub power: Option<PowerReport>,
    /// Heart-rate section.
    pub heart_rate: Option<HeartRateReport>,
    /// Pace section.
    pub pace: Option<PaceReport>,
    /// Mean-maximal power.
    pub mmp_w: Option<MmpReport>,
    /// Critical power.
    pub critical_power: Option<CriticalPowerReport>,
    /// Training load.
    pub load: LoadReport,
    /// Time in zone per applicable model.
    pub time_in_zone: Vec<super::ZoneTimeView>,
}

/// Computes every metric of one activity.
///
/// # Errors
/// When the streams are inconsistent (a channel of another length than the time stream).
pub fn compute(
    activity: &FileActivity,
    athlete: &AthleteSettings,
) -> Result<Metrics, ScienceError> {
    let cfg = Config::default();
    let class = science::SportClass::of(&activity.sport_type);
    let grid = science::stream::activity_grid(&activity.streams, class, &cfg.stream)?;
    let thresholds = thresholds_in_force(athlete, &cfg);
    let curve = mmp::activity_power_curve(&grid, &cfg.curves);
    // Without a timer time in the file (a GPX track), moving time is the seconds the resampled
    // track was moving: what the load counts, so the report says which one it is.
    let (moving_s, moving_source) = match activity.moving_s {
        Some(timer) => (timer, "timer"),
        None => (grid.moving.iter().filter(|&&m| m).count() as f64, "track"),
    };
    let load = load(activity, moving_s, &grid, &thresholds, &cfg)?;
    let power = power_report(&grid, class, athlete, &cfg);
    Ok(Metrics {
        moving_s,
        moving_source,
        samples: grid.len(),
        samples_rejected: grid.rejected.total(),
        power_spikes: grid.rejected.power_spikes,
        implausible_speed: grid.rejected.implausible_speed,
        critical_power: curve
            .as_ref()
            .and_then(|c| critical_power_report(c, power.as_ref().and_then(|p| p.np_w), &cfg)),
        power,
        heart_rate: heart_rate_report(&grid, &thresholds, &cfg),
        pace: pace_report(activity, &grid, athlete, &cfg),
        time_in_zone: super::zones::time_in_zone(&grid, class, &thresholds),
        mmp_w: curve.as_ref().map(mmp_report),
        load: LoadReport {
            method: method_name(load.method),
            base: load.base_load,
            modifier: load.modifier.value,
            utl: load.utl,
            estimated: load.estimated,
            skipped: load
                .skipped
                .iter()
                .map(|(m, reason)| SkippedMethod {
                    method: match m {
                        Method::HrAvg => "hr_avg",
                        other => method_name(*other),
                    },
                    reason: reason.clone(),
                })
                .collect(),
        },
    })
}

/// The thresholds of the command line, resolved like the sync resolves a stored history: without
/// `--lthr`, LTHR = 0.89 × max HR when max HR is known (the sync's rule; docs/science.md).
fn thresholds_in_force(athlete: &AthleteSettings, cfg: &Config) -> ThresholdsInForce {
    let lthr_bpm = athlete.lthr_bpm.or_else(|| {
        athlete
            .max_hr_bpm
            .map(|max| cfg.thresholds.lthr_pct_max * max)
    });
    ThresholdsInForce {
        set_id: None,
        ftp_w: athlete.ftp_w,
        threshold_speed_mps: athlete.threshold_speed_mps,
        lthr_bpm,
        max_hr_bpm: athlete.max_hr_bpm,
        resting_hr_bpm: athlete.rest_hr_bpm,
        sex: athlete.sex.map_or(heart_rate::Sex::Unknown, Into::into),
    }
}

fn power_report(
    grid: &Grid,
    class: science::SportClass,
    athlete: &AthleteSettings,
    cfg: &Config,
) -> Option<PowerReport> {
    let summary = power::summarize(grid, &cfg.power)?;
    // The FTP is a cycling threshold: a run's power (a running power meter) would need a
    // running threshold of its own, which the command line does not take, so no IF/TSS there.
    let ftp = athlete
        .ftp_w
        .filter(|_| class.group() == SportGroup::Cycling);
    let with_ftp = summary.np_w.zip(ftp);
    Some(PowerReport {
        avg_w: summary.avg_w,
        max_w: summary.max_w,
        np_w: summary.np_w,
        intensity_factor: with_ftp.and_then(|(np, ftp)| power::intensity_factor(np, ftp).ok()),
        tss: with_ftp.and_then(|(np, ftp)| power::tss(summary.samples, np, ftp).ok()),
        work_kj: summary.work_kj,
        variability_index: summary.variability_index,
        xpower_w: summary.xpower_w,
    })
}

fn heart_rate_report(
    grid: &Grid,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
) -> Option<HeartRateReport> {
    let summary = heart_rate::summarize(grid)?;
    let samples = heart_rate::hr_samples(grid);
    let hr_cfg = &cfg.heart_rate;
    let trimp = thresholds
        .resting_hr_bpm
        .zip(thresholds.max_hr_bpm)
        .and_then(|(rest, max)| {
            heart_rate::trimp(&samples, rest, max, thresholds.sex, hr_cfg).ok()
        });
    let hr_thresholds = match (
        thresholds.resting_hr_bpm,
        thresholds.lthr_bpm,
        thresholds.max_hr_bpm,
    ) {
        (Some(rest), Some(lthr), Some(max)) => HrThresholds::new(rest, lthr, max).ok(),
        _ => None,
    };
    let hrtss = trimp
        .zip(hr_thresholds)
        .and_then(|(t, hr)| heart_rate::hrtss(t, &hr, thresholds.sex, hr_cfg).ok());
    Some(HeartRateReport {
        avg_bpm: summary.avg_bpm,
        max_bpm: summary.max_bpm,
        trimp,
        hrtss,
    })
}

fn pace_report(
    activity: &FileActivity,
    grid: &Grid,
    athlete: &AthleteSettings,
    cfg: &Config,
) -> Option<PaceReport> {
    if science::SportClass::of(&activity.sport_type).group() != SportGroup::Running {
        return None;
    }
    let summary = running::summarize(grid, &cfg.running)?;
    let with_threshold = summary.ngp_mps.zip(athlete.threshold_speed_mps);
    Some(PaceReport {
        avg_mps: summary.avg_mps,
        ngp_mps: summary.ngp_mps,
        avg_pace: crate::units::Units::Metric.pace(summary.avg_mps),
        ngp_pace: summary.ngp_mps.map(|v| crate::units::Units::Metric.pace(v)),
        intensity_factor: with_threshold
            .and_then(|(ngp, thr)| running::pace_intensity_factor(ngp, thr).ok()),
        rtss: with_threshold.and_then(|(ngp, thr)| running::rtss(summary.samples, ngp, thr).ok()),
    })
}

fn mmp_report(curve: &MmpCurve) -> MmpReport {
    MmpReport(
        MMP_DURATIONS_S
            .iter()
            .filter_map(|&d| curve.at(d).map(|w| (d, w)))
            .collect(),
    )
}

/// CP and W′ from one ride, shown only when credible: the docs/science.md §7.2 fit on the ride's
/// exact curve passes its gates (a point ≤ 5 min and one ≥ 12 min among the fit durations, R² ≥
/// 0.95, CP 50–600 W, W′ 3–60 kJ), and CP is at least the ride's own NP. A CP below NP would mean
/// the rider held more than CP for the whole ride, so the long efforts were not maximal and
/// the fit understates CP.
fn critical_power_report(
    curve: &MmpCurve,
    np_w: Option<f64>,
    cfg: &Config,
) -> Option<CriticalPowerReport> {
    // One activity is a window of one day: the same fit and gates as the 90-day estimate.
    let day = LocalDate::from_days_since_epoch(0);
    let dated = [DatedCurve {
        activity_id: 0,
        date: day,
        curve,
    }];
    let window = mmp::merge_window(&dated, day, day);
    let fit = cp_from_curve(&window, &cfg.thresholds)?;
    if np_w.is_some_and(|np| fit.fit.cp_w < np) {
        return None;
    }
    Some(CriticalPowerReport {
        cp_w: fit.fit.cp_w,
        w_prime_j: fit.fit.w_prime_j,
        r2: fit.fit.r2,
        durations_s: fit.points.iter().map(|p| p.duration_s).collect(),
    })
}

fn load(
    activity: &FileActivity,
    moving_time_s: f64,
    grid: &Grid,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
) -> Result<UtlResult, ScienceError> {
    let input = ActivityInput {
        sport_type: &activity.sport_type,
        moving_time_s,
        device_watts: activity.device_watts.then_some(true),
        average_heartrate_bpm: activity.avg_hr_bpm,
        grid: Some(grid),
    };
    // No wellness data on the command line: the modifier is neutral.
    let neutral = wellness::modifier(&[], LocalDate::from_days_since_epoch(0), &cfg.wellness);
    utl::compute(&input, thresholds, neutral, cfg)
}

/// The method names of the `analyze` contract.
fn method_name(method: Method) -> &'static str {
    match method {
        Method::Power => "power_tss",
        Method::Pace => "pace_rtss",
        Method::Hr | Method::HrAvg => "hr_trimp",
        Method::Estimated | Method::None => "duration_estimate",
    }
}
