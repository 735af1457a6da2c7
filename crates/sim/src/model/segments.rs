//! The segments of a session: warm-up, the main set (steady work with stops, café stops on long
//! rides, maximal efforts that follow the athlete's CP/W′ or CS/D′, pool repeats, circuits) and a
//! cool-down.

use super::athlete::{Athlete, Profile};
use super::calendar::{Kind, Session, Sport};
use super::plan::{SegKind, Segment};
use crate::rng::{hash, range, tag};

/// The maximal intensity (fraction of threshold) for an all-out effort of `dur_s`.
fn maximal(athlete: &Athlete, sport: Sport, dur_s: u32) -> f64 {
    let t = f64::from(dur_s);
    if sport.is_run() {
        1.0 + athlete.d_prime_m / (t * athlete.cs_mps)
    } else {
        1.0 + athlete.w_prime_j / (t * athlete.cp_w)
    }
}

pub(crate) fn segments_for(
    session: &Session,
    athlete: &Athlete,
    sport: Sport,
    _threshold: f64,
    key: &[u64; 4],
) -> Vec<Segment> {
    let mv = |dur_s: u32, intensity: f64| Segment {
        dur_s,
        kind: SegKind::Moving,
        intensity,
    };
    let noise = |purpose: &str, lo: f64, hi: f64| {
        range(&[key[0], key[1], key[2], key[3], tag(purpose)], lo, hi)
    };
    let easy = if sport.is_run() { 0.72 } else { 0.6 };
    let mut out = vec![mv(300, easy - 0.1), mv(300, easy), mv(300, easy + 0.05)];
    let minutes = session.minutes.max(20);
    match &session.kind {
        Kind::Easy => out.push(mv(minutes * 60 - 900, noise("i", easy - 0.02, easy + 0.05))),
        Kind::Endurance => steady_with_stops(
            &mut out,
            minutes * 60 - 900,
            noise("i", easy + 0.03, easy + 0.12),
            sport,
            key,
        ),
        Kind::Long => {
            let half = (minutes * 60 - 900) / 2;
            steady_with_stops(&mut out, half, easy + 0.05, sport, key);
            if sport.is_ride() {
                out.push(Segment {
                    dur_s: noise("cafe", 600.0, 1500.0) as u32,
                    kind: SegKind::Jump,
                    intensity: 0.0,
                });
            }
            steady_with_stops(&mut out, half, easy + 0.06, sport, key);
        }
        Kind::Efforts(list) => efforts(&mut out, list, athlete, sport),
        Kind::PoolSwim => {
            out.clear();
            let reps = (minutes * 60 / 110).max(6);
            for _ in 0..reps {
                out.push(mv(90, noise("swim", 0.88, 0.95)));
                out.push(Segment {
                    dur_s: 20,
                    kind: SegKind::Jump,
                    intensity: 0.0,
                });
            }
            out.pop();
            return out;
        }
        Kind::Circuit => {
            for _ in 0..(minutes / 8).max(3) {
                out.push(mv(240, 1.15));
                out.push(mv(240, 0.55));
            }
        }
    }
    out.push(mv(600, easy - 0.1));
    if matches!(sport, Sport::Walk | Sport::Hike) {
        out.iter_mut()
            .for_each(|s| s.intensity = s.intensity.min(0.6) * 0.8);
    }
    out
}

fn efforts(out: &mut Vec<Segment>, list: &[u32], athlete: &Athlete, sport: Sport) {
    let mv = |dur_s: u32, intensity: f64| Segment {
        dur_s,
        kind: SegKind::Moving,
        intensity,
    };
    out.push(mv(300, 0.75));
    for (n, &dur) in list.iter().enumerate() {
        let top = maximal(athlete, sport, dur);
        if athlete.profile == Profile::HrOnly {
            out.push(mv(dur, 1.0 / 0.95));
        } else if list.len() == 1 {
            let reps = (2400 / dur).clamp(1, 5);
            for rep in 0..reps {
                out.push(mv(dur, if rep == 0 { top } else { top * 0.96 }));
                out.push(mv(dur.min(300), 0.5));
            }
            out.pop();
        } else {
            out.push(mv(dur, top));
        }
        if n + 1 < list.len() {
            out.push(mv(600, 0.55));
        }
    }
}

/// A steady stretch split by 0–2 short stops (traffic lights: recorded, `moving = false`).
fn steady_with_stops(
    out: &mut Vec<Segment>,
    dur_s: u32,
    intensity: f64,
    sport: Sport,
    key: &[u64; 4],
) {
    let outdoor = sport.is_ride() || sport.is_run();
    let stops = if outdoor {
        hash(&[
            key[0],
            key[1],
            key[2],
            key[3],
            tag("stops"),
            u64::from(dur_s),
        ]) % 3
    } else {
        0
    } as u32;
    let piece = dur_s / (stops + 1);
    for n in 0..=stops {
        out.push(Segment {
            dur_s: piece,
            kind: SegKind::Moving,
            intensity,
        });
        if n < stops {
            out.push(Segment {
                dur_s: 30 + (hash(&[key[1], key[2], u64::from(n), tag("stop")]) % 60) as u32,
                kind: SegKind::Stopped,
                intensity: 0.0,
            });
        }
    }
}
