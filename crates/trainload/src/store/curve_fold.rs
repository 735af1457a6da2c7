//! The fold of stored per-activity curves into a window curve: the best value at each chart
//! duration and the fastest time over each distance, with the activity holding it. Folds of
//! consecutive periods merge into the fold of their union, so a month's fold can be stored
//! (`curve_months`) and years of curves cost one merge per month.
//!
//! Encoded fold, version 1 (little-endian): `version:u8 · activities:u32 ·
//! n:u16 · (duration_s:u32 · slot){n} · m:u16 · (distance_m:f64 · slot){m}` where a slot is
//! `0:u8`, or `1:u8 · value:f64 · activity:i64 · date:i32 (yyyymmdd)`. The keys are stored so a
//! fold written for other durations or distances is recognised and not used.

use jiff::civil::Date;

use super::StoreError;
use super::activities::ActivityId;
use super::power_curves::CurvePoint;

const FORMAT_VERSION: u8 = 1;

/// Durations the curves are sampled at for a chart, s (a log-like ladder from 1 s to 6 h).
pub const CHART_DURATIONS_S: [u32; 30] = [
    1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2400,
    3600, 4500, 5400, 7200, 9000, 10_800, 14_400, 21_600,
];

/// The best so far for one duration (a value) or distance (a time), and whose it is. Plain
/// data: the fold touches it millions of times over years of activities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    /// The value (W or m/s) or the time (s).
    pub value: f64,
    /// The activity holding it.
    pub activity: ActivityId,
    /// That activity's local date.
    pub date: Date,
}

/// The window curve (at [`CHART_DURATIONS_S`]) and best times being folded together, one
/// activity at a time, by date then id.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFold {
    activities: usize,
    best: Vec<Option<Held>>,
    distances: Vec<f64>,
    efforts: Vec<Option<Held>>,
}

impl CurveFold {
    /// An empty fold with best times over `distances` (increasing; empty for power).
    pub fn new(distances: Vec<f64>) -> Self {
        Self {
            activities: 0,
            best: vec![None; CHART_DURATIONS_S.len()],
            efforts: vec![None; distances.len()],
            distances,
        }
    }

    /// Activities folded in.
    pub fn activities(&self) -> usize {
        self.activities
    }

    /// The best per chart duration.
    pub fn best(&self) -> &[Option<Held>] {
        &self.best
    }

    /// The distances of the best times.
    pub fn distances(&self) -> &[f64] {
        &self.distances
    }

    /// The fastest time per distance.
    pub fn efforts(&self) -> &[Option<Held>] {
        &self.efforts
    }

    /// Folds in one activity's exact curve (durations increasing). Activities come by date
    /// then id, so on a tie the later one is the newer date or the larger id and wins.
    pub fn add(&mut self, activity: ActivityId, date: Date, points: &[CurvePoint]) {
        self.activities += 1;
        let mut k = 0;
        for (slot, &d) in self.best.iter_mut().zip(&CHART_DURATIONS_S) {
            while k < points.len() && points[k].duration_s < d {
                k += 1;
            }
            let Some(p) = points.get(k) else { break };
            if p.duration_s != d {
                continue;
            }
            if slot.is_none_or(|b| p.value >= b.value) {
                *slot = Some(Held {
                    value: p.value,
                    activity,
                    date,
                });
            }
        }
        for (slot, time_s) in self
            .efforts
            .iter_mut()
            .zip(effort_times(points, &self.distances))
        {
            let Some(time_s) = time_s else { continue };
            if slot.is_none_or(|e| time_s <= e.value) {
                *slot = Some(Held {
                    value: time_s,
                    activity,
                    date,
                });
            }
        }
    }

    /// Merges the fold of a later period (every activity after this fold's): the same as
    /// having added its activities one by one, ties going to the later period as they would.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a fold over other distances.
    pub fn merge_later(&mut self, later: &Self) -> Result<(), StoreError> {
        if later.distances != self.distances {
            return Err(StoreError::Invalid(
                "curve folds over different distances".to_owned(),
            ));
        }
        self.activities += later.activities;
        for (slot, new) in self.best.iter_mut().zip(&later.best) {
            if let Some(h) = new
                && slot.is_none_or(|b| h.value >= b.value)
            {
                *slot = Some(*h);
            }
        }
        for (slot, new) in self.efforts.iter_mut().zip(&later.efforts) {
            if let Some(h) = new
                && slot.is_none_or(|e| h.value <= e.value)
            {
                *slot = Some(*h);
            }
        }
        Ok(())
    }

    /// The fold's bytes (see the module documentation).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 21 * (self.best.len() + self.efforts.len()));
        out.push(FORMAT_VERSION);
        out.extend_from_slice(
            &u32::try_from(self.activities)
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        out.extend_from_slice(&u16::try_from(self.best.len()).unwrap_or(0).to_le_bytes());
        for (d, slot) in CHART_DURATIONS_S.iter().zip(&self.best) {
            out.extend_from_slice(&d.to_le_bytes());
            put_slot(&mut out, slot.as_ref());
        }
        out.extend_from_slice(&u16::try_from(self.efforts.len()).unwrap_or(0).to_le_bytes());
        for (d, slot) in self.distances.iter().zip(&self.efforts) {
            out.extend_from_slice(&d.to_bits().to_le_bytes());
            put_slot(&mut out, slot.as_ref());
        }
        out
    }

    /// Reads a fold written by [`CurveFold::encode`]; `None` when it was folded at other
    /// durations or over other distances than `distances` (a fold of an older layout).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for malformed bytes.
    pub fn decode(bytes: &[u8], distances: &[f64]) -> Result<Option<Self>, StoreError> {
        let mut r = Bytes(bytes);
        if r.u8()? != FORMAT_VERSION {
            return Ok(None);
        }
        let activities = usize::try_from(r.u32()?).map_err(|_| corrupt("activities"))?;
        let n = usize::from(r.u16()?);
        let mut durations = Vec::with_capacity(n);
        let mut best = Vec::with_capacity(n);
        for _ in 0..n {
            durations.push(r.u32()?);
            best.push(r.slot()?);
        }
        let m = usize::from(r.u16()?);
        let mut kept = Vec::with_capacity(m);
        let mut efforts = Vec::with_capacity(m);
        for _ in 0..m {
            kept.push(f64::from_bits(r.u64()?));
            efforts.push(r.slot()?);
        }
        if !r.0.is_empty() {
            return Err(corrupt("trailing bytes"));
        }
        let same_distances = kept.len() == distances.len()
            && kept
                .iter()
                .zip(distances)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if durations != CHART_DURATIONS_S || !same_distances {
            return Ok(None);
        }
        Ok(Some(Self {
            activities,
            best,
            distances: kept,
            efforts,
        }))
    }
}

/// The times over `distances` (increasing) from one best-speed curve, in one pass: for each,
/// the shortest duration whose best speed covers the distance, then the time at that speed
/// (under a second off on the 1 s grid); `None` for a distance never covered.
pub fn effort_times(speed: &[CurvePoint], distances: &[f64]) -> Vec<Option<f64>> {
    let mut times = vec![None; distances.len()];
    let mut next = 0;
    for p in speed.iter().filter(|p| p.value > 0.0) {
        let covered = f64::from(p.duration_s) * p.value;
        while let Some(&distance_m) = distances.get(next)
            && covered >= distance_m
        {
            times[next] = Some(distance_m / p.value);
            next += 1;
        }
        if next == distances.len() {
            break;
        }
    }
    times
}

fn put_slot(out: &mut Vec<u8>, slot: Option<&Held>) {
    let Some(h) = slot else {
        out.push(0);
        return;
    };
    out.push(1);
    out.extend_from_slice(&h.value.to_bits().to_le_bytes());
    out.extend_from_slice(&h.activity.0.to_le_bytes());
    let ymd = i32::from(h.date.year()) * 10_000
        + i32::from(h.date.month()) * 100
        + i32::from(h.date.day());
    out.extend_from_slice(&ymd.to_le_bytes());
}

fn corrupt(detail: &str) -> StoreError {
    StoreError::Corrupt {
        column: "curve_months.encoded",
        detail: detail.to_owned(),
    }
}

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or_else(|| corrupt("truncated"))?;
        self.0 = rest;
        Ok(*head)
    }

    fn u8(&mut self) -> Result<u8, StoreError> {
        Ok(self.take::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, StoreError> {
        Ok(u16::from_le_bytes(self.take()?))
    }

    fn u32(&mut self) -> Result<u32, StoreError> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    fn u64(&mut self) -> Result<u64, StoreError> {
        Ok(u64::from_le_bytes(self.take()?))
    }

    fn slot(&mut self) -> Result<Option<Held>, StoreError> {
        match self.u8()? {
            0 => Ok(None),
            1 => {
                let value = f64::from_bits(self.u64()?);
                let activity = ActivityId(i64::from_le_bytes(self.take()?));
                let ymd = i32::from_le_bytes(self.take()?);
                let part = |v: i32| i8::try_from(v).map_err(|_| corrupt("date"));
                let date = Date::new(
                    i16::try_from(ymd / 10_000).map_err(|_| corrupt("date"))?,
                    part(ymd / 100 % 100)?,
                    part(ymd % 100)?,
                )
                .map_err(|_| corrupt("date"))?;
                Ok(Some(Held {
                    value,
                    activity,
                    date,
                }))
            }
            _ => Err(corrupt("slot flag")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(points: &[(u32, f64)]) -> Vec<CurvePoint> {
        points
            .iter()
            .map(|&(duration_s, value)| CurvePoint { duration_s, value })
            .collect()
    }

    #[test]
    fn a_best_effort_is_the_first_duration_that_covers_the_distance() {
        let speed = curve(&[(100, 5.0), (200, 4.5), (300, 4.0), (400, 3.0)]);
        let times = effort_times(&speed, &[400.0, 1000.0, 5000.0]);
        assert_eq!(times[0], Some(400.0 / 5.0));
        assert!((times[1].unwrap() - 1000.0 / 4.0).abs() < 1e-9, "{times:?}");
        assert_eq!(times[2], None, "never covered");
    }

    /// Twelve activities over six dates with ties across activities and dates.
    fn activities() -> Vec<(ActivityId, Date, Vec<CurvePoint>)> {
        (0..12_i64)
            .map(|k| {
                let value = |d: u32| {
                    f64::from((k % 3) as u32 * 25 + 400) * 30.0 / (30.0 + f64::from(d)) / 100.0
                };
                let points = CHART_DURATIONS_S
                    .iter()
                    .take(5 + (k as usize % 20))
                    .map(|&d| CurvePoint {
                        duration_s: d,
                        value: value(d),
                    })
                    .collect();
                let day = i8::try_from(1 + k / 2).unwrap();
                (ActivityId(k + 1), Date::constant(2026, 1, day), points)
            })
            .collect()
    }

    #[test]
    fn folds_of_consecutive_periods_merge_into_the_fold_of_all() {
        let distances = vec![10.0, 100.0, 1000.0];
        let all = activities();
        let mut whole = CurveFold::new(distances.clone());
        for (id, date, points) in &all {
            whole.add(*id, *date, points);
        }
        for split in [0, 1, 5, 6, 12] {
            let (early, late) = all.split_at(split);
            let mut first = CurveFold::new(distances.clone());
            for (id, date, points) in early {
                first.add(*id, *date, points);
            }
            let mut second = CurveFold::new(distances.clone());
            for (id, date, points) in late {
                second.add(*id, *date, points);
            }
            first.merge_later(&second).unwrap();
            assert_eq!(first, whole, "split at {split}");
        }
        assert!(
            whole
                .best()
                .iter()
                .any(|h| h.is_some_and(|h| h.activity.0 == 12)),
            "ties go to the later activity: {whole:?}"
        );
    }

    #[test]
    fn a_fold_reads_back_only_for_the_same_layout() {
        let distances = vec![400.0, 1000.0];
        let mut fold = CurveFold::new(distances.clone());
        for (id, date, points) in activities() {
            fold.add(id, date, &points);
        }
        let bytes = fold.encode();
        assert_eq!(CurveFold::decode(&bytes, &distances).unwrap(), Some(fold));
        assert_eq!(CurveFold::decode(&bytes, &[400.0]).unwrap(), None);
        assert!(CurveFold::decode(&bytes[..bytes.len() - 1], &distances).is_err());
        let empty = CurveFold::new(Vec::new());
        assert_eq!(
            CurveFold::decode(&empty.encode(), &[]).unwrap(),
            Some(empty)
        );
    }
}
