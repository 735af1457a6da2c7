//! Calendar arithmetic, timestamp formatting and a small table of IANA zones with their
//! daylight-time rules, written out so that the simulated history is identical on every machine
//! (no dependency on the host's zoneinfo).

/// Seconds in a day.
pub(crate) const DAY_S: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub(crate) const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = if month <= 2 {
        yoe + era * 400 + 1
    } else {
        yoe + era * 400
    };
    (year, month, day)
}

/// Monday = 0 … Sunday = 6.
pub(crate) const fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` strictly; `None` for anything else.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = text.get(0..4)?.parse().ok()?;
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds (also used for local wall time, which Strava writes
/// with a `Z` too).
pub(crate) fn format_instant_z(epoch_s: i64) -> String {
    let days = epoch_s.div_euclid(DAY_S);
    let secs = epoch_s.rem_euclid(DAY_S);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        format_date(days),
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` followed by `+0000` or `+00:00`.
pub(crate) fn format_instant_millis(epoch_ms: i64, colon_offset: bool) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    let base = format_instant_z(secs);
    let stem = base.trim_end_matches('Z');
    let offset = if colon_offset { "+00:00" } else { "+0000" };
    format!("{stem}.{millis:03}{offset}")
}

/// A daylight-time rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    None,
    /// United States: second Sunday of March 02:00 to first Sunday of November 02:00 local.
    Us,
    /// European Union: last Sunday of March to last Sunday of October, 01:00 UTC.
    Eu,
    /// South Australia: first Sunday of October 02:00 to first Sunday of April 03:00 local.
    AuSouth,
}

/// An IANA zone with a fixed standard offset and an optional daylight-time rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Zone {
    /// The IANA name.
    pub name: &'static str,
    /// Standard (winter) offset from UTC in seconds.
    pub std_offset_s: i32,
    dst: Dst,
}

/// The zones athletes live in: daylight time on three rules, two half-hour offsets.
pub(crate) const ZONES: [Zone; 10] = [
    Zone {
        name: "America/New_York",
        std_offset_s: -5 * 3600,
        dst: Dst::Us,
    },
    Zone {
        name: "Europe/Berlin",
        std_offset_s: 3600,
        dst: Dst::Eu,
    },
    Zone {
        name: "Australia/Adelaide",
        std_offset_s: 9 * 3600 + 1800,
        dst: Dst::AuSouth,
    },
    Zone {
        name: "America/Los_Angeles",
        std_offset_s: -8 * 3600,
        dst: Dst::Us,
    },
    Zone {
        name: "Europe/London",
        std_offset_s: 0,
        dst: Dst::Eu,
    },
    Zone {
        name: "Asia/Kolkata",
        std_offset_s: 5 * 3600 + 1800,
        dst: Dst::None,
    },
    Zone {
        name: "America/Chicago",
        std_offset_s: -6 * 3600,
        dst: Dst::Us,
    },
    Zone {
        name: "Europe/Madrid",
        std_offset_s: 3600,
        dst: Dst::Eu,
    },
    Zone {
        name: "Asia/Tokyo",
        std_offset_s: 9 * 3600,
        dst: Dst::None,
    },
    Zone {
        name: "America/Sao_Paulo",
        std_offset_s: -3 * 3600,
        dst: Dst::None,
    },
];

/// Day number of the n-th (1-based) Sunday of a month.
fn nth_sunday(year: i64, month: u32, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    first + (6 - weekday(first)) + 7 * (n - 1)
}

/// Day number of the last Sunday of a month.
fn last_sunday(year: i64, month: u32) -> i64 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let last = next - 1;
    last - weekday(last)
}

impl Zone {
    /// The offset from UTC in seconds at an instant.
    pub(crate) fn offset_at(&self, epoch_s: i64) -> i32 {
        let std = i64::from(self.std_offset_s);
        let year = civil_from_days((epoch_s + std).div_euclid(DAY_S)).0;
        let in_dst = match self.dst {
            Dst::None => false,
            Dst::Us => {
                let start = nth_sunday(year, 3, 2) * DAY_S + 2 * 3600 - std;
                let end = nth_sunday(year, 11, 1) * DAY_S + 2 * 3600 - (std + 3600);
                epoch_s >= start && epoch_s < end
            }
            Dst::Eu => {
                let start = last_sunday(year, 3) * DAY_S + 3600;
                let end = last_sunday(year, 10) * DAY_S + 3600;
                epoch_s >= start && epoch_s < end
            }
            Dst::AuSouth => {
                let end = nth_sunday(year, 4, 1) * DAY_S + 3 * 3600 - (std + 3600);
                let start = nth_sunday(year, 10, 1) * DAY_S + 2 * 3600 - std;
                epoch_s < end || epoch_s >= start
            }
        };
        self.std_offset_s + if in_dst { 3600 } else { 0 }
    }

    /// The instant of a local wall-clock time (seconds since the local epoch). Times in a
    /// daylight-time gap or overlap resolve to one of the candidates; the simulator never
    /// schedules starts between 01:00 and 04:00.
    pub(crate) fn local_to_utc(&self, local_s: i64) -> i64 {
        let guess = local_s - i64::from(self.std_offset_s);
        let offset = self.offset_at(guess);
        let candidate = local_s - i64::from(offset);
        local_s - i64::from(self.offset_at(candidate))
    }

    /// Strava's `timezone` text: the standard offset, then the IANA name.
    pub(crate) fn strava_label(&self) -> String {
        let sign = if self.std_offset_s < 0 { '-' } else { '+' };
        let abs = self.std_offset_s.abs();
        format!(
            "(GMT{sign}{:02}:{:02}) {}",
            abs / 3600,
            (abs / 60) % 60,
            self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(2026, 6, 15) * DAY_S + 12 * 3600,
            1_781_524_800
        );
        for d in -1000..40_000 {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(
            weekday(days_from_civil(2026, 6, 15)),
            0,
            "2026-06-15 is a Monday"
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(format_instant_z(1_781_524_800), "2026-06-15T12:00:00Z");
    }

    #[test]
    fn new_york_switches_to_daylight_time_on_the_second_sunday_of_march() {
        let ny = ZONES[0];
        let before = days_from_civil(2026, 3, 8) * DAY_S + 6 * 3600; // 01:00 EST
        let after = days_from_civil(2026, 3, 8) * DAY_S + 8 * 3600; // 04:00 EDT
        assert_eq!(ny.offset_at(before), -5 * 3600);
        assert_eq!(ny.offset_at(after), -4 * 3600);
        assert_eq!(ny.strava_label(), "(GMT-05:00) America/New_York");
    }

    #[test]
    fn adelaide_has_a_half_hour_offset_and_southern_daylight_time() {
        let adl = ZONES[2];
        let january = days_from_civil(2026, 1, 15) * DAY_S;
        let july = days_from_civil(2026, 7, 15) * DAY_S;
        assert_eq!(adl.offset_at(january), 10 * 3600 + 1800);
        assert_eq!(adl.offset_at(july), 9 * 3600 + 1800);
        assert_eq!(adl.strava_label(), "(GMT+09:30) Australia/Adelaide");
    }

    #[test]
    fn berlin_local_times_map_back_to_their_instant() {
        let berlin = ZONES[1];
        let local = days_from_civil(2026, 7, 1) * DAY_S + 7 * 3600;
        let utc = berlin.local_to_utc(local);
        assert_eq!(utc + i64::from(berlin.offset_at(utc)), local);
        assert_eq!(local - utc, 7200);
    }
}
