//! `/activities/{id}`: one activity's streams chart (power, heart rate, speed or pace, altitude
//! against time, from the stored streams) and its load breakdown (method, inputs, thresholds
//! used, wellness modifier components, calculation version) and its time in zone. Another athlete's activity is a
//! 404 page exactly like a missing one.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use science::stream::RawStreams;
use science::utl::Method;
use serde_json::json;

use super::chart::{self, Chart};
use super::html;
use super::page_session::PageSession;
use super::zone_table::{self, ActivityZones};
use crate::http::athlete::PathParam;
use crate::http::{ApiError, AppState};
use crate::read::activities::{self, method_name, threshold_label, threshold_value};
use crate::read::zone_times::ZoneTimeView;
use crate::store::activities::{Activity, ActivityId};
use crate::store::loads::{self, ActivityLoad};
use crate::store::provenance::{ModifierRecord, ThresholdUsed};
use crate::store::zones::KindTime;
use crate::store::{StoreError, streams, users};
use crate::units::Units;

/// Most points per stream on the chart: more would not show on a screen, only weigh the page.
const MAX_CHART_POINTS: usize = 800;

/// `/activities/{id}`.
pub async fn activity(
    State(state): State<AppState>,
    session: PageSession,
    PathParam(id): PathParam<i64>,
) -> Result<Response, ApiError> {
    let activity = match crate::store::activities::get(&state.store, ActivityId(id)).await {
        Ok(a) if a.user == session.user && a.deleted_at_ms.is_none() => a,
        // Another athlete's activity is answered exactly like a missing one.
        Ok(_) | Err(StoreError::NotFound) => return Ok(html::not_found("activity", session.nav())),
        Err(other) => return Err(other.into()),
    };
    let units = users::units(&state.store, session.user).await?;
    let load = loads::get(&state.store, activity.id).await?;
    let streams = streams::get(&state.store, activity.id).await?;
    let zone_times = crate::store::zones::times(&state.store, activity.id).await?;
    let s = &activity.summary;
    let page = ActivityPage {
        nav: session.nav(),
        name: s.name.as_deref().unwrap_or("(untitled)"),
        date: activity.local_date.to_string(),
        sport: &s.sport_type,
        facts: facts(&activity, load.as_ref(), units),
        streams: stream_charts(&activity, streams.as_ref(), units),
        zones: zone_tables(zone_times.as_deref(), units),
        load: load.as_ref().map(|load| load_card(load, units)),
    };
    Ok(html::render(&page))
}

/// The page (`activity.html`).
#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage<'a> {
    nav: html::Nav,
    name: &'a str,
    date: String,
    sport: &'a str,
    /// The summary's figures, labelled.
    facts: [(&'static str, String); 7],
    /// None without streams.
    streams: Option<Vec<(&'static str, Chart)>>,
    /// None when the activity has no time in zone.
    zones: Option<ActivityZones>,
    /// None before the load is computed.
    load: Option<LoadCard>,
}

/// The load breakdown (`activity/load_card.html`).
struct LoadCard {
    /// The load in words.
    explanation: String,
    facts: Vec<(&'static str, String)>,
    /// None when no threshold was used.
    thresholds: Option<Vec<ThresholdRow>>,
    /// None when no component was recorded.
    modifier: Option<ModifierCard>,
}

/// A threshold the load was computed with.
struct ThresholdRow {
    label: &'static str,
    value: String,
    basis: &'static str,
}

/// The wellness modifier's components.
struct ModifierCard {
    components: Vec<ComponentRow>,
    raw_product: String,
    status: String,
}

/// A wellness modifier component.
struct ComponentRow {
    name: &'static str,
    inputs: String,
    band: String,
    multiplier: String,
}

/// The chart's fallback without JavaScript (`components/range_fallback.html`).
#[derive(Template)]
#[template(path = "components/range_fallback.html")]
struct RangeFallback<'a> {
    from: String,
    to: String,
    unit: &'a str,
}

fn facts(a: &Activity, load: Option<&ActivityLoad>, units: Units) -> [(&'static str, String); 7] {
    let s = &a.summary;
    let running = is_running(a);
    let speed = if running {
        s.average_speed_mps
            .map_or_else(|| "–".to_owned(), |v| units.pace(v))
    } else {
        units.speed(s.average_speed_mps)
    };
    [
        ("UTL", html::num(load.map(|l| l.utl), 1)),
        ("Moving time", html::duration(s.moving_s)),
        ("Distance", units.distance(s.distance_m)),
        ("Elevation gain", units.elevation(s.elevation_gain_m)),
        (if running { "Avg pace" } else { "Avg speed" }, speed),
        ("Avg power", watts(s.average_watts)),
        ("Avg heart rate", bpm(s.average_hr_bpm)),
    ]
}

fn watts(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.0} W"))
}

fn bpm(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.0} bpm"))
}

/// Whether the activity is a run (speed shown as pace).
fn is_running(a: &Activity) -> bool {
    science::SportClass::of(&a.summary.sport_type).group() == science::SportGroup::Running
}

/// One stream's chart.
struct StreamChart {
    label: &'static str,
    unit: String,
    color: &'static str,
    values: Vec<Option<f64>>,
    /// `pace` for seconds per distance unit.
    format: Option<&'static str>,
}

/// One chart per recorded channel, cursors in step, all against elapsed time.
fn stream_charts(
    a: &Activity,
    streams: Option<&RawStreams>,
    units: Units,
) -> Option<Vec<(&'static str, Chart)>> {
    let streams = streams.filter(|s| !s.time_s.is_empty())?;
    let picks = buckets(streams.time_s.len(), MAX_CHART_POINTS);
    let x: Vec<f64> = picks.iter().map(|r| streams.time_s[r.start]).collect();
    let running = is_running(a);
    let speed = if running {
        StreamChart {
            label: "Pace",
            unit: format!("per {}", units.distance_unit()),
            color: "#2563eb",
            values: channel(&picks, &streams.velocity_mps, |v| units.pace_value(v)),
            format: Some("pace"),
        }
    } else {
        StreamChart {
            label: "Speed",
            unit: units.speed_unit().to_owned(),
            color: "#2563eb",
            values: channel(&picks, &streams.velocity_mps, |v| {
                Some(units.speed_value(v))
            }),
            format: None,
        }
    };
    let charts_in_order = [
        StreamChart {
            label: "Power",
            unit: "W".to_owned(),
            color: "#f59e0b",
            values: channel(&picks, &streams.watts, Some),
            format: None,
        },
        StreamChart {
            label: "Heart rate",
            unit: "bpm".to_owned(),
            color: "#dc2626",
            values: channel(&picks, &streams.heartrate_bpm, Some),
            format: None,
        },
        speed,
        StreamChart {
            label: "Altitude",
            unit: units.elevation_unit().to_owned(),
            color: "#64748b",
            values: channel(&picks, &streams.altitude_m, |v| {
                Some(units.elevation_value(v))
            }),
            format: None,
        },
    ];
    let mut charts = Vec::new();
    for c in charts_in_order {
        if c.values.iter().all(Option::is_none) {
            continue;
        }
        let spec = json!({
            "x": x, "x_kind": "seconds", "height": 160, "sync": "streams",
            "series": [{
                "label": format!("{} ({})", c.label, c.unit), "color": c.color, "format": c.format,
                "values": c.values.iter().map(|v| v.map(chart::round1)).collect::<Vec<_>>(),
            }],
        });
        let fallback = fallback_range(&c.values, &c.unit, c.format);
        charts.push((c.label, chart::container(None, &spec, Some(fallback))));
    }
    Some(charts)
}

/// Consecutive index ranges splitting `n` samples into at most `max` buckets.
fn buckets(n: usize, max: usize) -> Vec<std::ops::Range<usize>> {
    let size = n.div_ceil(max.max(1)).max(1);
    (0..n)
        .step_by(size)
        .map(|start| start..(start + size).min(n))
        .collect()
}

/// The mean of each bucket's present values, converted by `convert`; `None` for a bucket
/// without any (a gap on the chart).
fn channel(
    picks: &[std::ops::Range<usize>],
    values: &[Option<f64>],
    convert: impl Fn(f64) -> Option<f64>,
) -> Vec<Option<f64>> {
    picks
        .iter()
        .map(|r| {
            let present: Vec<f64> = values
                .get(r.clone())
                .unwrap_or_default()
                .iter()
                .flatten()
                .copied()
                .collect();
            if present.is_empty() {
                return None;
            }
            convert(present.iter().sum::<f64>() / present.len() as f64)
        })
        .collect()
}

/// Without JavaScript: the channel's range in words.
fn fallback_range(values: &[Option<f64>], unit: &str, format: Option<&str>) -> String {
    let present = values.iter().flatten().copied();
    let (lo, hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let show = |v: f64| {
        if format == Some("pace") {
            let s = v.round() as i64;
            format!("{}:{:02}", s / 60, s % 60)
        } else {
            format!("{v:.0}")
        }
    };
    RangeFallback {
        from: show(lo),
        to: show(hi),
        unit,
    }
    .to_string()
}

/// Time in each zone model the activity has, from the same stored figures as the API's
/// `time_in_zone`; nothing when the activity has no streams to count.
fn zone_tables(stored: Option<&[KindTime]>, units: Units) -> Option<ActivityZones> {
    let views: Vec<ZoneTimeView> = stored
        .unwrap_or_default()
        .iter()
        .map(ZoneTimeView::new)
        .collect();
    (!views.is_empty()).then(|| zone_table::activity_tables(&views, units))
}

/// The load breakdown: method, inputs, thresholds used, modifier components, versions.
fn load_card(load: &ActivityLoad, units: Units) -> LoadCard {
    let p = &load.provenance;
    let mut facts = Vec::new();
    let mut row = |label: &'static str, value: String| facts.push((label, value));
    row("Method", method_name(load.method).to_owned());
    row("Input", p.input.as_str().to_owned());
    if let Some(r) = p.rejected {
        row(
            "Samples kept out",
            format!(
                "{} (out of range {}, power spikes {}, implausible running speed {})",
                r.total, r.out_of_range, r.power_spikes, r.implausible_speed,
            ),
        );
    }
    row("Base load", html::num(Some(load.base_load), 1));
    row("Wellness modifier", format!("×{:.3}", load.modifier));
    row("UTL", html::num(Some(load.utl), 1));
    if let Some(v) = load.intensity_factor {
        row("Intensity factor (IF)", format!("{v:.2}"));
    }
    if let Some(v) = load.np_w {
        row("Normalized power (NP)", format!("{v:.0} W"));
    }
    if let Some(v) = load.ngp_mps.filter(|v| *v > 0.0) {
        row("Normalized graded pace (NGP)", units.pace(v));
    }
    if load.method == Method::Pace {
        row("rTSS", html::num(Some(load.base_load), 1));
    }
    if let Some(v) = load.hr_tss {
        row("hrTSS", format!("{v:.1}"));
    }
    if let Some(v) = load.trimp {
        row("TRIMP", format!("{v:.1}"));
    }
    if !p.skipped.is_empty() {
        let reasons: Vec<String> = p
            .skipped
            .iter()
            .map(|s| format!("{}: {}", method_name(s.method), s.reason))
            .collect();
        row("Methods skipped", reasons.join("; "));
    }
    if let Some(set) = load.threshold_set {
        row("Threshold set", format!("#{}", set.0));
    }
    row(
        "Formula version",
        format!(
            "{} (loads are recalculated when it changes)",
            super::words::calc_version(load.calc_version)
        ),
    );
    row("Computed", html::time(Some(load.computed_at_ms)));
    LoadCard {
        explanation: activities::explain_in(load, units),
        facts,
        thresholds: thresholds_used(&p.thresholds, units),
        modifier: Some(modifier_card(&load.modifier_components)),
    }
}

fn thresholds_used(
    thresholds: &BTreeMap<String, ThresholdUsed>,
    units: Units,
) -> Option<Vec<ThresholdRow>> {
    if thresholds.is_empty() {
        return None;
    }
    let rows = thresholds
        .iter()
        .map(|(field, used)| ThresholdRow {
            label: threshold_label(field),
            value: threshold_value(field, used.value, units),
            basis: super::words::threshold_basis(used.basis),
        })
        .collect();
    Some(rows)
}

/// The wellness modifier's components with their inputs, band and multiplier.
fn modifier_card(modifier: &ModifierRecord) -> ModifierCard {
    let components = modifier
        .components
        .iter()
        .map(|c| {
            let inputs: Vec<String> = c
                .inputs
                .iter()
                .map(|(name, value)| {
                    format!(
                        "{}: {}",
                        super::words::wellness_input(name),
                        html::num(*value, 2)
                    )
                })
                .collect();
            ComponentRow {
                name: super::words::wellness_component(c.component),
                inputs: inputs.join(", "),
                band: c.outcome.label().to_owned(),
                multiplier: html::num(Some(c.outcome.multiplier()), 3),
            }
        })
        .collect();
    ModifierCard {
        components,
        raw_product: html::num(modifier.raw_product, 4),
        status: modifier.status.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_sample_once_within_the_limit() {
        for (n, max) in [(0, 10), (5, 10), (10, 10), (11, 10), (10_800, 800)] {
            let b = buckets(n, max);
            assert!(b.len() <= max, "{n} {max}");
            assert_eq!(b.iter().map(ExactSizeIterator::len).sum::<usize>(), n);
            assert!(b.windows(2).all(|w| w[0].end == w[1].start));
        }
    }

    #[test]
    fn a_bucket_without_values_is_a_gap() {
        let picks = buckets(4, 2);
        let values = [Some(1.0), Some(3.0), None, None];
        assert_eq!(channel(&picks, &values, Some), vec![Some(2.0), None]);
    }
}
