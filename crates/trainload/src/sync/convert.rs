//! Conversions between the provider models, the store's rows and the science crate's inputs.

use jiff::civil::Date;
use providers::budget::Provider;
use providers::intervals::WellnessRecord as ProviderWellness;
use providers::strava::{StreamSet, SummaryActivity, iana_zone};
use science::LocalDate;
use science::stream::RawStreams;
use science::thresholds::Field;
use science::thresholds::history::{HistoryEntry, Source};

use crate::store::activities::ActivitySummary;
use crate::store::thresholds::{ThresholdSet, ThresholdSource, ThresholdValues};
use crate::store::wellness::WellnessRecord;

/// A jiff date as the science crate's date (both are proleptic Gregorian day counts).
pub(crate) fn local(date: Date) -> LocalDate {
    let epoch = Date::constant(1970, 1, 1);
    let days = date.since(epoch).map_or(0, |span| span.get_days());
    LocalDate::from_days_since_epoch(days)
}

/// The science crate's date as a jiff date.
pub(crate) fn civil(date: LocalDate) -> Date {
    add_days(
        Date::constant(1970, 1, 1),
        i64::from(date.days_since_epoch()),
    )
}

/// The calendar date `days` days after `date` (negative: before), saturating at jiff's range.
pub(crate) fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

/// Our sport group name for a raw Strava sport type.
pub(crate) fn sport_name(sport_type: &str) -> &'static str {
    use providers::strava::SportGroup;
    match providers::strava::sport_group(sport_type) {
        SportGroup::Ride => "ride",
        SportGroup::Run => "run",
        SportGroup::Swim => "swim",
        SportGroup::Row => "row",
        SportGroup::Walk => "walk",
        SportGroup::Other => "other",
    }
}

/// A Strava listing item as the store's activity summary.
pub(crate) fn summary(activity: &SummaryActivity) -> ActivitySummary {
    let sport_type = activity
        .sport_type
        .clone()
        .or_else(|| activity.legacy_type.clone())
        .unwrap_or_else(|| "Workout".to_owned());
    ActivitySummary {
        provider: Provider::Strava,
        external_id: activity.id.to_string(),
        upload_external_id: activity.upload_external_id.clone(),
        sport: sport_name(&sport_type).to_owned(),
        sport_type,
        legacy_type: activity.legacy_type.clone(),
        name: activity.name.clone(),
        start_at_ms: activity.start_date.as_millisecond(),
        utc_offset_s: activity.utc_offset_s.unwrap_or(0),
        time_zone: activity.timezone.as_deref().map(iana_zone),
        elapsed_s: activity.elapsed_time_s,
        moving_s: activity.moving_time_s,
        distance_m: activity.distance_m,
        elevation_gain_m: activity.total_elevation_gain_m,
        average_speed_mps: activity.average_speed_m_per_s,
        max_speed_mps: activity.max_speed_m_per_s,
        average_hr_bpm: activity.average_heartrate_bpm,
        max_hr_bpm: activity.max_heartrate_bpm,
        average_watts: activity.average_watts,
        weighted_average_watts: activity.weighted_average_watts,
        max_watts: activity.max_watts,
        kilojoules: activity.kilojoules,
        device_watts: activity.device_watts,
        trainer: activity.trainer.unwrap_or(false),
        commute: activity.commute.unwrap_or(false),
        manual: activity.manual.unwrap_or(false),
        is_private: activity.private.unwrap_or(false),
        visibility: activity.visibility.clone(),
    }
}

/// Strava streams as the science crate's raw streams; `None` without a usable `time` stream.
pub(crate) fn raw_streams(set: &StreamSet) -> Option<RawStreams> {
    let n = set.len();
    let time = set.time_s.as_ref()?;
    if n == 0 {
        return None;
    }
    // A time value missing inside the series cannot be placed: the sample is dropped below.
    let keep: Vec<usize> = (0..n).filter(|&i| time[i].is_some()).collect();
    let ints = |v: &Option<Vec<Option<i64>>>| -> Vec<Option<f64>> {
        v.as_ref().map_or_else(Vec::new, |v| {
            keep.iter().map(|&i| v[i].map(|x| x as f64)).collect()
        })
    };
    let floats = |v: &Option<Vec<Option<f64>>>| -> Vec<Option<f64>> {
        v.as_ref()
            .map_or_else(Vec::new, |v| keep.iter().map(|&i| v[i]).collect())
    };
    Some(RawStreams {
        time_s: keep
            .iter()
            .map(|&i| time[i].map_or(0.0, |t| t as f64))
            .collect(),
        watts: ints(&set.watts),
        heartrate_bpm: ints(&set.heartrate_bpm),
        velocity_mps: floats(&set.velocity_smooth_m_per_s),
        distance_m: floats(&set.distance_m),
        altitude_m: floats(&set.altitude_m),
        grade_pct: floats(&set.grade_smooth_pct),
        moving: set
            .moving
            .as_ref()
            .map_or_else(Vec::new, |v| keep.iter().map(|&i| v[i]).collect()),
    })
}

/// An Intervals.icu record as the store's wellness row.
pub(crate) fn wellness_row(record: &ProviderWellness) -> WellnessRecord {
    WellnessRecord {
        day: record.date,
        resting_hr_bpm: record.resting_hr_bpm.map(i64::from),
        hrv_rmssd_ms: record.hrv_rmssd_ms,
        hrv_sdnn_ms: record.hrv_sdnn_ms,
        sleep_s: record.sleep_s,
        sleep_score: record.sleep_score,
        sleep_quality: record.sleep_quality,
        avg_sleeping_hr_bpm: record.avg_sleeping_hr_bpm,
        readiness: record.readiness,
        soreness: record.soreness,
        fatigue: record.fatigue,
        stress: record.stress,
        mood: record.mood,
        motivation: record.motivation,
        injury: record.injury,
        hydration: record.hydration.and_then(|h| u8::try_from(h).ok()),
        weight_kg: record.weight_kg,
        body_fat_pct: record.body_fat_pct,
        spo2_pct: record.spo2_pct,
        respiration_bpm: record.respiration_per_min,
        steps: record.steps,
        kcal_consumed: record.kcal_consumed,
        vo2max: record.vo2max_ml_per_kg_min,
        temp_weight: record.temp_weight,
        temp_resting_hr: record.temp_resting_hr,
        ctl: record.ctl,
        atl: record.atl,
        ramp_rate: record.ramp_rate,
        provider_updated_at_ms: record.updated.map(|t| t.as_millisecond()),
    }
}

/// A stored wellness row as the science crate's input.
pub(crate) fn science_wellness(row: &WellnessRecord) -> science::wellness::WellnessRecord {
    science::wellness::WellnessRecord {
        date: local(row.day),
        hrv_rmssd_ms: row.hrv_rmssd_ms,
        resting_hr_bpm: row.resting_hr_bpm.map(|v| v as f64),
        sleep_s: row.sleep_s.map(|v| v as f64),
        sleep_score: row.sleep_score,
        sleep_quality: row.sleep_quality.map(f64::from),
        readiness: row.readiness,
        soreness: row.soreness.map(f64::from),
        fatigue: row.fatigue.map(f64::from),
    }
}

/// The fields of a stored set with their values, in [`Field::ALL`] order.
pub(crate) fn fields(values: &ThresholdValues) -> [(Field, Option<f64>); 8] {
    [
        (Field::Ftp, values.ftp_w),
        (Field::Cp, values.cp_w),
        (Field::WPrime, values.w_prime_j),
        (Field::ThresholdSpeed, values.threshold_speed_mps),
        (Field::DPrime, values.d_prime_m),
        (Field::Lthr, values.lthr_bpm),
        (Field::MaxHr, values.max_hr_bpm),
        (Field::RestingHr, values.resting_hr_bpm),
    ]
}

/// Sets one field of a stored set's values.
pub(crate) fn set_field(values: &mut ThresholdValues, field: Field, value: f64) {
    let slot = match field {
        Field::Ftp => &mut values.ftp_w,
        Field::Cp => &mut values.cp_w,
        Field::WPrime => &mut values.w_prime_j,
        Field::ThresholdSpeed => &mut values.threshold_speed_mps,
        Field::DPrime => &mut values.d_prime_m,
        Field::Lthr => &mut values.lthr_bpm,
        Field::MaxHr => &mut values.max_hr_bpm,
        Field::RestingHr => &mut values.resting_hr_bpm,
    };
    *slot = Some(value);
}

/// A stored set as a history entry: only the fields it holds (a stored row cannot say "absent"
/// apart from "automatic again", so a manual row governs only the fields it sets).
pub(crate) fn history_entry(set: &ThresholdSet) -> HistoryEntry {
    let source = match set.set.source {
        ThresholdSource::Manual => Source::Manual,
        ThresholdSource::Estimated | ThresholdSource::Wellness => Source::Estimated,
    };
    HistoryEntry {
        id: set.id.0,
        effective_from: local(set.set.effective_from),
        source,
        values: fields(&set.set.values)
            .into_iter()
            .filter(|(_, v)| v.is_some())
            .collect(),
    }
}

/// A stored load as the science crate's daily sums take it.
pub(crate) fn science_load(d: &crate::store::loads::DatedLoad) -> science::load::DatedLoad {
    science::load::DatedLoad {
        date: local(d.local_date),
        group: d.load.provenance.sport.group,
        utl: d.load.utl.max(0.0),
    }
}
