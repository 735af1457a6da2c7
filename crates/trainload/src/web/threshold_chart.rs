//! The threshold history chart of `/fitness`: FTP, running threshold pace (in the athlete's
//! pace unit), LTHR and resting HR as steps, each held from its date until the next one.

use serde_json::{Value, json};

use super::chart;
use crate::read::ThresholdEntry;
use crate::units::Units;

/// One step: the date and each field as carried forward to it.
#[derive(Debug, Clone, Copy, Default)]
struct Step<'a> {
    date: &'a str,
    ftp_w: Option<f64>,
    speed_mps: Option<f64>,
    lthr_bpm: Option<f64>,
    resting_hr_bpm: Option<f64>,
}

/// The chart spec of `history` (oldest first), extended to `today`. Threshold pace is drawn
/// only for an athlete who has one: beside heart rate on the right when there is also an FTP,
/// else on the left in the FTP's place.
pub fn spec(history: &[ThresholdEntry], units: Units, today: &str) -> Value {
    let steps = steps(history, today);
    let has_ftp = steps.iter().any(|s| s.ftp_w.is_some());
    let has_pace = steps.iter().any(|s| s.speed_mps.is_some());
    let values = |field: &dyn Fn(&Step<'_>) -> Option<f64>| -> Vec<Option<f64>> {
        steps.iter().map(|s| field(s).map(chart::round1)).collect()
    };
    let unit = units.distance_unit();
    // The axis title is short enough to fit beside a phone's 200 px high chart; the legend
    // names the series in full.
    let (pace_label, pace_title) = (
        format!("Threshold pace (m:ss/{unit})"),
        format!("Pace (m:ss/{unit})"),
    );
    let pace_axis = if has_ftp { "right2" } else { "left" };
    let mut series = Vec::new();
    if has_ftp || !has_pace {
        series.push(json!({"label": "FTP (W)", "color": "#f59e0b", "steps": true, "values": values(&|s| s.ftp_w)}));
    }
    if has_pace {
        series.push(json!({
            "label": pace_label, "color": "#7c3aed", "steps": true, "axis": pace_axis,
            "format": "pace",
            "values": values(&|s| s.speed_mps.and_then(|v| units.pace_value(v))),
        }));
    }
    series.push(json!({"label": "LTHR (bpm)", "color": "#dc2626", "axis": "right", "steps": true, "values": values(&|s| s.lthr_bpm)}));
    series.push(json!({"label": "Resting HR (bpm)", "color": "#64748b", "axis": "right", "steps": true, "values": values(&|s| s.resting_hr_bpm)}));
    let mut spec = json!({
        "x": steps.iter().map(|s| s.date).collect::<Vec<_>>(),
        "x_kind": "date",
        "y_label": if has_pace && !has_ftp { pace_title.clone() } else { "FTP (W)".to_owned() },
        "y2_label": "Heart rate (bpm)",
        "series": series,
    });
    if has_pace && has_ftp {
        spec["y3_label"] = json!(pace_title);
    }
    spec
}

/// A set may carry only some fields: each is carried forward, sets of one date merge into one
/// step, and the last step is repeated on `today` so the steps reach it.
fn steps<'a>(history: &'a [ThresholdEntry], today: &'a str) -> Vec<Step<'a>> {
    let mut current = Step::default();
    let mut steps: Vec<Step<'a>> = Vec::new();
    for v in history {
        current = Step {
            date: v.effective_from.as_str(),
            ftp_w: v.ftp_w.or(current.ftp_w),
            speed_mps: v.threshold_speed_mps.or(current.speed_mps),
            lthr_bpm: v.lthr_bpm.or(current.lthr_bpm),
            resting_hr_bpm: v.resting_hr_bpm.or(current.resting_hr_bpm),
        };
        match steps.last_mut() {
            Some(last) if last.date == current.date => *last = current,
            _ => steps.push(current),
        }
    }
    if let Some(last) = steps.last().copied().filter(|s| s.date < today) {
        steps.push(Step {
            date: today,
            ..last
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn entry(date: &str, ftp_w: Option<f64>, speed_mps: Option<f64>) -> ThresholdEntry {
        ThresholdEntry {
            id: 1,
            effective_from: date.to_owned(),
            source: "estimated",
            method: "cp_3param".to_owned(),
            ftp_w,
            cp_w: None,
            w_prime_j: None,
            threshold_speed_mps: speed_mps,
            threshold_pace: None,
            d_prime_m: None,
            lthr_bpm: Some(165.0),
            max_hr_bpm: None,
            resting_hr_bpm: None,
            evidence: Value::Null,
            as_of: None,
            created_at_ms: 0,
        }
    }

    fn series<'a>(spec: &'a Value, label: &str) -> Option<&'a Value> {
        spec["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["label"].as_str().is_some_and(|l| l.starts_with(label)))
    }

    #[test]
    fn a_runner_sees_pace_on_the_left_in_their_unit_and_no_empty_ftp() {
        // 4.0 m/s is 4:10 per km and 6:42 per mile; carried forward to today.
        let history = [
            entry("2026-01-01", None, Some(4.0)),
            entry("2026-02-01", None, None),
        ];
        let spec = spec(&history, Units::Metric, "2026-03-01");
        assert_eq!(spec["x"], json!(["2026-01-01", "2026-02-01", "2026-03-01"]));
        assert_eq!(spec["y_label"], "Pace (m:ss/km)");
        assert!(series(&spec, "FTP").is_none(), "{spec}");
        let pace = series(&spec, "Threshold pace").unwrap();
        assert_eq!(pace["axis"], "left");
        assert_eq!(pace["format"], "pace");
        assert_eq!(pace["values"], json!([250.0, 250.0, 250.0]));
        let imperial = super::spec(&history, Units::Imperial, "2026-03-01");
        assert_eq!(imperial["y_label"], "Pace (m:ss/mi)");
        let seconds = series(&imperial, "Threshold pace").unwrap()["values"][0]
            .as_f64()
            .unwrap();
        assert!((seconds - 402.3).abs() < 0.05, "{seconds}");
    }

    #[test]
    fn a_triathlete_sees_pace_on_a_third_axis_beside_heart_rate() {
        let history = [
            entry("2026-01-01", Some(250.0), None),
            entry("2026-02-01", None, Some(4.0)),
        ];
        let spec = spec(&history, Units::Metric, "2026-02-01");
        assert_eq!(spec["y_label"], "FTP (W)");
        assert_eq!(spec["y3_label"], "Pace (m:ss/km)");
        let pace = series(&spec, "Threshold pace").unwrap();
        assert_eq!(pace["axis"], "right2");
        assert_eq!(
            pace["values"],
            json!([null, 250.0]),
            "no pace before the first"
        );
        assert_eq!(
            series(&spec, "FTP").unwrap()["values"],
            json!([250.0, 250.0])
        );
    }

    #[test]
    fn without_pace_the_chart_is_as_before() {
        let spec = spec(
            &[entry("2026-01-01", Some(250.0), None)],
            Units::Metric,
            "2026-01-05",
        );
        assert!(series(&spec, "Threshold pace").is_none());
        assert!(spec.get("y3_label").is_none());
        assert_eq!(spec["y2_label"], "Heart rate (bpm)");
    }
}
