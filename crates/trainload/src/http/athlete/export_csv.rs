//! The CSV forms of the export (RFC 4180: comma-separated, CRLF line ends, fields with a comma,
//! quote or line break quoted). Text that a spreadsheet would run as a formula (starting with
//! `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, because activity names come
//! from outside.

use std::fmt::Display;

use crate::read::activities::ActivityView;
use crate::read::{ThresholdEntry, WellnessDay};

/// Activities with their loads and explanations.
pub fn activities(items: &[ActivityView]) -> String {
    let mut out = header(&[
        "id",
        "local_date",
        "start_at_ms",
        "sport_type",
        "name",
        "moving_s",
        "distance_m",
        "utl",
        "method",
        "base_load",
        "modifier",
        "intensity_factor",
        "explanation",
    ]);
    for a in items {
        row(
            &mut out,
            &[
                number(a.id),
                text(&a.local_date),
                number(a.start_at_ms),
                text(&a.sport_type),
                text(a.name.as_deref().unwrap_or("")),
                optional(a.moving_s),
                optional(a.distance_m),
                optional(a.utl),
                text(a.method.unwrap_or("")),
                optional(a.base_load),
                optional(a.modifier),
                optional(a.intensity_factor),
                text(&a.explanation),
            ],
        );
    }
    out
}

/// Threshold entries.
pub fn thresholds(items: &[ThresholdEntry]) -> String {
    let mut out = header(&[
        "id",
        "effective_from",
        "source",
        "method",
        "ftp_w",
        "cp_w",
        "w_prime_j",
        "threshold_speed_mps",
        "d_prime_m",
        "lthr_bpm",
        "max_hr_bpm",
        "resting_hr_bpm",
        "as_of",
    ]);
    for t in items {
        row(
            &mut out,
            &[
                number(t.id),
                text(&t.effective_from),
                text(t.source),
                text(&t.method),
                optional(t.ftp_w),
                optional(t.cp_w),
                optional(t.w_prime_j),
                optional(t.threshold_speed_mps),
                optional(t.d_prime_m),
                optional(t.lthr_bpm),
                optional(t.max_hr_bpm),
                optional(t.resting_hr_bpm),
                text(t.as_of.as_deref().unwrap_or("")),
            ],
        );
    }
    out
}

/// Wellness days with their modifier.
pub fn wellness(items: &[WellnessDay]) -> String {
    let mut out = header(&[
        "date",
        "resting_hr_bpm",
        "hrv_rmssd_ms",
        "hrv_sdnn_ms",
        "sleep_s",
        "sleep_score",
        "sleep_quality",
        "readiness",
        "soreness",
        "fatigue",
        "modifier",
        "status",
    ]);
    for d in items {
        row(
            &mut out,
            &[
                text(&d.date),
                optional(d.resting_hr_bpm),
                optional(d.hrv_rmssd_ms),
                optional(d.hrv_sdnn_ms),
                optional(d.sleep_s),
                optional(d.sleep_score),
                optional(d.sleep_quality),
                optional(d.readiness),
                optional(d.soreness),
                optional(d.fatigue),
                number(d.modifier),
                text(d.status),
            ],
        );
    }
    out
}

fn header(names: &[&str]) -> String {
    let mut out = names.join(",");
    out.push_str("\r\n");
    out
}

fn row(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn number(value: impl Display) -> String {
    value.to_string()
}

fn optional<T: Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A text field, neutralised against formulas and quoted when it must be.
fn text(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn text_fields_are_quoted_and_neutralised() {
        assert_eq!(text("Morning Ride"), "Morning Ride");
        assert_eq!(text("Hills, then flat"), "\"Hills, then flat\"");
        assert_eq!(text("the \"big\" one"), "\"the \"\"big\"\" one\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@sum"), "'@sum");
    }
}
