//! What threshold estimation needs from one activity's streams, computed once when the streams
//! arrive: its exact power or speed curve (stored in `power_curves`) and its heart-rate peaks (kept
//! in the load's provenance).

use science::mmp::{MmpCurve, MmpPoint};
use science::stream::{Channel, Grid};
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

/// Computes and stores the exact curves the estimators may use: power for eligible rides, speed
/// for eligible runs.
pub(crate) async fn store_curves(
    store: &Store,
    activity: &Activity,
    grid: &Grid,
    cfg: &Config,
    now_ms: i64,
) -> Result<(), StoreError> {
    let class = SportClass::of(&activity.summary.sport_type);
    let device = activity.summary.device_watts != Some(false);
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
    for (kind, curve) in curves {
        let points: Vec<CurvePoint> = curve
            .points
            .iter()
            .map(|p| CurvePoint {
                duration_s: p.duration_s,
                value: p.value,
            })
            .collect();
        power_curves::put(store, activity.user, activity.id, kind, &points, now_ms).await?;
    }
    Ok(())
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
