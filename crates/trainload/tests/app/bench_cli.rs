//! The benchmark harness (`trainload bench`) runs end to end at its smallest sizes through the
//! built binary, so it cannot rot unnoticed.

use std::process::Command;

/// Runs `trainload bench ARGS` and parses its one JSON line.
fn bench(args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .arg("bench")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "bench {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_scheduler_benchmark_completes_every_no_op_task() {
    let result = bench(&["scheduler", "--tasks", "20", "--workers", "2"]);
    assert_eq!(result["run_state"], "succeeded");
    assert_eq!(result["tasks_succeeded"], 20);
}

#[test]
fn the_onboarding_benchmark_imports_a_week_of_one_athlete_without_errors() {
    let result = bench(&["onboard", "--athletes", "1", "--days", "7"]);
    assert!(result["new_activities"].as_u64().unwrap() > 0, "{result}");
    // The simulator ran as its own process, so its CPU is reported apart from the product's.
    assert_eq!(result["simulator"], "child process", "{result}");
    assert!(result["sim_cpu_s"].as_f64().is_some(), "{result}");
    assert_eq!(result["sync_errors"], 0, "{result}");
    assert!(
        result["strava_calls_served"].as_u64().unwrap() > 0,
        "{result}"
    );
}

#[test]
fn the_pages_benchmark_times_every_dashboard_page_with_seeded_history() {
    let result = bench(&[
        "pages",
        "--years",
        "1",
        "--samples",
        "1",
        "--with-streams",
        "1",
    ]);
    assert_eq!(result["activities"], 365, "{result}");
    assert_eq!(result["wellness_days"], 365, "{result}");
    for page in [
        "dashboard",
        "activities",
        "activity",
        "fitness_all",
        "wellness_90d",
    ] {
        assert!(
            result["pages"][page]["p50_ms"].as_f64().unwrap() > 0.0,
            "{page}: {result}"
        );
    }
}

#[test]
fn the_athlete_api_benchmark_times_every_endpoint_over_the_same_seeded_history() {
    let result = bench(&["athlete-api", "--years", "1", "--samples", "1"]);
    assert_eq!(result["activities"], 365, "{result}");
    assert_eq!(result["wellness_days"], 365, "{result}");
    for endpoint in [
        "dashboard",
        "activities_last_page",
        "power_curve_all",
        "wellness_365d",
    ] {
        assert!(
            result["endpoints"][endpoint]["p50_ms"].as_f64().unwrap() > 0.0,
            "{endpoint}: {result}"
        );
    }
}

#[test]
fn the_freshness_benchmark_runs_both_modes_on_simulated_days() {
    let result = bench(&[
        "freshness",
        "--athletes",
        "5",
        "--days",
        "1",
        "--step-s",
        "120",
    ]);
    let runs = result["runs"].as_array().unwrap();
    let modes: Vec<&str> = runs.iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["poll", "webhooks"], "{result}");
    for run in runs {
        assert!(run["uploads"].as_u64().unwrap() > 0, "{run}");
        assert!(run["reads"].as_u64().unwrap() > 0, "{run}");
    }
    // With webhooks a new activity costs its detail and its streams, and nothing goes missing
    // for good.
    let webhooks = &runs[1];
    assert_eq!(webhooks["not_synced_older_than_24h"], 0, "{webhooks}");
    assert!(
        webhooks["reads_per_new_activity"].as_f64().unwrap() >= 2.0,
        "{webhooks}"
    );
}
