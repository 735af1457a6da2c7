//! Display units: the athlete chooses metric or imperial, and every page formats
//! distance (km/mi), speed and pace (min/km or min/mi) and elevation (m/ft) through here.
//! Stored values stay SI; only the text shown changes.

use serde::Serialize;

/// Metres in a statute mile.
const METRES_PER_MILE: f64 = 1609.344;
/// Metres in a foot.
const METRES_PER_FOOT: f64 = 0.3048;

/// The athlete's display units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    /// Kilometres, metres, min/km.
    #[default]
    Metric,
    /// Miles, feet, min/mi.
    Imperial,
}

impl Units {
    /// The stored and submitted name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Metric => "metric",
            Self::Imperial => "imperial",
        }
    }

    /// The units named `text` (`metric` or `imperial`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "metric" => Some(Self::Metric),
            "imperial" => Some(Self::Imperial),
            _ => None,
        }
    }

    /// Metres in one display distance unit.
    fn metres_per_distance(self) -> f64 {
        match self {
            Self::Metric => 1000.0,
            Self::Imperial => METRES_PER_MILE,
        }
    }

    /// `km` or `mi`.
    pub const fn distance_unit(self) -> &'static str {
        match self {
            Self::Metric => "km",
            Self::Imperial => "mi",
        }
    }

    /// `m` or `ft`.
    pub const fn elevation_unit(self) -> &'static str {
        match self {
            Self::Metric => "m",
            Self::Imperial => "ft",
        }
    }

    /// `km/h` or `mph`.
    pub const fn speed_unit(self) -> &'static str {
        match self {
            Self::Metric => "km/h",
            Self::Imperial => "mph",
        }
    }

    /// `metres` in km or mi, as a number (for charts).
    pub fn distance_value(self, metres: f64) -> f64 {
        metres / self.metres_per_distance()
    }

    /// `metres` in m or ft, as a number (for charts).
    pub fn elevation_value(self, metres: f64) -> f64 {
        match self {
            Self::Metric => metres,
            Self::Imperial => metres / METRES_PER_FOOT,
        }
    }

    /// `mps` in km/h or mph, as a number (for charts).
    pub fn speed_value(self, mps: f64) -> f64 {
        mps * 3600.0 / self.metres_per_distance()
    }

    /// Seconds per km or mi at `mps`, as a number (for charts); `None` when not moving.
    pub fn pace_value(self, mps: f64) -> Option<f64> {
        (mps > 0.0 && mps.is_finite()).then(|| self.metres_per_distance() / mps)
    }

    /// The speed, m/s, of a pace in seconds per km (metric) or per mile (imperial); `None` for a
    /// pace that is not positive.
    pub fn speed_from_pace(self, seconds_per_unit: f64) -> Option<f64> {
        (seconds_per_unit > 0.0 && seconds_per_unit.is_finite())
            .then(|| self.metres_per_distance() / seconds_per_unit)
    }

    /// `12.3 km` / `7.6 mi`, or a dash.
    pub fn distance(self, metres: Option<f64>) -> String {
        match metres {
            Some(m) if m.is_finite() => {
                format!("{:.1} {}", self.distance_value(m), self.distance_unit())
            }
            _ => "–".to_owned(),
        }
    }

    /// `120 m` / `394 ft`, or a dash.
    pub fn elevation(self, metres: Option<f64>) -> String {
        match metres {
            Some(m) if m.is_finite() => {
                format!("{:.0} {}", self.elevation_value(m), self.elevation_unit())
            }
            _ => "–".to_owned(),
        }
    }

    /// `32.4 km/h` / `20.1 mph`, or a dash.
    pub fn speed(self, mps: Option<f64>) -> String {
        match mps {
            Some(v) if v.is_finite() => {
                format!("{:.1} {}", self.speed_value(v), self.speed_unit())
            }
            _ => "–".to_owned(),
        }
    }

    /// `4:30/km` / `7:14/mi`, or a dash when not moving.
    pub fn pace(self, mps: f64) -> String {
        self.pace_value(mps).map_or_else(
            || "–".to_owned(),
            |s| {
                let total = s.round() as i64;
                format!("{}:{:02}/{}", total / 60, total % 60, self.distance_unit())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_and_imperial_format_the_same_quantities() {
        assert_eq!(Units::Metric.distance(Some(10_000.0)), "10.0 km");
        assert_eq!(Units::Imperial.distance(Some(1609.344 * 6.2)), "6.2 mi");
        assert_eq!(Units::Metric.elevation(Some(100.0)), "100 m");
        assert_eq!(Units::Imperial.elevation(Some(100.0)), "328 ft");
        assert_eq!(Units::Metric.pace(1000.0 / 270.0), "4:30/km");
        assert_eq!(Units::Imperial.pace(1609.344 / 434.0), "7:14/mi");
        assert_eq!(Units::Metric.speed(Some(10.0)), "36.0 km/h");
        assert_eq!(
            Units::Imperial.speed(Some(1609.344 / 3600.0 * 20.0)),
            "20.0 mph"
        );
        assert_eq!(Units::Metric.pace(0.0), "–");
        assert_eq!(Units::Metric.distance(None), "–");
    }

    #[test]
    fn names_round_trip() {
        for units in [Units::Metric, Units::Imperial] {
            assert_eq!(Units::parse(units.as_str()), Some(units));
        }
        assert_eq!(Units::parse("furlongs"), None);
    }
}
