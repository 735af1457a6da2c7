//! Onboarding backfill: list the history first, fetch streams newest first,
//! estimate the initial thresholds from that history (docs/science.md §7.5 "First import"), and
//! only then compute the loads. Progress is appended as `onboarding_progress` events the dashboard
//! can poll, and handed to a callback (the CLI's progress bar).

use providers::budget::Priority;
use serde::Serialize;

use super::run::{Run, user_lock};
use super::thresholds::{earliest, estimate_and_adopt, resting_hr};
use super::{SyncContext, SyncError, SyncOptions, SyncReport};
use crate::store::users::{self, UserId};
use crate::store::{activities, events};

/// The event kind that carries onboarding progress.
pub const ONBOARDING_EVENT: &str = "onboarding_progress";

/// Where an onboarding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OnboardingProgress {
    /// `listing`, `streams`, `wellness`, `thresholds`, `loads` or `done`.
    pub phase: &'static str,
    /// Items done in this phase.
    pub done: u32,
    /// Items in this phase (0 when unknown).
    pub total: u32,
}

/// Imports the last `days` days of one athlete and returns the report.
///
/// # Errors
/// As [`super::user_sync`].
pub async fn onboard(
    ctx: &SyncContext,
    user: UserId,
    days: u32,
    progress: &(dyn Fn(OnboardingProgress) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let options = SyncOptions {
        activity_days: days,
        wellness_days: days,
        threshold_check: false,
        threshold_full: false,
        resting_hr: true,
        priority: Priority::Background,
    };
    let mut run = Run::start(ctx, user, options).await?;
    let mut say = Reporter {
        ctx,
        user,
        progress,
    };
    say.phase("listing", 0, 0).await?;
    super::activities::sync_window(&mut run).await?;
    adopt_activity_zone(&mut run).await?;
    let due = activities::streams_due(&ctx.store, user, run.now_ms(), i64::MAX).await?;
    let total = u32::try_from(due.len()).unwrap_or(u32::MAX);
    say.phase("streams", 0, total).await?;
    super::streams::fetch_due(&mut run).await?;
    say.phase("wellness", total, total).await?;
    super::wellness::sync_window(&mut run).await?;
    say.phase("thresholds", 0, 0).await?;
    first_import(&mut run).await?;
    let total = u32::try_from(run.to_compute.len()).unwrap_or(u32::MAX);
    say.phase("loads", 0, total).await?;
    super::loads::compute_affected(&mut run).await?;
    say.phase("done", total, total).await?;
    run.notify(super::notify::Batch::Onboarding).await;
    run.finish()
}

/// A user still in UTC (Strava sign-in creates them so: Strava's athlete carries no time zone)
/// takes the zone of their newest activity, so "today", the windows and the plan follow the
/// athlete's days rather than Greenwich's.
async fn adopt_activity_zone(run: &mut Run<'_>) -> Result<(), SyncError> {
    if run.user.time_zone != "UTC" {
        return Ok(());
    }
    let today = run.today();
    let first_day = super::convert::add_days(today, -i64::from(run.options.activity_days));
    let acts =
        activities::list_by_local_date(&run.ctx.store, run.user.id, first_day, today).await?;
    let newest_zone = acts
        .iter()
        .filter(|a| {
            a.summary
                .time_zone
                .as_deref()
                .is_some_and(|z| z != "UTC" && jiff::tz::TimeZone::get(z).is_ok())
        })
        .max_by_key(|a| a.summary.start_at_ms)
        .and_then(|a| a.summary.time_zone.clone());
    if let Some(zone) = newest_zone {
        users::set_time_zone(&run.ctx.store, run.user.id, &zone).await?;
        run.user.time_zone = zone;
    }
    Ok(())
}

/// Estimates as of first activity + 27 days, every 28 days, and today, adopting in date order.
async fn first_import(run: &mut Run<'_>) -> Result<(), SyncError> {
    let today = run.today();
    let first_day = super::convert::add_days(today, -i64::from(run.options.activity_days));
    let acts =
        activities::list_by_local_date(&run.ctx.store, run.user.id, first_day, today).await?;
    let Some(first) = acts.iter().map(|a| a.local_date).min() else {
        return Ok(());
    };
    let t = &run.ctx.science.thresholds;
    let schedule = science::thresholds::schedule::first_import_schedule(
        super::convert::local(first),
        super::convert::local(today),
        t,
    );
    let mut changes = Vec::new();
    let mut from = None;
    for as_of in schedule {
        let as_of = super::convert::civil(as_of);
        let adopted =
            estimate_and_adopt(run.ctx, &run.user, as_of, &run.hr_features, &mut changes).await?;
        from = earliest(from, adopted);
    }
    from = earliest(
        from,
        resting_hr(run.ctx, &run.user, today, &mut changes).await?,
    );
    run.thresholds_from = earliest(run.thresholds_from, from);
    run.report.thresholds_changed.extend(changes);
    Ok(())
}

struct Reporter<'a> {
    ctx: &'a SyncContext,
    user: UserId,
    progress: &'a (dyn Fn(OnboardingProgress) + Send + Sync),
}

impl Reporter<'_> {
    async fn phase(&mut self, phase: &'static str, done: u32, total: u32) -> Result<(), SyncError> {
        let p = OnboardingProgress { phase, done, total };
        (self.progress)(p);
        let payload = serde_json::to_value(p).unwrap_or_default();
        let now = self.ctx.clock.now_ms();
        events::append(&self.ctx.store, self.user, ONBOARDING_EVENT, &payload, now).await?;
        Ok(())
    }
}
