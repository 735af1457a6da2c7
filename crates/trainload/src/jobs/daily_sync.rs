//! `daily_sync`: 02:00 local, 14 days of activities and 30 of wellness, threshold validation and
//! the resting-HR update (docs/scheduler.md §2).

use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};
use crate::sync::SyncOptions;

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: "daily_sync",
        name: "Daily Comprehensive Sync",
        spec_rev: 1,
        trigger: Trigger::calendar("0 2 * * *")?,
        policy: Policy {
            catch_up_window_ms: 12 * 3_600_000,
            overlap: Overlap::Skip,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 10 * 60 * 1000,
        },
        eligible: Eligible::ActiveIntegration,
        work: Work::Sync(SyncOptions::daily()),
    })
}
