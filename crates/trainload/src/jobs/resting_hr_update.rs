//! `resting_hr_update`: every third day at 05:00 local from 2024-01-01 (not cron `*/3`), the
//! 14-day resting-HR average adopted under the 5 % rule (docs/scheduler.md §2).

use jiff::civil::{date, time};
use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};
use crate::sync::SyncOptions;

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: "resting_hr_update",
        name: "Resting HR Update",
        spec_rev: 1,
        trigger: Trigger::calendar_interval(3, time(5, 0, 0, 0), date(2024, 1, 1))?,
        policy: Policy {
            catch_up_window_ms: 36 * 3_600_000,
            overlap: Overlap::Skip,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 2 * 60 * 1000,
        },
        eligible: Eligible::WellnessWithin(14),
        // Only the stored wellness is read: no activity listing, no wellness download.
        work: Work::Sync(SyncOptions {
            activity_days: 0,
            wellness_days: 0,
            threshold_check: false,
            threshold_full: false,
            resting_hr: true,
            priority: providers::budget::Priority::Background,
        }),
    })
}
