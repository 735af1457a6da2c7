//! The band table of each component (docs/science.md §6): reading → label and multiplier.
//!
//! Every function re-validates its reading, so readings built by hand behave like records:
//! out-of-range values are missing (neutral).

use super::config::{scale_index, valid_percent};
use super::{
    Component, ComponentInput, ComponentKind, ComponentOutcome, HrvStats, RhrStats, WellnessConfig,
};

fn input(name: &'static str, value: f64) -> ComponentInput {
    ComponentInput { name, value }
}

fn band(
    kind: ComponentKind,
    inputs: Vec<ComponentInput>,
    label: &'static str,
    m: f64,
) -> Component {
    Component {
        kind,
        inputs,
        outcome: ComponentOutcome::Band {
            label,
            multiplier: m,
        },
    }
}

fn missing(kind: ComponentKind, reason: &'static str) -> Component {
    Component {
        kind,
        inputs: Vec::new(),
        outcome: ComponentOutcome::Missing { reason },
    }
}

/// z > +0.5: 0.97 · −0.5 ≤ z ≤ +0.5: 1.00 · −1.0 ≤ z < −0.5: 1.025 · z < −1.0: 1.05.
pub(super) fn hrv(stats: &Result<HrvStats, &'static str>, cfg: &WellnessConfig) -> Component {
    let kind = ComponentKind::Hrv;
    let s = match stats {
        Ok(s) if s.z.is_finite() => s,
        Ok(_) => return missing(kind, "z is not finite"),
        Err(reason) => return missing(kind, reason),
    };
    let m = &cfg.hrv_multipliers;
    let (label, mult) = if s.z > cfg.hrv_z_high {
        ("above baseline", m[0])
    } else if s.z >= cfg.hrv_z_low {
        ("normal", m[1])
    } else if s.z >= cfg.hrv_z_very_low {
        ("below baseline", m[2])
    } else {
        ("well below baseline", m[3])
    };
    let inputs = vec![
        input("m7_ln_ms", s.m7),
        input("mu_ln_ms", s.mu),
        input("sigma_ln_ms", s.sigma),
        input("z", s.z),
    ];
    band(kind, inputs, label, mult)
}

/// Δ ≥ 6: 1.03 · 3 ≤ Δ < 6: 1.015 · Δ < 3: 1.00 (a falling resting HR stays neutral).
pub(super) fn resting_hr(
    stats: &Result<RhrStats, &'static str>,
    cfg: &WellnessConfig,
) -> Component {
    let kind = ComponentKind::RestingHr;
    let s = match stats {
        Ok(s) if s.delta_bpm.is_finite() => s,
        Ok(_) => return missing(kind, "delta is not finite"),
        Err(reason) => return missing(kind, reason),
    };
    let m = &cfg.rhr_multipliers;
    let (label, mult) = if s.delta_bpm >= cfg.rhr_delta_high_bpm {
        ("high", m[2])
    } else if s.delta_bpm >= cfg.rhr_delta_elevated_bpm {
        ("elevated", m[1])
    } else {
        ("normal", m[0])
    };
    let inputs = vec![
        input("acute_mean_bpm", s.acute_mean_bpm),
        input("baseline_mean_bpm", s.baseline_mean_bpm),
        input("delta_bpm", s.delta_bpm),
    ];
    band(kind, inputs, label, mult)
}

/// h < 6: 1.04 · 6 ≤ h < 7: 1.02 · 7 ≤ h ≤ 9: 1.00 · h > 9: 1.00.
pub(super) fn sleep_duration(sleep_s: Option<f64>, cfg: &WellnessConfig) -> Component {
    let kind = ComponentKind::SleepDuration;
    let Some(s) = sleep_s.filter(|&s| cfg.valid_sleep_s(s)) else {
        return missing(kind, "no valid sleep duration");
    };
    let h = s / 3600.0;
    let m = &cfg.sleep_multipliers;
    let (label, mult) = if h < cfg.sleep_short_h {
        ("short", m[0])
    } else if h < cfg.sleep_adequate_h {
        ("slightly short", m[1])
    } else if h <= cfg.sleep_long_h {
        ("adequate", m[2])
    } else {
        ("long", m[3])
    };
    band(kind, vec![input("sleep_h", h)], label, mult)
}

/// Sleep score s (bands 80 / 60 / 40) if valid, else sleep quality q = 1…4.
pub(super) fn sleep_quality(
    score: Option<f64>,
    quality: Option<f64>,
    cfg: &WellnessConfig,
) -> Component {
    let kind = ComponentKind::SleepQuality;
    if let Some(s) = score.filter(|&s| valid_percent(s)) {
        let (label, mult) = descending(s, &cfg.sleep_score_edges, &cfg.sleep_score_multipliers);
        let label = ["great", "good", "fair", "poor"][label];
        return band(kind, vec![input("sleep_score", s)], label, mult);
    }
    match quality.and_then(|q| scale_index(q).map(|i| (q, i))) {
        Some((q, i)) => {
            let label = ["great", "good", "fair", "poor"][i];
            let mult = cfg.sleep_quality_multipliers[i];
            band(kind, vec![input("sleep_quality", q)], label, mult)
        }
        None => missing(kind, "no valid sleep score or quality"),
    }
}

/// r ≥ 75: 0.98 · 50 ≤ r < 75: 1.00 · 25 ≤ r < 50: 1.015 · r < 25: 1.03.
pub(super) fn readiness(readiness: Option<f64>, cfg: &WellnessConfig) -> Component {
    let kind = ComponentKind::Readiness;
    let Some(r) = readiness.filter(|&r| valid_percent(r)) else {
        return missing(kind, "no valid readiness");
    };
    let (i, mult) = descending(r, &cfg.readiness_edges, &cfg.readiness_multipliers);
    let label = ["high", "moderate", "low", "poor"][i];
    band(kind, vec![input("readiness", r)], label, mult)
}

/// w = the worse (higher) of soreness and fatigue on 1…4; a missing one is ignored.
pub(super) fn subjective(
    soreness: Option<f64>,
    fatigue: Option<f64>,
    cfg: &WellnessConfig,
) -> Component {
    let kind = ComponentKind::Subjective;
    let sore = soreness.and_then(scale_index);
    let fat = fatigue.and_then(scale_index);
    let Some(i) = sore.max(fat) else {
        return missing(kind, "no valid soreness or fatigue");
    };
    let mut inputs = Vec::new();
    if let (Some(v), Some(_)) = (soreness, sore) {
        inputs.push(input("soreness", v));
    }
    if let (Some(v), Some(_)) = (fatigue, fat) {
        inputs.push(input("fatigue", v));
    }
    let label = ["good", "normal", "worse", "bad"][i];
    band(kind, inputs, label, cfg.subjective_multipliers[i])
}

/// Band index and multiplier on a higher-is-better scale: v ≥ e0 → 0, v ≥ e1 → 1, v ≥ e2 → 2,
/// else 3.
fn descending(v: f64, edges: &[f64; 3], multipliers: &[f64; 4]) -> (usize, f64) {
    let i = edges.iter().position(|&e| v >= e).unwrap_or(3);
    (i, multipliers[i])
}
