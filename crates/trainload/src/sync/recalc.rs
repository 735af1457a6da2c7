//! The recalculation entry points of the weekly and monthly jobs.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::convert::add_days;
use super::daily_check::{CurveMonthDrift, DailyDrift, check_curve_months, check_daily_loads};
use super::loads::{Inputs, compute, range_ids, write};
use super::run::{Run, user_lock};
use super::thresholds::{earliest, estimate_and_adopt, resting_hr};
use super::{SyncContext, SyncError, SyncOptions, SyncReport};
use crate::store::users::UserId;

/// Most drift examples kept and logged.
const MAX_EXAMPLES: usize = 10;

/// One stored UTL that a fresh computation did not reproduce bit for bit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftExample {
    /// The user.
    pub user_id: i64,
    /// The activity.
    pub activity_id: i64,
    /// The stored UTL.
    pub stored: f64,
    /// The recomputed UTL.
    pub recomputed: f64,
    /// The stored provenance.
    pub provenance: crate::store::provenance::Provenance,
}

/// What [`recalculate_utl`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UtlRecalc {
    /// Loads recomputed (written or confirmed).
    pub recalculated: u32,
    /// Loads whose stored UTL differed from the recomputed one (expected 0).
    pub drift: u32,
    /// Up to 10 of them.
    pub examples: Vec<DriftExample>,
    /// Loads written (drifted, or with changed provenance).
    pub written: u32,
    /// Stored curves recomputed because an older calculation version produced them (any
    /// date; 0 once every curve is current).
    pub curves_recomputed: u32,
    /// The stored daily load sums against a fresh computation (drift expected 0; repaired).
    pub daily_loads: DailyDrift,
    /// The stored month folds of the curves against fresh ones (drift expected 0; repaired).
    pub curve_months: CurveMonthDrift,
}

/// Re-estimates every threshold from the `window_days` days ending today (the weekly job) and
/// resting HR from wellness; an adoption recomputes the loads on or after its effective date.
///
/// # Errors
/// As [`super::user_sync`].
pub async fn recalculate_thresholds(
    ctx: &SyncContext,
    user: UserId,
    window_days: u32,
) -> Result<SyncReport, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let options = SyncOptions {
        activity_days: window_days,
        ..SyncOptions::full()
    };
    let mut run = Run::start(ctx, user, options).await?;
    let today = run.today();
    let mut changes = Vec::new();
    let adopted = estimate_and_adopt(ctx, &run.user, today, &HashMap::new(), &mut changes).await?;
    let rest = resting_hr(ctx, &run.user, today, &mut changes).await?;
    run.thresholds_from = earliest(adopted, rest);
    run.report.thresholds_changed = changes;
    super::loads::compute_affected(&mut run).await?;
    run.announce().await?;
    run.finish()
}

/// Recomputes the loads dated on or after `from` after a threshold edit (a manual entry, of any
/// size, recomputes everything from its effective date: docs/science.md §7.5); returns how many
/// loads changed.
///
/// # Errors
/// As [`super::user_sync`].
pub async fn recompute_from(ctx: &SyncContext, user: UserId, from: Date) -> Result<u32, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let run = Run::start(ctx, user, SyncOptions::quick()).await?;
    let until = add_days(run.today(), 2);
    let ids: BTreeSet<_> = range_ids(&ctx.store, user, from, until)
        .await?
        .into_iter()
        .collect();
    let none = super::grids::Grids::default();
    Ok(super::loads::recompute(ctx, &run.user, &ids, &none).await?)
}

/// Recomputes every load dated on or after `since` with the current inputs (the monthly job);
/// counts as drift each stored UTL that is not bit-identical to the fresh value, logs up to 10
/// examples at WARN, and writes every load that differs (self-healing).
///
/// # Errors
/// As [`super::user_sync`].
pub async fn recalculate_utl(
    ctx: &SyncContext,
    user: UserId,
    since: Date,
) -> Result<UtlRecalc, SyncError> {
    let lock = user_lock(user);
    let _held = lock.lock().await;
    let run = Run::start(ctx, user, SyncOptions::quick()).await?;
    let until = add_days(run.today(), 2);
    let ids: BTreeSet<_> = range_ids(&ctx.store, user, since, until)
        .await?
        .into_iter()
        .collect();
    let inputs = Inputs::load(ctx, &run.user, since, until).await?;
    let mut out = UtlRecalc::default();
    for id in ids {
        let Some(fresh) = compute(ctx, &inputs, id).await? else {
            continue;
        };
        out.recalculated += 1;
        if let Some(stored) = &fresh.stored
            && stored.utl.to_bits() != fresh.load.utl.to_bits()
        {
            out.drift += 1;
            if out.examples.len() < MAX_EXAMPLES {
                out.examples.push(DriftExample {
                    user_id: user.0,
                    activity_id: id.0,
                    stored: stored.utl,
                    recomputed: fresh.load.utl,
                    provenance: stored.provenance.clone(),
                });
            }
        }
        out.written += u32::from(write(ctx, &fresh).await?);
    }
    out.curves_recomputed = refresh_stale_curves(ctx, &run.user).await?;
    if out.drift > 0 {
        let examples = serde_json::to_string(&out.examples).unwrap_or_default();
        tracing::warn!(user = user.0, drift = out.drift, %examples, "UTL drift: stored loads not reproduced");
    }
    // After the loads were rewritten, so the sums are compared with the loads as they now are.
    out.daily_loads = check_daily_loads(&ctx.store, user).await?;
    if out.daily_loads.drift > 0 {
        let examples = serde_json::to_string(&out.daily_loads.examples).unwrap_or_default();
        tracing::warn!(user = user.0, drift = out.daily_loads.drift, %examples,
            "daily load drift: stored day sums not reproduced (repaired)");
    }
    out.curve_months = check_curve_months(&ctx.store, user).await?;
    if out.curve_months.drift > 0 {
        let examples = out.curve_months.examples.join(", ");
        tracing::warn!(user = user.0, drift = out.curve_months.drift, %examples,
            "curve month drift: stored folds not reproduced (repaired)");
    }
    Ok(out)
}

/// Recomputes every stored curve of `user` that an older calculation version produced (before
/// 1.1.0 they were envelopes), from the stored streams; returns how many activities.
async fn refresh_stale_curves(
    ctx: &SyncContext,
    user: &crate::store::users::User,
) -> Result<u32, SyncError> {
    use crate::store::{activities, power_curves, streams};
    let store = &ctx.store;
    let stale = power_curves::stale(store, user.id, super::loads::calc_version()).await?;
    let mut count = 0;
    for id in stale {
        let activity = activities::get(store, id).await?;
        power_curves::delete_activity(store, user.id, id).await?;
        count += 1;
        if activity.deleted_at_ms.is_some() {
            continue;
        }
        let Some(raw) = streams::get(store, id).await? else {
            continue;
        };
        let class = science::SportClass::of(&activity.summary.sport_type);
        if let Ok(grid) = science::stream::activity_grid(&raw, class, &ctx.science.stream) {
            let now = ctx.clock.now_ms();
            super::features::store_curves(store, &activity, &grid, &ctx.science, now).await?;
        }
    }
    Ok(count)
}
