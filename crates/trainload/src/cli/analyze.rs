//! `trainload analyze`: metrics, load and time in zone of activity files, as JSON (or as text
//! with `--text`), without a database.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::analysis::{ActivityReport, AthleteSettings, Sex, analyze_path};
use crate::units::Units;

/// Arguments of `trainload analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Functional threshold power, W.
    #[arg(long, value_name = "W", value_parser = positive)]
    pub ftp: Option<f64>,
    /// Threshold running speed, m/s.
    #[arg(long, value_name = "M_PER_S", value_parser = positive)]
    pub threshold_speed: Option<f64>,
    /// Threshold running pace: `4:30` (min/km), `4:30/km` or `4:30/mi`; the same threshold as
    /// `--threshold-speed`, given as a pace.
    #[arg(long, value_name = "M:SS[/km|/mi]", value_parser = pace_speed, conflicts_with = "threshold_speed")]
    pub threshold_pace: Option<f64>,
    /// Lactate threshold heart rate, bpm.
    #[arg(long, value_name = "BPM", value_parser = positive)]
    pub lthr: Option<f64>,
    /// Maximum heart rate, bpm.
    #[arg(long, value_name = "BPM", value_parser = positive)]
    pub max_hr: Option<f64>,
    /// Resting heart rate, bpm.
    #[arg(long, value_name = "BPM", value_parser = positive)]
    pub rest_hr: Option<f64>,
    /// Sex, for heart-rate load.
    #[arg(long, value_enum)]
    pub sex: Option<Sex>,
    /// Print every number at full precision (by default metrics are rounded to four
    /// significant digits; the load keeps full precision either way).
    #[arg(long)]
    pub full_precision: bool,
    /// Print a summary for people (headline figures and time in zone) instead of JSON.
    #[arg(long)]
    pub text: bool,
    /// FIT, TCX or GPX files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

impl AnalyzeArgs {
    fn athlete(&self) -> AthleteSettings {
        AthleteSettings {
            ftp_w: self.ftp,
            threshold_speed_mps: self.threshold_speed.or(self.threshold_pace),
            lthr_bpm: self.lthr,
            max_hr_bpm: self.max_hr,
            rest_hr_bpm: self.rest_hr,
            sex: self.sex,
        }
    }
}

/// A finite number above zero.
fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("expected a positive number, got {text:?}")),
    }
}

/// A pace `m:ss` per km (default) or per mile (`/mi`) as the speed it means, m/s.
fn pace_speed(text: &str) -> Result<f64, String> {
    let bad = || format!("expected a pace such as 4:30, 4:30/km or 4:30/mi, got {text:?}");
    let trimmed = text.trim();
    let (clock, units) = match trimmed.rsplit_once('/') {
        None => (trimmed, Units::Metric),
        Some((clock, "km")) => (clock, Units::Metric),
        Some((clock, "mi")) => (clock, Units::Imperial),
        Some(_) => return Err(bad()),
    };
    let (minutes, seconds) = clock.split_once(':').ok_or_else(bad)?;
    let minutes: u32 = minutes.trim().parse().map_err(|_| bad())?;
    let seconds: u32 = seconds.trim().parse().map_err(|_| bad())?;
    if seconds >= 60 {
        return Err(bad());
    }
    units
        .speed_from_pace(f64::from(minutes * 60 + seconds))
        .ok_or_else(bad)
}

/// Analyses every file in argument order and prints one JSON array: one object per activity
/// (`file` suffixed `#1`, `#2`, … when a file holds several). Exit status 1 when any file failed.
///
/// # Errors
/// Only when writing to stdout fails.
pub fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let athlete = args.athlete();
    let reports: Vec<_> = args
        .files
        .iter()
        .flat_map(|path| analyze_path(path, &athlete))
        .collect();
    for error in reports.iter().filter_map(|r| r.error.as_deref()) {
        eprintln!("error: {error}");
    }
    let mut reports = reports;
    if !args.full_precision {
        reports.iter_mut().for_each(round_metrics);
    }
    let mut stdout = std::io::stdout().lock();
    if args.text {
        write!(stdout, "{}", super::analyze_text::render(&reports))
            .context("writing the report")?;
    } else {
        serde_json::to_writer_pretty(&mut stdout, &reports).context("writing the JSON report")?;
        writeln!(stdout).context("writing the JSON report")?;
    }
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Significant digits of a rounded metric: more than a device measures or a reader compares.
const SIGNIFICANT: i32 = 4;

/// Rounds the metrics of `report` to [`SIGNIFICANT`] digits, but not its load: the UTL is the
/// number compared with the dashboard and other tools, so it stays exact.
fn round_metrics(report: &mut ActivityReport) {
    let r = round_significant;
    let opt = |x: &mut Option<f64>| *x = x.map(r);
    opt(&mut report.elapsed_s);
    opt(&mut report.moving_s);
    if let Some(p) = &mut report.power {
        p.avg_w = r(p.avg_w);
        p.max_w = r(p.max_w);
        p.work_kj = r(p.work_kj);
        for x in [
            &mut p.np_w,
            &mut p.intensity_factor,
            &mut p.tss,
            &mut p.variability_index,
            &mut p.xpower_w,
        ] {
            opt(x);
        }
    }
    if let Some(h) = &mut report.heart_rate {
        h.avg_bpm = r(h.avg_bpm);
        h.max_bpm = r(h.max_bpm);
        opt(&mut h.trimp);
        opt(&mut h.hrtss);
    }
    if let Some(p) = &mut report.pace {
        p.avg_mps = r(p.avg_mps);
        for x in [&mut p.ngp_mps, &mut p.intensity_factor, &mut p.rtss] {
            opt(x);
        }
    }
    if let Some(mmp) = &mut report.mmp_w {
        mmp.0.iter_mut().for_each(|(_, w)| *w = r(*w));
    }
    if let Some(cp) = &mut report.critical_power {
        cp.cp_w = r(cp.cp_w);
        cp.w_prime_j = r(cp.w_prime_j);
    }
}

/// `x` to [`SIGNIFICANT`] digits, never below a whole unit's precision for large numbers.
fn round_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = x.abs().log10().floor() as i32 + 1;
    let decimals = (SIGNIFICANT - digits).max(0);
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_rounded_to_four_significant_digits() {
        assert_eq!(round_significant(212.471_813_385), 212.5);
        assert_eq!(round_significant(0.959_233_281), 0.9592);
        assert_eq!(round_significant(3640.0), 3640.0);
        assert_eq!(round_significant(123_456.7), 123_457.0);
        assert_eq!(round_significant(-12.345_67), -12.35);
        assert_eq!(round_significant(0.0), 0.0);
    }

    #[test]
    fn a_threshold_pace_is_per_km_unless_it_says_per_mile() {
        assert_eq!(pace_speed("4:30"), Ok(1000.0 / 270.0));
        assert_eq!(pace_speed("4:30/km"), Ok(1000.0 / 270.0));
        assert_eq!(pace_speed("7:14/mi"), Ok(1609.344 / 434.0));
        for bad in ["4:60", "0:00", "4.5", "4:30/furlong", "fast", ""] {
            assert!(pace_speed(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn thresholds_must_be_positive_numbers() {
        assert_eq!(positive("250"), Ok(250.0));
        assert!(positive("0").is_err());
        assert!(positive("-3").is_err());
        assert!(positive("NaN").is_err());
        assert!(positive("fast").is_err());
    }
}
