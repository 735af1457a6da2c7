//! The compact binary encoding of [`RawStreams`] (format version 1).
//!
//! ```text
//! stream   = version:u8 (=1) · n:varint (samples) · mask:u8 · channel*   (channels in bit order)
//! mask     = bit 0 time, 1 watts, 2 heartrate, 3 velocity, 4 distance, 5 altitude, 6 grade,
//!            7 moving; a set bit means the channel is present (n values, some possibly null)
//! channel  = runs:varint · run_len:varint{runs} · token*
//!            run lengths alternate present / null, starting with present (the first may be 0)
//! token    = varint((zigzag(d) << 1) | r) · [count:varint if r = 1]
//!            d is the next difference of the channel's present values (order 1: x[i] − x[i−1];
//!            order 2: the difference of consecutive differences), starting from 0; r = 1 means
//!            d repeats `count` times. Tokens continue until every present value is decoded.
//! varint   = unsigned LEB128
//! ```
//!
//! Values are stored as integers `round(value × scale)`:
//!
//! | channel | scale | resolution | order |
//! |---|---|---|---|
//! | time | 1000 | 1 ms | 2 |
//! | watts | 1 | 1 W | 1 |
//! | heartrate | 1 | 1 bpm | 1 |
//! | velocity | 1000 | 1 mm/s | 1 |
//! | distance | 100 | 1 cm | 2 |
//! | altitude | 10 | 0.1 m | 1 |
//! | grade | 10 | 0.1 % | 1 |
//! | moving | 1 | false = 0, true = 1 | 1 |
//!
//! These resolutions match or beat what Strava sends (integer W, bpm and s; speed to 3 decimals,
//! distance, altitude and grade to 1) and what FIT records hold. Decoding gives exactly
//! `round(value × scale) / scale`, so re-encoding a decoded stream gives the same bytes. Steady
//! 1 Hz time and flat runs of any channel collapse into run tokens; a realistic 1 Hz ride with all
//! eight channels takes about 6–8 bytes per second (see the benchmark `store`).

use science::stream::RawStreams;

use crate::store::StoreError;

/// The format version byte written first.
pub const FORMAT_VERSION: u8 = 1;
/// Largest sample count accepted when decoding (about 194 days at 1 Hz): guards allocations
/// against a corrupt count.
const MAX_SAMPLES: u64 = 1 << 24;
/// Largest |value × scale| accepted: integers up to 2^53 are exact in f64.
const MAX_FIXED: f64 = 9_007_199_254_740_992.0;
/// A repeated difference becomes a run token from this many repetitions.
const MIN_RUN: usize = 3;

#[derive(Clone, Copy)]
struct Spec {
    name: &'static str,
    scale: f64,
    order: u8,
}

const SPECS: [Spec; 8] = [
    Spec {
        name: "time",
        scale: 1000.0,
        order: 2,
    },
    Spec {
        name: "watts",
        scale: 1.0,
        order: 1,
    },
    Spec {
        name: "heartrate",
        scale: 1.0,
        order: 1,
    },
    Spec {
        name: "velocity",
        scale: 1000.0,
        order: 1,
    },
    Spec {
        name: "distance",
        scale: 100.0,
        order: 2,
    },
    Spec {
        name: "altitude",
        scale: 10.0,
        order: 1,
    },
    Spec {
        name: "grade",
        scale: 10.0,
        order: 1,
    },
    Spec {
        name: "moving",
        scale: 1.0,
        order: 1,
    },
];

/// Encodes `streams`. Values are rounded to the channel's resolution.
///
/// # Errors
/// [`StoreError::Invalid`] when a channel's length differs from `time_s`'s or a value is not
/// finite or too large.
pub fn encode(streams: &RawStreams) -> Result<Vec<u8>, StoreError> {
    let n = streams.time_s.len();
    let channels = channels_of(streams);
    let mut mask = 0u8;
    for (bit, channel) in channels.iter().enumerate() {
        match channel {
            Some(values) if values.len() != n => {
                return Err(StoreError::Invalid(format!(
                    "stream {} has {} samples, time has {n}",
                    SPECS[bit].name,
                    values.len()
                )));
            }
            Some(_) => mask |= 1 << bit,
            None => {}
        }
    }
    let mut out = Vec::with_capacity(16 + n * 8);
    out.push(FORMAT_VERSION);
    put_varint(&mut out, n as u64);
    out.push(mask);
    for (spec, channel) in SPECS.iter().zip(&channels) {
        if let Some(values) = channel {
            let fixed = quantize(values, spec)?;
            encode_channel(&mut out, &fixed, spec.order);
        }
    }
    Ok(out)
}

/// `streams` as [`decode`] returns them after [`encode`]: every value rounded to its channel's
/// resolution, without building the bytes. What is computed from the result (a grid, a curve, a
/// load) equals what a later computation from the stored streams gives.
///
/// # Errors
/// As [`encode`].
pub fn stored_form(streams: &RawStreams) -> Result<RawStreams, StoreError> {
    let n = streams.time_s.len();
    let mut channels: [Vec<Option<f64>>; 8] = Default::default();
    for ((bit, spec), channel) in SPECS.iter().enumerate().zip(channels_of(streams)) {
        let Some(values) = channel else { continue };
        if values.len() != n {
            return Err(StoreError::Invalid(format!(
                "stream {} has {} samples, time has {n}",
                spec.name,
                values.len()
            )));
        }
        channels[bit] = dequantize(&quantize(&values, spec)?, spec);
    }
    into_streams(channels, n)
}

/// The channels in mask order; `None` for an absent (empty) channel, except time, which is
/// present whenever there are samples.
fn channels_of(s: &RawStreams) -> [Option<Vec<Option<f64>>>; 8] {
    let opt = |v: &Vec<Option<f64>>| (!v.is_empty()).then(|| v.clone());
    let time = (!s.time_s.is_empty()).then(|| s.time_s.iter().map(|&t| Some(t)).collect());
    let moving = (!s.moving.is_empty()).then(|| {
        s.moving
            .iter()
            .map(|m| m.map(|b| if b { 1.0 } else { 0.0 }))
            .collect()
    });
    [
        time,
        opt(&s.watts),
        opt(&s.heartrate_bpm),
        opt(&s.velocity_mps),
        opt(&s.distance_m),
        opt(&s.altitude_m),
        opt(&s.grade_pct),
        moving,
    ]
}

fn quantize(values: &[Option<f64>], spec: &Spec) -> Result<Vec<Option<i64>>, StoreError> {
    values
        .iter()
        .map(|v| {
            v.map(|x| {
                let scaled = (x * spec.scale).round();
                if scaled.is_finite() && scaled.abs() <= MAX_FIXED {
                    // In range and integral: the cast is exact.
                    #[expect(clippy::cast_possible_truncation, reason = "checked range above")]
                    Ok(scaled as i64)
                } else {
                    Err(StoreError::Invalid(format!(
                        "stream {} holds a value that cannot be stored: {x}",
                        spec.name
                    )))
                }
            })
            .transpose()
        })
        .collect()
}

fn encode_channel(out: &mut Vec<u8>, values: &[Option<i64>], order: u8) {
    let runs = presence_runs(values);
    put_varint(out, runs.len() as u64);
    for run in &runs {
        put_varint(out, *run as u64);
    }
    let diffs = differences(values.iter().flatten().copied(), order);
    let mut i = 0;
    while i < diffs.len() {
        let d = diffs[i];
        let repeat = diffs[i..].iter().take_while(|&&x| x == d).count();
        let token = zigzag(d) << 1;
        if repeat >= MIN_RUN {
            put_varint(out, token | 1);
            put_varint(out, repeat as u64);
            i += repeat;
        } else {
            put_varint(out, token);
            i += 1;
        }
    }
}

/// Alternating run lengths of present and null values, starting with present.
fn presence_runs(values: &[Option<i64>]) -> Vec<usize> {
    let mut runs = vec![0usize];
    let mut present = true;
    for v in values {
        if v.is_some() != present {
            present = !present;
            runs.push(0);
        }
        if let Some(last) = runs.last_mut() {
            *last += 1;
        }
    }
    runs
}

/// First or second differences, starting from zero.
fn differences(values: impl Iterator<Item = i64>, order: u8) -> Vec<i64> {
    let (mut prev, mut prev_d) = (0i64, 0i64);
    values
        .map(|x| {
            // |x| ≤ 2^53, so differences stay far from i64 overflow.
            let d = x - prev;
            prev = x;
            if order == 2 {
                let dd = d - prev_d;
                prev_d = d;
                dd
            } else {
                d
            }
        })
        .collect()
}

pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

// Inlined: the power-curve fold decodes millions of these per request.
#[inline]
pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decodes a stream written by [`encode`].
///
/// # Errors
/// [`StoreError::Corrupt`] for an unknown version or malformed bytes (never a panic).
pub fn decode(bytes: &[u8]) -> Result<RawStreams, StoreError> {
    let mut reader = Reader::new(bytes);
    let version = reader.byte()?;
    if version != FORMAT_VERSION {
        return Err(corrupt(format!("unknown stream format version {version}")));
    }
    let n = reader.varint()?;
    if n > MAX_SAMPLES {
        return Err(corrupt(format!("sample count {n} out of range")));
    }
    let n = n as usize;
    let mask = reader.byte()?;
    let mut channels: [Vec<Option<f64>>; 8] = Default::default();
    for (bit, spec) in SPECS.iter().enumerate() {
        if mask & (1 << bit) != 0 {
            let fixed = decode_channel(&mut reader, n, spec.order)?;
            channels[bit] = dequantize(&fixed, spec);
        }
    }
    if !reader.at_end() {
        return Err(corrupt("trailing bytes after the last channel".to_owned()));
    }
    into_streams(channels, n)
}

fn dequantize(fixed: &[Option<i64>], spec: &Spec) -> Vec<Option<f64>> {
    fixed
        .iter()
        .map(|v| v.map(|x| x as f64 / spec.scale))
        .collect()
}

fn into_streams(channels: [Vec<Option<f64>>; 8], n: usize) -> Result<RawStreams, StoreError> {
    let [
        time,
        watts,
        heartrate_bpm,
        velocity_mps,
        distance_m,
        altitude_m,
        grade_pct,
        moving,
    ] = channels;
    if n > 0 && time.len() != n {
        return Err(corrupt("samples without a time channel".to_owned()));
    }
    let time_s = time
        .into_iter()
        .map(|t| t.ok_or_else(|| corrupt("null in the time channel".to_owned())))
        .collect::<Result<_, _>>()?;
    let moving = moving
        .into_iter()
        .map(|m| match m {
            None => Ok(None),
            Some(0.0) => Ok(Some(false)),
            Some(1.0) => Ok(Some(true)),
            Some(v) => Err(corrupt(format!("moving value {v}"))),
        })
        .collect::<Result<_, _>>()?;
    Ok(RawStreams {
        time_s,
        watts,
        heartrate_bpm,
        velocity_mps,
        distance_m,
        altitude_m,
        grade_pct,
        moving,
    })
}

fn decode_channel(r: &mut Reader<'_>, n: usize, order: u8) -> Result<Vec<Option<i64>>, StoreError> {
    let run_count = r.varint()?;
    if run_count > n as u64 + 1 {
        return Err(corrupt("too many presence runs".to_owned()));
    }
    let mut runs = Vec::with_capacity(run_count as usize);
    let (mut total, mut present) = (0u64, 0u64);
    for i in 0..run_count {
        let len = r.varint()?;
        total = total.saturating_add(len);
        if i % 2 == 0 {
            present = present.saturating_add(len);
        }
        runs.push(len as usize);
    }
    if total != n as u64 {
        return Err(corrupt(format!(
            "presence runs cover {total} of {n} samples"
        )));
    }
    let values = decode_values(r, present as usize, order)?;
    let mut out = Vec::with_capacity(n);
    let mut next = values.into_iter();
    for (i, len) in runs.into_iter().enumerate() {
        for _ in 0..len {
            out.push(if i % 2 == 0 { next.next() } else { None });
        }
    }
    Ok(out)
}

fn decode_values(r: &mut Reader<'_>, count: usize, order: u8) -> Result<Vec<i64>, StoreError> {
    let overflow = || corrupt("value overflow".to_owned());
    let mut values = Vec::with_capacity(count);
    let (mut prev, mut prev_d) = (0i64, 0i64);
    while values.len() < count {
        let token = r.varint()?;
        let d = unzigzag(token >> 1);
        let repeat = if token & 1 == 1 { r.varint()? } else { 1 };
        if repeat > (count - values.len()) as u64 {
            return Err(corrupt("run longer than the channel".to_owned()));
        }
        for _ in 0..repeat {
            let step = if order == 2 {
                prev_d = prev_d.checked_add(d).ok_or_else(overflow)?;
                prev_d
            } else {
                d
            };
            prev = prev.checked_add(step).ok_or_else(overflow)?;
            values.push(prev);
        }
    }
    Ok(values)
}

/// A cursor over encoded bytes.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// True when every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    #[inline]
    pub(crate) fn byte(&mut self) -> Result<u8, StoreError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| corrupt("truncated stream".to_owned()))?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64, StoreError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(corrupt("varint longer than 64 bits".to_owned()))
    }
}

fn corrupt(detail: String) -> StoreError {
    StoreError::Corrupt {
        column: "activity_streams.encoded",
        detail,
    }
}
