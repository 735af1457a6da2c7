//! When to estimate: significant activities, the quick check, the first-import schedule, and
//! which activities feed which estimator (docs/science.md §7.2–§7.5).

use super::{ThresholdConfig, window_start};
use crate::{LocalDate, SportClass, SportGroup};

/// Whether an activity is significant: running group, or cycling group without e-bikes, with
/// moving time > `significant_moving_s` (1800 s).
pub fn is_significant(class: SportClass, moving_time_s: u32, cfg: &ThresholdConfig) -> bool {
    let sport = match class.group() {
        SportGroup::Running => true,
        SportGroup::Cycling => class != SportClass::Ebike,
        SportGroup::Swimming | SportGroup::Other => false,
    };
    sport && moving_time_s > cfg.significant_moving_s
}

/// Whether the quick check is due: at least `quick_check_min_activities` (3) of the dates of
/// significant activities fall in the `quick_check_days` (7) days ending `as_of`.
pub fn quick_check_due(
    significant_dates: &[LocalDate],
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> bool {
    let first = window_start(as_of, cfg.quick_check_days);
    let count = significant_dates
        .iter()
        .filter(|&&d| first <= d && d <= as_of)
        .count();
    count >= cfg.quick_check_min_activities
}

/// The first-import estimation dates, ascending: first activity + 27 days, then every 28 days
/// while before `as_of`, then `as_of` itself. The caller adopts in this order.
pub fn first_import_schedule(
    first_activity: LocalDate,
    as_of: LocalDate,
    cfg: &ThresholdConfig,
) -> Vec<LocalDate> {
    let mut out = Vec::new();
    let offset = i32::try_from(cfg.first_estimate_after_days).unwrap_or(i32::MAX);
    let step = i32::try_from(cfg.first_import_step_days.max(1)).unwrap_or(i32::MAX);
    let mut day = first_activity.add_days(offset);
    while day < as_of {
        out.push(day);
        day = day.add_days(step);
    }
    out.push(as_of);
    out
}

/// Whether an activity feeds the power curve of §7.2: cycling group except e-bikes, device
/// power, power coverage ≥ `min_coverage`.
pub fn is_power_eligible(
    class: SportClass,
    device_watts: bool,
    power_coverage: f64,
    cfg: &ThresholdConfig,
) -> bool {
    class.group() == SportGroup::Cycling
        && class != SportClass::Ebike
        && device_watts
        && power_coverage >= cfg.min_coverage
}

/// Whether an activity feeds the best-speed curve of §7.3: running group, speed coverage ≥
/// `min_coverage`.
pub fn is_speed_eligible(class: SportClass, speed_coverage: f64, cfg: &ThresholdConfig) -> bool {
    class.group() == SportGroup::Running && speed_coverage >= cfg.min_coverage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> LocalDate {
        s.parse().unwrap()
    }

    #[test]
    fn significance_needs_run_or_non_electric_ride_over_half_an_hour() {
        let cfg = ThresholdConfig::default();
        assert!(is_significant(SportClass::Run, 1801, &cfg));
        assert!(!is_significant(SportClass::Run, 1800, &cfg));
        assert!(is_significant(SportClass::Ride, 4000, &cfg));
        assert!(!is_significant(SportClass::Ebike, 4000, &cfg));
        assert!(!is_significant(SportClass::Swim, 4000, &cfg));
        assert!(!is_significant(SportClass::Hike, 4000, &cfg));
    }

    #[test]
    fn the_quick_check_counts_the_seven_days_ending_as_of() {
        let cfg = ThresholdConfig::default();
        let as_of = day("2024-06-10");
        let dates = [day("2024-06-04"), day("2024-06-08"), day("2024-06-10")];
        assert!(quick_check_due(&dates, as_of, &cfg));
        let early = [day("2024-06-03"), day("2024-06-08"), day("2024-06-10")];
        assert!(!quick_check_due(&early, as_of, &cfg));
        let future = [day("2024-06-08"), day("2024-06-09"), day("2024-06-11")];
        assert!(!quick_check_due(&future, as_of, &cfg));
    }

    #[test]
    fn first_import_runs_every_28_days_then_as_of() {
        let cfg = ThresholdConfig::default();
        let got = first_import_schedule(day("2024-01-01"), day("2024-03-01"), &cfg);
        let want = [day("2024-01-28"), day("2024-02-25"), day("2024-03-01")];
        assert_eq!(got, want);
        let short = first_import_schedule(day("2024-01-01"), day("2024-01-10"), &cfg);
        assert_eq!(short, vec![day("2024-01-10")]);
    }

    #[test]
    fn eligibility_follows_sport_device_and_coverage() {
        let cfg = ThresholdConfig::default();
        assert!(is_power_eligible(SportClass::Ride, true, 0.8, &cfg));
        assert!(!is_power_eligible(SportClass::Ride, false, 1.0, &cfg));
        assert!(!is_power_eligible(SportClass::Ebike, true, 1.0, &cfg));
        assert!(!is_power_eligible(SportClass::Ride, true, 0.79, &cfg));
        assert!(is_speed_eligible(SportClass::Run, 0.9, &cfg));
        assert!(!is_speed_eligible(SportClass::Walk, 0.9, &cfg));
    }
}
