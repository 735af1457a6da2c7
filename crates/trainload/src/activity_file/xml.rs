//! The streaming XML loop shared by the TCX and GPX readers, and value parsing.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::error::FileErrorKind;
use super::geo::fill_distance_from_positions;
use super::streams::{Sample, max_distance, mean_heartrate, span_s, start_timestamp, to_streams};
use super::{FileActivity, TimerPause};

/// What a TCX activity or GPX track gives before it becomes a [`FileActivity`].
#[derive(Debug, Default)]
pub(super) struct Parsed {
    /// Strava sport type.
    pub sport_type: &'static str,
    /// Declared start (TCX `Id` or first lap start), Unix s.
    pub start_s: Option<f64>,
    /// Sum of lap timer times, s.
    pub timer_s: Option<f64>,
    /// Sum of lap distances, m.
    pub lap_distance_m: Option<f64>,
    /// Lap-time-weighted average of lap heart rates: (Σ hr·t, Σ t).
    pub lap_hr: (f64, f64),
    /// Track points in file order.
    pub points: Vec<Sample>,
}

impl Parsed {
    /// Whether there is anything to report: a timed point or a lap time.
    pub fn has_data(&self) -> bool {
        !self.points.is_empty() || self.timer_s.is_some()
    }

    /// The activity; distance comes from positions when no point has one.
    pub fn into_activity(mut self) -> Result<FileActivity, FileErrorKind> {
        fill_distance_from_positions(&mut self.points);
        let first_point_s = self.points.first().map(|p| p.time_s);
        let start_s = self.start_s.or(first_point_s).unwrap_or(0.0);
        let span = span_s(&self.points, start_s);
        let elapsed_s = if self.points.is_empty() {
            self.timer_s.unwrap_or(0.0)
        } else {
            span
        };
        let (hr_sum, hr_time) = self.lap_hr;
        let lap_avg_hr = (hr_time > 0.0).then(|| hr_sum / hr_time);
        let streams = to_streams(&self.points, start_s);
        Ok(FileActivity {
            sport_type: self.sport_type.to_owned(),
            start_time: start_timestamp(start_s)?,
            utc_offset_s: None,
            elapsed_s,
            moving_s: self.timer_s,
            distance_m: max_distance(&self.points).or(self.lap_distance_m),
            avg_hr_bpm: mean_heartrate(&self.points).or(lap_avg_hr),
            device_watts: !streams.watts.is_empty(),
            trainer: self.sport_type.starts_with("Virtual"),
            pauses: Vec::<TimerPause>::new(),
            streams,
        })
    }
}

/// Receives the elements and texts of a document in order.
pub(super) trait Handler {
    /// An element opens (self-closing elements open and close at once).
    fn start(&mut self, element: &BytesStart<'_>);
    /// The innermost open element closes.
    fn end(&mut self);
    /// Trimmed text inside the innermost open element.
    fn text(&mut self, text: &str);
}

/// Streams `bytes` through `handler`; malformed or truncated XML is an error with its position.
pub(super) fn drive(bytes: &[u8], handler: &mut impl Handler) -> Result<(), FileErrorKind> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| FileErrorKind::MalformedXml {
                position: reader.error_position(),
                reason: e.to_string(),
            })?;
        match event {
            Event::Start(element) => {
                depth += 1;
                handler.start(&element);
            }
            Event::Empty(element) => {
                handler.start(&element);
                handler.end();
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                handler.end();
            }
            Event::Text(text) => text_event(&text.xml10_content(), handler),
            Event::CData(text) => text_event(&text.xml10_content(), handler),
            Event::Eof if depth > 0 => {
                return Err(FileErrorKind::MalformedXml {
                    position: reader.buffer_position(),
                    reason: format!("unexpected end of file with {depth} elements open"),
                });
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn text_event(text: &str, handler: &mut impl Handler) {
    let text = text.trim();
    if !text.is_empty() {
        handler.text(text);
    }
}

/// The local name (without namespace prefix) of an element, compared case-insensitively.
pub(super) fn is_named(element: &BytesStart<'_>, name: &str) -> bool {
    element.local_name().as_ref().eq_ignore_ascii_case(name)
}

/// The unescaped value of an unprefixed attribute.
pub(super) fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let attribute = element.try_get_attribute(name).ok().flatten()?;
    attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

/// A finite number.
pub(super) fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Unix seconds of an ISO 8601 / RFC 3339 time; times without an offset are taken as UTC.
pub(super) fn unix_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let timestamp = text.parse::<jiff::Timestamp>().ok().or_else(|| {
        let civil = text.parse::<jiff::civil::DateTime>().ok()?;
        jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
    })?;
    // Unix seconds are far below 2^53, so the conversion is exact.
    Some(timestamp.as_second() as f64 + f64::from(timestamp.subsec_nanosecond()) * 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIME_TOL_S: f64 = 1e-6;

    #[test]
    fn times_with_and_without_offsets_parse() {
        let utc = unix_seconds("2026-05-02T07:00:00Z").unwrap();
        assert!((unix_seconds("2026-05-02T09:00:00+02:00").unwrap() - utc).abs() < TIME_TOL_S);
        assert!((unix_seconds("2026-05-02T07:00:00").unwrap() - utc).abs() < TIME_TOL_S);
        assert!(
            (unix_seconds("2026-05-02T07:00:00.250Z").unwrap() - utc - 0.25).abs() < TIME_TOL_S
        );
        assert_eq!(unix_seconds("yesterday"), None);
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(number(" 12.5 "), Some(12.5));
        assert_eq!(number("NaN"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number(""), None);
    }
}
