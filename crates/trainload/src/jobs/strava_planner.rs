//! `strava_planner`: every quarter hour, on Strava's window grid, the read planner places the
//! Strava listings of the athletes who need one now (predicted uploads without healthy
//! webhooks, the daily reconciliation, events whose task was lost), within the budget.

use jiff::SignedDuration;
use queue::{Overlap, Policy, Trigger, TriggerError};

use super::sync_job::{Eligible, JobSpec, Work};
use crate::planner::WINDOW_MS;

/// The job's definition.
///
/// # Errors
/// Never in practice: the trigger is a constant.
pub fn spec() -> Result<JobSpec, TriggerError> {
    // A minute into each window, so the window's budget is fresh when the listings start.
    let anchor = jiff::Timestamp::constant(1_704_067_260, 0);
    Ok(JobSpec {
        id: "strava_planner",
        name: "Strava read planner",
        spec_rev: 1,
        trigger: Trigger::interval(SignedDuration::from_millis(WINDOW_MS), anchor)?,
        policy: Policy {
            catch_up_window_ms: WINDOW_MS,
            overlap: Overlap::Allow,
            jitter_max_ms: 0,
            max_attempts: 6,
            timeout_ms: 10 * 60 * 1000,
        },
        eligible: Eligible::Planned,
        work: Work::Planned,
    })
}
