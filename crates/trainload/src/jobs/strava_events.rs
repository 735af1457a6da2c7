//! `strava_events`: one task per athlete with webhook events to handle. It has no schedule: the
//! webhook receiver enqueues its tasks in the transaction that stores the event, and "Run now"
//! picks up events whose task was lost.

use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};

/// The job's id (the receiver enqueues its tasks).
pub const ID: &str = "strava_events";

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    Ok(JobSpec {
        id: ID,
        name: "Strava webhook events",
        spec_rev: 1,
        trigger: Trigger::OnDemand,
        policy: Policy {
            catch_up_window_ms: 0,
            overlap: Overlap::Allow,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 5 * 60 * 1000,
        },
        eligible: Eligible::StrandedEvents,
        work: Work::Events,
    })
}
