//! The synthetic FIT activities the tests read: each function returns the bytes of one file.
//!
//! Every file is generated here with [`crate`]'s builder; nothing is copied from elsewhere.

use rustyfit::profile::typedef::{File, Sport, SubSport};

use crate::{FitBuilder, Point, SessionSpec};

/// A ride point: power, heart rate, enhanced speed, distance and altitude.
fn ride_point(t: u32, distance_m: f64) -> Point {
    Point {
        t,
        power: Some(180 + (t % 40) as u16),
        hr: Some(120 + (t % 20) as u8),
        speed_mps: Some(8.0),
        distance_m: Some(distance_m),
        altitude_m: Some(100.0 + f64::from(t % 50) * 0.2),
        enhanced: true,
        ..Point::default()
    }
}

fn ride_session(elapsed_s: f64, timer_s: f64, distance_m: f64) -> SessionSpec {
    SessionSpec {
        start: 0,
        elapsed_s,
        timer_s,
        sport: Sport::CYCLING,
        sub_sport: SubSport::ROAD,
        distance_m: Some(distance_m),
        avg_hr: Some(130),
    }
}

/// A 600 s road ride, 1 Hz, with a timer pause from 300 s to 360 s (nothing recorded inside),
/// UTC+2.
pub fn ride_with_pause() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.timer(0, false);
    let mut distance = 0.0;
    for t in (0..=300).chain(360..=600) {
        if t == 360 {
            fit.timer(360, false);
        }
        fit.record(&ride_point(t, distance));
        if t == 300 {
            fit.timer(300, true);
        } else {
            distance += 8.0;
        }
    }
    fit.timer(600, true);
    fit.session(&ride_session(600.0, 540.0, distance))
        .activity(600, 7200, 1);
    fit.encode()
}

/// A 120 s ride whose device kept recording (speed 0) during a pause from 40 s to 80 s.
pub fn ride_recording_while_paused() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.timer(0, false);
    let mut distance = 0.0;
    for t in 0..=120 {
        if t == 40 {
            fit.timer(40, true);
        }
        if t == 80 {
            fit.timer(80, false);
        }
        let paused = (41..80).contains(&t);
        let mut point = ride_point(t, distance);
        if paused {
            point.speed_mps = Some(0.0);
            point.power = Some(0);
        } else {
            distance += 8.0;
        }
        fit.record(&point);
    }
    fit.session(&ride_session(120.0, 80.0, distance))
        .activity(120, 0, 1);
    fit.encode()
}

/// A 300 s run with heart rate only (no power, speed or distance), no activity message.
pub fn hr_only_run() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    for t in 0..300 {
        fit.record(&Point {
            t,
            hr: Some(140 + (t / 30) as u8),
            ..Point::default()
        });
    }
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: 300.0,
        timer_s: 300.0,
        sport: Sport::RUNNING,
        sub_sport: SubSport::GENERIC,
        distance_m: None,
        avg_hr: None,
    });
    fit.encode()
}

/// A 200 s trail run with power only in a Stryd-style developer field, and plain `speed`.
pub fn stryd_run() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY).with_developer_power();
    for t in 0..200 {
        fit.record(&Point {
            t,
            dev_power: Some(250 + (t % 10) as u16),
            hr: Some(150),
            speed_mps: Some(3.5),
            distance_m: Some(3.5 * f64::from(t)),
            altitude_m: Some(300.0),
            ..Point::default()
        });
    }
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: 199.0,
        timer_s: 199.0,
        sport: Sport::RUNNING,
        sub_sport: SubSport::TRAIL,
        distance_m: Some(696.5),
        avg_hr: Some(150),
    });
    fit.encode()
}

/// Gaps of smart recording: 1 to 7 s between records, over about 10 minutes.
pub const SMART_GAPS_S: [u32; 8] = [1, 3, 7, 2, 5, 1, 4, 6];

/// A ride recorded with smart recording: irregular record intervals, no session.
pub fn smart_recording_ride() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    let mut t = 0;
    for i in 0..150 {
        fit.record(&ride_point(t, f64::from(t) * 8.0));
        t += SMART_GAPS_S[i % SMART_GAPS_S.len()];
    }
    fit.encode()
}

/// A run (0–600 s), a transition (600–660 s) and a ride (660–1800 s) in one file.
pub fn multisport() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    for t in (0..1800).step_by(5) {
        let mut point = ride_point(t, f64::from(t) * 5.0);
        if t < 660 {
            point.power = None;
        }
        fit.record(&point);
    }
    let sessions = [
        (0, 600.0, Sport::RUNNING, SubSport::GENERIC),
        (600, 60.0, Sport::TRANSITION, SubSport::GENERIC),
        (660, 1140.0, Sport::CYCLING, SubSport::ROAD),
    ];
    for (start, elapsed_s, sport, sub_sport) in sessions {
        fit.session(&SessionSpec {
            start,
            elapsed_s,
            timer_s: elapsed_s,
            sport,
            sub_sport,
            distance_m: None,
            avg_hr: None,
        });
    }
    fit.activity(1800, -18_000, 3);
    fit.encode()
}

/// An activity file with a session summary but no records (a manual or summary-only upload).
pub fn summary_only() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: 1800.0,
        timer_s: 1750.0,
        sport: Sport::SWIMMING,
        sub_sport: SubSport::LAP_SWIMMING,
        distance_m: Some(1500.0),
        avg_hr: Some(128),
    });
    fit.encode()
}

/// An activity file with neither records nor sessions.
pub fn no_records() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.timer(0, false).timer(10, true);
    fit.encode()
}

/// A course file (records of a route, not an activity).
pub fn course() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::COURSE);
    for t in 0..10 {
        fit.record(&ride_point(t, f64::from(t) * 8.0));
    }
    fit.encode()
}

/// A ride of `hours` at 1 Hz with every channel, for speed checks.
pub fn long_ride(hours: u32) -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    let n = hours * 3600;
    for t in 0..n {
        fit.record(&ride_point(t, f64::from(t) * 8.0));
    }
    fit.session(&ride_session(
        f64::from(n),
        f64::from(n),
        f64::from(n) * 8.0,
    ))
    .activity(n, 3600, 1);
    fit.encode()
}

/// A treadmill run cut off before its session was written: records, timer events and a
/// `sport` message only.
pub fn unfinished_treadmill_run() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    fit.sport(Sport::RUNNING, SubSport::TREADMILL)
        .timer(0, false);
    for t in 0..100 {
        fit.record(&Point {
            t,
            hr: Some(150),
            speed_mps: Some(3.0),
            ..Point::default()
        });
    }
    fit.timer(50, true).timer(70, false);
    fit.encode()
}

/// A ride at constant `watts` (HR 150, 9 m/s) for `seconds`, optionally with a timer pause of
/// `pause_s` seconds after the first half (nothing recorded during it).
pub fn steady_ride(watts: u16, seconds: u32, pause_s: u32) -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    let half = seconds / 2;
    let times = (0..half).chain(half + pause_s..seconds + pause_s);
    for (k, t) in times.enumerate() {
        fit.record(&Point {
            t,
            power: Some(watts),
            hr: Some(150),
            speed_mps: Some(9.0),
            distance_m: Some(9.0 * k as f64),
            enhanced: true,
            ..Point::default()
        });
    }
    let elapsed = f64::from(seconds + pause_s);
    fit.session(&ride_session(
        elapsed,
        f64::from(seconds),
        9.0 * f64::from(seconds),
    ))
    .activity(seconds + pause_s, 0, 1);
    fit.encode()
}

/// A flat run at constant `speed_mps` with HR 160 for `seconds`.
pub fn steady_run(speed_mps: f64, seconds: u32) -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    for t in 0..seconds {
        fit.record(&Point {
            t,
            hr: Some(160),
            speed_mps: Some(speed_mps),
            distance_m: Some(speed_mps * f64::from(t)),
            altitude_m: Some(50.0),
            enhanced: true,
            ..Point::default()
        });
    }
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: f64::from(seconds),
        timer_s: f64::from(seconds),
        sport: Sport::RUNNING,
        sub_sport: SubSport::GENERIC,
        distance_m: Some(speed_mps * f64::from(seconds)),
        avg_hr: Some(160),
    });
    fit.encode()
}

/// A ride of maximal efforts that follow the 2-parameter model P(t) = W′/t + CP with CP 250 W and
/// W′ 20 kJ, at each duration the CP fit uses, separated by 10 minutes at 100 W.
pub fn critical_power_test_ride() -> Vec<u8> {
    model_efforts_ride(600, (600, 100))
}

/// The model efforts of [`critical_power_test_ride`], each after `rest_s` at 100 W, then
/// `tail` (seconds, watts).
pub fn model_efforts_ride(rest_s: u32, (tail_s, tail_w): (u32, u16)) -> Vec<u8> {
    const EFFORTS_S: [u32; 9] = [180, 240, 300, 360, 480, 600, 720, 900, 1200];
    let mut fit = FitBuilder::new(File::ACTIVITY);
    let mut t = 0;
    let mut push = |fit: &mut FitBuilder, seconds: u32, watts: u16| {
        for _ in 0..seconds {
            fit.record(&Point {
                t,
                power: Some(watts),
                ..Point::default()
            });
            t += 1;
        }
    };
    for effort_s in EFFORTS_S {
        push(&mut fit, rest_s, 100);
        let watts = (20_000.0 / f64::from(effort_s) + 250.0).round() as u16;
        push(&mut fit, effort_s, watts);
    }
    push(&mut fit, tail_s, tail_w);
    let elapsed = f64::from(t);
    fit.session(&ride_session(elapsed, elapsed, 0.0));
    fit.encode()
}
