//! `weekly_thresholds`: Sundays 03:00 local, a full threshold recalculation from 12 months of
//! data for users active in that time; an adopted change recomputes the loads after it
//! (docs/scheduler.md §2).

use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: "weekly_thresholds",
        name: "Weekly Threshold Recalculation",
        spec_rev: 1,
        trigger: Trigger::calendar("0 3 * * SUN")?,
        policy: Policy {
            catch_up_window_ms: 3 * 24 * 3_600_000,
            overlap: Overlap::Skip,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 20 * 60 * 1000,
        },
        eligible: Eligible::ActivitiesWithin(365),
        work: Work::Thresholds { window_days: 365 },
    })
}
