//! `/activities/{id}`: one activity's streams chart (power, heart rate, speed or pace, altitude
//! against time, from the stored streams) and its load breakdown (method, inputs, thresholds
//! used, wellness modifier components, calculation version) and its time in zone. Another athlete's activity is a
//! 404 page exactly like a missing one.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Response;
use science::stream::RawStreams;
use serde_json::{Value, json};

use super::page_session::PageSession;
use super::{chart, html, zone_table};
use crate::http::athlete::PathParam;
use crate::http::{ApiError, AppState};
use crate::read::activities::{self, method_name, threshold_label, threshold_value};
use crate::read::zone_times::ZoneTimeView;
use crate::store::activities::{Activity, ActivityId};
use crate::store::loads::{self, ActivityLoad};
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
    let name = s.name.as_deref().unwrap_or("(untitled)");
    let mut body = format!(
        r#"<p><a href="/activities">← Activities</a></p><h1>{}</h1><p class="muted">{} · {}</p>"#,
        html::escape(name),
        html::escape(&activity.local_date.to_string()),
        html::escape(&s.sport_type),
    );
    body.push_str(&summary_card(&activity, load.as_ref(), units));
    body.push_str(&streams_card(&activity, streams.as_ref(), units));
    body.push_str(&zones_card(zone_times.as_deref(), units));
    body.push_str(&load_card(load.as_ref(), units));
    Ok(html::page(name, session.nav(), &body))
}

fn summary_card(a: &Activity, load: Option<&ActivityLoad>, units: Units) -> String {
    let s = &a.summary;
    let cell = |label: &str, value: String| {
        format!(
            r#"<div><div class="muted">{label}</div><div class="stat-sm">{}</div></div>"#,
            html::escape(&value)
        )
    };
    let running = is_running(a);
    let speed = if running {
        s.average_speed_mps
            .map_or_else(|| "–".to_owned(), |v| units.pace(v))
    } else {
        units.speed(s.average_speed_mps)
    };
    let cells = [
        cell("UTL", html::num(load.map(|l| l.utl), 1)),
        cell("Moving time", html::duration(s.moving_s)),
        cell("Distance", units.distance(s.distance_m)),
        cell("Elevation gain", units.elevation(s.elevation_gain_m)),
        cell(if running { "Avg pace" } else { "Avg speed" }, speed),
        cell("Avg power", watts(s.average_watts)),
        cell("Avg heart rate", bpm(s.average_hr_bpm)),
    ];
    format!(
        r#"<div class="card"><div class="facts">{}</div></div>"#,
        cells.concat()
    )
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
fn streams_card(a: &Activity, streams: Option<&RawStreams>, units: Units) -> String {
    let Some(streams) = streams.filter(|s| !s.time_s.is_empty()) else {
        return r#"<div class="card"><h2>Streams</h2><p class="muted">No streams stored for this activity (manual entry, or not fetched yet).</p></div>"#.to_owned();
    };
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
    let mut charts = String::new();
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
        let _ = write!(
            charts,
            r#"<h3>{}</h3>{}"#,
            html::escape(c.label),
            chart::container(None, &spec, &fallback_range(&c.values, &c.unit, c.format))
        );
    }
    format!(
        r#"<div class="card" id="streams"><h2>Streams</h2><p class="muted hide-sm">Drag to zoom, double-click to reset.</p>{charts}</div>"#
    )
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
    format!(
        r#"<p class="muted">From {} to {} {} (the chart needs JavaScript).</p>"#,
        show(lo),
        show(hi),
        html::escape(unit)
    )
}

/// Time in each zone model the activity has, from the same stored figures as the API's
/// `time_in_zone`; nothing when the activity has no streams to count.
fn zones_card(stored: Option<&[KindTime]>, units: Units) -> String {
    let views: Vec<ZoneTimeView> = stored
        .unwrap_or_default()
        .iter()
        .map(ZoneTimeView::new)
        .collect();
    if views.is_empty() {
        return String::new();
    }
    format!(
        r#"<div class="card" id="time-in-zone"><h2>Time in zone</h2><p class="muted">Moving seconds with a valid reading, against the thresholds in force on the day.</p>{}</div>"#,
        zone_table::activity_tables(&views, units)
    )
}

/// The load breakdown: method, inputs, thresholds used, modifier components, versions.
fn load_card(load: Option<&ActivityLoad>, units: Units) -> String {
    let Some(load) = load else {
        return r#"<div class="card" id="load"><h2>Load</h2><p class="muted">Load not computed yet (waiting for streams or thresholds).</p></div>"#.to_owned();
    };
    let p = &load.provenance;
    let mut rows = String::new();
    let mut row = |label: &str, value: String| {
        let _ = write!(
            rows,
            "<tr><th>{}</th><td>{}</td></tr>",
            html::escape(label),
            html::escape(&value)
        );
    };
    row("Method", method_name(&load.method).to_owned());
    row("Input", p["input"].as_str().unwrap_or("summary").to_owned());
    if let Some(total) = p["rejected"]["total"].as_u64() {
        row(
            "Samples kept out",
            format!(
                "{total} (out of range {}, power spikes {}, implausible running speed {})",
                p["rejected"]["out_of_range"].as_u64().unwrap_or(0),
                p["rejected"]["power_spikes"].as_u64().unwrap_or(0),
                p["rejected"]["implausible_speed"].as_u64().unwrap_or(0),
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
    if load.method == "pace" {
        row("rTSS", html::num(Some(load.base_load), 1));
    }
    if let Some(v) = load.hr_tss {
        row("hrTSS", format!("{v:.1}"));
    }
    if let Some(v) = load.trimp {
        row("TRIMP", format!("{v:.1}"));
    }
    if let Some(skipped) = p["skipped"].as_array().filter(|s| !s.is_empty()) {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|s| {
                format!(
                    "{}: {}",
                    method_name(s["method"].as_str().unwrap_or("")),
                    s["reason"].as_str().unwrap_or("?")
                )
            })
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
    format!(
        r#"<div class="card" id="load"><h2>Load breakdown</h2><p>{}</p><div class="grid2"><div><table class="kv">{rows}</table></div><div><h3>Thresholds used</h3>{}<h3>Wellness modifier components</h3>{}</div></div></div>"#,
        html::escape(&activities::explain_in(load, units)),
        thresholds_table(&p["thresholds"], units),
        components_table(&load.modifier_components),
    )
}

fn thresholds_table(thresholds: &Value, units: Units) -> String {
    let Some(map) = thresholds.as_object().filter(|m| !m.is_empty()) else {
        return r#"<p class="muted">None.</p>"#.to_owned();
    };
    let mut rows = String::new();
    for (field, entry) in map {
        let Some(value) = entry["value"].as_f64() else {
            continue;
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            html::escape(threshold_label(field)),
            html::escape(&threshold_value(field, value, units)),
            super::words::threshold_basis(entry["basis"].as_str().unwrap_or("")),
        );
    }
    format!(
        r#"<table><thead><tr><th>Threshold</th><th class="num">Value</th><th>Basis</th></tr></thead><tbody>{rows}</tbody></table>"#
    )
}

/// How a threshold basis reads to the athlete.
fn components_table(modifier: &Value) -> String {
    let Some(parts) = modifier["components"].as_array() else {
        return r#"<p class="muted">None recorded.</p>"#.to_owned();
    };
    let mut rows = String::new();
    for c in parts {
        let outcome = &c["outcome"];
        let band = outcome["band"]
            .as_str()
            .or_else(|| outcome["missing"].as_str())
            .unwrap_or("");
        let inputs: Vec<String> = c["inputs"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        format!(
                            "{}: {}",
                            super::words::wellness_input(k),
                            html::num(v.as_f64(), 2)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=\"hide-sm\">{}</td><td>{}</td><td class=\"num\">×{}</td></tr>",
            super::words::wellness_component(c["component"].as_str().unwrap_or("")),
            html::escape(&inputs.join(", ")),
            html::escape(band),
            html::num(outcome["multiplier"].as_f64(), 3),
        );
    }
    format!(
        r#"<table><thead><tr><th>Component</th><th class="hide-sm">Inputs</th><th>Band</th><th class="num">×</th></tr></thead><tbody>{rows}</tbody></table><p class="muted">Raw product {}, status {}.</p>"#,
        html::num(modifier["raw_product"].as_f64(), 4),
        html::escape(modifier["status"].as_str().unwrap_or("unknown")),
    )
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
