//! The physiology shared by streams and summaries: heart rate from intensity with lag and drift,
//! speed from power on the flat, and a smooth terrain.

use super::athlete::Athlete;
use super::plan::Plan;
use crate::rng::{hash, range, tag};

/// Heart-rate time constant (s).
const HR_TAU_S: f64 = 30.0;
/// Cardiac drift on steady work (bpm per moving hour).
pub(crate) const DRIFT_BPM_PER_H: f64 = 3.0;
/// Relative intensity the heart sees while standing still.
pub(crate) const STOPPED_INTENSITY: f64 = 0.3;

/// Per-second smoothing factor of the first-order HR lag.
pub(crate) fn hr_alpha() -> f64 {
    1.0 - (-1.0 / HR_TAU_S).exp()
}

/// The HR an athlete settles at for a relative intensity: LTHR/0.95 at the 20-minute maximal
/// intensity (Friel's test reads LTHR back), max HR from ~6 % above it.
pub(crate) fn hr_target(athlete: &Athlete, intensity: f64) -> f64 {
    let truth = &athlete.truth;
    let rest = truth.resting_hr_bpm;
    let max = truth.max_hr_bpm;
    let hr20 = (truth.lthr_bpm / 0.95).min(max - 2.0);
    let r20 = 1.0 / 0.95;
    if intensity <= r20 {
        rest + (hr20 - rest) * (intensity.max(0.0) / r20).powf(1.2)
    } else {
        hr20 + (max - hr20) * ((intensity - r20) / 0.06).min(1.0)
    }
}

/// Whether a segment at this intensity drifts (steady, submaximal work only).
pub(crate) fn drifts(intensity: f64) -> bool {
    intensity > 0.0 && intensity < 0.95
}

/// Flat-road speed (m/s) for a power (W): 0.5·ρ·CdA·v³ + Crr·m·g·v = P, solved by Newton.
pub(crate) fn ride_speed(power_w: f64, mass_kg: f64) -> f64 {
    let (aero, roll) = (0.5 * 1.225 * 0.32, 0.005 * (mass_kg + 9.0) * 9.81);
    let mut v = 8.0;
    for _ in 0..8 {
        let f = aero * v * v * v + roll * v - power_w.max(1.0);
        let df = 3.0 * aero * v * v + roll;
        v = (v - f / df).max(0.5);
    }
    v
}

/// The moving speed (m/s) of a segment.
pub(crate) fn segment_speed(athlete: &Athlete, plan: &Plan, intensity: f64) -> f64 {
    use super::calendar::Sport;
    match plan.sport {
        s if s.is_ride() => ride_speed(intensity * athlete.cp_w, athlete.truth.weight_kg),
        s if s.is_run() => intensity * athlete.cs_mps,
        Sport::Swim => intensity * athlete.truth.swim_speed_mps,
        Sport::Walk | Sport::Hike => 1.1 + intensity,
        _ => 0.0,
    }
}

/// A smooth terrain: two sine waves along the distance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terrain {
    base_m: f64,
    amp: [f64; 2],
    wavelength_m: [f64; 2],
    phase: [f64; 2],
}

impl Terrain {
    pub(crate) fn for_plan(seed: u64, plan: &Plan) -> Self {
        let key = |p: &str| [seed, plan.id as u64, tag(p)];
        let hilly = if plan.sport.is_ride() { 1.0 } else { 0.4 };
        Self {
            base_m: range(&key("base"), 20.0, 600.0),
            amp: [
                range(&key("a1"), 10.0, 45.0) * hilly,
                range(&key("a2"), 2.0, 8.0) * hilly,
            ],
            wavelength_m: [
                range(&key("l1"), 5_000.0, 12_000.0),
                range(&key("l2"), 900.0, 1_800.0),
            ],
            phase: [
                (hash(&key("p1")) % 628) as f64 / 100.0,
                (hash(&key("p2")) % 628) as f64 / 100.0,
            ],
        }
    }

    pub(crate) fn altitude(&self, distance_m: f64) -> f64 {
        let tau = std::f64::consts::TAU;
        self.base_m
            + (0..2)
                .map(|k| {
                    self.amp[k] * (tau * distance_m / self.wavelength_m[k] + self.phase[k]).sin()
                })
                .sum::<f64>()
    }

    /// Grade in percent.
    pub(crate) fn grade_pct(&self, distance_m: f64) -> f64 {
        let tau = std::f64::consts::TAU;
        100.0
            * (0..2)
                .map(|k| {
                    self.amp[k] * tau / self.wavelength_m[k]
                        * (tau * distance_m / self.wavelength_m[k] + self.phase[k]).cos()
                })
                .sum::<f64>()
    }

    /// Approximate climbing over a distance: each full wave climbs twice its amplitude.
    pub(crate) fn gain(&self, distance_m: f64) -> f64 {
        (0..2)
            .map(|k| 2.0 * self.amp[k] * distance_m / self.wavelength_m[k])
            .sum()
    }

    /// (low, high) altitude bounds reached over a distance (conservative: the full swing once a
    /// long wave has passed).
    pub(crate) fn bounds(&self, distance_m: f64) -> (f64, f64) {
        let swing: f64 = if distance_m >= self.wavelength_m[0] {
            self.amp[0] + self.amp[1]
        } else {
            self.amp[1] + self.amp[0] * distance_m / self.wavelength_m[0]
        };
        (self.base_m - swing, self.base_m + swing)
    }
}
