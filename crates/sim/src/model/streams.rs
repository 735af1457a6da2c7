//! 1 Hz (or smart-recording) streams generated from a plan on request, never stored.

use super::athlete::Athlete;
use super::physio::{
    DRIFT_BPM_PER_H, STOPPED_INTENSITY, Terrain, drifts, hr_alpha, hr_target, segment_speed,
};
use super::plan::{Plan, SegKind};
use crate::rng::{hash, symmetric, tag};

/// Index-aligned samples of one activity; channels the activity lacks are `None`.
#[derive(Debug, Default)]
pub(crate) struct Samples {
    pub time: Vec<i64>,
    pub moving: Vec<bool>,
    pub watts: Option<Vec<i64>>,
    pub heartrate: Option<Vec<i64>>,
    pub cadence: Option<Vec<i64>>,
    pub velocity: Option<Vec<f64>>,
    pub distance: Option<Vec<f64>>,
    pub altitude: Option<Vec<f64>>,
    pub grade: Option<Vec<f64>>,
}

fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// Running state while walking through the plan second by second.
struct Walker {
    hr: f64,
    distance: f64,
    moving_s: u32,
    next_sample: i64,
}

/// Generates the streams of a plan (empty for manual activities).
pub(crate) fn generate(seed: u64, athlete: &Athlete, plan: &Plan) -> Samples {
    let mut out = Samples::default();
    if plan.manual {
        return out;
    }
    let sensors = plan.sensors;
    let cap = plan.elapsed_s() as usize;
    let opt = |on: bool| on.then(|| Vec::with_capacity(cap));
    let optf = |on: bool| on.then(|| Vec::with_capacity(cap));
    out.time.reserve(cap);
    out.moving.reserve(cap);
    out.watts = opt(sensors.watts);
    out.heartrate = opt(sensors.heartrate);
    out.cadence = opt(sensors.cadence);
    out.velocity = optf(sensors.speed);
    out.distance = optf(sensors.speed);
    out.altitude = optf(sensors.gps);
    out.grade = optf(sensors.gps);
    let terrain = Terrain::for_plan(seed, plan);
    let noise_key = hash(&[seed, plan.id as u64, tag("noise")]);
    let alpha = hr_alpha();
    let rest = athlete.truth.resting_hr_bpm;
    let mut w = Walker {
        hr: rest + 25.0,
        distance: 0.0,
        moving_s: 0,
        next_sample: 0,
    };
    let mut t: i64 = 0;
    for seg in &plan.segments {
        if seg.kind == SegKind::Jump {
            let target = hr_target(athlete, STOPPED_INTENSITY);
            w.hr = target + (w.hr - target) * (-f64::from(seg.dur_s) / 60.0).exp();
            t += i64::from(seg.dur_s);
            continue;
        }
        let moving = seg.kind == SegKind::Moving;
        let intensity = if moving {
            seg.intensity
        } else {
            STOPPED_INTENSITY
        };
        let target = hr_target(athlete, intensity);
        let speed = if moving {
            segment_speed(athlete, plan, seg.intensity)
        } else {
            0.0
        };
        let power = if moving {
            seg.intensity * plan.threshold
        } else {
            0.0
        };
        for _ in 0..seg.dur_s {
            let n = t as u64;
            w.hr += (target - w.hr) * alpha;
            let drift = if moving && drifts(seg.intensity) {
                DRIFT_BPM_PER_H * f64::from(w.moving_s) / 3600.0
            } else {
                0.0
            };
            let v = if moving {
                speed * (1.0 + 0.03 * symmetric(noise_key ^ 1, n))
            } else {
                0.0
            };
            w.distance += v;
            let index_moving = w.moving_s;
            if moving {
                w.moving_s += 1;
            }
            if plan.smart_recording && t < w.next_sample {
                t += 1;
                continue;
            }
            w.next_sample = t + 1 + (hash(&[noise_key, n]) % 3) as i64;
            out.time.push(t);
            out.moving.push(moving);
            if let Some(watts) = out.watts.as_mut() {
                let spike = plan.spike_at == Some(index_moving) && moving;
                let value = if spike {
                    2000.0
                } else {
                    power * (1.0 + 0.05 * symmetric(noise_key ^ 2, n))
                };
                watts.push(value.round() as i64);
            }
            if let Some(hr) = out.heartrate.as_mut() {
                let dropped = plan
                    .dropout
                    .is_some_and(|(from, len)| index_moving >= from && index_moving < from + len);
                let value = (w.hr + drift + symmetric(noise_key ^ 3, n))
                    .round()
                    .min(athlete.truth.max_hr_bpm);
                hr.push(if dropped { 0 } else { value as i64 });
            }
            if let Some(cadence) = out.cadence.as_mut() {
                let base = if plan.sport.is_run() {
                    84.0 + 6.0 * intensity
                } else {
                    78.0 + 15.0 * intensity
                };
                cadence.push(if moving {
                    (base + 2.0 * symmetric(noise_key ^ 4, n)).round() as i64
                } else {
                    0
                });
            }
            if let Some(velocity) = out.velocity.as_mut() {
                velocity.push(round_to(v, 0.001));
            }
            if let Some(distance) = out.distance.as_mut() {
                distance.push(round_to(w.distance, 0.1));
            }
            if let Some(altitude) = out.altitude.as_mut() {
                altitude.push(round_to(
                    terrain.altitude(w.distance) + 0.3 * symmetric(noise_key ^ 5, n),
                    0.1,
                ));
            }
            if let Some(grade) = out.grade.as_mut() {
                grade.push(round_to(terrain.grade_pct(w.distance), 0.1));
            }
            t += 1;
        }
    }
    out
}
