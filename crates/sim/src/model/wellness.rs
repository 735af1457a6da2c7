//! Intervals.icu wellness per athlete-local day: resting HR and HRV around the truth, illness
//! dips, next-morning effects of hard days, sleep, device scores, subjective 1–4 values on ~40 %
//! of days and a drifting weight. A record appears after the athlete wakes up.

use serde_json::{Value, json};

use super::athlete::Athlete;
use super::calendar::{Calendar, illness, was_hard};
use crate::rng::{hash, normalish, range, tag, unit};
use crate::time::{DAY_S, format_date, format_instant_millis};

/// One day's record and the instant it appeared.
#[derive(Debug, Clone)]
pub(crate) struct WellnessRecord {
    pub updated_ms: i64,
    pub json: Value,
}

/// The wellness record of a local day, `None` for athletes without wellness and ~2 % of days.
pub(crate) fn record(cal: &Calendar, athlete: &Athlete, day: i64) -> Option<WellnessRecord> {
    if !athlete.profile.has_wellness() {
        return None;
    }
    let (seed, i, d) = (cal.seed, athlete.index as u64, day as u64);
    let draw = |p: &str| unit(&[seed, i, d, tag(p)]);
    if draw("missing") < 0.02 {
        return None;
    }
    let truth = &athlete.truth;
    let severity = illness(cal, athlete, day).unwrap_or(0.0);
    let hard = was_hard(cal, athlete, day - 1);
    let hrv_factor =
        (1.0 - if severity > 0.0 {
            0.20 + 0.15 * severity
        } else {
            0.0
        }) * if hard { 0.93 } else { 1.0 };
    let hrv =
        truth.hrv_baseline_ms * hrv_factor * (0.08 * normalish(&[seed, i, d, tag("hrv")])).exp();
    let rhr_up = if severity > 0.0 {
        5.0 + 5.0 * severity
    } else {
        0.0
    } + if hard { 1.5 } else { 0.0 };
    let resting =
        (truth.resting_hr_bpm + rhr_up + 1.2 * normalish(&[seed, i, d, tag("rhr")])).round();
    let sleep_h =
        (7.4 + 0.55 * normalish(&[seed, i, d, tag("sleep")]) - 1.2 * severity).clamp(4.0, 10.0);
    let sleep_secs = (sleep_h * 3600.0).round() as i64;
    let (score, readiness) = if athlete.scored_sleep {
        let score = (62.0 + (sleep_h - 6.0) * 12.0 + range(&[seed, i, d, tag("score")], -6.0, 6.0))
            .clamp(5.0, 100.0)
            .round();
        let ready =
            (72.0 + 80.0 * (hrv_factor - 1.0) + range(&[seed, i, d, tag("ready")], -8.0, 8.0))
                .clamp(1.0, 100.0)
                .round();
        (json!(score), json!(ready))
    } else {
        (Value::Null, Value::Null)
    };
    let subjective = |p: &str, base: f64| -> Value {
        if draw("subjective") >= 0.4 {
            return Value::Null;
        }
        let value = base
            + 2.5 * severity
            + if hard { 0.6 } else { 0.0 }
            + range(&[seed, i, d, tag(p)], 0.0, 1.6);
        json!((value.floor() as i64).clamp(1, 4))
    };
    let weight = truth.weight_kg
        + 0.8 * (std::f64::consts::TAU * day as f64 / 90.0 + i as f64).sin()
        + 0.25 * normalish(&[seed, i, d, tag("kg")]);
    let wake_local = day * DAY_S + 6 * 3600 + 1800 + (draw("wake") * 5400.0) as i64;
    let updated_ms = athlete.zone.local_to_utc(wake_local) * 1000
        + (hash(&[seed, i, d, tag("ms")]) % 1_800_000) as i64;
    let json = json!({
        "id": format_date(day),
        "ctl": null, "atl": null, "rampRate": null, "ctlLoad": null, "atlLoad": null,
        "sportInfo": [],
        "updated": format_instant_millis(updated_ms, draw("colon") < 0.5),
        "weight": (weight * 10.0).round() / 10.0,
        "restingHR": resting as i64,
        "hrv": (hrv * 10.0).round() / 10.0,
        "hrvSDNN": (hrv * 1.35 * 10.0).round() / 10.0,
        "menstrualPhase": null, "menstrualPhasePredicted": null, "kcalConsumed": null,
        "sleepSecs": sleep_secs,
        "sleepScore": score,
        "sleepQuality": subjective("sq", 1.0),
        "avgSleepingHR": (resting + 4.0 + 2.0 * draw("ashr")).round(),
        "soreness": subjective("sore", 1.0),
        "fatigue": subjective("fat", 1.0),
        "stress": subjective("stress", 1.0),
        "mood": subjective("mood", 1.0),
        "motivation": subjective("mot", 1.0),
        "injury": null, "spO2": null, "systolic": null, "diastolic": null, "hydration": null,
        "hydrationVolume": null,
        "readiness": readiness,
        "baevskySI": null, "bloodGlucose": null, "lactate": null, "bodyFat": null, "abdomen": null,
        "vo2max": null, "comments": null,
        "steps": (6000.0 + 8000.0 * draw("steps")).round() as i64,
        "respiration": ((14.0 + 2.0 * draw("resp")) * 10.0).round() / 10.0,
        "locked": null, "tempWeight": false, "tempRestingHR": false,
    });
    Some(WellnessRecord { updated_ms, json })
}
