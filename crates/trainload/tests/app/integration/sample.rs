//! The committed sample `samples/ride.fit` is exactly what `sample_ride` generates, and reads.

use std::path::Path;

use trainload::activity_file::read_path;

use fitgen::sample_ride::{self, END_S, PAUSE_END_S, PAUSE_START_S, SAMPLE_PATH, UTC_OFFSET_S};

const TOL: f64 = 1e-6;

fn sample_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE_PATH)
}

#[test]
fn the_committed_sample_equals_the_generated_one_byte_for_byte() {
    let committed = std::fs::read(sample_path()).unwrap();
    let generated = sample_ride::sample_ride();
    assert!(
        committed == generated,
        "samples/ride.fit is stale: run `cargo run -p trainload --example make_sample`"
    );
}

#[test]
fn the_sample_reads_as_a_one_hour_ride_with_one_auto_pause() {
    let [ride] = read_path(&sample_path()).unwrap().try_into().unwrap();
    assert_eq!(ride.sport_type, "Ride");
    assert_eq!(ride.start_time.to_string(), "2026-05-02T07:00:00Z");
    assert_eq!(ride.utc_offset_s, Some(UTC_OFFSET_S));
    assert!((ride.elapsed_s - f64::from(END_S)).abs() < TOL);
    let paused = f64::from(PAUSE_END_S - PAUSE_START_S);
    assert!((ride.moving_s.unwrap() - (f64::from(END_S) - paused)).abs() < TOL);
    assert_eq!(ride.pauses.len(), 1);
    assert!((ride.pauses[0].start_s - f64::from(PAUSE_START_S)).abs() < TOL);
    assert!((ride.pauses[0].end_s - f64::from(PAUSE_END_S)).abs() < TOL);
    let n = ride.streams.time_s.len();
    assert_eq!(n, (END_S - (PAUSE_END_S - PAUSE_START_S - 1)) as usize);
    for channel in [
        &ride.streams.watts,
        &ride.streams.heartrate_bpm,
        &ride.streams.altitude_m,
    ] {
        assert_eq!(channel.len(), n);
    }
    let km = ride.distance_m.unwrap() / 1000.0;
    assert!(
        (25.0..45.0).contains(&km),
        "a plausible hour on the road: {km} km"
    );
    let hr = ride.avg_hr_bpm.unwrap();
    assert!((120.0..170.0).contains(&hr), "{hr}");
}

#[test]
fn heart_rate_lags_the_first_interval() {
    let [ride] = read_path(&sample_path()).unwrap().try_into().unwrap();
    let hr = |t: usize| ride.streams.heartrate_bpm[t].unwrap();
    // The first interval starts at 600 s: heart rate is still climbing 30 s in.
    assert!(hr(630) > hr(600) + 5.0);
    assert!(hr(830) > hr(630));
}
