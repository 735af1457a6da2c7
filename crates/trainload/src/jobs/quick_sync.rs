//! `quick_sync`: every 3 h 30 min on a UTC grid, 3 days of activities and 7 of wellness for
//! every connected user, with the quick threshold check (docs/scheduler.md §2).

use jiff::SignedDuration;
use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};
use crate::sync::SyncOptions;

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    const EVERY_MS: i64 = 210 * 60 * 1000;
    let every = SignedDuration::from_millis(EVERY_MS);
    // 2024-01-01T00:00:00Z: the grid every instance agrees on.
    let anchor = jiff::Timestamp::constant(1_704_067_200, 0);
    Ok(JobSpec {
        id: "quick_sync",
        name: "Quick Sync (Activities + Wellness)",
        spec_rev: 1,
        trigger: Trigger::interval(every, anchor)?,
        policy: Policy {
            catch_up_window_ms: EVERY_MS,
            overlap: Overlap::Skip,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 10 * 60 * 1000,
        },
        eligible: Eligible::ActiveIntegration,
        work: Work::Sync(SyncOptions::quick()),
    })
}
