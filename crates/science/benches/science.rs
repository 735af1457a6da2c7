//! Criterion benchmarks of the hot calculations (issue: NP/TSS, exact MMP, curve merging, CP fit,
//! CTL/ATL/ACWR over ten years). Run with `cargo bench -p science`.
#![expect(
    clippy::expect_used,
    reason = "benchmarks build known-valid synthetic inputs"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use science::acwr::{acwr, acwr_history};
use science::critical_power::cp_from_curve;
use science::load::{DailyLoads, DatedLoad, Series, pmc_series};
use science::mmp::{
    DatedCurve, MmpCurve, Piece, activity_power_curve, exact_curve, merge_window, power_pieces,
};
use science::stream::{Grid, RawStreams, resample};
use science::{Config, LocalDate, SportGroup, power};

/// A deterministic xorshift generator: benches need no `rand` crate.
struct Noise(u64);

impl Noise {
    fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A ride of `seconds` at 1 Hz: endurance riding with 5-minute efforts every 20 minutes and
/// short coasting, in integer watts as power meters report them.
fn ride_grid(seconds: usize, seed: u64) -> Grid {
    let mut noise = Noise(seed);
    let watts = (0..seconds)
        .map(|t| {
            let effort = if t % 1200 < 300 { 320.0 } else { 190.0 };
            let coasting = t % 97 < 4;
            let w = if coasting {
                0.0
            } else {
                effort + 60.0 * (noise.next_unit() - 0.5)
            };
            Some(w.round())
        })
        .collect();
    let raw = RawStreams {
        time_s: (0..seconds).map(|t| t as f64).collect(),
        watts,
        ..RawStreams::default()
    };
    resample(&raw, &Config::default().stream).expect("synthetic ride is valid")
}

fn np_and_tss(c: &mut Criterion) {
    let cfg = Config::default();
    for (name, hours) in [("np_tss_1h", 1), ("np_tss_5h", 5)] {
        let grid = ride_grid(hours * 3600, 7);
        c.bench_function(name, |b| {
            b.iter(|| {
                let samples = power::power_samples(black_box(&grid));
                let np = power::normalized_power(&samples, &cfg.power).expect("long enough");
                power::tss(samples.len(), np, 250.0).expect("valid")
            });
        });
    }
}

fn mmp_exact(c: &mut Criterion) {
    let cfg = Config::default();
    for (name, hours) in [("mmp_exact_1h", 1), ("mmp_exact_5h", 5)] {
        let pieces = power_pieces(&ride_grid(hours * 3600, 11), &cfg.curves);
        c.bench_function(name, |b| {
            b.iter(|| exact_curve(black_box(&pieces), &cfg.curves).expect("valid"));
        });
    }
    for (name, watts) in pathological_rides(5 * 3600) {
        let pieces = [Piece {
            start_offset_s: 0,
            values: watts,
        }];
        c.bench_function(name, |b| {
            b.iter(|| exact_curve(black_box(&pieces), &cfg.curves).expect("valid"));
        });
    }
}

/// Series of `seconds` samples that defeat simple pruning: many tied or near-tied windows, flat
/// stretches, or one outlier.
fn pathological_rides(seconds: usize) -> Vec<(&'static str, Vec<f64>)> {
    let mut noise = Noise(23);
    let mut erg = Noise(29);
    let t = 0..seconds;
    vec![
        (
            "mmp_sawtooth_5h",
            t.clone().map(|t| 180.0 + (t % 40) as f64).collect(),
        ),
        ("mmp_constant_5h", vec![200.0; seconds]),
        (
            "mmp_erg_5h",
            t.clone()
                .map(|_| (200.0 + 6.0 * (erg.next_unit() - 0.5)).round())
                .collect(),
        ),
        (
            "mmp_noise_5h",
            t.clone()
                .map(|_| (1000.0 * noise.next_unit()).round())
                .collect(),
        ),
        (
            "mmp_zeros_5h",
            t.clone()
                .map(|t| {
                    if (t / 1800) % 2 == 1 {
                        0.0
                    } else {
                        150.0 + (t % 7) as f64
                    }
                })
                .collect(),
        ),
        (
            "mmp_spike_5h",
            t.map(|t| if t == 9000 { 2000.0 } else { 150.0 }).collect(),
        ),
    ]
}

/// 300 activity curves (rides of 1–3 h) over one year.
fn year_of_curves() -> Vec<(i64, LocalDate, MmpCurve)> {
    let cfg = Config::default();
    let first = LocalDate::from_ymd(2025, 1, 1).expect("valid date");
    (0..300)
        .map(|k: i32| {
            let seconds = 3600 + 30 * usize::try_from(k).expect("small") % 7200;
            let grid = ride_grid(seconds, 1000 + u64::from(k.unsigned_abs()));
            let curve = activity_power_curve(&grid, &cfg.curves).expect("has power");
            (i64::from(k), first.add_days(k * 365 / 300), curve)
        })
        .collect()
}

fn curves_and_cp(c: &mut Criterion) {
    let cfg = Config::default();
    let year = year_of_curves();
    let dated: Vec<DatedCurve<'_>> = year
        .iter()
        .map(|(id, date, curve)| DatedCurve {
            activity_id: *id,
            date: *date,
            curve,
        })
        .collect();
    let (first, last) = (year[0].1, year[year.len() - 1].1);
    c.bench_function("merge_300_curves", |b| {
        b.iter(|| merge_window(black_box(&dated), first, last));
    });
    let window = merge_window(&dated, first, last);
    c.bench_function("cp_fit", |b| {
        b.iter(|| cp_from_curve(black_box(&window), &cfg.thresholds));
    });
}

/// Ten years of daily training (most days, two sports) through CTL/ATL/TSB and every ACWR series.
fn load_curves_ten_years(c: &mut Criterion) {
    let cfg = Config::default();
    let first = LocalDate::from_ymd(2016, 1, 1).expect("valid date");
    let mut noise = Noise(3);
    let loads: Vec<DatedLoad> = (0..3650)
        .filter(|day| day % 7 != 0)
        .map(|day| DatedLoad {
            date: first.add_days(day),
            group: if day % 3 == 0 {
                SportGroup::Running
            } else {
                SportGroup::Cycling
            },
            utl: 40.0 + 80.0 * noise.next_unit(),
        })
        .collect();
    let as_of = first.add_days(3649);
    c.bench_function("ctl_atl_acwr_10y", |b| {
        b.iter(|| {
            let daily = DailyLoads::new(black_box(&loads), as_of).expect("valid loads");
            let pmc = pmc_series(&daily, Series::Overall, &cfg.load).expect("valid");
            let history = acwr_history(&daily, Series::Overall, &cfg.load).expect("valid");
            (pmc, history, acwr(&daily, &cfg.load).expect("valid"))
        });
    });
}

criterion_group!(
    benches,
    np_and_tss,
    mmp_exact,
    curves_and_cp,
    load_curves_ten_years
);
criterion_main!(benches);
