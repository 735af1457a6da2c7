//! The sample ride of the README quick start (`samples/ride.fit`), generated deterministically:
//! a one-hour road ride with warm-up, five 4-minute intervals, tempo, a 40 s auto-pause and a
//! cool-down; heart rate follows power with a lag; speed follows power on rolling terrain.
//!
//! Only `+ − × ÷` and `round` are used on floats, so the bytes are the same on every platform.

use rustyfit::profile::typedef::{File, Sport, SubSport};

use crate::{FitBuilder, Point, SessionSpec};

/// Where the sample lives, relative to the crate directory.
pub const SAMPLE_PATH: &str = "samples/ride.fit";
/// Timer stop of the auto-pause, s after the start.
pub const PAUSE_START_S: u32 = 3000;
/// Timer restart after the auto-pause, s after the start.
pub const PAUSE_END_S: u32 = 3040;
/// End of the ride, s after the start.
pub const END_S: u32 = 3640;
/// Local time of the sample (UTC+2), s.
pub const UTC_OFFSET_S: i32 = 7200;

/// Xorshift32: a tiny deterministic generator for noise.
struct Noise(u32);

impl Noise {
    /// Uniform in [−1, 1].
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        f64::from(self.0) / f64::from(u32::MAX) * 2.0 - 1.0
    }
}

/// Target power of the workout at second `t`, W.
fn target_power_w(t: u32) -> f64 {
    let t_f = f64::from(t);
    match t {
        0..600 => 120.0 + 80.0 * t_f / 600.0,
        600..2400 => {
            if (t - 600) % 360 < 240 {
                300.0
            } else {
                150.0
            }
        }
        2400..3040 => 220.0,
        _ => 180.0 - 70.0 * (t_f - 3040.0) / 600.0,
    }
}

/// Altitude on a 6 km triangle wave between 200 m and 240 m, and its grade (fraction).
fn terrain(distance_m: f64) -> (f64, f64) {
    const PERIOD_M: f64 = 6000.0;
    const RISE_M: f64 = 40.0;
    let phase = distance_m / PERIOD_M - (distance_m / PERIOD_M).floor();
    if phase < 0.5 {
        (200.0 + RISE_M * phase * 2.0, RISE_M / (PERIOD_M / 2.0))
    } else {
        (
            200.0 + RISE_M * (1.0 - phase) * 2.0,
            -RISE_M / (PERIOD_M / 2.0),
        )
    }
}

/// Steady speed for a power on a grade: P = (Crr·m·g + m·g·grade)·v + ½·ρ·CdA·v³, solved by
/// bisection.
fn speed_mps(power_w: f64, grade: f64) -> f64 {
    const WEIGHT_N: f64 = 80.0 * 9.81;
    let linear = WEIGHT_N * (0.005 + grade);
    let cubic = 0.5 * 1.2 * 0.32;
    let (mut low, mut high) = (0.5, 25.0);
    for _ in 0..40 {
        let mid = (low + high) / 2.0;
        if linear * mid + cubic * mid * mid * mid < power_w {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// The sample ride as FIT bytes.
pub fn sample_ride() -> Vec<u8> {
    let mut fit = FitBuilder::new(File::ACTIVITY);
    let mut noise = Noise(0x5EED_1234);
    let (mut hr, mut distance_m, mut hr_sum, mut records) = (95.0, 0.0, 0.0, 0.0);
    fit.timer(0, false);
    for t in 0..END_S {
        let power = (target_power_w(t) + 15.0 * noise.next()).max(0.0);
        // Heart rate moves 1/30 of the way to its steady state each second (lag ≈ 30 s).
        hr += (95.0 + 0.28 * power - hr) / 30.0;
        if (PAUSE_START_S + 1..PAUSE_END_S).contains(&t) {
            continue;
        }
        if t == PAUSE_END_S {
            fit.timer(t, false);
        }
        let (altitude_m, grade) = terrain(distance_m);
        let speed = if t == PAUSE_START_S {
            0.0
        } else {
            speed_mps(power, grade)
        };
        let heart_rate = hr + noise.next();
        fit.record(&Point {
            t,
            power: Some(power.round() as u16),
            hr: Some(heart_rate.round() as u8),
            speed_mps: Some((speed * 1000.0).round() / 1000.0),
            distance_m: Some((distance_m * 100.0).round() / 100.0),
            altitude_m: Some((altitude_m * 5.0).round() / 5.0),
            enhanced: true,
            ..Point::default()
        });
        if t == PAUSE_START_S {
            fit.timer(t, true);
        }
        distance_m += speed;
        hr_sum += heart_rate.round();
        records += 1.0;
    }
    fit.timer(END_S - 1, true);
    fit.session(&SessionSpec {
        start: 0,
        elapsed_s: f64::from(END_S),
        timer_s: f64::from(END_S - (PAUSE_END_S - PAUSE_START_S)),
        sport: Sport::CYCLING,
        sub_sport: SubSport::ROAD,
        distance_m: Some((distance_m * 100.0).round() / 100.0),
        avg_hr: Some((hr_sum / records).round() as u8),
    })
    .activity(END_S, UTC_OFFSET_S, 1);
    fit.encode()
}
