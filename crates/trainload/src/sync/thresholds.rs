//! Threshold estimation and adoption (docs/science.md §7.2–§7.5): max HR, LTHR, FTP (with CP/W′)
//! and threshold speed (with D′) from the stored curves and heart-rate features, resting HR from
//! wellness. An adopted estimate is a new effective-dated entry; manual values are never touched.

use std::collections::HashMap;

use jiff::civil::Date;
use science::SportClass;
use science::mmp::DatedCurve;
use science::thresholds::estimate::{estimate_power, estimate_threshold_speed, estimation_windows};
use science::thresholds::heart::{
    HrPeak, LthrEffort, estimate_lthr, estimate_max_hr, estimate_resting_hr,
};
use science::thresholds::history::{Basis, Decision, HistoryEntry, decide, entry_for, resolve};
use science::thresholds::schedule::{is_significant, quick_check_due};
use science::thresholds::{Candidate, Field, Method};
use serde_json::{Value, json};

use super::convert::{add_days, civil, history_entry, local, set_field};
use super::features::{HrFeatures, exact_curve};
use super::loads::{calc_version, hr_features_from_loads};
use super::run::Run;
use super::{SyncContext, SyncError, ThresholdChange};
use crate::store::activities::{self, Activity};
use crate::store::power_curves::{self, CurveKind};
use crate::store::thresholds::{self, NewThresholdSet, ThresholdSource, ThresholdValues};
use crate::store::users::User;
use crate::store::{StoreError, wellness};

/// The threshold step of a sync: the quick check or the full recalculation, then resting HR.
pub(crate) async fn after_sync(run: &mut Run<'_>) -> Result<(), SyncError> {
    let today = run.today();
    let due = run.options.threshold_full
        || (run.options.threshold_check
            && !run.new_or_changed.is_empty()
            && quick_check(run.ctx, &run.user, today).await?);
    let mut changes = Vec::new();
    let mut from = None;
    if due {
        from =
            estimate_and_adopt(run.ctx, &run.user, today, &run.hr_features, &mut changes).await?;
    }
    if run.options.resting_hr {
        from = earliest(
            from,
            resting_hr(run.ctx, &run.user, today, &mut changes).await?,
        );
    }
    run.thresholds_from = earliest(run.thresholds_from, from);
    run.report.thresholds_changed.extend(changes);
    Ok(())
}

/// The earlier of two optional dates.
pub(crate) fn earliest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// ≥ 3 significant activities in the 7 days ending `today`.
async fn quick_check(ctx: &SyncContext, user: &User, today: Date) -> Result<bool, StoreError> {
    let t = &ctx.science.thresholds;
    let first = add_days(today, -i64::from(t.quick_check_days.max(1) - 1));
    let recent = activities::list_by_local_date(&ctx.store, user.id, first, today).await?;
    let dates: Vec<_> = recent
        .iter()
        .filter(|a| {
            let moving = u32::try_from(a.summary.moving_s.unwrap_or(0).max(0)).unwrap_or(u32::MAX);
            is_significant(SportClass::of(&a.summary.sport_type), moving, t)
        })
        .map(|a| local(a.local_date))
        .collect();
    Ok(quick_check_due(&dates, local(today), t))
}

/// Runs every activity-based estimator as of `as_of` and adopts what passes docs/science.md §7.5,
/// in the order max HR → LTHR (which needs max HR) → FTP → threshold speed. `extra_hr` adds
/// heart-rate features of activities whose loads are not stored yet. Returns the earliest effective
/// date adopted.
pub(crate) async fn estimate_and_adopt(
    ctx: &SyncContext,
    user: &User,
    as_of: Date,
    extra_hr: &HashMap<i64, HrFeatures>,
    changes: &mut Vec<ThresholdChange>,
) -> Result<Option<Date>, StoreError> {
    let t = &ctx.science.thresholds;
    let days = t.long_window_days.max(t.max_hr_window_days).max(1);
    let first = add_days(as_of, -i64::from(days - 1));
    let acts = activities::list_by_local_date(&ctx.store, user.id, first, as_of).await?;
    if acts.is_empty() {
        return Ok(None);
    }
    let mut hr = hr_features_from_loads(&ctx.store, user.id, first, as_of).await?;
    hr.extend(extra_hr.iter().map(|(k, v)| (*k, *v)));
    let mut adopter = Adopter::new(ctx, user, changes).await?;
    let day = local(as_of);
    let peaks: Vec<HrPeak> = acts
        .iter()
        .filter_map(|a| {
            let bpm = hr.get(&a.id.0)?.peak_bpm?;
            Some(HrPeak {
                activity_id: a.id.0,
                date: local(a.local_date),
                bpm,
            })
        })
        .collect();
    if let Some(c) = estimate_max_hr(&peaks, day, t) {
        adopter.adopt(&c, ThresholdSource::Estimated).await?;
    }
    let efforts = lthr_efforts(&acts, &hr, &adopter.history, ctx);
    if let Some(c) = estimate_lthr(&efforts, day, t) {
        adopter.adopt(&c, ThresholdSource::Estimated).await?;
    }
    for kind in [CurveKind::Power, CurveKind::Speed] {
        if let Some(c) = curve_candidate(ctx, user, &acts, kind, day).await? {
            adopter.adopt(&c, ThresholdSource::Estimated).await?;
        }
    }
    Ok(adopter.earliest)
}

fn lthr_efforts(
    acts: &[Activity],
    hr: &HashMap<i64, HrFeatures>,
    history: &[HistoryEntry],
    ctx: &SyncContext,
) -> Vec<LthrEffort> {
    let t = &ctx.science.thresholds;
    acts.iter()
        .filter_map(|a| {
            let features = hr.get(&a.id.0)?;
            let date = local(a.local_date);
            Some(LthrEffort {
                activity_id: a.id.0,
                date,
                group: SportClass::of(&a.summary.sport_type).group(),
                best_avg_bpm: features.best_1200_bpm,
                max_hr_bpm: resolve(history, Field::MaxHr, date, t).map(|r| r.value),
            })
        })
        .collect()
}

/// FTP (power curves) or threshold speed (speed curves) from the stored exact curves.
async fn curve_candidate(
    ctx: &SyncContext,
    user: &User,
    acts: &[Activity],
    kind: CurveKind,
    as_of: science::LocalDate,
) -> Result<Option<Candidate>, StoreError> {
    let (Some(from), Some(to)) = (
        acts.iter().map(|a| a.summary.start_at_ms).min(),
        acts.iter().map(|a| a.summary.start_at_ms).max(),
    ) else {
        return Ok(None);
    };
    let dates: HashMap<i64, science::LocalDate> =
        acts.iter().map(|a| (a.id.0, local(a.local_date))).collect();
    let stored = power_curves::list_between(&ctx.store, user.id, kind, from, to + 1).await?;
    let curves: Vec<(i64, science::LocalDate, science::mmp::MmpCurve)> = stored
        .iter()
        .filter_map(|(id, points)| Some((id.0, *dates.get(&id.0)?, exact_curve(points))))
        .collect();
    let dated: Vec<DatedCurve<'_>> = curves
        .iter()
        .map(|(id, date, curve)| DatedCurve {
            activity_id: *id,
            date: *date,
            curve,
        })
        .collect();
    let t = &ctx.science.thresholds;
    let (short, long) = estimation_windows(&dated, as_of, t);
    Ok(match kind {
        CurveKind::Power => estimate_power(&short, &long, as_of, t),
        CurveKind::Speed => estimate_threshold_speed(&short, &long, as_of, t),
    })
}

/// Resting HR from the 14-day wellness mean, adopted under the 5 % rule.
pub(crate) async fn resting_hr(
    ctx: &SyncContext,
    user: &User,
    as_of: Date,
    changes: &mut Vec<ThresholdChange>,
) -> Result<Option<Date>, StoreError> {
    let t = &ctx.science.thresholds;
    let first = add_days(as_of, -i64::from(t.resting_hr_window_days.max(1) - 1));
    let rows = wellness::range(&ctx.store, user.id, first, as_of).await?;
    let values: Vec<_> = rows
        .iter()
        .filter_map(|r| Some((local(r.day), r.resting_hr_bpm? as f64)))
        .collect();
    let Some(c) = estimate_resting_hr(&values, local(as_of), t) else {
        return Ok(None);
    };
    let mut adopter = Adopter::new(ctx, user, changes).await?;
    adopter.adopt(&c, ThresholdSource::Wellness).await?;
    Ok(adopter.earliest)
}

/// Applies the adoption rule against the stored history and records adopted entries.
struct Adopter<'a> {
    ctx: &'a SyncContext,
    user: &'a User,
    history: Vec<HistoryEntry>,
    changes: &'a mut Vec<ThresholdChange>,
    earliest: Option<Date>,
}

impl<'a> Adopter<'a> {
    async fn new(
        ctx: &'a SyncContext,
        user: &'a User,
        changes: &'a mut Vec<ThresholdChange>,
    ) -> Result<Self, StoreError> {
        let stored = thresholds::history(&ctx.store, user.id).await?;
        Ok(Self {
            ctx,
            user,
            history: stored.iter().map(history_entry).collect(),
            changes,
            earliest: None,
        })
    }

    /// Stores `c` as a new entry when docs/science.md §7.5 adopts it. A repeat finds it in force
    /// and keeps it.
    async fn adopt(&mut self, c: &Candidate, source: ThresholdSource) -> Result<(), StoreError> {
        let t = &self.ctx.science.thresholds;
        match decide(c, &self.history, t) {
            Decision::Keep => return Ok(()),
            Decision::Suggest => {
                tracing::info!(
                    user = self.user.id.0,
                    field = c.field.as_str(),
                    value = c.value,
                    "estimate not used: a manual value is in force"
                );
                return Ok(());
            }
            Decision::Adopt => {}
        }
        let before = resolve(&self.history, c.field, c.effective_from, t)
            .filter(|r| r.basis != Basis::PctMax)
            .map(|r| r.value);
        let mut values = ThresholdValues::default();
        set_field(&mut values, c.field, c.value);
        for &(field, value) in &c.companions {
            set_field(&mut values, field, value);
        }
        let set = NewThresholdSet {
            user: self.user.id,
            effective_from: civil(c.effective_from),
            source,
            method: method_name(c.method).to_owned(),
            values,
            evidence: evidence(c),
            as_of: Some(civil(c.as_of)),
            calc_version: calc_version(),
        };
        let id = thresholds::add(&self.ctx.store, &set, self.ctx.clock.now_ms()).await?;
        self.history.push(entry_for(c, id.0));
        self.earliest = earliest(self.earliest, Some(set.effective_from));
        self.changes.push(ThresholdChange {
            field: field_name(c.field).to_owned(),
            before,
            after: c.value,
            effective_from: set.effective_from.to_string(),
        });
        Ok(())
    }
}

/// The report's name of a field (with its unit).
pub(crate) const fn field_name(field: Field) -> &'static str {
    match field {
        Field::Ftp => "ftp_w",
        Field::Cp => "cp_w",
        Field::WPrime => "w_prime_j",
        Field::ThresholdSpeed => "threshold_speed_mps",
        Field::DPrime => "d_prime_m",
        Field::Lthr => "lthr_bpm",
        Field::MaxHr => "max_hr_bpm",
        Field::RestingHr => "resting_hr_bpm",
    }
}

const fn method_name(method: Method) -> &'static str {
    match method {
        Method::CpFit => "cp_fit",
        Method::TwentyMinutePower => "mmp_95pct_20min",
        Method::CsFit => "cs_fit",
        Method::TwentyMinuteSpeed => "speed_95pct_20min",
        Method::CorroboratedPeak => "corroborated_peak",
        Method::TwentyMinuteHr => "hr_95pct_20min",
        Method::WellnessMean => "wellness_mean_14d",
    }
}

fn evidence(c: &Candidate) -> Value {
    let points: Vec<Value> = c
        .points
        .iter()
        .map(|p| {
            json!({"duration_s": p.duration_s, "value": p.value, "activity_id": p.activity_id,
                   "date": p.date.to_string()})
        })
        .collect();
    json!({"points": points, "r2": c.r2, "window": [c.window_first.to_string(),
           c.window_last.to_string()], "calc_version": c.calc_version})
}
