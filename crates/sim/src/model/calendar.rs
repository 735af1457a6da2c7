//! What an athlete does on a local day: weekly templates per profile, 3-week build / 1-week
//! recovery blocks, illness about once in ten weeks, ~5 % skipped workouts and a rotation of
//! maximal efforts (3–20 min) so that every 90 days hold several of each duration the CP and CS
//! fits use.

use super::athlete::{Athlete, Profile};
use crate::rng::{hash, range, tag, unit};
use crate::time::weekday;

/// Durations (s) of the maximal efforts, the grid points of the CP/CS fits.
pub(crate) const EFFORT_DURATIONS_S: [u32; 9] = [180, 240, 300, 360, 480, 600, 720, 900, 1200];

/// A sport as the simulator plans it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sport {
    Ride,
    VirtualRide,
    GravelRide,
    Run,
    TrailRun,
    Swim,
    Workout,
    Walk,
    Hike,
    /// A `sport_type` Strava has not published (yet).
    Future,
}

impl Sport {
    /// Strava `sport_type`.
    pub(crate) fn sport_type(self) -> &'static str {
        match self {
            Self::Ride => "Ride",
            Self::VirtualRide => "VirtualRide",
            Self::GravelRide => "GravelRide",
            Self::Run => "Run",
            Self::TrailRun => "TrailRun",
            Self::Swim => "Swim",
            Self::Workout => "Workout",
            Self::Walk => "Walk",
            Self::Hike => "Hike",
            Self::Future => "FutureSport",
        }
    }

    /// Strava's deprecated `type`.
    pub(crate) fn legacy_type(self) -> &'static str {
        match self {
            Self::GravelRide => "Ride",
            Self::TrailRun => "Run",
            Self::Future => "Workout",
            other => other.sport_type(),
        }
    }

    pub(crate) fn is_ride(self) -> bool {
        matches!(self, Self::Ride | Self::VirtualRide | Self::GravelRide)
    }

    pub(crate) fn is_run(self) -> bool {
        matches!(self, Self::Run | Self::TrailRun)
    }
}

/// The shape of one session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// Easy aerobic work.
    Easy,
    /// Steady endurance.
    Endurance,
    /// The long session of the week (rides get a café stop).
    Long,
    /// Maximal efforts of these durations, with recoveries; the first is all-out.
    Efforts(Vec<u32>),
    /// Pool swim: 100 m repeats with wall rests.
    PoolSwim,
    /// Gym circuit with hard blocks (HR only).
    Circuit,
}

/// One planned session of a day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Session {
    pub sport: Sport,
    pub kind: Kind,
    pub minutes: u32,
    /// 0 for the main session, 1 for the second of a double day.
    pub slot: u8,
}

/// Context shared by every day of every athlete.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Calendar {
    pub seed: u64,
    /// The UTC day of the clock's start; illness is kept out of the 28 days before it so that
    /// resting HR measured at the start reflects the truth.
    pub origin_day: i64,
    /// Share of easy sessions recorded as `FutureSport`.
    pub unknown_share: f64,
}

/// Whether a day lies in an illness episode: `Some(severity in 0..1)`.
pub(crate) fn illness(cal: &Calendar, athlete: &Athlete, day: i64) -> Option<f64> {
    let period = day.div_euclid(70);
    let i = athlete.index as u64;
    let key = [cal.seed, i, period as u64, tag("ill")];
    let start = period * 70 + (hash(&key) % 63) as i64;
    let len = 3 + (hash(&[cal.seed, i, period as u64, tag("ill-len")]) % 5) as i64;
    let end = start + len;
    let quiet = end > cal.origin_day - 28 && start <= cal.origin_day;
    (day >= start && day < end && !quiet)
        .then(|| range(&[cal.seed, i, period as u64, tag("ill-sev")], 0.4, 1.0))
}

/// The 4-week block position: 0–2 build, 3 recovery.
fn block_week(athlete: &Athlete, day: i64) -> i64 {
    let week = (day + 3).div_euclid(7);
    (week + athlete.block_phase).rem_euclid(4)
}

/// Effort durations for session `k` (0–2) of the week containing `day`: three build weeks in a
/// row cover all nine durations.
fn efforts(athlete: &Athlete, day: i64, picks: &[u64]) -> Kind {
    let week = (day + 3).div_euclid(7) + athlete.block_phase;
    let base = 3 * week.rem_euclid(3) as u64;
    Kind::Efforts(
        picks
            .iter()
            .map(|k| EFFORT_DURATIONS_S[((base + k) % 9) as usize])
            .collect(),
    )
}

/// The sessions of one local day, before skips and illness.
fn template(cal: &Calendar, athlete: &Athlete, day: i64) -> Vec<Session> {
    let recovery = block_week(athlete, day) == 3;
    let scale = |m: f64| -> u32 { (m * if recovery { 0.65 } else { 1.0 }) as u32 };
    let i = athlete.index as u64;
    let jitter = |lo: f64, hi: f64| range(&[cal.seed, i, day as u64, tag("mins")], lo, hi);
    let wd = weekday(day);
    let s = |sport, kind, minutes| Session {
        sport,
        kind,
        minutes,
        slot: 0,
    };
    let hard = |picks: &[u64], sport| {
        if recovery {
            s(sport, Kind::Endurance, scale(60.0))
        } else {
            s(sport, efforts(athlete, day, picks), 0)
        }
    };
    match athlete.profile {
        Profile::Cyclist | Profile::NoWellness => match wd {
            1 => vec![hard(&[0], Sport::Ride)],
            2 | 6 => vec![s(Sport::Ride, Kind::Endurance, scale(jitter(60.0, 100.0)))],
            3 => vec![hard(&[1, 2], Sport::Ride)],
            4 if unit(&[cal.seed, i, day as u64, tag("fri")]) < 0.5 => {
                vec![s(Sport::Ride, Kind::Easy, scale(45.0))]
            }
            5 => vec![s(Sport::Ride, Kind::Long, scale(jitter(150.0, 240.0)))],
            _ => vec![],
        },
        Profile::Runner | Profile::NoIntervals => match wd {
            1 => vec![hard(&[0], Sport::Run)],
            2 | 6 => vec![s(Sport::Run, Kind::Easy, scale(jitter(35.0, 55.0)))],
            3 => vec![hard(&[1, 2], Sport::Run)],
            5 => vec![s(Sport::Run, Kind::Long, scale(jitter(75.0, 110.0)))],
            _ => vec![],
        },
        Profile::Triathlete => match wd {
            0 | 4 => vec![s(Sport::Swim, Kind::PoolSwim, scale(jitter(40.0, 60.0)))],
            1 => vec![hard(&[0, 1, 2], Sport::Ride)],
            2 => vec![
                s(Sport::Run, Kind::Easy, scale(40.0)),
                Session {
                    slot: 1,
                    ..s(Sport::Swim, Kind::PoolSwim, scale(45.0))
                },
            ],
            3 => vec![hard(&[0, 1, 2], Sport::Run)],
            5 => vec![s(Sport::Ride, Kind::Long, scale(jitter(150.0, 210.0)))],
            6 => vec![s(Sport::Run, Kind::Long, scale(jitter(70.0, 95.0)))],
            _ => vec![],
        },
        Profile::HrOnly => match wd {
            1 | 4 => vec![s(Sport::Workout, Kind::Circuit, scale(jitter(40.0, 60.0)))],
            2 => vec![s(Sport::Ride, Kind::Endurance, scale(jitter(60.0, 90.0)))],
            3 => vec![s(Sport::Walk, Kind::Easy, scale(45.0))],
            5 if recovery => vec![s(Sport::Ride, Kind::Long, scale(150.0))],
            5 => vec![s(Sport::Ride, Kind::Efforts(vec![1200]), 0)],
            6 => vec![s(Sport::Hike, Kind::Long, scale(jitter(90.0, 150.0)))],
            _ => vec![],
        },
    }
}

/// The sessions of one local day after illness and skips; easy sessions sometimes change sport.
pub(crate) fn sessions(cal: &Calendar, athlete: &Athlete, day: i64) -> Vec<Session> {
    let i = athlete.index as u64;
    if let Some(severity) = illness(cal, athlete, day) {
        let sport = if athlete.profile.rides() {
            Sport::Ride
        } else {
            Sport::Walk
        };
        return if severity < 0.6 && unit(&[cal.seed, i, day as u64, tag("sick-easy")]) < 0.5 {
            vec![Session {
                sport,
                kind: Kind::Easy,
                minutes: 30,
                slot: 0,
            }]
        } else {
            vec![]
        };
    }
    let mut out = template(cal, athlete, day);
    out.retain(|session| {
        unit(&[
            cal.seed,
            i,
            day as u64,
            u64::from(session.slot),
            tag("skip"),
        ]) >= 0.05
    });
    for session in &mut out {
        let u = unit(&[
            cal.seed,
            i,
            day as u64,
            u64::from(session.slot),
            tag("variant"),
        ]);
        match (&session.kind, session.sport) {
            (Kind::Easy, _) if u < cal.unknown_share => session.sport = Sport::Future,
            (Kind::Endurance, Sport::Ride) if u < 0.15 => session.sport = Sport::GravelRide,
            (Kind::Long, Sport::Run) if u < 0.2 => session.sport = Sport::TrailRun,
            (Kind::Efforts(_), Sport::Ride) if u < 0.4 => session.sport = Sport::VirtualRide,
            _ => {}
        }
    }
    out
}

/// Whether the day holds maximal efforts (next-morning HRV and resting HR notice).
pub(crate) fn was_hard(cal: &Calendar, athlete: &Athlete, day: i64) -> bool {
    sessions(cal, athlete, day)
        .iter()
        .any(|s| matches!(s.kind, Kind::Efforts(_) | Kind::Long))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_build_weeks_cover_every_effort_duration() {
        let athlete = Athlete::generate(1, 0);
        let cal = Calendar {
            seed: 1,
            origin_day: 20_000,
            unknown_share: 0.03,
        };
        let mut seen = std::collections::BTreeSet::new();
        for day in 20_000..20_028 {
            if block_week(&athlete, day) == 3 {
                continue;
            }
            for session in template(&cal, &athlete, day) {
                if let Kind::Efforts(list) = session.kind {
                    seen.extend(list);
                }
            }
        }
        if athlete.profile != Profile::HrOnly {
            assert_eq!(seen.len(), 9, "{:?} {:?}", athlete.profile, seen);
        }
    }
}
