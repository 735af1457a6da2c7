//! The `trainload analyze` binary on generated files: JSON shape, order, errors, exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::integration::xml::fixture;
use fitgen::scenarios;

/// Every key of one report object, in order.
const KEYS: [&str; 19] = [
    "file",
    "error",
    "sport_type",
    "sport",
    "start_time",
    "elapsed_s",
    "moving_s",
    "moving_source",
    "samples",
    "samples_rejected",
    "power_spikes_rejected",
    "implausible_speed_rejected",
    "power",
    "heart_rate",
    "pace",
    "mmp_w",
    "critical_power",
    "load",
    "time_in_zone",
];

/// A fresh directory for one test's files, removed when dropped.
struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Self(crate::support::temp_dir())
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

fn analyze(args: &[&Path]) -> (Output, Vec<Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .arg("analyze")
        .args(["--ftp", "250", "--lthr", "165", "--sex", "female"])
        .args(args)
        .output()
        .unwrap();
    let reports: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_default();
    (output, reports)
}

fn sorted_keys(report: &Value) -> Vec<&str> {
    report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn every_file_is_reported_in_order_and_a_corrupt_one_fails_the_run() {
    let dir = Files::new();
    let ride = dir.write("ride.fit", &scenarios::ride_with_pause());
    let multi = dir.write("multi.fit", &scenarios::multisport());
    let mut corrupt_bytes = scenarios::ride_with_pause();
    corrupt_bytes.truncate(500);
    let corrupt = dir.write("corrupt.fit", &corrupt_bytes);
    let gpx = fixture("run.gpx");

    let (output, reports) = analyze(&[&ride, &multi, &corrupt, &gpx]);

    assert_eq!(output.status.code(), Some(1));
    let files: Vec<&str> = reports
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    let name = |p: &Path| p.display().to_string();
    assert_eq!(
        files,
        [
            name(&ride),
            format!("{}#1", name(&multi)),
            format!("{}#2", name(&multi)),
            name(&corrupt),
            name(&gpx),
        ]
    );
    let mut expected_keys = KEYS.to_vec();
    expected_keys.sort_unstable();
    for report in &reports {
        assert_eq!(sorted_keys(report), expected_keys);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let positions: Vec<usize> = KEYS
        .iter()
        .map(|k| stdout.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(
        positions.is_sorted(),
        "keys in the documented order: {positions:?}"
    );
    let ride_report = &reports[0];
    assert!(ride_report["error"].is_null());
    assert_eq!(ride_report["sport_type"], "Ride");
    assert_eq!(ride_report["sport"], "cycling");
    assert_eq!(ride_report["start_time"], "2026-05-02T07:00:00Z");
    assert_eq!(ride_report["elapsed_s"], 600.0);
    assert_eq!(ride_report["moving_s"], 540.0);
    assert_eq!(reports[1]["sport"], "running");
    assert_eq!(reports[4]["sport_type"], "Run");

    let failed = &reports[3];
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("{}: truncated FIT file", name(&corrupt))),
        "{error}"
    );
    for key in &KEYS[2..] {
        assert!(
            failed[key].is_null(),
            "{key} must be null for a failed file"
        );
    }
}

#[test]
fn a_run_where_every_file_reads_exits_zero() {
    let (output, reports) = analyze(&[&fixture("ride.tcx"), &fixture("two_tracks.gpx")]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| r["error"].is_null()));
}

#[test]
fn the_sample_ride_analyses() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ride.fit");
    let (output, reports) = analyze(&[&sample]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(reports[0]["elapsed_s"], 3640.0);
}

#[test]
fn bad_arguments_are_a_usage_error() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trainload"))
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(
        run(&["analyze"]).status.code(),
        Some(2),
        "files are required"
    );
    let negative = run(&["analyze", "--ftp=0", "x.fit"]);
    assert_eq!(negative.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&negative.stderr).contains("positive"));
}

#[test]
fn files_without_a_known_extension_are_recognised_by_content() {
    let dir = Files::new();
    let fit = dir.write("upload-1.bin", &scenarios::hr_only_run());
    let gpx = dir.write("upload-2", &std::fs::read(fixture("run.gpx")).unwrap());
    let text = dir.write("notes.txt", b"just some notes");
    let (output, reports) = analyze(&[&fit, &gpx, &text]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(reports[0]["sport_type"], "Run");
    assert_eq!(reports[1]["sport_type"], "Run");
    let error = reports[2]["error"].as_str().unwrap();
    assert!(error.ends_with("notes.txt: unknown file format (expected a FIT, TCX or GPX file)"));
    // A person reading the terminal sees the failure too, one short line per file.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains("notes.txt: unknown file format"));
}

#[test]
fn metrics_are_rounded_and_the_load_is_exact() {
    let dir = Files::new();
    let fit = dir.write("run.fit", &scenarios::hr_only_run());
    let (rounded, reports) = analyze(&[&fit]);
    assert!(rounded.status.success());
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args([
            "analyze", "--ftp", "250", "--lthr", "165", "--sex", "female",
        ])
        .arg("--full-precision")
        .arg(&fit)
        .output()
        .unwrap();
    let full: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let hr = |r: &Value| r["heart_rate"]["avg_bpm"].as_f64().unwrap();
    let rounded_hr = hr(&reports[0]);
    assert!(
        (rounded_hr * 10.0 - (rounded_hr * 10.0).round()).abs() < 1e-9,
        "{rounded_hr}"
    );
    assert!((rounded_hr - hr(&full[0])).abs() <= 0.05);
    assert_eq!(
        reports[0]["load"], full[0]["load"],
        "the load keeps full precision"
    );
}

#[test]
fn analyze_reports_the_exact_curve_the_sync_stores_for_the_same_file() {
    let dir = Files::new();
    let ride = dir.write("ride.fit", &scenarios::ride_with_pause());
    // Full precision: the printed figures are otherwise rounded for people.
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["analyze", "--ftp", "250", "--full-precision"])
        .arg(&ride)
        .output()
        .unwrap();
    assert!(output.status.success());
    let reports: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mmp = reports[0]["mmp_w"].as_object().unwrap().clone();
    assert!(!mmp.is_empty());
    // What the sync stores: the same grid (resample + implausible samples out) and the exact
    // curve of that grid.
    let activity = trainload::activity_file::read_path(&ride)
        .unwrap()
        .remove(0);
    let cfg = science::Config::default();
    let class = science::SportClass::of(&activity.sport_type);
    let grid = science::stream::activity_grid(&activity.streams, class, &cfg.stream).unwrap();
    let curve = science::mmp::activity_power_curve(&grid, &cfg.curves).unwrap();
    for (d, w) in &mmp {
        let d: u32 = d.parse().unwrap();
        let stored = curve.at(d).unwrap();
        // JSON parsing may round the last bit.
        assert!(
            (w.as_f64().unwrap() - stored).abs() <= 1e-9 * stored,
            "{d} s"
        );
        assert_eq!(curve.point(d).unwrap().window_s, d, "exactly {d} s");
    }
}
