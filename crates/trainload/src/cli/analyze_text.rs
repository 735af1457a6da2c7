//! `trainload analyze --text`: the same reports as the JSON, for a person at a terminal: the
//! headline figures and the time in zone per model, ranges in watts, beats or min/km.

use std::fmt::Write;

use science::zones::ZoneKind;

use crate::analysis::ActivityReport;
use crate::units::Units;
use crate::web::zone_table::{hms, kind_title, range_label, threshold_label};

/// Every report as text, one block per activity.
pub fn render(reports: &[ActivityReport]) -> String {
    reports.iter().map(block).collect::<Vec<_>>().join("\n")
}

fn block(r: &ActivityReport) -> String {
    let mut out = String::new();
    if let Some(error) = &r.error {
        let _ = writeln!(out, "{}: error: {error}", r.file);
        return out;
    }
    let _ = writeln!(
        out,
        "{} — {} ({}), start {}",
        r.file,
        r.sport_type.as_deref().unwrap_or("?"),
        r.sport.unwrap_or("?"),
        r.start_time.as_deref().unwrap_or("?"),
    );
    let seconds = |s: Option<f64>| s.map_or_else(|| "–".to_owned(), |s| hms(s.max(0.0) as u64));
    let _ = writeln!(
        out,
        "  elapsed {} · moving {} · {} samples, {} rejected",
        seconds(r.elapsed_s),
        seconds(r.moving_s),
        r.samples.unwrap_or(0),
        r.samples_rejected.unwrap_or(0),
    );
    if let Some(load) = &r.load {
        let _ = writeln!(out, "  load {:.1} UTL ({})", load.utl, load.method);
    }
    if let Some(p) = &r.power {
        let np = p
            .np_w
            .map_or_else(String::new, |v| format!(" · NP {v:.0} W"));
        let tss = p.tss.map_or_else(String::new, |v| format!(" · TSS {v:.1}"));
        let _ = writeln!(out, "  power: avg {:.0} W{np}{tss}", p.avg_w);
    }
    if let Some(h) = &r.heart_rate {
        let _ = writeln!(
            out,
            "  heart rate: avg {:.0} bpm · max {:.0} bpm",
            h.avg_bpm, h.max_bpm
        );
    }
    if let Some(p) = &r.pace {
        let _ = writeln!(out, "  pace: avg {}", p.avg_pace);
    }
    if let Some(cp) = &r.critical_power {
        let _ = writeln!(
            out,
            "  critical power: CP {:.0} W · W′ {:.1} kJ",
            cp.cp_w,
            cp.w_prime_j / 1000.0
        );
    }
    for view in r.time_in_zone.iter().flatten() {
        let Some(kind) = ZoneKind::parse(&view.kind) else {
            continue;
        };
        let total: u64 = view.zones.iter().map(|z| u64::from(z.seconds)).sum();
        let _ = writeln!(
            out,
            "  time in zone, {} ({}):",
            kind_title(kind).to_lowercase(),
            threshold_label(kind, view.threshold, Units::Metric)
        );
        for zone in &view.zones {
            let share = if total == 0 {
                0.0
            } else {
                100.0 * f64::from(zone.seconds) / total as f64
            };
            let _ = writeln!(
                out,
                "    {:<16} {:>22} {:>9} {:>4.0} %",
                zone.name,
                range_label(kind, zone.low, zone.high, Units::Metric),
                hms(u64::from(zone.seconds)),
                share,
            );
        }
    }
    out
}
