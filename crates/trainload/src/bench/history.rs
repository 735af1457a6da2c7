//! Years of synthetic history for one athlete, written straight through the store: a ride or a
//! run on six days of seven with its load and (for rides) a full-length power curve, an
//! estimated threshold set every four weeks, and a wellness record every day. Deterministic, so
//! two runs time the same data. Used by `bench athlete-api`.

use anyhow::Context;
use jiff::civil::Date;
use serde_json::json;

use crate::store::activities::{self, ActivitySummary};
use crate::store::loads::{self, ActivityLoad};
use crate::store::power_curves::{self, CurveKind, CurvePoint};
use crate::store::thresholds::{self, NewThresholdSet, ThresholdSource, ThresholdValues};
use crate::store::users::UserId;
use crate::store::wellness::{self, WellnessRecord};
use crate::store::{Store, now_ms};
use crate::sync::add_days;

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seeded {
    /// Activities (with loads).
    pub activities: usize,
    /// Stored power and speed curves.
    pub curves: usize,
    /// Threshold sets.
    pub threshold_sets: usize,
    /// Wellness days.
    pub wellness_days: usize,
    /// Id of the newest activity.
    pub newest_activity: i64,
}

/// Writes `days` days of history ending yesterday (UTC) for `user`.
///
/// # Errors
/// A store write failed.
pub async fn seed(store: &Store, user: UserId, today: Date, days: i64) -> anyhow::Result<Seeded> {
    let mut out = Seeded::default();
    let now = now_ms();
    for age in (1..=days).rev() {
        let date = add_days(today, -age);
        let n = u64::try_from(days - age).unwrap_or(0);
        let wobble = ((n * 37) % 23) as f64 / 23.0; // 0 … 1, deterministic
        wellness::upsert(store, user, &wellness_day(date, wobble), now)
            .await
            .context("storing wellness")?;
        out.wellness_days += 1;
        if n % 28 == 0 {
            thresholds::add(store, &threshold_set(user, date, n), now)
                .await
                .context("storing thresholds")?;
            out.threshold_sets += 1;
        }
        if n % 7 == 6 {
            continue; // a rest day
        }
        let ride = n % 3 != 2;
        let summary = summary(n, date, ride, wobble)?;
        let id = activities::upsert(store, user, &summary, now)
            .await
            .context("storing an activity")?
            .id;
        loads::put(store, &load(id, ride, wobble, now))
            .await
            .context("storing a load")?;
        let seconds = u32::try_from(summary.moving_s.unwrap_or(3600)).unwrap_or(3600);
        let (kind, points) = if ride {
            (CurveKind::Power, curve(seconds, 320.0 + 40.0 * wobble, 1.0))
        } else {
            (CurveKind::Speed, curve(seconds, 4.2 + 0.3 * wobble, 0.4))
        };
        power_curves::put(store, user, id, kind, &points, now)
            .await
            .context("storing a curve")?;
        out.activities += 1;
        out.curves += 1;
        out.newest_activity = id.0;
    }
    Ok(out)
}

fn wellness_day(day: Date, wobble: f64) -> WellnessRecord {
    WellnessRecord {
        day,
        resting_hr_bpm: Some(48 + (wobble * 6.0) as i64),
        hrv_rmssd_ms: Some(55.0 + 15.0 * wobble),
        sleep_s: Some(6 * 3600 + (wobble * 3.0 * 3600.0) as i64),
        readiness: Some(50.0 + 40.0 * wobble),
        ..WellnessRecord::default()
    }
}

fn threshold_set(user: UserId, date: Date, n: u64) -> NewThresholdSet {
    let drift = (n / 28 % 10) as f64;
    NewThresholdSet {
        user,
        effective_from: date,
        source: ThresholdSource::Estimated,
        method: "mmp_95pct_20min".to_owned(),
        values: ThresholdValues {
            ftp_w: Some(250.0 + 2.0 * drift),
            threshold_speed_mps: Some(3.9 + 0.02 * drift),
            lthr_bpm: Some(168.0),
            max_hr_bpm: Some(190.0),
            resting_hr_bpm: Some(48.0),
            ..ThresholdValues::default()
        },
        evidence: json!({"synthetic": true}),
        as_of: Some(date),
        calc_version: 1,
    }
}

fn summary(n: u64, date: Date, ride: bool, wobble: f64) -> anyhow::Result<ActivitySummary> {
    let start = date
        .at(7, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)?
        .timestamp()
        .as_millisecond();
    let moving_s = 2700 + (wobble * 5400.0) as i64;
    let speed = if ride { 8.5 } else { 3.3 };
    Ok(ActivitySummary {
        provider: "strava".to_owned(),
        external_id: (10_000_000_000 + n).to_string(),
        upload_external_id: None,
        sport_type: if ride { "Ride" } else { "Run" }.to_owned(),
        legacy_type: None,
        sport: if ride { "ride" } else { "run" }.to_owned(),
        name: Some(format!("Synthetic {n}")),
        start_at_ms: start,
        utc_offset_s: 0,
        time_zone: Some("UTC".to_owned()),
        elapsed_s: Some(moving_s + 120),
        moving_s: Some(moving_s),
        distance_m: Some(speed * moving_s as f64),
        elevation_gain_m: Some(200.0),
        average_speed_mps: Some(speed),
        max_speed_mps: Some(speed * 1.6),
        average_hr_bpm: Some(140.0),
        max_hr_bpm: Some(175.0),
        average_watts: ride.then_some(200.0),
        weighted_average_watts: ride.then_some(215.0),
        max_watts: ride.then_some(800.0),
        kilojoules: ride.then_some(0.2 * moving_s as f64),
        device_watts: Some(ride),
        trainer: false,
        commute: false,
        manual: false,
        is_private: false,
        visibility: Some("everyone".to_owned()),
    })
}

fn load(activity: activities::ActivityId, ride: bool, wobble: f64, now: i64) -> ActivityLoad {
    let base = 40.0 + 90.0 * wobble;
    ActivityLoad {
        activity,
        method: if ride { "power" } else { "pace" }.to_owned(),
        base_load: base,
        modifier: 1.0,
        modifier_components: json!({"components": [], "status": "unknown"}),
        utl: base,
        intensity_factor: Some(0.7 + 0.2 * wobble),
        np_w: ride.then_some(215.0),
        ngp_mps: (!ride).then_some(3.4),
        trimp: None,
        hr_tss: None,
        threshold_set: None,
        calc_version: 1,
        computed_at_ms: now,
        provenance: json!({
            "input": "streams",
            "sport": {"group": if ride { "cycling" } else { "running" }},
        }),
    }
}

/// A mean-maximal curve as the sync stores it: every second up to an hour, then every minute
/// (up to two hours) and every five minutes, to the activity's length; `peak` at 1 s falling
/// towards `floor × peak`.
fn curve(seconds: u32, peak: f64, floor: f64) -> Vec<CurvePoint> {
    let durations = (1..=seconds.min(3600))
        .chain((3660..=seconds.min(7200)).step_by(60))
        .chain((7500..=seconds).step_by(300));
    durations
        .map(|d| {
            let fade = 1.0 / (1.0 + f64::from(d) / 120.0);
            CurvePoint {
                duration_s: d,
                value: peak * (0.55 + 0.45 * fade) * (floor + (1.0 - floor) * fade).max(0.4),
            }
        })
        .collect()
}
