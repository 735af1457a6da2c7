//! TCX (Garmin Training Center XML): every `Activity` element is one activity, so a
//! `MultiSportSession` gives one per sport section. Elements are matched on local names, since
//! extension prefixes vary (`ns3:TPX`, `TPX`, `ax:TPX`).

use quick_xml::events::BytesStart;

use super::FileActivity;
use super::error::FileErrorKind;
use super::sport::sport_type_from_name;
use super::streams::Sample;
use super::xml::{Handler, Parsed, attribute, drive, is_named, number, unix_seconds};

/// Reads a TCX document into activities.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<FileActivity>, FileErrorKind> {
    let mut reader = TcxReader::default();
    drive(bytes, &mut reader)?;
    if reader.activities.is_empty() {
        return Err(if reader.saw_course {
            FileErrorKind::NotActivity("course".to_owned())
        } else {
            FileErrorKind::NoTrackPoints
        });
    }
    let activities: Vec<Parsed> = reader
        .activities
        .into_iter()
        .filter(Parsed::has_data)
        .collect();
    if activities.is_empty() {
        return Err(FileErrorKind::NoTrackPoints);
    }
    activities.into_iter().map(Parsed::into_activity).collect()
}

/// The TCX elements the reader cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    Activity,
    Id,
    Lap,
    TotalTimeSeconds,
    DistanceMeters,
    AverageHeartRateBpm,
    HeartRateBpm,
    Value,
    Trackpoint,
    Time,
    AltitudeMeters,
    Position,
    LatitudeDegrees,
    LongitudeDegrees,
    Tpx,
    Speed,
    Watts,
    Other,
}

const NAMES: [(&str, El); 17] = [
    ("Activity", El::Activity),
    ("Id", El::Id),
    ("Lap", El::Lap),
    ("TotalTimeSeconds", El::TotalTimeSeconds),
    ("DistanceMeters", El::DistanceMeters),
    ("AverageHeartRateBpm", El::AverageHeartRateBpm),
    ("HeartRateBpm", El::HeartRateBpm),
    ("Value", El::Value),
    ("Trackpoint", El::Trackpoint),
    ("Time", El::Time),
    ("AltitudeMeters", El::AltitudeMeters),
    ("Position", El::Position),
    ("LatitudeDegrees", El::LatitudeDegrees),
    ("LongitudeDegrees", El::LongitudeDegrees),
    ("TPX", El::Tpx),
    ("Speed", El::Speed),
    ("Watts", El::Watts),
];

/// One lap's summary while it is read.
#[derive(Debug, Default)]
struct Lap {
    time_s: Option<f64>,
    distance_m: Option<f64>,
    avg_hr_bpm: Option<f64>,
}

#[derive(Debug, Default)]
struct TcxReader {
    stack: Vec<El>,
    activities: Vec<Parsed>,
    current: Option<Parsed>,
    lap: Lap,
    point: Option<Sample>,
    saw_course: bool,
}

impl TcxReader {
    /// The element `up` levels above the innermost one (0 = innermost).
    fn above(&self, up: usize) -> El {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
            .unwrap_or(El::Other)
    }

    fn finish_lap(&mut self) {
        let lap = std::mem::take(&mut self.lap);
        let Some(activity) = self.current.as_mut() else {
            return;
        };
        if let Some(t) = lap.time_s {
            activity.timer_s = Some(activity.timer_s.unwrap_or(0.0) + t);
            if let Some(hr) = lap.avg_hr_bpm {
                activity.lap_hr.0 += hr * t;
                activity.lap_hr.1 += t;
            }
        }
        if let Some(d) = lap.distance_m {
            activity.lap_distance_m = Some(activity.lap_distance_m.unwrap_or(0.0) + d);
        }
    }

    fn point_text(&mut self, el: El, parent: El, text: &str) {
        let Some(point) = self.point.as_mut() else {
            return;
        };
        match (parent, el) {
            (El::Trackpoint, El::Time) => point.time_s = unix_seconds(text).unwrap_or(f64::NAN),
            (El::Trackpoint, El::AltitudeMeters) => point.altitude_m = number(text),
            (El::Trackpoint, El::DistanceMeters) => point.distance_m = number(text),
            (El::HeartRateBpm, El::Value) => point.heartrate_bpm = number(text),
            (El::Position, El::LatitudeDegrees) => point.lat_deg = number(text),
            (El::Position, El::LongitudeDegrees) => point.lon_deg = number(text),
            (El::Tpx, El::Speed) => point.velocity_mps = number(text),
            (El::Tpx, El::Watts) => point.watts = number(text),
            _ => {}
        }
    }
}

impl Handler for TcxReader {
    fn start(&mut self, element: &BytesStart<'_>) {
        let el = NAMES
            .iter()
            .find(|(name, _)| is_named(element, name))
            .map_or(El::Other, |(_, el)| *el);
        match el {
            El::Activity => {
                let sport = attribute(element, "Sport").unwrap_or_default();
                self.current = Some(Parsed {
                    sport_type: sport_type_from_name(&sport),
                    ..Parsed::default()
                });
            }
            El::Lap => {
                self.lap = Lap::default();
                if let Some(activity) = self.current.as_mut()
                    && activity.start_s.is_none()
                {
                    activity.start_s =
                        attribute(element, "StartTime").and_then(|t| unix_seconds(&t));
                }
            }
            El::Trackpoint => {
                self.point = Some(Sample {
                    time_s: f64::NAN,
                    ..Sample::default()
                });
            }
            _ => self.saw_course |= is_named(element, "Course"),
        }
        self.stack.push(el);
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(El::Trackpoint) => {
                if let (Some(point), Some(activity)) = (self.point.take(), self.current.as_mut())
                    && point.time_s.is_finite()
                {
                    activity.points.push(point);
                }
            }
            Some(El::Lap) => self.finish_lap(),
            Some(El::Activity) => self.activities.extend(self.current.take()),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let (el, parent) = (self.above(0), self.above(1));
        match (parent, el) {
            (El::Activity, El::Id) => {
                // The Id is the activity's start time; it wins over the first lap's start.
                if let (Some(activity), Some(t)) = (self.current.as_mut(), unix_seconds(text)) {
                    activity.start_s = Some(t);
                }
            }
            (El::Lap, El::TotalTimeSeconds) => self.lap.time_s = number(text),
            (El::Lap, El::DistanceMeters) => self.lap.distance_m = number(text),
            (El::AverageHeartRateBpm, El::Value) if self.above(2) == El::Lap => {
                self.lap.avg_hr_bpm = number(text);
            }
            _ => self.point_text(el, parent, text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcx(activities: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><TrainingCenterDatabase xmlns="urn:tcx"><Activities>{activities}</Activities></TrainingCenterDatabase>"#
        )
    }

    #[test]
    fn without_an_id_the_first_lap_start_is_the_start() {
        let xml = tcx(
            r#"<Activity Sport="Running"><Lap StartTime="2026-05-02T07:00:00Z">
            <Track><Trackpoint><Time>2026-05-02T07:00:05Z</Time></Trackpoint></Track>
            </Lap></Activity>"#,
        );
        let [run] = read(xml.as_bytes()).unwrap().try_into().unwrap();
        assert_eq!(run.start_time.to_string(), "2026-05-02T07:00:00Z");
        assert_eq!(run.streams.time_s, vec![5.0]);
    }

    #[test]
    fn trackpoints_without_a_time_are_skipped() {
        let xml = tcx(
            r#"<Activity Sport="Biking"><Id>2026-05-02T07:00:00Z</Id><Lap><Track>
            <Trackpoint><DistanceMeters>5</DistanceMeters></Trackpoint>
            <Trackpoint><Time>2026-05-02T07:00:01Z</Time><DistanceMeters>8</DistanceMeters></Trackpoint>
            </Track></Lap></Activity>"#,
        );
        let [ride] = read(xml.as_bytes()).unwrap().try_into().unwrap();
        assert_eq!(ride.streams.distance_m, vec![Some(8.0)]);
    }

    #[test]
    fn laps_without_trackpoints_give_a_summary_only_activity() {
        let xml = tcx(r#"<Activity Sport="Other"><Id>2026-05-02T07:00:00Z</Id>
            <Lap StartTime="2026-05-02T07:00:00Z"><TotalTimeSeconds>900</TotalTimeSeconds>
            <AverageHeartRateBpm><Value>100</Value></AverageHeartRateBpm></Lap>
            <Lap StartTime="2026-05-02T07:15:00Z"><TotalTimeSeconds>300</TotalTimeSeconds>
            <AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm></Lap></Activity>"#);
        let [workout] = read(xml.as_bytes()).unwrap().try_into().unwrap();
        assert_eq!(workout.sport_type, "Workout");
        assert_eq!(workout.elapsed_s, 1200.0);
        assert_eq!(workout.moving_s, Some(1200.0));
        assert_eq!(workout.avg_hr_bpm, Some(110.0), "weighted by lap time");
        assert!(workout.streams.time_s.is_empty());
    }

    #[test]
    fn activities_without_any_data_are_no_track_points() {
        let xml = tcx(r#"<Activity Sport="Running"><Id>2026-05-02T07:00:00Z</Id></Activity>"#);
        let err = read(xml.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "no track points");
        let err = read(tcx("").as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "no track points");
    }
}
