//! Time in zone as the pages show it (docs/science.md §15): one table per zone model with the
//! zone's name, its range in the athlete's terms (W, bpm, or pace per km or mile, never m/s),
//! the time as `h:mm:ss` and a bar of its share. The activity page and the dashboard card both
//! draw from here, from the same views the API answers with.

use askama::Template;
use science::zones::ZoneKind;

use crate::read::zone_times::{WeekZoneTime, ZoneTimeView};
use crate::units::Units;

/// `seconds` as `h:mm:ss`.
pub fn hms(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        (seconds % 3600) / 60,
        seconds % 60
    )
}

/// A pace in seconds per display unit as `m:ss`.
fn pace_clock(seconds: f64) -> String {
    let total = seconds.round() as i64;
    format!("{}:{:02}", total / 60, total % 60)
}

/// The display name of a zone model.
pub fn kind_title(kind: ZoneKind) -> &'static str {
    match kind {
        ZoneKind::Power => "Power",
        ZoneKind::HeartRate => "Heart rate",
        ZoneKind::Pace => "Pace",
    }
}

/// A zone's range in the athlete's terms. `low` and `high` are in the model's stored unit (W,
/// bpm or m/s); `None` is an open end. Pace zones are speeds, so the slower pace is the zone's
/// low speed: a higher zone reads as a faster pace.
pub fn range_label(kind: ZoneKind, low: Option<f64>, high: Option<f64>, units: Units) -> String {
    let unit = match kind {
        ZoneKind::Power => "W",
        ZoneKind::HeartRate => "bpm",
        ZoneKind::Pace => {
            let per = units.distance_unit();
            let pace = |mps: f64| units.pace_value(mps).map(pace_clock);
            return match (low.and_then(pace), high.and_then(pace)) {
                (None, Some(fast)) => format!("slower than {fast}/{per}"),
                (Some(slow), Some(fast)) => format!("{slow}–{fast}/{per}"),
                (Some(slow), None) => format!("{slow}/{per} or faster"),
                (None, None) => "–".to_owned(),
            };
        }
    };
    match (low, high) {
        (None, Some(h)) => format!("< {h:.0} {unit}"),
        (Some(l), Some(h)) => format!("{l:.0}–{h:.0} {unit}"),
        (Some(l), None) => format!("≥ {l:.0} {unit}"),
        (None, None) => "–".to_owned(),
    }
}

/// A model's table: its title, the note beside it, and a row per zone.
#[derive(Debug)]
pub struct ZoneTable {
    title: &'static str,
    /// The threshold the zones were drawn from, or the week's total.
    note: String,
    /// The model's name in the table's id.
    id: &'static str,
    rows: Vec<ZoneRow>,
}

/// A zone's row.
#[derive(Debug)]
struct ZoneRow {
    name: String,
    /// The range in the athlete's terms (the activity's tables only).
    range: String,
    /// `h:mm:ss`.
    time: String,
    /// Share of the model's total time.
    percent: f64,
}

/// One activity's time in zone (`components/activity_zones.html`).
#[derive(Debug, Template)]
#[template(path = "components/activity_zones.html")]
pub struct ActivityZones {
    tables: Vec<ZoneTable>,
}

/// A week's time in zone (`components/week_zones.html`).
#[derive(Debug, Template)]
#[template(path = "components/week_zones.html")]
pub struct WeekZones {
    tables: Vec<ZoneTable>,
}

/// `part` out of `total` seconds, in percent.
fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 * 100.0 / total as f64
    }
}

/// One activity's time in zone: a table per model.
pub fn activity_tables(views: &[ZoneTimeView], units: Units) -> ActivityZones {
    let tables = views
        .iter()
        .filter_map(|view| {
            let kind = ZoneKind::parse(&view.kind)?;
            let total: u64 = view.zones.iter().map(|z| u64::from(z.seconds)).sum();
            let rows = view
                .zones
                .iter()
                .map(|zone| ZoneRow {
                    name: zone.name.clone(),
                    range: range_label(kind, zone.low, zone.high, units),
                    time: hms(u64::from(zone.seconds)),
                    percent: percent(u64::from(zone.seconds), total),
                })
                .collect();
            Some(ZoneTable {
                title: kind_title(kind),
                note: threshold_label(kind, view.threshold, units),
                id: kind.as_str(),
                rows,
            })
        })
        .collect();
    ActivityZones { tables }
}

/// The threshold a model's zones were drawn from, in the athlete's terms.
pub fn threshold_label(kind: ZoneKind, threshold: f64, units: Units) -> String {
    match kind {
        ZoneKind::Power => format!("FTP {threshold:.0} W"),
        ZoneKind::HeartRate => format!("LTHR {threshold:.0} bpm"),
        ZoneKind::Pace => format!("threshold pace {}", units.pace(threshold)),
    }
}

/// The week's summed time in zone: per model the zone names, time and share (the ranges are
/// left out because each activity was counted against the thresholds of its own date).
pub fn week_tables(week: &WeekZoneTime) -> WeekZones {
    let tables = week
        .kinds
        .iter()
        .filter_map(|sums| {
            let kind = ZoneKind::parse(&sums.kind)?;
            let rows = sums
                .zones
                .iter()
                .map(|zone| ZoneRow {
                    name: zone.name.clone(),
                    range: String::new(),
                    time: hms(zone.seconds),
                    percent: percent(zone.seconds, sums.total_s),
                })
                .collect();
            let activities = if sums.activities == 1 {
                "activity"
            } else {
                "activities"
            };
            Some(ZoneTable {
                title: kind_title(kind),
                note: format!("{} in {} {activities}", hms(sums.total_s), sums.activities),
                id: kind.as_str(),
                rows,
            })
        })
        .collect();
    WeekZones { tables }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_hours_minutes_seconds() {
        assert_eq!(hms(0), "0:00:00");
        assert_eq!(hms(59), "0:00:59");
        assert_eq!(hms(3725), "1:02:05");
    }

    #[test]
    fn ranges_are_in_the_athlete_s_terms() {
        let m = Units::Metric;
        assert_eq!(
            range_label(ZoneKind::Power, None, Some(140.0), m),
            "< 140 W"
        );
        assert_eq!(
            range_label(ZoneKind::HeartRate, Some(137.7), Some(153.0), m),
            "138–153 bpm"
        );
        // 4:00/km threshold: 95 % of its speed is 4:13/km, 100 % is 4:00/km.
        let speed = 1000.0 / 240.0;
        assert_eq!(
            range_label(ZoneKind::Pace, Some(0.95 * speed), Some(speed), m),
            "4:13–4:00/km"
        );
        assert_eq!(
            range_label(ZoneKind::Pace, None, Some(speed), Units::Imperial),
            "slower than 6:26/mi"
        );
        assert_eq!(
            range_label(ZoneKind::Pace, Some(speed), None, m),
            "4:00/km or faster"
        );
    }
}
