//! The test-only options of `trainload worker` stay out of its help.

use std::process::Command;

#[test]
fn the_test_only_worker_options_are_hidden_from_help() {
    let output = Command::new(env!("CARGO_BIN_EXE_trainload"))
        .args(["worker", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("--workers"), "{help}");
    for hidden in ["--test-clock-file", "--test-lease-ms", "--test-tick-ms"] {
        assert!(!help.contains(hidden), "{hidden} shows in:\n{help}");
    }
}
