//! `trainload analyze` on generated files: time in zone equal to the sync's computation for the
//! same file, `--threshold-pace`, one ride as FIT, TCX and GPX, and the single-file CP rule
//! (docs/science.md §7.2 "One file", §15).

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use rustyfit::profile::typedef::{File, Sport, SubSport};
use science::zones::{Boundaries, ZoneKind, time_in_zones};
use serde_json::Value;

use fitgen::{FitBuilder, Point, SessionSpec};
use fitgen::{sample_ride, scenarios};

/// A file under the temporary directory whose name ends in `name`, removed when dropped.
struct TempFile(tempfile::TempPath);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let mut file = tempfile::Builder::new()
            .prefix("trainload-analyze-zones-")
            .suffix(&format!("-{name}"))
            .tempfile()
            .unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        Self(file.into_temp_path())
    }
}

fn run(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trainload"))
        .arg("analyze")
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

/// The one report of `file` analysed with `args`, at full precision.
fn analyze(args: &[&str], file: &Path) -> Value {
    let output = run(&[args, &["--full-precision"]].concat(), file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reports: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

/// The seconds per zone of model `kind` in a report.
fn seconds(report: &Value, kind: &str) -> Option<Vec<u32>> {
    let model = report["time_in_zone"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == kind)?;
    Some(
        model["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| u32::try_from(z["seconds"].as_u64().unwrap()).unwrap())
            .collect(),
    )
}

/// The grid the sync builds for the same file.
fn grid_of(path: &Path) -> (science::stream::Grid, science::SportClass) {
    let activity = trainload::activity_file::read_path(path).unwrap().remove(0);
    let cfg = science::Config::default();
    let class = science::SportClass::of(&activity.sport_type);
    let grid = science::stream::activity_grid(&activity.streams, class, &cfg.stream).unwrap();
    (grid, class)
}

#[test]
fn time_in_zone_is_what_the_sync_computes_for_the_same_file() {
    let ride = TempFile::new("sample.fit", &sample_ride::sample_ride());
    let report = analyze(&["--ftp", "250", "--lthr", "165"], &ride.0);
    let (grid, _) = grid_of(&ride.0);
    for (kind, name, threshold) in [
        (ZoneKind::Power, "power", 250.0),
        (ZoneKind::HeartRate, "heart_rate", 165.0),
    ] {
        let direct = time_in_zones(&grid, &Boundaries::default_for(kind), threshold).unwrap();
        assert_eq!(
            seconds(&report, name),
            Some(direct.seconds.clone()),
            "{name}"
        );
        assert!(
            direct.seconds.iter().filter(|&&s| s > 0).count() > 2,
            "the sample ride spreads over zones: {direct:?}"
        );
    }
    assert!(
        seconds(&report, "pace").is_none(),
        "no pace zones on a ride"
    );
    let model = &report["time_in_zone"][0];
    assert_eq!(model["unit"], "W");
    assert_eq!(model["threshold"], 250.0);
    assert_eq!(model["zones"][3]["name"], "Threshold");

    // Without thresholds: no models, an empty list.
    let bare = analyze(&[], &ride.0);
    assert_eq!(bare["time_in_zone"], serde_json::json!([]));
}

#[test]
fn a_threshold_pace_per_km_or_per_mile_draws_the_pace_zones() {
    // A flat run at 4 m/s (4:10/km) with HR 160 for ten minutes.
    let run_file = TempFile::new("steady.fit", &scenarios::steady_run(4.0, 600));
    // 4:30/km is 3.70 m/s: 4 m/s is 108 % of it, the Speed zone (≥ 106 %). LTHR by the sync's
    // rule, 0.89 × 190 = 169.1 bpm: 160 bpm is 94.6 %, Sub-threshold (94–100 %).
    let report = analyze(
        &["--threshold-pace", "4:30", "--max-hr", "190"],
        &run_file.0,
    );
    let pace = seconds(&report, "pace").unwrap();
    let counted: u32 = pace.iter().sum();
    assert!(counted > 500, "{pace:?}");
    assert_eq!(pace, [0, 0, 0, 0, 0, counted]);
    let hr = seconds(&report, "heart_rate").unwrap();
    assert_eq!(hr[3], hr.iter().sum::<u32>());
    assert!(seconds(&report, "power").is_none());
    let per_km = &report["time_in_zone"][1];
    assert_eq!(per_km["unit"], "m/s");
    assert!((per_km["threshold"].as_f64().unwrap() - 1000.0 / 270.0).abs() < 1e-12);
    let same = analyze(
        &["--threshold-speed", &(1000.0f64 / 270.0).to_string()],
        &run_file.0,
    );
    assert_eq!(seconds(&same, "pace"), Some(pace));

    // 4:30/mi is 5.96 m/s: 4 m/s is 67 %, Recovery (< 78 %).
    let per_mile = analyze(&["--threshold-pace", "4:30/mi"], &run_file.0);
    assert_eq!(
        seconds(&per_mile, "pace").unwrap(),
        [counted, 0, 0, 0, 0, 0]
    );

    for bad in [
        vec!["--threshold-pace", "fast"],
        vec!["--threshold-pace", "4:30/furlong"],
        vec!["--threshold-pace", "4:30", "--threshold-speed", "3.7"],
    ] {
        let output = run(&bad, &run_file.0);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
    }
}

/// The points of one 10-minute ride (records at 0..=599 s, so 599 s from first to last, as the
/// XML readers measure it) with two power spikes and a heart-rate dropout value.
fn ride_points() -> Vec<Point> {
    (0..600u32)
        .map(|t| {
            let power = match t {
                100 | 400 => 2600,
                _ => 180 + (t % 60) as u16,
            };
            Point {
                t,
                power: Some(power),
                hr: Some(if t == 250 { 0 } else { 130 + (t % 30) as u8 }),
                speed_mps: Some(8.0),
                distance_m: Some(8.0 * f64::from(t)),
                altitude_m: Some(100.0),
                enhanced: true,
                ..Point::default()
            }
        })
        .collect()
}

fn as_fit(points: &[Point]) -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.timer(0, false);
    for p in points {
        fit.record(p);
    }
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: 599.0,
        timer_s: 599.0,
        sport: Sport::CYCLING,
        sub_sport: SubSport::ROAD,
        distance_m: Some(8.0 * 599.0),
        avg_hr: None,
    })
    .activity(599, 0, 1);
    fit.encode()
}

/// The FIT writer's epoch offset: the generated FIT files start at this instant.
fn start_of(fit: &[u8]) -> jiff::Timestamp {
    trainload::activity_file::read_bytes(fit, trainload::activity_file::Format::Fit)
        .unwrap()
        .remove(0)
        .start_time
}

fn time(start: jiff::Timestamp, t: u32) -> String {
    (start + jiff::SignedDuration::from_secs(i64::from(t)))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn as_tcx(points: &[Point], start: jiff::Timestamp) -> String {
    let mut track = String::new();
    for p in points {
        let _ = write!(
            track,
            "<Trackpoint><Time>{}</Time><AltitudeMeters>{:.1}</AltitudeMeters><DistanceMeters>{:.1}</DistanceMeters><HeartRateBpm><Value>{}</Value></HeartRateBpm><Extensions><ns3:TPX><ns3:Speed>{:.1}</ns3:Speed><ns3:Watts>{}</ns3:Watts></ns3:TPX></Extensions></Trackpoint>",
            time(start, p.t),
            p.altitude_m.unwrap(),
            p.distance_m.unwrap(),
            p.hr.unwrap(),
            p.speed_mps.unwrap(),
            p.power.unwrap(),
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Activities><Activity Sport="Biking"><Id>{s}</Id><Lap StartTime="{s}"><TotalTimeSeconds>599</TotalTimeSeconds><DistanceMeters>{d:.1}</DistanceMeters><Track>{track}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"#,
        s = time(start, 0),
        d = 8.0 * 599.0,
    )
}

/// GPX has neither speed nor distance: positions 8 m apart along a meridian (8 m of latitude is
/// 8 / 111 195 degrees), so the reader derives the same distance and speed.
fn as_gpx(points: &[Point], start: jiff::Timestamp) -> String {
    let mut track = String::new();
    for p in points {
        let lat = 45.0 + p.distance_m.unwrap() / 111_194.93;
        let _ = write!(
            track,
            r#"<trkpt lat="{lat:.8}" lon="7.0"><ele>{:.1}</ele><time>{}</time><extensions><power>{}</power><gpxtpx:TrackPointExtension><gpxtpx:hr>{}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>"#,
            p.altitude_m.unwrap(),
            time(start, p.t),
            p.power.unwrap(),
            p.hr.unwrap(),
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="TrainingLoad tests" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"><trk><type>cycling</type><trkseg>{track}</trkseg></trk></gpx>"#
    )
}

#[test]
fn one_ride_as_fit_tcx_and_gpx_gives_the_same_samples_and_rejections() {
    let points = ride_points();
    let fit_bytes = as_fit(&points);
    let start = start_of(&fit_bytes);
    let fit = TempFile::new("same.fit", &fit_bytes);
    let tcx = TempFile::new("same.tcx", as_tcx(&points, start).as_bytes());
    let gpx = TempFile::new("same.gpx", as_gpx(&points, start).as_bytes());
    let args = ["--ftp", "250", "--lthr", "165"];
    let reports: Vec<Value> = [&fit, &tcx, &gpx]
        .iter()
        .map(|f| analyze(&args, &f.0))
        .collect();
    let [f, t, g] = [&reports[0], &reports[1], &reports[2]];
    assert_eq!(f["sport"], "cycling");
    assert!(
        f["samples_rejected"].as_u64().unwrap() >= 3,
        "two spikes and a zero heart rate: {f}"
    );
    for key in [
        "sport",
        "samples",
        "samples_rejected",
        "power_spikes_rejected",
        "elapsed_s",
    ] {
        assert_eq!(t[key], f[key], "TCX {key}");
        assert_eq!(g[key], f[key], "GPX {key}");
    }
    // The timer (moving) time comes from the FIT session and the TCX lap; a GPX track has no
    // timer, so its `moving_s` is the seconds the track was moving, and `moving_source` says so.
    assert_eq!(f["moving_s"], 599.0);
    assert_eq!(t["moving_s"], f["moving_s"]);
    assert_eq!(
        (f["moving_source"].as_str(), t["moving_source"].as_str()),
        (Some("timer"), Some("timer"))
    );
    assert_eq!(g["moving_source"], "track", "{g}");
    let track = g["moving_s"].as_f64().unwrap();
    assert!(
        (track - 599.0).abs() <= 2.0,
        "the same ride's track moved {track} s"
    );
    for key in ["power", "time_in_zone"] {
        assert_eq!(t[key], f[key], "TCX {key}");
        assert_eq!(g[key], f[key], "GPX {key}");
    }
}

/// Model efforts with CP 250 W and W′ 20 kJ two minutes apart, then an hour steady at 265 W
/// (under the model's 20-minute power, so the curve keeps its shape): the fit on the ride's
/// curve still passes its gates, but the ride's NP is above that CP.
fn efforts_then_an_hour_above_cp() -> Vec<u8> {
    scenarios::model_efforts_ride(120, (3600, 265))
}

#[test]
fn a_single_file_cp_below_the_ride_s_own_np_is_not_shown() {
    let cfg = science::Config::default();
    let fit_of = |path: &Path| {
        let (grid, _) = grid_of(path);
        let curve = science::mmp::activity_power_curve(&grid, &cfg.curves).unwrap();
        let day = science::LocalDate::from_days_since_epoch(0);
        let dated = [science::mmp::DatedCurve {
            activity_id: 0,
            date: day,
            curve: &curve,
        }];
        let window = science::mmp::merge_window(&dated, day, day);
        science::critical_power::cp_from_curve(&window, &cfg.thresholds)
    };

    // Credible: the model efforts alone give back CP 250 W, above the ride's NP.
    let credible = TempFile::new("cp.fit", &scenarios::critical_power_test_ride());
    let shown = analyze(&[], &credible.0);
    let cp = shown["critical_power"]["cp_w"].as_f64().unwrap();
    assert!(cp >= shown["power"]["np_w"].as_f64().unwrap(), "{shown}");
    assert_eq!(fit_of(&credible.0).unwrap().fit.cp_w, cp);

    // The same efforts and an hour at 265 W: the fit passes its gates, but CP < NP.
    let hidden_file = TempFile::new("cp-below-np.fit", &efforts_then_an_hour_above_cp());
    let hidden = analyze(&[], &hidden_file.0);
    let fit = fit_of(&hidden_file.0).expect("the fit itself passes its gates");
    let np = hidden["power"]["np_w"].as_f64().unwrap();
    assert!(fit.fit.cp_w < np, "CP {} NP {np}", fit.fit.cp_w);
    assert!(hidden["critical_power"].is_null(), "{hidden}");

    // A steady ride has no short maximal effort: no credible fit at all.
    let steady = TempFile::new("steady-cp.fit", &scenarios::steady_ride(250, 3600, 0));
    assert!(fit_of(&steady.0).is_none());
    assert!(analyze(&[], &steady.0)["critical_power"].is_null());
}

#[test]
fn the_text_summary_shows_the_same_time_in_zone_as_the_json() {
    let ride = TempFile::new("text.fit", &sample_ride::sample_ride());
    let args = ["--ftp", "250", "--lthr", "165"];
    let json = analyze(&args, &ride.0);
    let output = run(&[&args[..], &["--text"]].concat(), &ride.0);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("time in zone, power (FTP 250 W):"), "{text}");
    assert!(
        text.contains("time in zone, heart rate (LTHR 165 bpm):"),
        "{text}"
    );
    for model in json["time_in_zone"].as_array().unwrap() {
        for zone in model["zones"].as_array().unwrap() {
            let s = zone["seconds"].as_u64().unwrap();
            let time = format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60);
            let line = text.lines().find(|l| {
                l.trim_start().starts_with(zone["name"].as_str().unwrap()) && l.contains(&time)
            });
            assert!(line.is_some(), "{} {time} missing:\n{text}", zone["name"]);
        }
    }
    assert!(!text.trim_start().starts_with('['), "not JSON");
}
