//! Criterion benchmark: reading a 5-hour 1 Hz FIT ride (18 000 records, every channel) into the
//! activity model, and the whole `analyze` of it. Run with `cargo bench -p trainload`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use trainload::activity_file::{Format, read_bytes};
use trainload::analysis::{AthleteSettings, analyze_bytes};

use fitgen::scenarios;

fn parse_five_hour_fit(c: &mut Criterion) {
    let bytes = scenarios::long_ride(5);
    c.bench_function("parse_fit_5h", |b| {
        b.iter(|| read_bytes(black_box(&bytes), Format::Fit));
    });
    let athlete = AthleteSettings {
        ftp_w: Some(250.0),
        ..AthleteSettings::default()
    };
    c.bench_function("analyze_fit_5h", |b| {
        b.iter(|| analyze_bytes(black_box(&bytes), Format::Fit, "ride.fit", &athlete));
    });
}

criterion_group!(benches, parse_five_hour_fit);
criterion_main!(benches);
