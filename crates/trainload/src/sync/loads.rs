//! Loads: each activity's UTL with the thresholds in force on its local date and the wellness
//! modifier of that date (docs/science.md §5–§7, §12), written only when something differs.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use science::stream::Grid;
use science::thresholds::Field;
use science::thresholds::history::{HistoryEntry, resolve_all};
use science::utl::{ActivityInput, ThresholdsInForce, UtlResult};
use science::wellness::WellnessHistory;

use super::convert::{add_days, history_entry, local, science_wellness};
use super::features::{HrFeatures, hr_features};
use super::grids::Grids;
use super::run::Run;
use super::{SyncContext, SyncError};
use crate::store::activities::{self, Activity, ActivityId, StreamsState};
pub(crate) use crate::store::loads::calc_version;
use crate::store::loads::{self, ActivityLoad};
use crate::store::provenance::{
    Coverage, LoadInput, ModifierRecord, Provenance, RejectedSamples, SkippedMethod, SportRecord,
    ThresholdUsed, WellnessRef,
};
use crate::store::thresholds::{self, ThresholdSetId};
use crate::store::users::User;
use crate::store::zones::{self, KindTime};
use crate::store::{StoreError, streams, wellness};

/// What every load of one batch shares: the threshold history and the wellness around the
/// batch's dates.
pub(crate) struct Inputs {
    history: Vec<HistoryEntry>,
    wellness: WellnessHistory,
    sex: science::heart_rate::Sex,
    zones: science::zones::ZoneSettings,
}

impl Inputs {
    /// Reads the history and the wellness from 60 days before `first` up to `last`.
    pub(crate) async fn load(
        ctx: &SyncContext,
        user: &User,
        first: Date,
        last: Date,
    ) -> Result<Self, StoreError> {
        let history = thresholds::history(&ctx.store, user.id)
            .await?
            .iter()
            .map(history_entry)
            .collect();
        let lookback = i64::from(ctx.science.wellness.longest_lookback_days());
        let rows = wellness::range(&ctx.store, user.id, add_days(first, -lookback), last).await?;
        let records: Vec<_> = rows.iter().map(science_wellness).collect();
        Ok(Self {
            history,
            wellness: WellnessHistory::new(&records, &ctx.science.wellness),
            sex: user.sex.map(Into::into).unwrap_or_default(),
            zones: zones::settings(&ctx.store, user.id).await?,
        })
    }
}

/// A freshly computed load with the stored one it would replace.
pub(crate) struct Fresh {
    pub load: ActivityLoad,
    pub stored: Option<ActivityLoad>,
    /// Time in zone from the same grid and thresholds, with the stored one it would replace.
    pub zone_times: Vec<KindTime>,
    pub stored_zone_times: Option<Vec<KindTime>>,
}

impl Fresh {
    /// Whether writing would change anything (the compute time aside).
    pub(crate) fn differs(&self) -> bool {
        self.stored.as_ref().is_none_or(|s| {
            let mut s = s.clone();
            s.computed_at_ms = self.load.computed_at_ms;
            !same(&s, &self.load)
        })
    }
}

/// Equality with floats compared by bits (stored JSON may round-trip a float differently, so
/// provenance is compared by its digest).
fn same(a: &ActivityLoad, b: &ActivityLoad) -> bool {
    let bits = |x: Option<f64>| x.map(f64::to_bits);
    a.method == b.method
        && a.base_load.to_bits() == b.base_load.to_bits()
        && a.modifier.to_bits() == b.modifier.to_bits()
        && a.utl.to_bits() == b.utl.to_bits()
        && bits(a.intensity_factor) == bits(b.intensity_factor)
        && bits(a.np_w) == bits(b.np_w)
        && bits(a.ngp_mps) == bits(b.ngp_mps)
        && bits(a.trimp) == bits(b.trimp)
        && bits(a.hr_tss) == bits(b.hr_tss)
        && a.threshold_set == b.threshold_set
        && a.calc_version == b.calc_version
        && a.provenance.digest == b.provenance.digest
}

/// Computes the load of one live activity from what is stored; `None` for a deleted one.
pub(crate) async fn compute(
    ctx: &SyncContext,
    inputs: &Inputs,
    id: ActivityId,
) -> Result<Option<Fresh>, StoreError> {
    let activity = activities::get(&ctx.store, id).await?;
    compute_for(ctx, inputs, &activity, &Grids::default()).await
}

/// Computes the load of `activity` (as just read); its grid comes from `grids` when this sync
/// stored its streams, else from the stored streams.
async fn compute_for(
    ctx: &SyncContext,
    inputs: &Inputs,
    activity: &Activity,
    grids: &Grids,
) -> Result<Option<Fresh>, StoreError> {
    let id = activity.id;
    if activity.deleted_at_ms.is_some() {
        return Ok(None);
    }
    let class = science::SportClass::of(&activity.summary.sport_type);
    let read;
    let grid = match (activity.streams_state, grids.get(id)) {
        (StreamsState::Fetched, Some(kept)) => Some(kept),
        (StreamsState::Fetched, None) => {
            read = streams::get(&ctx.store, id)
                .await?
                .and_then(|r| science::stream::activity_grid(&r, class, &ctx.science.stream).ok());
            read.as_ref()
        }
        _ => None,
    };
    let Some(load) = utl_of(ctx, inputs, activity, grid) else {
        return Ok(None);
    };
    let stored = loads::get(&ctx.store, id).await?;
    let zone_times = zone_times_of(ctx, inputs, activity, class, grid);
    let stored_zone_times = zones::times(&ctx.store, id).await?;
    Ok(Some(Fresh {
        load,
        stored,
        zone_times,
        stored_zone_times,
    }))
}

/// Time in each zone model that applies to the sport, against the thresholds in force on the
/// activity's date and the athlete's boundaries; empty without streams.
fn zone_times_of(
    ctx: &SyncContext,
    inputs: &Inputs,
    activity: &Activity,
    class: science::SportClass,
    grid: Option<&Grid>,
) -> Vec<KindTime> {
    use science::zones::{ZoneKind, applies, time_in_zones};
    let Some(grid) = grid else {
        return Vec::new();
    };
    let set = resolve_all(
        &inputs.history,
        local(activity.local_date),
        &ctx.science.thresholds,
    );
    ZoneKind::ALL
        .into_iter()
        .filter(|&kind| applies(kind, class))
        .filter_map(|kind| {
            let field = match kind {
                ZoneKind::Power => Field::Ftp,
                ZoneKind::HeartRate => Field::Lthr,
                ZoneKind::Pace => Field::ThresholdSpeed,
            };
            let threshold = set.value(field)?;
            time_in_zones(grid, inputs.zones.get(kind), threshold)
        })
        .map(|t| KindTime::from(&t))
        .collect()
}

fn utl_of(
    ctx: &SyncContext,
    inputs: &Inputs,
    activity: &Activity,
    grid: Option<&Grid>,
) -> Option<ActivityLoad> {
    let cfg = &ctx.science;
    let date = local(activity.local_date);
    let set = resolve_all(&inputs.history, date, &cfg.thresholds);
    let thresholds = ThresholdsInForce {
        set_id: Some(set.id().to_string()),
        ftp_w: set.value(Field::Ftp),
        threshold_speed_mps: set.value(Field::ThresholdSpeed),
        lthr_bpm: set.value(Field::Lthr),
        max_hr_bpm: set.value(Field::MaxHr),
        resting_hr_bpm: set.value(Field::RestingHr),
        sex: inputs.sex,
    };
    let s = &activity.summary;
    let moving_s = s.moving_s.or(s.elapsed_s).unwrap_or(0).max(0);
    let input = ActivityInput {
        sport_type: &s.sport_type,
        moving_time_s: moving_s as f64,
        device_watts: s.device_watts,
        average_heartrate_bpm: s.average_hr_bpm,
        grid,
    };
    let modifier = inputs.wellness.modifier(date, &cfg.wellness);
    let result = match science::utl::compute(&input, &thresholds, modifier, cfg) {
        Ok(result) => result,
        Err(error) => {
            tracing::warn!(activity = activity.id.0, %error, "load not computable");
            return None;
        }
    };
    let newest_entry = set.fields.iter().flatten().map(|r| r.entry_id).max();
    let features = grid.map(|g| hr_features(g, cfg)).unwrap_or_default();
    let provenance = provenance(activity, &result, &set, features, grid);
    Some(ActivityLoad {
        activity: activity.id,
        method: result.method,
        base_load: result.base_load,
        modifier: result.modifier.value,
        modifier_components: ModifierRecord::from(&result.modifier),
        utl: result.utl,
        intensity_factor: result.intensity_factor,
        np_w: result.metrics.np_w,
        ngp_mps: result.metrics.ngp_mps,
        trimp: result.metrics.trimp,
        hr_tss: result.metrics.hrtss,
        threshold_set: newest_entry.map(ThresholdSetId),
        calc_version: calc_version(),
        computed_at_ms: ctx.clock.now_ms(),
        provenance,
    })
}

fn provenance(
    activity: &Activity,
    result: &UtlResult,
    set: &science::thresholds::history::ThresholdSet,
    hr: HrFeatures,
    grid: Option<&Grid>,
) -> Provenance {
    let thresholds = Field::ALL
        .iter()
        .filter_map(|&f| {
            let r = set.get(f)?;
            let used = ThresholdUsed {
                value: r.value,
                basis: r.basis.into(),
                entry: r.entry_id,
            };
            Some((f.as_str().to_owned(), used))
        })
        .collect();
    let skipped = result
        .skipped
        .iter()
        .map(|(method, reason)| SkippedMethod {
            method: *method,
            reason: reason.clone(),
        })
        .collect();
    let sport = &result.sport;
    Provenance {
        activity_revision: activity.revision,
        input: if grid.is_some() {
            LoadInput::Streams
        } else {
            LoadInput::Summary
        },
        skipped,
        estimated: result.estimated,
        suspect_threshold: result.suspect_threshold,
        duration_s: result.duration_s,
        rejected: grid.map(|g| RejectedSamples::from(&g.rejected)),
        coverage: Coverage {
            watts: result.coverage.watts,
            velocity: result.coverage.velocity,
            heartrate: result.coverage.heartrate,
        },
        sport: SportRecord {
            sport_type: sport.sport_type.clone(),
            class: sport.class,
            group: sport.group,
            hr_factor: sport.params.hr_factor,
        },
        threshold_set: set.id().to_string(),
        thresholds,
        wellness: WellnessRef {
            date: activity.local_date.to_string(),
            modifier: result.modifier.value,
        },
        hr,
        config_digest: result.config_digest.clone(),
        calc_version: result.calc_version.to_owned(),
        digest: String::new(),
    }
    .sealed()
}

/// Writes `fresh` if it differs; returns whether the load did (time in zone is written too
/// when it alone changed, e.g. after the athlete edited zone boundaries).
pub(crate) async fn write(ctx: &SyncContext, fresh: &Fresh) -> Result<bool, StoreError> {
    if fresh.stored_zone_times.as_ref() != Some(&fresh.zone_times) {
        let now = fresh.load.computed_at_ms;
        match zones::put_times(&ctx.store, fresh.load.activity, &fresh.zone_times, now).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => return Err(error),
        }
    }
    if !fresh.differs() {
        return Ok(false);
    }
    match loads::put(&ctx.store, &fresh.load).await {
        Ok(()) => Ok(true),
        // Deleted meanwhile: it has no load to keep.
        Err(StoreError::NotFound) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Recomputes `ids` (any order) and writes those that changed; returns how many were written.
/// Grids kept in `grids` are used instead of reading those activities' streams.
pub(crate) async fn recompute(
    ctx: &SyncContext,
    user: &User,
    ids: &BTreeSet<ActivityId>,
    grids: &Grids,
) -> Result<u32, StoreError> {
    let mut dated: Vec<Activity> = Vec::with_capacity(ids.len());
    for &id in ids {
        dated.push(activities::get(&ctx.store, id).await?);
    }
    let (Some(first), Some(last)) = (
        dated.iter().map(|a| a.local_date).min(),
        dated.iter().map(|a| a.local_date).max(),
    ) else {
        return Ok(0);
    };
    let inputs = Inputs::load(ctx, user, first, last).await?;
    let mut written = 0;
    for activity in &dated {
        if let Some(fresh) = compute_for(ctx, &inputs, activity, grids).await? {
            written += u32::from(write(ctx, &fresh).await?);
        }
    }
    Ok(written)
}

/// Every load this run touched: new or changed activities and fetched streams, the activities
/// of changed wellness days and the 60 days after them, and every activity on or after an
/// adopted threshold's effective date.
pub(crate) async fn compute_affected(run: &mut Run<'_>) -> Result<(), SyncError> {
    let store = &run.ctx.store;
    let user = run.user.id;
    let mut ids = run.to_compute.clone();
    let far = add_days(run.today(), 2);
    if let (Some(&first), Some(&last)) = (run.wellness_changed.first(), run.wellness_changed.last())
    {
        let lookahead = i64::from(run.ctx.science.wellness.longest_lookback_days());
        let to = add_days(last, lookahead).min(far);
        ids.extend(range_ids(store, user, first, to).await?);
    }
    if let Some(from) = run.thresholds_from {
        ids.extend(range_ids(store, user, from, far).await?);
    }
    run.report.utl_recalculated += recompute(run.ctx, &run.user, &ids, &run.grids).await?;
    Ok(())
}

/// Ids of the live activities dated `from..=to`.
pub(crate) async fn range_ids(
    store: &crate::store::Store,
    user: crate::store::users::UserId,
    from: Date,
    to: Date,
) -> Result<Vec<ActivityId>, StoreError> {
    let list = activities::list_by_local_date(store, user, from, to).await?;
    Ok(list.into_iter().map(|a| a.id).collect())
}

/// Heart-rate features by activity id from stored loads dated `from..=to`.
pub(crate) async fn hr_features_from_loads(
    store: &crate::store::Store,
    user: crate::store::users::UserId,
    from: Date,
    to: Date,
) -> Result<HashMap<i64, HrFeatures>, StoreError> {
    let loads = loads::list_by_local_date(store, user, from, to).await?;
    Ok(loads
        .iter()
        .map(|d| (d.load.activity.0, d.load.provenance.hr))
        .collect())
}
