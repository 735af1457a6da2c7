//! The `time_in_zone` section: seconds in each zone model that applies to the sport, against
//! the command line's thresholds and the default boundaries (docs/science.md §15). The same
//! grid, models and rule as the sync's, so a file and the synced activity agree.

use science::stream::Grid;
use science::utl::ThresholdsInForce;
use science::zones::{Boundaries, ZoneKind, applies, time_in_zones};

use super::ZoneTimeView;
use crate::store::zones::KindTime;

/// Each applicable model with a threshold and at least one counted second, in the order power,
/// heart rate, pace, shaped as the API's `time_in_zone`.
pub fn time_in_zone(
    grid: &Grid,
    class: science::SportClass,
    thresholds: &ThresholdsInForce,
) -> Vec<ZoneTimeView> {
    ZoneKind::ALL
        .into_iter()
        .filter(|&kind| applies(kind, class))
        .filter_map(|kind| {
            let threshold = match kind {
                ZoneKind::Power => thresholds.ftp_w,
                ZoneKind::HeartRate => thresholds.lthr_bpm,
                ZoneKind::Pace => thresholds.threshold_speed_mps,
            }?;
            time_in_zones(grid, &Boundaries::default_for(kind), threshold)
        })
        .map(|t| ZoneTimeView::new(&KindTime::from(&t)))
        .collect()
}
