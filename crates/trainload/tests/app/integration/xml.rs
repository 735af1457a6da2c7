//! Hand-written TCX and GPX fixtures read through `read_path`.

use std::path::PathBuf;

use trainload::activity_file::{FileActivity, FileErrorKind, read_path};

const TOL: f64 = 1e-6;

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < TOL
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<FileActivity> {
    read_path(&fixture(name)).unwrap()
}

#[test]
fn a_tcx_ride_reads_laps_and_trackpoints_whatever_the_extension_prefix() {
    let [ride] = read("ride.tcx").try_into().unwrap();
    assert_eq!(ride.sport_type, "Ride");
    assert_eq!(ride.start_time.to_string(), "2026-05-02T07:00:00Z");
    assert!(close(ride.elapsed_s, 120.0));
    assert!(close(ride.moving_s.unwrap(), 120.0), "sum of lap times");
    assert!(close(ride.distance_m.unwrap(), 1020.0));
    assert!(ride.device_watts);
    let s = &ride.streams;
    assert_eq!(s.time_s, vec![0.0, 1.0, 60.5, 120.0]);
    assert_eq!(
        s.watts,
        vec![Some(200.0), Some(210.0), Some(260.0), Some(240.0)]
    );
    assert_eq!(s.velocity_mps, vec![Some(8.0), Some(8.0), Some(8.5), None]);
    assert_eq!(
        s.heartrate_bpm,
        vec![Some(110.0), Some(112.0), Some(138.0), None]
    );
    assert_eq!(s.altitude_m, vec![Some(250.0), Some(250.4), None, None]);
    assert!(s.moving.is_empty() && s.grade_pct.is_empty());
    assert!(
        close(ride.avg_hr_bpm.unwrap(), 120.0),
        "mean of the trackpoints"
    );
}

#[test]
fn a_tcx_multisport_session_gives_one_activity_per_sport() {
    let activities = read("multisport.tcx");
    let sports: Vec<&str> = activities.iter().map(|a| a.sport_type.as_str()).collect();
    assert_eq!(sports, ["Run", "Ride"]);
    assert_eq!(activities[1].start_time.to_string(), "2026-05-03T08:12:00Z");
    assert!(close(activities[1].elapsed_s, 1200.0));
    assert!(activities[0].streams.watts.is_empty());
}

#[test]
fn a_tcx_course_is_not_an_activity() {
    let err = read_path(&fixture("course.tcx")).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("course.tcx: not an activity file (file type: course)")
    );
}

#[test]
fn malformed_and_truncated_xml_name_the_file_and_position() {
    for name in ["mismatched.tcx", "truncated.tcx"] {
        let err = read_path(&fixture(name)).unwrap_err();
        assert!(
            matches!(err.kind, FileErrorKind::MalformedXml { .. }),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("{name}: malformed XML at byte ")),
            "{text}"
        );
    }
}

#[test]
fn a_gpx_run_reads_extensions_and_computes_distance() {
    let [run] = read("run.gpx").try_into().unwrap();
    assert_eq!(run.sport_type, "Run");
    assert_eq!(run.start_time.to_string(), "2026-05-02T07:00:00Z");
    assert!(close(run.elapsed_s, 60.0));
    assert_eq!(run.moving_s, None);
    let s = &run.streams;
    assert_eq!(s.time_s, vec![0.0, 30.0, 60.0]);
    assert_eq!(s.watts, vec![Some(250.0), Some(260.0), None]);
    assert_eq!(s.heartrate_bpm, vec![Some(130.0), Some(135.0), None]);
    assert_eq!(s.altitude_m, vec![Some(520.0), Some(521.0), None]);
    let d = s.distance_m[2].unwrap();
    assert!((d - 222.4).abs() < 0.5, "two 0.001° steps of latitude: {d}");
    assert!(close(run.distance_m.unwrap(), d));
}

#[test]
fn each_gpx_track_is_an_activity_with_strava_numeric_types() {
    let activities = read("two_tracks.gpx");
    let sports: Vec<&str> = activities.iter().map(|a| a.sport_type.as_str()).collect();
    assert_eq!(sports, ["Ride", "Run"]);
    assert_eq!(activities[1].start_time.to_string(), "2026-05-02T09:00:00Z");
}

#[test]
fn a_gpx_without_tracks_has_no_track_points() {
    let err = read_path(&fixture("route.gpx")).unwrap_err();
    assert!(
        err.to_string().ends_with("route.gpx: no track points"),
        "{err}"
    );
}
