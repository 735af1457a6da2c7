//! `push_delivery`: one task per athlete with notifications to deliver (docs/push.md). It has
//! no schedule: writing a notification enqueues the athlete's task in the same transaction, and
//! "Run now" picks up deliveries whose task was lost.

use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: crate::push::JOB_ID,
        name: "Push notifications",
        spec_rev: 1,
        trigger: Trigger::OnDemand,
        policy: Policy {
            catch_up_window_ms: 0,
            overlap: Overlap::Allow,
            jitter_max_ms: 0,
            // With the queue's backoff (30 s doubling, capped at an hour) eight attempts span
            // about the day after which a notification is expired anyway.
            max_attempts: 8,
            timeout_ms: 2 * 60 * 1000,
        },
        eligible: Eligible::StrandedPush,
        work: Work::Push,
    })
}
