//! The job registry: the one place where training-load work meets the generic scheduler
//! (docs/scheduler.md §11), plus the read models the API and the CLI show for jobs and runs.

mod daily_sync;
pub mod inline;
mod monthly_utl;
pub mod onboarding;
mod push_delivery;
mod quick_sync;
mod resting_hr_update;
pub mod strava_events;
mod strava_planner;
pub mod sync_job;
pub mod view;
pub mod wait;
mod weekly_thresholds;

use std::sync::Arc;

use crate::sync::SyncContext;

/// The five scheduled jobs, the Strava read planner and the on-demand webhook and push
/// delivery jobs, one file each, over the sync context.
///
/// # Errors
/// A job definition whose trigger does not parse (a programming error caught by the tests).
pub fn all(ctx: &SyncContext) -> Result<Vec<Arc<dyn queue::Job>>, queue::TriggerError> {
    let specs = [
        quick_sync::spec()?,
        daily_sync::spec()?,
        weekly_thresholds::spec()?,
        monthly_utl::spec()?,
        resting_hr_update::spec()?,
        strava_events::spec()?,
        strava_planner::spec()?,
        push_delivery::spec()?,
    ];
    Ok(specs
        .into_iter()
        .map(|spec| sync_job::SyncJob::registered(spec, ctx))
        .collect())
}
