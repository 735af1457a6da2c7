//! GPX: every `trk` is one activity; its `trkpt`s in all `trkseg`s are the samples. Heart rate,
//! power and speed come from `extensions` under any prefix (`gpxtpx:hr`, `power`,
//! `gpxpx:PowerInWatts`, …); distance is computed from positions.

use quick_xml::events::BytesStart;

use super::FileActivity;
use super::error::FileErrorKind;
use super::sport::{UNKNOWN_SPORT_TYPE, sport_type_from_name};
use super::streams::Sample;
use super::xml::{Handler, Parsed, attribute, drive, is_named, number, unix_seconds};

/// Reads a GPX document into activities.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<FileActivity>, FileErrorKind> {
    let mut reader = GpxReader::default();
    drive(bytes, &mut reader)?;
    let tracks: Vec<Parsed> = reader.tracks.into_iter().filter(Parsed::has_data).collect();
    if tracks.is_empty() {
        return Err(FileErrorKind::NoTrackPoints);
    }
    tracks.into_iter().map(Parsed::into_activity).collect()
}

/// The GPX elements the reader cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    Trk,
    Type,
    Trkpt,
    Ele,
    Time,
    Extensions,
    HeartRate,
    Power,
    Speed,
    Other,
}

fn classify(element: &BytesStart<'_>) -> El {
    let named = |names: &[&str]| names.iter().any(|n| is_named(element, n));
    if named(&["trk"]) {
        El::Trk
    } else if named(&["type"]) {
        El::Type
    } else if named(&["trkpt"]) {
        El::Trkpt
    } else if named(&["ele"]) {
        El::Ele
    } else if named(&["time"]) {
        El::Time
    } else if named(&["extensions"]) {
        El::Extensions
    } else if named(&["hr", "heartrate"]) {
        El::HeartRate
    } else if named(&["power", "PowerInWatts", "watts"]) {
        El::Power
    } else if named(&["speed"]) {
        El::Speed
    } else {
        El::Other
    }
}

#[derive(Debug, Default)]
struct GpxReader {
    stack: Vec<El>,
    tracks: Vec<Parsed>,
    current: Option<Parsed>,
    point: Option<Sample>,
}

impl GpxReader {
    fn inside(&self, el: El) -> bool {
        self.stack.contains(&el)
    }
}

impl Handler for GpxReader {
    fn start(&mut self, element: &BytesStart<'_>) {
        let el = classify(element);
        match el {
            El::Trk => {
                self.current = Some(Parsed {
                    sport_type: UNKNOWN_SPORT_TYPE,
                    ..Parsed::default()
                });
            }
            El::Trkpt => {
                let coordinate = |name| attribute(element, name).and_then(|v| number(&v));
                self.point = Some(Sample {
                    time_s: f64::NAN,
                    lat_deg: coordinate("lat"),
                    lon_deg: coordinate("lon"),
                    ..Sample::default()
                });
            }
            _ => {}
        }
        self.stack.push(el);
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(El::Trkpt) => {
                if let (Some(point), Some(track)) = (self.point.take(), self.current.as_mut())
                    && point.time_s.is_finite()
                {
                    track.points.push(point);
                }
            }
            Some(El::Trk) => self.tracks.extend(self.current.take()),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let el = self.stack.last().copied().unwrap_or(El::Other);
        let parent = self.stack.iter().rev().nth(1).copied().unwrap_or(El::Other);
        if el == El::Type && parent == El::Trk {
            if let Some(track) = self.current.as_mut() {
                track.sport_type = sport_type_from_name(text);
            }
            return;
        }
        let in_extensions = self.inside(El::Extensions);
        let Some(point) = self.point.as_mut() else {
            return;
        };
        match el {
            El::Time if parent == El::Trkpt => {
                point.time_s = unix_seconds(text).unwrap_or(f64::NAN)
            }
            El::Ele if parent == El::Trkpt => point.altitude_m = number(text),
            El::HeartRate if in_extensions => point.heartrate_bpm = number(text),
            El::Power if in_extensions => point.watts = number(text),
            El::Speed if in_extensions => point.velocity_mps = number(text),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpx(body: &str) -> String {
        format!(r#"<?xml version="1.0"?><gpx version="1.1" xmlns="urn:gpx">{body}</gpx>"#)
    }

    #[test]
    fn extension_names_match_under_any_prefix_and_case() {
        let xml = gpx(
            r#"<trk><trkseg><trkpt lat="1" lon="2"><time>2026-05-02T07:00:00</time>
            <extensions><ns3:TrackPointExtension xmlns:ns3="urn:x"><ns3:HeartRate>151</ns3:HeartRate>
            <ns3:speed>3.2</ns3:speed></ns3:TrackPointExtension>
            <pwr:PowerInWatts xmlns:pwr="urn:p">301</pwr:PowerInWatts></extensions>
            </trkpt></trkseg></trk>"#,
        );
        let [activity] = read(xml.as_bytes()).unwrap().try_into().unwrap();
        assert_eq!(activity.start_time.to_string(), "2026-05-02T07:00:00Z");
        assert_eq!(activity.sport_type, "Workout", "no <type>");
        assert_eq!(activity.streams.heartrate_bpm, vec![Some(151.0)]);
        assert_eq!(activity.streams.velocity_mps, vec![Some(3.2)]);
        assert_eq!(activity.streams.watts, vec![Some(301.0)]);
        assert_eq!(activity.streams.distance_m, vec![Some(0.0)]);
    }

    #[test]
    fn points_without_positions_have_no_distance() {
        let xml = gpx(r#"<trk><type>cycling</type><trkseg>
            <trkpt><time>2026-05-02T07:00:00Z</time></trkpt>
            <trkpt><time>2026-05-02T07:00:01Z</time></trkpt></trkseg></trk>"#);
        let [ride] = read(xml.as_bytes()).unwrap().try_into().unwrap();
        assert_eq!(ride.sport_type, "Ride");
        assert!(ride.streams.distance_m.is_empty());
        assert_eq!(ride.distance_m, None);
    }

    #[test]
    fn tracks_without_timed_points_are_an_error() {
        let xml = gpx(r#"<trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk>"#);
        assert_eq!(
            read(xml.as_bytes()).unwrap_err().to_string(),
            "no track points"
        );
    }

    #[test]
    fn unclosed_documents_are_malformed() {
        let err = read(br#"<gpx><trk><trkseg>"#).unwrap_err();
        assert!(matches!(err, FileErrorKind::MalformedXml { .. }), "{err}");
    }
}
