//! Activity summaries in closed form from the plan (no per-second pass), so a 200-item page is
//! cheap; they match the generated streams within 1 % because both follow the same segments and
//! the stream noise is zero-mean.

use super::athlete::Athlete;
use super::physio::{
    DRIFT_BPM_PER_H, STOPPED_INTENSITY, Terrain, drifts, hr_alpha, hr_target, segment_speed,
};
use super::plan::{Plan, SegKind};

/// Summary numbers of one activity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub distance_m: f64,
    pub moving_s: i64,
    pub elapsed_s: i64,
    pub max_speed: f64,
    pub average_watts: Option<f64>,
    pub weighted_average_watts: Option<i64>,
    pub max_watts: Option<i64>,
    pub kilojoules: Option<f64>,
    pub average_heartrate: Option<f64>,
    pub max_heartrate: Option<f64>,
    pub elevation: Option<(f64, f64, f64)>,
    pub average_cadence: Option<f64>,
}

#[derive(Default)]
struct Sums {
    hr_sum: f64,
    hr_max: f64,
    samples: f64,
    distance: f64,
    max_speed: f64,
    work_j: f64,
    p4: f64,
    max_power: f64,
    cadence: f64,
}

/// The summary of a plan.
pub(crate) fn summarize(seed: u64, athlete: &Athlete, plan: &Plan) -> Summary {
    let sums = accumulate(athlete, plan);
    let moving_s = plan.moving_s();
    let moving = moving_s.max(1) as f64;
    let mut summary = Summary {
        distance_m: if plan.sensors.speed || plan.manual {
            sums.distance
        } else {
            0.0
        },
        moving_s,
        elapsed_s: plan.elapsed_s(),
        max_speed: if plan.sensors.speed {
            sums.max_speed * 1.03
        } else {
            0.0
        },
        average_watts: None,
        weighted_average_watts: None,
        max_watts: None,
        kilojoules: None,
        average_heartrate: plan
            .sensors
            .heartrate
            .then(|| round1(sums.hr_sum / sums.samples.max(1.0))),
        max_heartrate: plan
            .sensors
            .heartrate
            .then(|| (sums.hr_max + 1.0).round().min(athlete.truth.max_hr_bpm)),
        elevation: None,
        average_cadence: plan.sensors.cadence.then(|| round1(sums.cadence / moving)),
    };
    if plan.sensors.gps {
        let terrain = Terrain::for_plan(seed, plan);
        let (low, high) = terrain.bounds(sums.distance);
        summary.elevation = Some((
            round1(terrain.gain(sums.distance)),
            round1(low),
            round1(high),
        ));
    }
    power_fields(&mut summary, plan, &sums, moving);
    summary
}

fn power_fields(summary: &mut Summary, plan: &Plan, sums: &Sums, moving: f64) {
    match plan.device_watts {
        Some(true) => {
            let spike = plan.spike_at.map_or(0.0, |_| 2000.0);
            summary.average_watts = Some(round1((sums.work_j + spike) / moving));
            summary.kilojoules = Some(round1((sums.work_j + spike) / 1000.0));
            summary.weighted_average_watts = Some((sums.p4 / moving).powf(0.25).round() as i64);
            summary.max_watts = Some(if plan.spike_at.is_some() {
                2000
            } else {
                (sums.max_power * 1.05).round() as i64
            });
        }
        Some(false) => {
            // Strava's estimate from speed and mass: in the right range, not exact.
            summary.average_watts = Some(round1(0.93 * sums.work_j / moving));
            summary.kilojoules = Some(round1(0.93 * sums.work_j / 1000.0));
        }
        None => {}
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Walks the segments in closed form: the first-order HR lag sums geometrically per segment.
fn accumulate(athlete: &Athlete, plan: &Plan) -> Sums {
    let alpha = hr_alpha();
    let keep = 1.0 - alpha;
    let mut hr = athlete.truth.resting_hr_bpm + 25.0;
    let mut moving_s = 0.0;
    let mut sums = Sums::default();
    for seg in &plan.segments {
        let n = f64::from(seg.dur_s);
        if seg.kind == SegKind::Jump {
            let target = hr_target(athlete, STOPPED_INTENSITY);
            hr = target + (hr - target) * (-n / 60.0).exp();
            continue;
        }
        let moving = seg.kind == SegKind::Moving;
        let intensity = if moving {
            seg.intensity
        } else {
            STOPPED_INTENSITY
        };
        let target = hr_target(athlete, intensity);
        let decay = keep.powf(n);
        sums.hr_sum += n * target + (hr - target) * keep * (1.0 - decay) / alpha;
        let end = target + (hr - target) * decay;
        let drift = if moving && drifts(seg.intensity) {
            DRIFT_BPM_PER_H / 3600.0
        } else {
            0.0
        };
        sums.hr_sum += drift * (n * moving_s + n * (n - 1.0) / 2.0);
        sums.hr_max = sums.hr_max.max(hr.max(end) + drift * (moving_s + n));
        hr = end;
        sums.samples += n;
        if moving {
            let speed = segment_speed(athlete, plan, seg.intensity);
            sums.distance += speed * n;
            sums.max_speed = sums.max_speed.max(speed);
            let power = seg.intensity * plan.threshold;
            sums.work_j += power * n;
            sums.p4 += power.powi(4) * n;
            sums.max_power = sums.max_power.max(power);
            let cadence = if plan.sport.is_run() {
                84.0 + 6.0 * seg.intensity
            } else {
                78.0 + 15.0 * seg.intensity
            };
            sums.cadence += cadence * n;
            moving_s += n;
        }
    }
    sums.hr_max = sums.hr_max.min(athlete.truth.max_hr_bpm);
    sums
}
