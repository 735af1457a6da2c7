//! Seconds in each zone from the 1 Hz grid.

use super::{Boundaries, ZoneKind};
use crate::SportClass;
use crate::stream::{Channel, Grid};

/// The time one activity spent in each zone of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneTime {
    /// The model.
    pub kind: ZoneKind,
    /// The threshold the zones were drawn from (W, bpm or m/s).
    pub threshold: f64,
    /// The boundaries used, % of the threshold.
    pub boundaries_pct: Vec<f64>,
    /// Seconds in each zone, lowest first (one more than the boundaries).
    pub seconds: Vec<u32>,
}

impl ZoneTime {
    /// Seconds over all zones.
    pub fn total_s(&self) -> u32 {
        self.seconds.iter().sum()
    }
}

/// Whether zones of `kind` mean anything for sport class `class`: power zones come from a
/// cycling FTP, so only rides (e-bikes included) get them; pace zones come from a running
/// threshold, so only runs; heart-rate zones apply to every sport.
pub fn applies(kind: ZoneKind, class: SportClass) -> bool {
    match kind {
        ZoneKind::Power => matches!(class, SportClass::Ride | SportClass::Ebike),
        ZoneKind::HeartRate => true,
        ZoneKind::Pace => class == SportClass::Run,
    }
}

/// The seconds of `grid` in each zone of `boundaries` against `threshold`.
///
/// # Formula
/// Every grid sample is one second. A sample counts when the athlete was moving and its
/// channel (power, heart rate, or speed for pace) holds a valid value; samples rejected by
/// validation or as implausible are empty and never count, and pauses are not samples. The
/// sample goes to zone `k` = how many boundaries `100 · value / threshold` reaches.
///
/// `None` when the threshold is not a positive number or no sample counts.
pub fn time_in_zones(grid: &Grid, boundaries: &Boundaries, threshold: f64) -> Option<ZoneTime> {
    if !(threshold.is_finite() && threshold > 0.0) {
        return None;
    }
    let channel = match boundaries.kind() {
        ZoneKind::Power => Channel::Watts,
        ZoneKind::HeartRate => Channel::HeartRate,
        ZoneKind::Pace => Channel::Velocity,
    };
    let mut seconds = vec![0u32; boundaries.pct().len() + 1];
    for (i, value) in grid.channel(channel).iter().enumerate() {
        let moving = grid.moving.get(i).copied().unwrap_or(true);
        if let (true, Some(v)) = (moving, value) {
            let zone = boundaries.zone_of(*v, threshold);
            if let Some(slot) = seconds.get_mut(zone) {
                *slot += 1;
            }
        }
    }
    if seconds.iter().all(|&s| s == 0) {
        return None;
    }
    Some(ZoneTime {
        kind: boundaries.kind(),
        threshold,
        boundaries_pct: boundaries.pct().to_vec(),
        seconds,
    })
}
