//! Years of synthetic history for one athlete, written straight through the store: one
//! activity a day (two rides, then a run) with its load (provenance and modifier components
//! shaped and sized like the sync's) and its power or speed curve on the real duration grid, a
//! wellness record a day, an estimated threshold set every four weeks, and streams for the
//! latest activities. Deterministic, so two runs time the same data. Shared by `bench pages`
//! and `bench athlete-api`.

use anyhow::Context;
use jiff::civil::Date;
use science::utl::Method;
use science::wellness::{ComponentKind, WellnessStatus};
use science::{SportClass, SportGroup};
use serde_json::json;

use crate::store::activities::{ActivityId, ActivitySummary, upsert};
use crate::store::loads::{self, ActivityLoad};
use crate::store::power_curves::{self, CurveKind, CurvePoint};
use crate::store::provenance::{
    ComponentRecord, Coverage, HrFeatures, LoadInput, ModifierRecord, OutcomeRecord, Provenance,
    SportRecord, ThresholdBasis, ThresholdUsed, WellnessRef,
};
use crate::store::thresholds::{
    self, NewThresholdSet, ThresholdSetId, ThresholdSource, ThresholdValues,
};
use crate::store::users::{self, NewUser, Role, UserId};
use crate::store::wellness::{self, WellnessRecord};
use crate::store::{Store, streams};

/// Streams length of the seeded activities, s.
const STREAM_S: usize = 7200;

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    /// The athlete (time zone UTC).
    pub user: UserId,
    /// The newest activity.
    pub newest: ActivityId,
    /// Activities (with loads).
    pub activities: usize,
    /// Wellness days.
    pub wellness_days: usize,
    /// Threshold sets.
    pub threshold_sets: usize,
    /// Stored power and speed curves.
    pub curves: usize,
}

/// Adds an athlete in UTC with `days` days of history ending today, the latest `with_streams`
/// activities with streams (2 h at 1 Hz each).
///
/// # Errors
/// A store write failed.
pub async fn seed(store: &Store, days: i64, with_streams: usize) -> anyhow::Result<Seeded> {
    let now_ms = crate::store::now_ms();
    let user = users::add(
        store,
        &NewUser {
            name: "Bench Athlete".to_owned(),
            sex: None,
            birth_year: Some(1985),
            time_zone: "UTC".to_owned(),
            role: Role::Athlete,
        },
        now_ms,
    )
    .await?;
    let today = crate::read::local_today("UTC");
    let first = crate::sync::add_days(today, 1 - days);
    let grid = science::mmp::duration_grid(STREAM_S, &science::Config::default().curves);
    let (mut threshold_sets, mut curves, mut set_id) = (0, 0, None);
    let mut newest = ActivityId(0);
    let mut ids = Vec::new();
    for k in 0..days {
        let day = crate::sync::add_days(first, k);
        let f = (k as f64 / days as f64).mul_add(0.2, 0.9);
        if k % 28 == 0 {
            set_id = Some(add_thresholds(store, user, day, f, now_ms).await?);
            threshold_sets += 1;
        }
        wellness::upsert(store, user, &wellness_day(day, k), now_ms).await?;
        let ride = k % 3 != 2;
        let summary = summary(day, k, ride)?;
        let id = upsert(store, user, &summary, now_ms).await?.id;
        loads::put(store, &load(id, ride, k, set_id, now_ms)).await?;
        let kind = if ride {
            CurveKind::Power
        } else {
            CurveKind::Speed
        };
        let points = curve(&grid, ride, f * (1.0 + 0.05 * ((k % 7) as f64 / 7.0)));
        power_curves::put(store, user, id, kind, &points, now_ms).await?;
        curves += 1;
        ids.push(id);
        newest = id;
    }
    for id in ids.iter().rev().take(with_streams) {
        streams::put(store, *id, &raw_streams(), now_ms).await?;
    }
    Ok(Seeded {
        user,
        newest,
        activities: ids.len(),
        wellness_days: usize::try_from(days).unwrap_or(0),
        threshold_sets,
        curves,
    })
}

async fn add_thresholds(
    store: &Store,
    user: UserId,
    day: Date,
    f: f64,
    now_ms: i64,
) -> anyhow::Result<ThresholdSetId> {
    let set = NewThresholdSet {
        user,
        effective_from: day,
        source: ThresholdSource::Estimated,
        method: "cp_fit".to_owned(),
        values: ThresholdValues {
            ftp_w: Some(250.0 * f),
            cp_w: Some(255.0 * f),
            w_prime_j: Some(18_000.0),
            threshold_speed_mps: Some(4.0 * f),
            d_prime_m: Some(200.0),
            lthr_bpm: Some(170.0),
            max_hr_bpm: Some(190.0),
            resting_hr_bpm: Some(48.0),
        },
        evidence: json!({"activities": [1, 2, 3], "window_days": 90}),
        as_of: Some(day),
        calc_version: 1,
    };
    Ok(thresholds::add(store, &set, now_ms).await?)
}

fn wellness_day(day: Date, k: i64) -> WellnessRecord {
    let wave = ((k % 11) as f64 / 11.0 - 0.5) * 2.0;
    WellnessRecord {
        day,
        resting_hr_bpm: Some(46 + (k % 5)),
        hrv_rmssd_ms: Some(wave.mul_add(8.0, 65.0)),
        sleep_s: Some(25_200 + (k % 9) * 900),
        sleep_score: Some(wave.mul_add(10.0, 75.0)),
        readiness: Some(wave.mul_add(12.0, 70.0)),
        soreness: Some(1 + (k % 3) as u8),
        fatigue: Some(1 + (k % 4) as u8),
        ..WellnessRecord::default()
    }
}

fn summary(day: Date, k: i64, ride: bool) -> anyhow::Result<ActivitySummary> {
    let start = day
        .at(7, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .context("a start time")?
        .timestamp()
        .as_millisecond();
    let moving = 3600 + (k % 5) * 900;
    let speed = if ride { 8.5 } else { 3.2 };
    Ok(ActivitySummary {
        provider: providers::budget::Provider::Strava,
        external_id: (1_000_000 + k).to_string(),
        upload_external_id: None,
        sport_type: if ride { "Ride" } else { "Run" }.to_owned(),
        legacy_type: None,
        sport: if ride { "ride" } else { "run" }.to_owned(),
        name: Some(format!("Bench {} #{k}", if ride { "ride" } else { "run" })),
        start_at_ms: start,
        utc_offset_s: 0,
        time_zone: Some("UTC".to_owned()),
        elapsed_s: Some(moving + 300),
        moving_s: Some(moving),
        distance_m: Some(speed * moving as f64),
        elevation_gain_m: Some(350.0),
        average_speed_mps: Some(speed),
        max_speed_mps: Some(speed * 1.8),
        average_hr_bpm: Some(142.0),
        max_hr_bpm: Some(171.0),
        average_watts: ride.then_some(195.0),
        weighted_average_watts: ride.then_some(210.0),
        max_watts: ride.then_some(820.0),
        kilojoules: ride.then_some(700.0),
        device_watts: Some(ride),
        trainer: false,
        commute: false,
        manual: false,
        is_private: false,
        visibility: Some("everyone".to_owned()),
    })
}

/// A load with provenance and modifier components shaped (and sized) like the sync's.
fn load(
    id: ActivityId,
    ride: bool,
    k: i64,
    set: Option<ThresholdSetId>,
    now_ms: i64,
) -> ActivityLoad {
    let base = 45.0 + (k % 6) as f64 * 12.0;
    ActivityLoad {
        activity: id,
        method: if ride { Method::Power } else { Method::Pace },
        base_load: base,
        modifier: 1.0,
        modifier_components: modifier_components(),
        utl: base,
        intensity_factor: Some(0.78),
        np_w: ride.then_some(210.0),
        ngp_mps: (!ride).then_some(3.3),
        trimp: Some(base * 1.2),
        hr_tss: Some(base * 0.95),
        threshold_set: set,
        calc_version: 1,
        computed_at_ms: now_ms,
        provenance: provenance(ride),
    }
}

/// Six components with two inputs each, as a day of full wellness gives.
fn modifier_components() -> ModifierRecord {
    let bands = ["normal", "normal", "7-9 h", "fair", "moderate", "normal"];
    ModifierRecord {
        components: ComponentKind::ALL
            .into_iter()
            .zip(bands)
            .map(|(component, band)| ComponentRecord {
                component,
                inputs: [("value", 1.0), ("baseline", 1.0)]
                    .into_iter()
                    .map(|(name, v)| (name.to_owned(), Some(v)))
                    .collect(),
                outcome: OutcomeRecord::Band {
                    band: band.to_owned(),
                    multiplier: 1.0,
                },
            })
            .collect(),
        raw_product: Some(1.0),
        clamped: false,
        status: WellnessStatus::Green,
    }
}

/// Every threshold field with streams, as a ride or run with full data records.
fn provenance(ride: bool) -> Provenance {
    let thresholds = [
        ("cp", 255.0),
        ("ftp", 250.0),
        ("lthr", 170.0),
        ("max_hr", 190.0),
        ("resting_hr", 48.0),
        ("threshold_speed", 4.0),
        ("w_prime", 18_000.0),
    ]
    .into_iter()
    .map(|(field, value)| {
        let used = ThresholdUsed {
            value,
            basis: ThresholdBasis::Estimated,
            entry: 1,
        };
        (field.to_owned(), used)
    })
    .collect();
    let (class, group, sport_type) = if ride {
        (SportClass::Ride, SportGroup::Cycling, "Ride")
    } else {
        (SportClass::Run, SportGroup::Running, "Run")
    };
    Provenance {
        activity_revision: 1,
        input: LoadInput::Streams,
        skipped: Vec::new(),
        estimated: false,
        suspect_threshold: false,
        duration_s: 5040.0,
        rejected: None,
        coverage: Coverage {
            watts: 1.0,
            velocity: 1.0,
            heartrate: 1.0,
        },
        sport: SportRecord {
            sport_type: sport_type.to_owned(),
            class,
            group,
            hr_factor: 0.75,
        },
        threshold_set: "1,1,1,1,1,1,1,1".to_owned(),
        thresholds,
        wellness: WellnessRef {
            date: "2026-01-01".to_owned(),
            modifier: 1.0,
        },
        hr: HrFeatures {
            peak_bpm: Some(171.0),
            best_1200_bpm: Some(150.2),
        },
        config_digest: "21b16c862224c5ea".to_owned(),
        calc_version: "tl-science/1.0.0".to_owned(),
        digest: String::new(),
    }
    .sealed()
}

/// A critical-power-shaped envelope on the real duration grid: `CP + W′/d` (W) for rides,
/// `CS + D′/d` (m/s) for runs, scaled by `f`.
fn curve(grid: &[u32], ride: bool, f: f64) -> Vec<CurvePoint> {
    let (base, reserve, cap) = if ride {
        (240.0, 20_000.0, 1100.0)
    } else {
        (3.8, 180.0, 7.5)
    };
    grid.iter()
        .map(|&d| CurvePoint {
            duration_s: d,
            value: ((base + reserve / f64::from(d)) * f).min(cap),
        })
        .collect()
}

/// Two hours at 1 Hz of every channel.
fn raw_streams() -> science::stream::RawStreams {
    let t: Vec<f64> = (0..STREAM_S).map(|s| s as f64).collect();
    let wave = |s: f64, period: f64| (s / period).sin();
    science::stream::RawStreams {
        watts: t
            .iter()
            .map(|&s| Some(wave(s, 60.0).mul_add(40.0, 200.0).round()))
            .collect(),
        heartrate_bpm: t
            .iter()
            .map(|&s| Some(wave(s, 300.0).mul_add(10.0, 145.0).round()))
            .collect(),
        velocity_mps: t
            .iter()
            .map(|&s| Some(wave(s, 90.0).mul_add(1.5, 8.5)))
            .collect(),
        distance_m: t.iter().map(|&s| Some(s * 8.5)).collect(),
        altitude_m: t
            .iter()
            .map(|&s| Some(wave(s, 900.0).mul_add(60.0, 300.0)))
            .collect(),
        grade_pct: t.iter().map(|&s| Some(wave(s, 900.0) * 3.0)).collect(),
        moving: t.iter().map(|_| Some(true)).collect(),
        time_s: t,
    }
}
