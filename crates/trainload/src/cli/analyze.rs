//! `trainload analyze`: metrics and load of activity files, as JSON, without a database.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::analysis::{AthleteSettings, Sex, analyze_path};

/// Arguments of `trainload analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Functional threshold power, W.
    #[arg(long, value_name = "W", value_parser = positive)]
    pub ftp: Option<f64>,
    /// Threshold running speed, m/s.
    #[arg(long, value_name = "M_PER_S", value_parser = positive)]
    pub threshold_speed: Option<f64>,
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
    /// FIT, TCX or GPX files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

impl AnalyzeArgs {
    fn athlete(&self) -> AthleteSettings {
        AthleteSettings {
            ftp_w: self.ftp,
            threshold_speed_mps: self.threshold_speed,
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
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &reports).context("writing the JSON report")?;
    writeln!(stdout).context("writing the JSON report")?;
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_must_be_positive_numbers() {
        assert_eq!(positive("250"), Ok(250.0));
        assert!(positive("0").is_err());
        assert!(positive("-3").is_err());
        assert!(positive("NaN").is_err());
        assert!(positive("fast").is_err());
    }
}
