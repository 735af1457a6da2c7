//! Hand-computed cases for the zone models and time in zone.

use super::*;
use crate::SportClass;
use crate::stream::{RawStreams, StreamConfig, activity_grid};

/// A 1 Hz raw recording: `(seconds, value)` runs of one channel, every sample moving.
fn runs(pairs: &[(usize, f64)]) -> Vec<Option<f64>> {
    pairs
        .iter()
        .flat_map(|&(n, v)| std::iter::repeat_n(Some(v), n))
        .collect()
}

fn raw_time(n: usize) -> Vec<f64> {
    (0..n).map(|t| t as f64).collect()
}

#[test]
fn power_zones_follow_coggan_with_boundaries_belonging_to_the_zone_above() {
    let b = Boundaries::default_for(ZoneKind::Power);
    // FTP 250 W: 137 W = 54.8 %, 140 W = 56 %, 262.5 W = 105 %, 265 W = 106 %, 400 W = 160 %.
    let cases = [
        (137.0, 0),
        (140.0, 1),
        (189.0, 1),
        (190.0, 2),
        (250.0, 3),
        (262.5, 3),
        (265.0, 4),
        (302.5, 5),
        (377.5, 6),
        (400.0, 6),
    ];
    for (watts, zone) in cases {
        assert_eq!(b.zone_of(watts, 250.0), zone, "{watts} W");
    }
    let zones = b.zones();
    assert_eq!(zones.len(), 7);
    assert_eq!(zones[0], ("Active recovery", None, Some(56.0)));
    assert_eq!(zones[3], ("Threshold", Some(91.0), Some(106.0)));
    assert_eq!(zones[6], ("Neuromuscular", Some(151.0), None));
}

#[test]
fn a_ride_counts_each_second_in_its_power_zone() {
    // FTP 200 W: 100 W = 50 % (Z1), 200 W = 100 % (Z4), 300 W = 150 % (Z6).
    let watts = runs(&[(10, 100.0), (5, 200.0), (3, 300.0)]);
    let raw = RawStreams {
        time_s: raw_time(watts.len()),
        watts,
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Ride, &StreamConfig::default()).unwrap();
    let t = time_in_zones(&grid, &Boundaries::default_for(ZoneKind::Power), 200.0).unwrap();
    assert_eq!(t.seconds, vec![10, 0, 0, 5, 0, 3, 0]);
    assert_eq!(t.total_s(), 18);
    assert_eq!(t.threshold, 200.0);
}

#[test]
fn stopped_seconds_spikes_and_pauses_do_not_count() {
    // 10 s at 200 W, a 2 s spike of 2000 W (removed as implausible), 10 s at 200 W, a 60 s
    // pause (no samples), 5 s at 100 W of which the last 3 are stopped.
    let mut time_s = raw_time(22);
    time_s.extend((82..87).map(f64::from));
    let mut watts = runs(&[(10, 200.0), (2, 2000.0), (10, 200.0), (5, 100.0)]);
    let moving: Vec<Option<bool>> = (0..27).map(|i| Some(i < 24)).collect();
    watts.truncate(27);
    let raw = RawStreams {
        time_s,
        watts,
        moving,
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Ride, &StreamConfig::default()).unwrap();
    assert_eq!(grid.rejected.power_spikes, 2);
    let t = time_in_zones(&grid, &Boundaries::default_for(ZoneKind::Power), 200.0).unwrap();
    // 20 s at 100 % (Z4) and 2 moving seconds at 50 % (Z1).
    assert_eq!(t.seconds, vec![2, 0, 0, 20, 0, 0, 0]);
}

#[test]
fn heart_rate_zones_follow_friel() {
    // LTHR 170: 130 = 76.5 % (Z1), 140 = 82.4 % (Z2), 155 = 91.2 % (Z3), 165 = 97.1 % (Z4),
    // 170 = 100 % (Z5).
    let hr = runs(&[(4, 130.0), (3, 140.0), (2, 155.0), (6, 165.0), (1, 170.0)]);
    let raw = RawStreams {
        time_s: raw_time(hr.len()),
        heartrate_bpm: hr,
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Swim, &StreamConfig::default()).unwrap();
    let t = time_in_zones(&grid, &Boundaries::default_for(ZoneKind::HeartRate), 170.0).unwrap();
    assert_eq!(t.seconds, vec![4, 3, 2, 6, 1]);
}

#[test]
fn pace_zones_compare_speed_with_threshold_speed() {
    // Threshold 4.0 m/s (4:10/km): 3.0 = 75 % (Z1), 3.2 = 80 % (Z2), 3.6 = 90 % (Z3),
    // 3.9 = 97.5 % (Z4), 4.0 = 100 % (Z5), 4.5 = 112.5 % (Z6).
    let v = runs(&[(5, 3.0), (4, 3.2), (3, 3.6), (2, 3.9), (6, 4.0), (1, 4.5)]);
    let raw = RawStreams {
        time_s: raw_time(v.len()),
        velocity_mps: v,
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Run, &StreamConfig::default()).unwrap();
    let t = time_in_zones(&grid, &Boundaries::default_for(ZoneKind::Pace), 4.0).unwrap();
    assert_eq!(t.seconds, vec![5, 4, 3, 2, 6, 1]);
}

#[test]
fn edited_boundaries_move_seconds_between_zones() {
    let hr = runs(&[(10, 150.0)]);
    let raw = RawStreams {
        time_s: raw_time(hr.len()),
        heartrate_bpm: hr,
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Run, &StreamConfig::default()).unwrap();
    // 150 of LTHR 170 is 88.2 %: Z2 by default, Z3 once Z3 starts at 85 %.
    let b = Boundaries::new(ZoneKind::HeartRate, vec![75.0, 85.0, 95.0, 102.0]).unwrap();
    assert_eq!(
        time_in_zones(&grid, &b, 170.0).unwrap().seconds,
        vec![0, 0, 10, 0, 0]
    );
    let default = Boundaries::default_for(ZoneKind::HeartRate);
    assert_eq!(
        time_in_zones(&grid, &default, 170.0).unwrap().seconds,
        vec![0, 10, 0, 0, 0]
    );
}

#[test]
fn no_threshold_or_no_channel_gives_nothing() {
    let raw = RawStreams {
        time_s: raw_time(5),
        watts: runs(&[(5, 200.0)]),
        ..RawStreams::default()
    };
    let grid = activity_grid(&raw, SportClass::Ride, &StreamConfig::default()).unwrap();
    let power = Boundaries::default_for(ZoneKind::Power);
    assert_eq!(time_in_zones(&grid, &power, 0.0), None);
    assert_eq!(time_in_zones(&grid, &power, f64::NAN), None);
    let hr = Boundaries::default_for(ZoneKind::HeartRate);
    assert_eq!(time_in_zones(&grid, &hr, 170.0), None);
}

#[test]
fn bad_boundaries_are_refused() {
    use ZoneKind::*;
    assert!(matches!(
        Boundaries::new(Power, vec![56.0, 76.0]),
        Err(ZoneError::Count {
            expected: 6,
            got: 2,
            ..
        })
    ));
    assert!(matches!(
        Boundaries::new(HeartRate, vec![81.0, 90.0, 90.0, 100.0]),
        Err(ZoneError::NotIncreasing { .. })
    ));
    assert!(matches!(
        Boundaries::new(HeartRate, vec![81.0, 90.0, 94.0, 130.0]),
        Err(ZoneError::OutOfRange { .. })
    ));
    assert!(matches!(
        Boundaries::new(Pace, vec![78.0, f64::NAN, 95.0, 100.0, 106.0]),
        Err(ZoneError::OutOfRange { .. })
    ));
    for kind in ZoneKind::ALL {
        let defaults = kind.default_pct().to_vec();
        assert_eq!(
            Boundaries::new(kind, defaults).unwrap(),
            Boundaries::default_for(kind)
        );
        assert_eq!(ZoneKind::parse(kind.as_str()), Some(kind));
    }
}

#[test]
fn zones_apply_to_the_sports_their_threshold_comes_from() {
    assert!(applies(ZoneKind::Power, SportClass::Ride));
    assert!(!applies(ZoneKind::Power, SportClass::Run));
    assert!(applies(ZoneKind::Pace, SportClass::Run));
    assert!(!applies(ZoneKind::Pace, SportClass::Walk));
    assert!(applies(ZoneKind::HeartRate, SportClass::Swim));
}
