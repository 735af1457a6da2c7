//! `monthly_utl`: the 1st at 04:00 local, every UTL of the last 90 days recomputed with current
//! inputs, then the stored daily load sums and month curve folds checked against a fresh
//! computation and repaired; every drift (stored values not bit-identical to the fresh ones)
//! must be 0 (docs/scheduler.md §2).

use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: "monthly_utl",
        name: "Monthly UTL Recalculation",
        spec_rev: 1,
        trigger: Trigger::calendar("0 4 1 * *")?,
        policy: Policy {
            catch_up_window_ms: 7 * 24 * 3_600_000,
            overlap: Overlap::Skip,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 20 * 60 * 1000,
        },
        eligible: Eligible::ActivitiesWithin(90),
        work: Work::Utl { days: 90 },
    })
}
