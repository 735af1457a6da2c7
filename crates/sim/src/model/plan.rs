//! One activity's plan: start instant, sensors and a list of segments at relative intensities.
//! Streams and summaries both derive from it, so they agree.

use super::athlete::Athlete;
use super::calendar::{Calendar, Kind, Session, Sport, sessions};
use super::segments::segments_for;
use crate::rng::{tag, unit};
use crate::time::DAY_S;

/// Activity ids start above 2^32 like real Strava ids: `BASE + athlete × 10^8 + day × 10 + slot`.
pub(crate) const ACTIVITY_ID_BASE: i64 = 5_000_000_000;
const PER_ATHLETE: i64 = 100_000_000;

/// How a segment's seconds are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegKind {
    /// Moving, recorded.
    Moving,
    /// Standing still while recording (`moving = false`).
    Stopped,
    /// Auto-pause: no samples, `time` jumps.
    Jump,
}

/// A stretch at constant target intensity (fraction of CP, CS or threshold swim speed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub dur_s: u32,
    pub kind: SegKind,
    pub intensity: f64,
}

/// Which streams and summary fields exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sensors {
    pub watts: bool,
    pub heartrate: bool,
    pub speed: bool,
    pub gps: bool,
    pub cadence: bool,
}

/// Everything needed to produce one activity.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub id: i64,
    pub athlete: usize,
    pub day: i64,
    pub slot: u8,
    pub sport: Sport,
    pub kind: Kind,
    pub start_s: i64,
    pub utc_offset_s: i32,
    pub segments: Vec<Segment>,
    pub sensors: Sensors,
    /// `Some(false)`: Strava's estimate, no power meter; `None`: no power at all.
    pub device_watts: Option<bool>,
    pub trainer: bool,
    pub manual: bool,
    pub private: bool,
    /// Records every 1–3 s instead of every second.
    pub smart_recording: bool,
    pub upload_delay_s: i64,
    /// Moving-second index of a single 2,000 W spike.
    pub spike_at: Option<u32>,
    /// Moving-second range with a heart-rate dropout (zeros).
    pub dropout: Option<(u32, u32)>,
    /// The athlete's threshold for this sport: CP (W) for rides, CS (m/s) for runs, swim speed.
    pub threshold: f64,
}

impl Plan {
    pub(crate) fn elapsed_s(&self) -> i64 {
        self.segments.iter().map(|s| i64::from(s.dur_s)).sum()
    }

    pub(crate) fn moving_s(&self) -> i64 {
        self.segments
            .iter()
            .filter(|s| s.kind == SegKind::Moving)
            .map(|s| i64::from(s.dur_s))
            .sum()
    }

    /// The instant the activity becomes visible in the API.
    pub(crate) fn visible_at_s(&self) -> i64 {
        self.start_s + self.elapsed_s() + self.upload_delay_s
    }
}

/// Decodes an activity id into (athlete, day, slot).
pub(crate) fn decode_id(id: i64) -> Option<(usize, i64, u8)> {
    let rest = id.checked_sub(ACTIVITY_ID_BASE)?;
    if rest < 0 {
        return None;
    }
    let athlete = usize::try_from(rest / PER_ATHLETE).ok()?;
    let within = rest % PER_ATHLETE;
    Some((athlete, within / 10, (within % 10) as u8))
}

/// The id of an athlete's activity.
pub(crate) fn encode_id(athlete: usize, day: i64, slot: u8) -> i64 {
    ACTIVITY_ID_BASE + athlete as i64 * PER_ATHLETE + day * 10 + i64::from(slot)
}

/// All plans of one local day.
pub(crate) fn plans_for_day(cal: &Calendar, athlete: &Athlete, day: i64) -> Vec<Plan> {
    sessions(cal, athlete, day)
        .into_iter()
        .map(|s| build(cal, athlete, day, &s, None))
        .collect()
}

/// The plan of one activity id, if the generator produced it.
pub(crate) fn plan_for_id(cal: &Calendar, athlete: &Athlete, day: i64, slot: u8) -> Option<Plan> {
    sessions(cal, athlete, day)
        .into_iter()
        .find(|s| s.slot == slot)
        .map(|s| build(cal, athlete, day, &s, None))
}

/// Builds a plan; `start_override` places it at a given instant (activities created on demand).
pub(crate) fn build(
    cal: &Calendar,
    athlete: &Athlete,
    day: i64,
    session: &Session,
    start_override: Option<i64>,
) -> Plan {
    let key = [
        cal.seed,
        athlete.index as u64,
        day as u64,
        u64::from(session.slot),
    ];
    let draw = |purpose: &str| unit(&[key[0], key[1], key[2], key[3], tag(purpose)]);
    let start_s =
        start_override.unwrap_or_else(|| start_instant(athlete, day, session.slot, draw("start")));
    let sport = session.sport;
    let threshold = threshold_for(athlete, sport);
    let segments = segments_for(session, athlete, sport, threshold, &key);
    let sensors = sensors_for(athlete, sport, session, draw("indoor"), draw("swimhr"));
    let manual = matches!(session.kind, Kind::Easy) && draw("manual") < 0.04;
    let moving = segments
        .iter()
        .filter(|s| s.kind == SegKind::Moving)
        .map(|s| s.dur_s)
        .sum::<u32>();
    let steady = !matches!(session.kind, Kind::Efforts(_) | Kind::Circuit);
    let mut plan = Plan {
        id: encode_id(athlete.index, day, session.slot),
        athlete: athlete.index,
        day,
        slot: session.slot,
        sport,
        kind: session.kind.clone(),
        start_s,
        utc_offset_s: athlete.zone.offset_at(start_s),
        segments,
        sensors,
        device_watts: None,
        trainer: sensors.watts && !sensors.gps && sport == Sport::Ride,
        manual,
        private: draw("private") < 0.03,
        smart_recording: draw("smart") < 0.1,
        upload_delay_s: upload_delay(draw("delay"), draw("delay-len")),
        spike_at: (sensors.watts && steady && draw("spike") < 0.2)
            .then(|| (draw("spike-at") * f64::from(moving)) as u32),
        dropout: (sensors.heartrate && draw("dropout") < 0.25 && moving > 600).then(|| {
            (
                (draw("dropout-at") * f64::from(moving - 100)) as u32,
                20 + (draw("dropout-len") * 40.0) as u32,
            )
        }),
        threshold,
    };
    if sport.is_ride() {
        plan.device_watts = Some(sensors.watts);
    }
    if manual {
        plan.sensors = Sensors {
            watts: false,
            heartrate: false,
            speed: false,
            gps: false,
            cadence: false,
        };
        plan.device_watts = None;
        plan.spike_at = None;
        plan.dropout = None;
    }
    plan
}

fn start_instant(athlete: &Athlete, day: i64, slot: u8, draw: f64) -> i64 {
    let weekend = crate::time::weekday(day) >= 5;
    let base_min = match (slot, weekend) {
        (1, _) => 12 * 60 + 15,
        (_, true) => athlete.weekend_start_min,
        (_, false) => athlete.weekday_start_min,
    };
    let local = day * DAY_S + (base_min * 60) + ((draw - 0.5) * 1800.0) as i64;
    athlete.zone.local_to_utc(local)
}

/// Minutes after the end usually; ~3 % of activities hours or days late, ~1 % beyond 30 days.
fn upload_delay(kind: f64, len: f64) -> i64 {
    if kind < 0.01 {
        (30.0 * DAY_S as f64 + len * 14.0 * DAY_S as f64) as i64
    } else if kind < 0.04 {
        (3600.0 + len * 3.0 * DAY_S as f64) as i64
    } else {
        (120.0 + len * 1500.0) as i64
    }
}

fn threshold_for(athlete: &Athlete, sport: Sport) -> f64 {
    if sport.is_ride() {
        athlete.cp_w
    } else if sport.is_run() {
        athlete.cs_mps
    } else if sport == Sport::Swim {
        athlete.truth.swim_speed_mps
    } else {
        1.0
    }
}

fn sensors_for(
    athlete: &Athlete,
    sport: Sport,
    session: &Session,
    indoor: f64,
    swim_hr: f64,
) -> Sensors {
    let power = sport.is_ride() && athlete.profile.has_power_meter();
    let indoor_ride =
        sport == Sport::Ride && power && matches!(session.kind, Kind::Efforts(_)) && indoor < 0.5;
    match sport {
        Sport::Ride | Sport::GravelRide => Sensors {
            watts: power,
            heartrate: true,
            speed: !indoor_ride,
            gps: !indoor_ride,
            cadence: power,
        },
        Sport::VirtualRide => Sensors {
            watts: power,
            heartrate: true,
            speed: true,
            gps: false,
            cadence: power,
        },
        Sport::Run | Sport::TrailRun => Sensors {
            watts: false,
            heartrate: true,
            speed: true,
            gps: true,
            cadence: true,
        },
        Sport::Walk | Sport::Hike => Sensors {
            watts: false,
            heartrate: true,
            speed: true,
            gps: true,
            cadence: false,
        },
        Sport::Swim => Sensors {
            watts: false,
            heartrate: swim_hr < 0.5,
            speed: true,
            gps: false,
            cadence: false,
        },
        Sport::Workout | Sport::Future => Sensors {
            watts: false,
            heartrate: true,
            speed: false,
            gps: false,
            cadence: false,
        },
    }
}
