//! From the messages of a FIT file to activities: one per session (multisport files give
//! several), records split by session start, timer pauses applied.

use super::fit::{FitContent, Session, TimerEvent};
use super::sport::{UNKNOWN_SPORT_TYPE, fit_sport_type};
use super::streams::{Sample, max_distance, mean_heartrate, span_s, start_timestamp, to_streams};
use super::{FileActivity, FileErrorKind, TimerPause};

/// FIT sub-sports recorded indoors.
const INDOOR_SUB_SPORTS: [&str; 8] = [
    "indoor_cycling",
    "virtual_activity",
    "treadmill",
    "indoor_running",
    "indoor_rowing",
    "spin",
    "indoor_walking",
    "indoor_hand_cycling",
];

/// A stretch with the timer stopped, in Unix s; `end_s` is infinite if it never restarted.
#[derive(Debug, Clone, Copy)]
struct Pause {
    start_s: f64,
    end_s: f64,
}

/// Builds the activities of a decoded FIT file.
pub(super) fn activities(content: FitContent) -> Result<Vec<FileActivity>, FileErrorKind> {
    if let Some(file_type) = &content.file_type
        && file_type != "activity"
    {
        return Err(FileErrorKind::NotActivity(file_type.clone()));
    }
    let pauses = pauses(&content.timer);
    let mut records = content.records;
    if !records.is_sorted_by(|a, b| a.time_s <= b.time_s) {
        records.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    }
    mark_paused_records(&mut records, &pauses);
    let context = Context {
        pauses: &pauses,
        has_timer_events: !content.timer.is_empty(),
        utc_offset_s: content.utc_offset_s,
        fallback_sport: content.sport,
    };
    let sessions = sessions_in_order(content.sessions, &records);
    if sessions.is_empty() {
        let Some(first) = records.first() else {
            return Err(FileErrorKind::NoRecords);
        };
        let start_s = first.time_s;
        return Ok(vec![context.activity(
            &Session::default(),
            start_s,
            &records,
        )?]);
    }
    split_by_session(&sessions, records)
        .into_iter()
        .zip(&sessions)
        .filter(|(_, (session, _))| sessions.len() == 1 || !is_transition(session))
        .map(|(samples, (session, start_s))| context.activity(session, *start_s, &samples))
        .collect()
}

/// What every activity of one file shares.
struct Context<'a> {
    pauses: &'a [Pause],
    has_timer_events: bool,
    utc_offset_s: Option<i32>,
    fallback_sport: Option<(String, Option<String>)>,
}

impl Context<'_> {
    fn activity(
        &self,
        session: &Session,
        start_s: f64,
        samples: &[Sample],
    ) -> Result<FileActivity, FileErrorKind> {
        let start_time = start_timestamp(start_s)?;
        let elapsed_s = session
            .elapsed_s
            .or_else(|| session.end_s.map(|end| end - start_s))
            .unwrap_or_else(|| span_s(samples, start_s))
            .max(0.0);
        let pauses = relative_pauses(self.pauses, start_s, elapsed_s);
        let paused_s: f64 = pauses.iter().map(|p| p.end_s - p.start_s).sum();
        let moving_s = session
            .timer_s
            .or_else(|| self.has_timer_events.then_some(elapsed_s - paused_s));
        let (sport, sub_sport) = match (&session.sport, &self.fallback_sport) {
            (Some(sport), _) => (Some(sport.as_str()), session.sub_sport.as_deref()),
            (None, Some((sport, sub))) => (Some(sport.as_str()), sub.as_deref()),
            (None, None) => (None, None),
        };
        let sport_type = sport.map_or(UNKNOWN_SPORT_TYPE, |s| {
            fit_sport_type(s, sub_sport.unwrap_or("generic"))
        });
        let streams = to_streams(samples, start_s);
        Ok(FileActivity {
            sport_type: sport_type.to_owned(),
            start_time,
            utc_offset_s: self.utc_offset_s,
            elapsed_s,
            moving_s,
            distance_m: session.distance_m.or_else(|| max_distance(samples)),
            avg_hr_bpm: session.avg_hr_bpm.or_else(|| mean_heartrate(samples)),
            device_watts: !streams.watts.is_empty(),
            trainer: sport_type.starts_with("Virtual")
                || sub_sport.is_some_and(|s| INDOOR_SUB_SPORTS.contains(&s)),
            pauses,
            streams,
        })
    }
}

fn is_transition(session: &Session) -> bool {
    session.sport.as_deref() == Some("transition")
}

/// Sessions with a start time (given, derived from end − elapsed, or the first record), sorted.
fn sessions_in_order(sessions: Vec<Session>, records: &[Sample]) -> Vec<(Session, f64)> {
    let first_record_s = records.first().map(|r| r.time_s);
    let mut ordered: Vec<(Session, f64)> = sessions
        .into_iter()
        .filter_map(|s| {
            let derived = s.end_s.zip(s.elapsed_s).map(|(end, el)| end - el);
            let start = s.start_s.or(derived).or(first_record_s)?;
            Some((s, start))
        })
        .collect();
    ordered.sort_by(|a, b| a.1.total_cmp(&b.1));
    ordered
}

/// Records grouped by session: each goes to the last session starting at or before it (records
/// before the first session go to the first).
fn split_by_session(sessions: &[(Session, f64)], records: Vec<Sample>) -> Vec<Vec<Sample>> {
    if sessions.len() == 1 {
        return vec![records];
    }
    let starts: Vec<f64> = sessions.iter().map(|s| s.1).collect();
    let mut groups = vec![Vec::new(); sessions.len()];
    for record in records {
        let index = starts
            .partition_point(|start| *start <= record.time_s)
            .saturating_sub(1);
        groups[index].push(record);
    }
    groups
}

/// Timer stops paired with the next start; a stop never followed by a start lasts forever.
fn pauses(events: &[TimerEvent]) -> Vec<Pause> {
    let mut events = events.to_vec();
    events.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    let mut pauses = Vec::new();
    let mut stopped_at = None;
    for event in events {
        match (event.is_stop, stopped_at) {
            (true, None) => stopped_at = Some(event.time_s),
            (false, Some(start_s)) => {
                pauses.push(Pause {
                    start_s,
                    end_s: event.time_s,
                });
                stopped_at = None;
            }
            _ => {}
        }
    }
    if let Some(start_s) = stopped_at {
        pauses.push(Pause {
            start_s,
            end_s: f64::INFINITY,
        });
    }
    pauses
}

/// Sets `moving` (false inside a pause, true elsewhere) when some record lies strictly inside a
/// pause; devices that stop recording while paused leave the channel absent.
fn mark_paused_records(records: &mut [Sample], pauses: &[Pause]) {
    let in_pause = |t: f64| {
        let k = pauses.partition_point(|p| p.start_s < t);
        k > 0 && t < pauses[k - 1].end_s
    };
    if !records.iter().any(|r| in_pause(r.time_s)) {
        return;
    }
    for record in records {
        record.moving = Some(!in_pause(record.time_s));
    }
}

/// The pauses inside one activity, relative to its start and clipped to its end. A stop never
/// followed by a start is the end of the recording, not a pause.
fn relative_pauses(pauses: &[Pause], start_s: f64, elapsed_s: f64) -> Vec<TimerPause> {
    pauses
        .iter()
        .filter(|p| p.end_s.is_finite())
        .map(|p| TimerPause {
            start_s: (p.start_s - start_s).max(0.0),
            end_s: (p.end_s - start_s).min(elapsed_s),
        })
        .filter(|p| p.end_s > p.start_s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(time_s: f64) -> TimerEvent {
        TimerEvent {
            time_s,
            is_stop: true,
        }
    }

    fn start(time_s: f64) -> TimerEvent {
        TimerEvent {
            time_s,
            is_stop: false,
        }
    }

    #[test]
    fn repeated_stops_open_one_pause_closed_by_the_next_start() {
        let p = pauses(&[start(0.0), stop(10.0), stop(11.0), start(50.0), stop(90.0)]);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].start_s, p[0].end_s), (10.0, 50.0));
        assert_eq!(p[1].start_s, 90.0);
        assert!(p[1].end_s.is_infinite());
    }

    #[test]
    fn a_final_stop_adds_no_pause_even_before_the_end() {
        let p = pauses(&[start(100.0), stop(199.0)]);
        assert!(relative_pauses(&p, 100.0, 100.0).is_empty());
    }

    #[test]
    fn records_inside_a_pause_are_not_moving() {
        let mut records: Vec<Sample> = (0..5)
            .map(|t| Sample {
                time_s: f64::from(t) * 10.0,
                ..Sample::default()
            })
            .collect();
        mark_paused_records(&mut records, &pauses(&[stop(10.0), start(30.0)]));
        let moving: Vec<_> = records.iter().map(|r| r.moving).collect();
        assert_eq!(
            moving,
            [Some(true), Some(true), Some(false), Some(true), Some(true)]
        );
    }

    #[test]
    fn records_before_the_first_session_belong_to_it() {
        let sessions = [(Session::default(), 100.0), (Session::default(), 200.0)];
        let records = [50.0, 100.0, 199.0, 200.0, 300.0]
            .map(|time_s| Sample {
                time_s,
                ..Sample::default()
            })
            .to_vec();
        let groups = split_by_session(&sessions, records);
        assert_eq!(groups[0].len(), 3);
        assert_eq!(groups[1].len(), 2);
    }
}
