//! The job registry: the one place where training-load work meets the generic scheduler
//! (SCHEDULER.md §11), plus the read models the API and the CLI show for jobs and runs.

pub mod inline;
pub mod view;
pub mod wait;

use std::sync::Arc;

use crate::sync::SyncContext;

/// Every job this build defines, over the sync context.
///
/// The five jobs of SCHEDULER.md §2 (`quick_sync`, `daily_sync`, `weekly_thresholds`,
/// `monthly_utl`, `resting_hr_update`) are registered here, one file per job in this folder,
/// once the sync pipeline provides their task bodies. Until then the list is empty: `serve`
/// and `worker` run with no jobs, and tests inject their own through
/// [`crate::startup::Application::build`].
pub fn all(ctx: &SyncContext) -> Vec<Arc<dyn queue::Job>> {
    let _ = ctx;
    Vec::new()
}
