//! The numbers `trainload analyze` reports for generated activities whose answers are known
//! from the definitions (docs/science.md): TSS 100 for an hour at FTP, rTSS 100 for an hour at
//! threshold speed, CP and W′ recovered from model efforts.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use fitgen::scenarios;

const TOL: f64 = 1e-9;

fn assert_close(actual: &Value, expected: f64) {
    let a = actual.as_f64().unwrap_or(f64::NAN);
    assert!(
        (a - expected).abs() <= TOL * expected.abs().max(1.0),
        "{a} != {expected}"
    );
}

/// Writes `bytes` to a temporary file, analyses it with `args`, returns its one report.
fn analyze(name: &str, bytes: &[u8], args: &[&str]) -> Value {
    let dir = crate::support::temp_dir();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .arg("analyze")
        .args(args)
        .arg(Path::new(&path))
        .output()
        .unwrap();
    drop(dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let mut reports: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

#[test]
fn an_hour_at_ftp_is_tss_100_by_the_power_method() {
    let r = analyze(
        "ftp.fit",
        &scenarios::steady_ride(250, 3600, 0),
        &["--ftp", "250"],
    );
    assert_eq!(r["samples"], 3600);
    assert_close(&r["power"]["np_w"], 250.0);
    assert_close(&r["power"]["if"], 1.0);
    assert_close(&r["power"]["tss"], 100.0);
    assert_close(&r["power"]["work_kj"], 900.0);
    assert_eq!(r["load"]["method"], "power_tss");
    assert_close(&r["load"]["base"], 100.0);
    assert_close(&r["load"]["modifier"], 1.0);
    assert_close(&r["load"]["utl"], 100.0);
    let mmp = r["mmp_w"].as_object().unwrap();
    assert_eq!(mmp.len(), 15, "1 s … 3600 s");
    assert!(mmp.values().all(|w| w.as_f64() == Some(250.0)));
}

#[test]
fn a_pause_changes_neither_np_nor_tss() {
    let steady = analyze(
        "steady.fit",
        &scenarios::steady_ride(250, 3600, 0),
        &["--ftp", "250"],
    );
    let paused = analyze(
        "paused.fit",
        &scenarios::steady_ride(250, 3600, 300),
        &["--ftp", "250"],
    );
    assert_eq!(paused["elapsed_s"], 3900.0);
    assert_eq!(paused["samples"], steady["samples"]);
    assert_eq!(paused["power"]["np_w"], steady["power"]["np_w"]);
    assert_eq!(paused["power"]["tss"], steady["power"]["tss"]);
}

#[test]
fn without_thresholds_intensity_is_null_and_the_load_is_estimated() {
    let r = analyze(
        "nothresholds.fit",
        &scenarios::steady_ride(250, 3600, 0),
        &[],
    );
    assert!(r["power"]["if"].is_null() && r["power"]["tss"].is_null());
    assert!(r["heart_rate"]["trimp"].is_null() && r["heart_rate"]["hrtss"].is_null());
    assert_eq!(r["load"]["method"], "duration_estimate");
    assert_close(&r["load"]["base"], 42.25);
}

#[test]
fn an_hour_at_threshold_speed_is_rtss_100_and_faster_scores_higher() {
    let args = ["--threshold-speed", "4.0"];
    let at = analyze("at.fit", &scenarios::steady_run(4.0, 3600), &args);
    let faster = analyze("faster.fit", &scenarios::steady_run(4.4, 3600), &args);
    assert_eq!(at["sport"], "running");
    assert_eq!(at["load"]["method"], "pace_rtss");
    assert_close(&at["pace"]["ngp_mps"], 4.0);
    assert_close(&at["pace"]["rtss"], 100.0);
    assert!(faster["pace"]["rtss"].as_f64() > at["pace"]["rtss"].as_f64());
}

#[test]
fn heart_rate_only_files_use_heart_rate_load() {
    let args = ["--max-hr", "190", "--rest-hr", "50", "--lthr", "170"];
    let r = analyze("hr.fit", &scenarios::hr_only_run(), &args);
    assert!(r["power"].is_null() && r["pace"].is_null() && r["mmp_w"].is_null());
    assert_eq!(r["load"]["method"], "hr_trimp");
    assert!(r["heart_rate"]["trimp"].as_f64().unwrap() > 0.0);
    assert!(r["heart_rate"]["hrtss"].as_f64().unwrap() > 0.0);
}

#[test]
fn model_efforts_give_back_critical_power_and_w_prime() {
    let r = analyze("cp.fit", &scenarios::critical_power_test_ride(), &[]);
    let cp = &r["critical_power"];
    let cp_w = cp["cp_w"].as_f64().unwrap();
    let w_prime_j = cp["w_prime_j"].as_f64().unwrap();
    assert!((cp_w - 250.0).abs() < 1.0, "CP {cp_w}");
    assert!((w_prime_j - 20_000.0).abs() < 400.0, "W′ {w_prime_j}");
    assert!(cp["r2"].as_f64().unwrap() > 0.99);
    assert_eq!(cp["durations_s"].as_array().unwrap().len(), 9);
}

#[test]
fn a_run_never_gets_a_cycling_tss_from_the_cycling_ftp() {
    let r = analyze("stryd.fit", &scenarios::stryd_run(), &["--ftp", "250"]);
    assert_eq!(r["sport"], "running");
    assert!(
        r["power"]["np_w"].as_f64().unwrap() > 0.0,
        "running power is reported"
    );
    assert!(
        r["power"]["if"].is_null() && r["power"]["tss"].is_null(),
        "{}",
        r["power"]
    );
    assert_ne!(r["load"]["method"], "power_tss");
    let skipped = r["load"]["skipped"].as_array().unwrap();
    assert_eq!(skipped[0]["method"], "power_tss");
    assert_eq!(skipped[0]["reason"], "not a cycling activity");
    assert!(
        r["pace"]["avg_pace"].as_str().unwrap().ends_with("/km"),
        "{}",
        r["pace"]
    );
}

#[test]
fn a_fallback_load_says_why_each_better_method_was_skipped() {
    let r = analyze("hr-bare.fit", &scenarios::hr_only_run(), &[]);
    assert_eq!(r["load"]["method"], "duration_estimate");
    assert_eq!(r["load"]["estimated"], true);
    let skipped: Vec<(&str, &str)> = r["load"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["method"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    let methods: Vec<&str> = skipped.iter().map(|s| s.0).collect();
    assert_eq!(
        methods,
        ["power_tss", "pace_rtss", "hr_trimp", "hr_avg"],
        "{skipped:?}"
    );
    assert!(skipped.iter().all(|s| !s.1.is_empty()));
    let measured = analyze(
        "hr-full.fit",
        &scenarios::hr_only_run(),
        &["--max-hr", "190", "--rest-hr", "50", "--lthr", "170"],
    );
    assert_eq!(measured["load"]["estimated"], false);
}

#[test]
fn without_lthr_analyze_uses_89_percent_of_max_hr_like_the_sync() {
    let implied = analyze(
        "hr-implied.fit",
        &scenarios::hr_only_run(),
        &["--max-hr", "190", "--rest-hr", "50"],
    );
    let explicit = analyze(
        "hr-explicit.fit",
        &scenarios::hr_only_run(),
        &[
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "--lthr",
            &(0.89 * 190.0).to_string(),
        ],
    );
    assert_eq!(implied["load"]["method"], "hr_trimp");
    assert_close(
        &implied["heart_rate"]["hrtss"],
        explicit["heart_rate"]["hrtss"].as_f64().unwrap(),
    );
    assert_close(
        &implied["load"]["utl"],
        explicit["load"]["utl"].as_f64().unwrap(),
    );
}
