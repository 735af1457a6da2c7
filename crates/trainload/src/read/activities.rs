//! Activities with their loads and a plain-language explanation built from the stored
//! provenance (method, inputs, thresholds used, wellness modifier).

use std::collections::{BTreeMap, HashMap};

use science::thresholds::Field;
use science::utl::Method;

use serde::Serialize;
use utoipa::ToSchema;

use super::ReadError;
use super::activity_list::ActivityRequest;
use crate::store::Store;
use crate::store::activities::{self, Activity, ActivityFilter, ActivityId};
use crate::store::loads::{self, ActivityLoad};
use crate::store::provenance::{ModifierRecord, Provenance, ThresholdUsed};
use crate::store::users::UserId;
use crate::units::Units;

/// One activity as the API and the activity list show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityView {
    /// Id.
    pub id: i64,
    /// Name, as the athlete wrote it (escape before showing).
    pub name: Option<String>,
    /// Raw Strava sport type.
    pub sport_type: String,
    /// Sport group: `running`, `cycling`, `swimming` or `other` (what `?sport=` filters by).
    pub sport: &'static str,
    /// Athlete-local date.
    pub local_date: String,
    /// Start, epoch ms.
    pub start_at_ms: i64,
    /// Moving time, s.
    pub moving_s: Option<i64>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Unified training load, or `None` before it is computed.
    pub utl: Option<f64>,
    /// `power`, `pace`, `hr`, `hr_avg`, `estimated` or `none`.
    pub method: Option<&'static str>,
    /// Load before the wellness modifier.
    pub base_load: Option<f64>,
    /// The wellness modifier.
    pub modifier: Option<f64>,
    /// Intensity factor, if the method gives one.
    pub intensity_factor: Option<f64>,
    /// One line saying how the load came about.
    pub explanation: String,
    /// The modifier's components, as stored.
    pub modifier_components: Option<ModifierRecord>,
    /// The full provenance, as stored.
    pub provenance: Option<Provenance>,
    /// Time in each zone model that applies (`GET /api/v1/me/activities/{id}` only; empty in
    /// lists and for activities without streams or thresholds).
    pub time_in_zone: Vec<super::zone_times::ZoneTimeView>,
}

impl ActivityView {
    /// The view of `activity` with its `load`.
    pub fn new(activity: &Activity, load: Option<&ActivityLoad>) -> Self {
        let s = &activity.summary;
        Self {
            id: activity.id.0,
            name: s.name.clone(),
            sport_type: s.sport_type.clone(),
            sport: science::SportClass::of(&s.sport_type).group().as_str(),
            local_date: activity.local_date.to_string(),
            start_at_ms: s.start_at_ms,
            moving_s: s.moving_s,
            distance_m: s.distance_m,
            utl: load.map(|l| l.utl),
            method: load.map(|l| l.method.as_str()),
            base_load: load.map(|l| l.base_load),
            modifier: load.map(|l| l.modifier),
            intensity_factor: load.and_then(|l| l.intensity_factor),
            explanation: load.map_or_else(
                || "Load not computed yet (waiting for streams or thresholds).".to_owned(),
                explain,
            ),
            modifier_components: load.map(|l| l.modifier_components.clone()),
            provenance: load.map(|l| l.provenance.clone()),
            time_in_zone: Vec::new(),
        }
    }
}

/// `GET /api/v1/me/activities`: one page, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityPage {
    /// The activities of the page.
    pub items: Vec<ActivityView>,
    /// Activities the filter keeps in all (every live activity without a filter).
    pub total: i64,
    /// Page size asked for.
    pub limit: i64,
    /// Activities skipped.
    pub offset: i64,
    /// The sport group kept, if any.
    pub sport: Option<&'static str>,
    /// The first local date kept, if any.
    pub from: Option<String>,
    /// The last local date kept, if any.
    pub to: Option<String>,
    /// The `offset` of the next page, or null on the last page.
    pub next_offset: Option<i64>,
    /// The next page with the same filter (path and query), or null on the last page.
    pub next: Option<String>,
}

/// `user`'s live activities that `filter` keeps, with their loads, newest first, `limit` from
/// `offset`, and how many the filter keeps in all. Paged in SQL, so the cost does not grow with
/// years of history.
///
/// # Errors
/// A store failure.
pub async fn page_rows(
    store: &Store,
    user: UserId,
    filter: &ActivityFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(Activity, Option<ActivityLoad>)>, i64), ReadError> {
    let (acts, total) = activities::page_matching(store, user, filter, limit, offset).await?;
    let mut loads: HashMap<ActivityId, ActivityLoad> =
        loads::page_matching(store, user, filter, limit, offset)
            .await?
            .into_iter()
            .map(|l| (l.activity, l))
            .collect();
    let rows = acts
        .into_iter()
        .map(|a| {
            let load = loads.remove(&a.id);
            (a, load)
        })
        .collect();
    Ok((rows, total))
}

/// One page of `user`'s activities as the API shows it (see [`page_rows`]).
///
/// # Errors
/// A store failure.
pub async fn page(
    store: &Store,
    user: UserId,
    request: &ActivityRequest,
) -> Result<ActivityPage, ReadError> {
    let (rows, total) = page_rows(
        store,
        user,
        &request.filter(),
        request.limit,
        request.offset,
    )
    .await?;
    let items = rows
        .iter()
        .map(|(a, load)| ActivityView::new(a, load.as_ref()))
        .collect();
    let next_offset = request.next_offset(total);
    Ok(ActivityPage {
        items,
        total,
        limit: request.limit,
        offset: request.offset,
        sport: request.sport.map(|g| g.as_str()),
        from: request.from.map(|d| d.to_string()),
        to: request.to.map(|d| d.to_string()),
        next_offset,
        next: next_offset
            .map(|offset| format!("/api/v1/me/activities?{}", request.query_at(offset))),
    })
}

/// "Power method from streams: base load 85.2 (IF 0.82, NP 230 W; FTP 280 W), wellness
/// modifier ×0.97 → UTL 82.6." (paces per km).
pub fn explain(load: &ActivityLoad) -> String {
    explain_in(load, Units::Metric)
}

/// [`explain`] with paces in `units`.
pub fn explain_in(load: &ActivityLoad, units: Units) -> String {
    let p = &load.provenance;
    let input = p.input.as_str();
    let mut inputs = Vec::new();
    if let Some(v) = load.intensity_factor {
        inputs.push(format!("IF {v:.2}"));
    }
    if let Some(v) = load.np_w {
        inputs.push(format!("NP {v:.0} W"));
    }
    if let Some(v) = load.ngp_mps.filter(|v| *v > 0.0) {
        inputs.push(format!("NGP {}", units.pace(v)));
    }
    if let Some(v) = load.hr_tss {
        inputs.push(format!("hrTSS {v:.1}"));
    }
    if let Some(v) = load.trimp {
        inputs.push(format!("TRIMP {v:.1}"));
    }
    let thresholds = thresholds_used(&p.thresholds, load.method, units);
    if !thresholds.is_empty() {
        inputs.push(thresholds);
    }
    let inputs = if inputs.is_empty() {
        String::new()
    } else {
        format!(" ({})", inputs.join(", "))
    };
    let estimated = if p.estimated {
        " Estimated: no usable power, pace or heart rate."
    } else {
        ""
    };
    format!(
        "{} method from {input}: base load {:.1}{inputs}, wellness modifier ×{:.2} → UTL {:.1}.{estimated}",
        method_name(load.method),
        load.base_load,
        load.modifier,
        load.utl,
    )
}

/// The human name of a load method.
pub fn method_name(method: Method) -> &'static str {
    match method {
        Method::Power => "Power (TSS)",
        Method::Pace => "Pace (rTSS)",
        Method::Hr => "Heart-rate (hrTSS)",
        Method::HrAvg => "Average heart-rate (hrTSS)",
        Method::Estimated => "Duration estimate",
        Method::None => "No",
    }
}

/// The thresholds the method relies on, e.g. `FTP 280 W (estimated)`, from the provenance's
/// `thresholds` map (keyed by the science crate's field names).
fn thresholds_used(
    thresholds: &BTreeMap<String, ThresholdUsed>,
    method: Method,
    units: Units,
) -> String {
    let wanted = match method {
        Method::Power => Some(Field::Ftp),
        Method::Pace => Some(Field::ThresholdSpeed),
        Method::Hr | Method::HrAvg => Some(Field::Lthr),
        Method::Estimated | Method::None => None,
    };
    wanted
        .into_iter()
        .filter_map(|field| {
            let field = field.as_str();
            let used = thresholds.get(field)?;
            Some(format!(
                "{} {} ({})",
                threshold_label(field),
                threshold_value(field, used.value, units),
                used.basis.as_str()
            ))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The label of a threshold field (`ftp` → `FTP`).
pub fn threshold_label(field: &str) -> &'static str {
    match field {
        "ftp" => "FTP",
        "cp" => "CP",
        "w_prime" => "W′",
        "threshold_speed" => "threshold pace",
        "d_prime" => "D′",
        "lthr" => "LTHR",
        "max_hr" => "max HR",
        "resting_hr" => "resting HR",
        _ => "threshold",
    }
}

/// A threshold field's value with its unit (paces in `units`).
pub fn threshold_value(field: &str, value: f64, units: Units) -> String {
    match field {
        "ftp" | "cp" => format!("{value:.0} W"),
        "w_prime" => format!("{:.1} kJ", value / 1000.0),
        "threshold_speed" => units.pace(value),
        // D′ is a short distance, shown like an elevation (m or ft).
        "d_prime" => units.elevation(Some(value)),
        _ => format!("{value:.0} bpm"),
    }
}

/// A speed as `m:ss/km`.
pub fn pace(speed_mps: f64) -> String {
    Units::Metric.pace(speed_mps)
}
