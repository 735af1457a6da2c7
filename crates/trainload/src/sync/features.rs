//! What threshold estimation needs from one activity's streams, computed once when the streams
//! arrive: its exact power or speed curve (stored in `power_curves`) and its heart-rate peaks (kept
//! in the load's provenance).

use std::sync::Arc;

use science::mmp::{MmpCurve, MmpPoint};
use science::stream::{Channel, Grid, RawStreams};
use science::thresholds::heart::{best_hr_average, max_hr_candidate};
use science::thresholds::schedule::{is_power_eligible, is_speed_eligible};
use science::{Config, SportClass};

use crate::store::activities::Activity;
use crate::store::power_curves::{self, CurveKind, CurvePoint};
use crate::store::{Store, StoreError};

pub(crate) use crate::store::provenance::HrFeatures;

/// The heart-rate features of a grid.
pub(crate) fn hr_features(grid: &Grid, cfg: &Config) -> HrFeatures {
    if grid.coverage(Channel::HeartRate) < cfg.thresholds.min_coverage {
        return HrFeatures::default();
    }
    HrFeatures {
        peak_bpm: max_hr_candidate(grid, &cfg.thresholds),
        best_1200_bpm: best_hr_average(grid, cfg.thresholds.lthr_duration_s).map(|w| w.avg_bpm),
    }
}

/// What one activity's streams yield for the sync: its grid, its exact curves and its
/// heart-rate features.
pub(crate) struct StreamFeatures {
    pub grid: Grid,
    pub curves: Vec<(CurveKind, Vec<CurvePoint>)>,
    pub hr: HrFeatures,
}

/// The grid, curves and heart-rate features of `raw`, the streams of `activity`; `None` when
/// they make no grid.
///
/// The exact curves take milliseconds of CPU per hour of streams, so this runs on the science
/// threads, at a lower priority: the async workers stay free, and the cores go to HTTP requests
/// first, while a sync computes.
pub(crate) async fn from_streams(
    raw: RawStreams,
    activity: &Activity,
    cfg: Arc<Config>,
) -> Option<StreamFeatures> {
    let class = SportClass::of(&activity.summary.sport_type);
    let device = activity.summary.device_watts != Some(false);
    super::science_pool::run(move || {
        let grid = science::stream::activity_grid(&raw, class, &cfg.stream).ok()?;
        let curves = curves_of(class, device, &grid, &cfg);
        let hr = hr_features(&grid, &cfg);
        Some(StreamFeatures { grid, curves, hr })
    })
    .await
}

/// The exact curves the estimators may use: power for eligible rides, speed for eligible runs.
fn curves_of(
    class: SportClass,
    device: bool,
    grid: &Grid,
    cfg: &Config,
) -> Vec<(CurveKind, Vec<CurvePoint>)> {
    let t = &cfg.thresholds;
    let mut curves = Vec::new();
    if is_power_eligible(class, device, grid.coverage(Channel::Watts), t)
        && let Some(curve) = science::mmp::activity_power_curve(grid, &cfg.curves)
    {
        curves.push((CurveKind::Power, curve));
    }
    if is_speed_eligible(class, grid.coverage(Channel::Velocity), t)
        && let Some(curve) = science::best_efforts::activity_speed_curve(grid, &cfg.curves)
    {
        curves.push((CurveKind::Speed, curve));
    }
    curves
        .into_iter()
        .map(|(kind, curve)| {
            let points = curve
                .points
                .iter()
                .map(|p| CurvePoint {
                    duration_s: p.duration_s,
                    value: p.value,
                })
                .collect();
            (kind, points)
        })
        .collect()
}

/// Stores `curves` of `activity`.
pub(crate) async fn put_curves(
    store: &Store,
    activity: &Activity,
    curves: &[(CurveKind, Vec<CurvePoint>)],
    now_ms: i64,
) -> Result<(), StoreError> {
    for (kind, points) in curves {
        power_curves::put(store, activity.user, activity.id, *kind, points, now_ms).await?;
    }
    Ok(())
}

/// Computes and stores the exact curves of `activity` from its grid (inline: the monthly
/// recalculation of stale curves, which has no requests to keep waiting).
pub(crate) async fn store_curves(
    store: &Store,
    activity: &Activity,
    grid: &Grid,
    cfg: &Config,
    now_ms: i64,
) -> Result<(), StoreError> {
    let class = SportClass::of(&activity.summary.sport_type);
    let device = activity.summary.device_watts != Some(false);
    put_curves(
        store,
        activity,
        &curves_of(class, device, grid, cfg),
        now_ms,
    )
    .await
}

/// A stored exact curve as the window merge accepts it (window positions are not stored).
pub(crate) fn exact_curve(points: &[CurvePoint]) -> MmpCurve {
    MmpCurve {
        points: points
            .iter()
            .map(|p| MmpPoint {
                duration_s: p.duration_s,
                value: p.value,
                piece: 0,
                start: 0,
                start_offset_s: 0,
                window_s: p.duration_s,
            })
            .collect(),
    }
}
