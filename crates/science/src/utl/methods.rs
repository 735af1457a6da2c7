//! The methods of the hierarchy, tried in order (docs/science.md §5.1).

use super::{ActivityInput, LoadMetrics, Method, ThresholdsInForce, UtlResult};
use crate::{
    Config, SportClass, SportGroup,
    heart_rate::{self, HrThresholds, Sex},
    power, running,
    stream::{Channel, Grid},
};

/// Outcome of trying one method: its base load, IF, duration, or why it does not apply.
pub(super) struct Applied {
    pub(super) base_load: f64,
    pub(super) intensity_factor: f64,
    pub(super) duration_s: f64,
}

/// Walks the hierarchy; always ends with the estimate.
pub(super) fn select_method(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
    result: &mut UtlResult,
    moving_time_s: f64,
) -> Applied {
    let tries: [(Method, Attempt); 4] = [
        (Method::Power, try_power),
        (Method::Pace, try_pace),
        (Method::Hr, try_hr),
        (Method::HrAvg, try_hr_avg),
    ];
    for (method, attempt) in tries {
        match attempt(activity, thresholds, cfg, &mut result.metrics) {
            Ok(applied) => {
                result.method = method;
                return applied;
            }
            Err(reason) => result.skipped.push((method, reason)),
        }
    }
    let if_default = result.sport.params.if_default;
    result.method = Method::Estimated;
    result.estimated = true;
    Applied {
        base_load: moving_time_s / 3600.0 * 100.0 * if_default * if_default,
        intensity_factor: if_default,
        duration_s: moving_time_s,
    }
}

type Attempt = fn(
    &ActivityInput<'_>,
    &ThresholdsInForce,
    &Config,
    &mut LoadMetrics,
) -> Result<Applied, String>;

fn grid_with_coverage<'a>(
    activity: &ActivityInput<'a>,
    channel: Channel,
    label: &str,
    cfg: &Config,
) -> Result<&'a Grid, String> {
    let grid = activity
        .grid
        .filter(|g| !g.is_empty())
        .ok_or_else(|| "no streams".to_owned())?;
    let coverage = grid.coverage(channel);
    if coverage < cfg.utl.min_coverage {
        return Err(format!(
            "{label} coverage {:.0} % is below {:.0} %",
            coverage * 100.0,
            cfg.utl.min_coverage * 100.0
        ));
    }
    Ok(grid)
}

fn try_power(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
    metrics: &mut LoadMetrics,
) -> Result<Applied, String> {
    let class = SportClass::of(activity.sport_type);
    if class == SportClass::Ebike {
        return Err("e-bike power describes the motor system, not the rider".to_owned());
    }
    if class.group() != SportGroup::Cycling {
        return Err("not a cycling activity".to_owned());
    }
    if activity.device_watts == Some(false) {
        return Err("power is estimated, not measured".to_owned());
    }
    let grid = grid_with_coverage(activity, Channel::Watts, "power", cfg)?;
    let ftp_w = thresholds
        .ftp_w
        .ok_or_else(|| "no FTP for the date".to_owned())?;
    let samples = power::power_samples(grid);
    if samples.len() < cfg.utl.min_samples {
        return Err(format!(
            "{} power samples, need {}",
            samples.len(),
            cfg.utl.min_samples
        ));
    }
    let np_w = power::normalized_power(&samples, &cfg.power)
        .ok_or_else(|| "normalized power undefined".to_owned())?;
    let tss = power::tss(samples.len(), np_w, ftp_w).map_err(|e| e.to_string())?;
    let intensity_factor = power::intensity_factor(np_w, ftp_w).map_err(|e| e.to_string())?;
    metrics.np_w = Some(np_w);
    metrics.tss = Some(tss);
    Ok(Applied {
        base_load: tss,
        intensity_factor,
        duration_s: samples.len() as f64,
    })
}

fn try_pace(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
    metrics: &mut LoadMetrics,
) -> Result<Applied, String> {
    if SportClass::of(activity.sport_type).group() != SportGroup::Running {
        return Err("not a running activity".to_owned());
    }
    let grid = grid_with_coverage(activity, Channel::Velocity, "speed", cfg)?;
    let threshold_mps = thresholds
        .threshold_speed_mps
        .ok_or_else(|| "no threshold speed for the date".to_owned())?;
    let summary =
        running::summarize(grid, &cfg.running).ok_or_else(|| "no moving samples".to_owned())?;
    if summary.samples < cfg.utl.min_samples {
        return Err(format!(
            "{} moving samples, need {}",
            summary.samples, cfg.utl.min_samples
        ));
    }
    let ngp_mps = summary
        .ngp_mps
        .ok_or_else(|| "normalized graded pace undefined".to_owned())?;
    let rtss = running::rtss(summary.samples, ngp_mps, threshold_mps).map_err(|e| e.to_string())?;
    let intensity_factor =
        running::pace_intensity_factor(ngp_mps, threshold_mps).map_err(|e| e.to_string())?;
    metrics.ngp_mps = Some(ngp_mps);
    metrics.rtss = Some(rtss);
    Ok(Applied {
        base_load: rtss,
        intensity_factor,
        duration_s: summary.samples as f64,
    })
}

fn hr_thresholds(thresholds: &ThresholdsInForce) -> Result<HrThresholds, String> {
    match (
        thresholds.resting_hr_bpm,
        thresholds.lthr_bpm,
        thresholds.max_hr_bpm,
    ) {
        (Some(rest), Some(lthr), Some(max)) => {
            HrThresholds::new(rest, lthr, max).map_err(|e| e.to_string())
        }
        _ => Err("max HR, resting HR and LTHR are not all known".to_owned()),
    }
}

fn try_hr(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
    metrics: &mut LoadMetrics,
) -> Result<Applied, String> {
    let grid = grid_with_coverage(activity, Channel::HeartRate, "heart-rate", cfg)?;
    let hr = hr_thresholds(thresholds)?;
    let samples = heart_rate::hr_samples(grid);
    let (sex, hr_cfg) = (thresholds.sex, &cfg.heart_rate);
    let trimp = heart_rate::trimp(&samples, hr.resting_bpm, hr.max_bpm, sex, hr_cfg)
        .map_err(|e| e.to_string())?;
    let duration_s = samples.len() as f64;
    hr_load(activity, &hr, trimp, duration_s, cfg, metrics, sex)
}

fn try_hr_avg(
    activity: &ActivityInput<'_>,
    thresholds: &ThresholdsInForce,
    cfg: &Config,
    metrics: &mut LoadMetrics,
) -> Result<Applied, String> {
    if activity.grid.is_some_and(|g| !g.is_empty()) {
        return Err("streams exist; the average is only for activities without them".to_owned());
    }
    let avg_bpm = activity
        .average_heartrate_bpm
        .ok_or_else(|| "no average heart rate".to_owned())?;
    let hr = hr_thresholds(thresholds)?;
    let (sex, hr_cfg) = (thresholds.sex, &cfg.heart_rate);
    let minutes = activity.moving_time_s / 60.0;
    let trimp = heart_rate::trimp_avg(minutes, avg_bpm, hr.resting_bpm, hr.max_bpm, sex, hr_cfg)
        .map_err(|e| e.to_string())?;
    hr_load(
        activity,
        &hr,
        trimp,
        activity.moving_time_s,
        cfg,
        metrics,
        sex,
    )
}

/// hrTSS × sport factor, and the implied intensity sqrt(hrTSS / (100 × hours)) of §4.
fn hr_load(
    activity: &ActivityInput<'_>,
    hr: &HrThresholds,
    trimp: f64,
    duration_s: f64,
    cfg: &Config,
    metrics: &mut LoadMetrics,
    sex: Sex,
) -> Result<Applied, String> {
    if duration_s <= 0.0 {
        return Err("no heart-rate samples".to_owned());
    }
    let hrtss = heart_rate::hrtss(trimp, hr, sex, &cfg.heart_rate).map_err(|e| e.to_string())?;
    let factor = cfg
        .utl
        .sports
        .get(SportClass::of(activity.sport_type))
        .hr_factor;
    metrics.trimp = Some(trimp);
    metrics.hrtss = Some(hrtss);
    Ok(Applied {
        base_load: hrtss * factor,
        intensity_factor: (hrtss / (100.0 * duration_s / 3600.0)).sqrt(),
        duration_s,
    })
}
