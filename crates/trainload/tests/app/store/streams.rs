//! Streams: the binary codec and its storage.

use science::stream::RawStreams;
use trainload::store::StoreError;
use trainload::store::activities;
use trainload::store::streams::{self, codec};

use crate::support::db::{ride, sample_streams, user};

/// Rounds every channel to the codec's documented resolution.
fn quantized(s: &RawStreams) -> RawStreams {
    let q = |v: &[Option<f64>], scale: f64| -> Vec<Option<f64>> {
        v.iter()
            .map(|x| x.map(|x| (x * scale).round() / scale))
            .collect()
    };
    RawStreams {
        time_s: s
            .time_s
            .iter()
            .map(|t| (t * 1000.0).round() / 1000.0)
            .collect(),
        watts: q(&s.watts, 1.0),
        heartrate_bpm: q(&s.heartrate_bpm, 1.0),
        velocity_mps: q(&s.velocity_mps, 1000.0),
        distance_m: q(&s.distance_m, 100.0),
        altitude_m: q(&s.altitude_m, 10.0),
        grade_pct: q(&s.grade_pct, 10.0),
        moving: s.moving.clone(),
    }
}

#[test]
fn a_ride_round_trips_exactly_at_the_stored_resolution() {
    let ride = sample_streams(3600);
    let bytes = codec::encode(&ride).unwrap();
    let back = codec::decode(&bytes).unwrap();
    assert_eq!(back, quantized(&ride));
    assert_eq!(
        codec::encode(&back).unwrap(),
        bytes,
        "re-encoding is stable"
    );
    assert_eq!(bytes[0], codec::FORMAT_VERSION);
    eprintln!("1 h of 1 Hz, eight channels: {} bytes", bytes.len());
    assert!(
        bytes.len() < 3600 * 12,
        "compact: {} bytes per hour",
        bytes.len()
    );
}

#[test]
fn fractional_times_nulls_and_absent_channels_round_trip() {
    let s = RawStreams {
        time_s: vec![0.0, 0.25, 1.5, 1.75, 9.0],
        watts: vec![None, Some(100.0), None, None, Some(2000.0)],
        heartrate_bpm: vec![],
        velocity_mps: vec![Some(-0.001), Some(0.0), Some(3.456), None, Some(29.999)],
        distance_m: vec![],
        altitude_m: vec![Some(-412.3); 5],
        grade_pct: vec![],
        moving: vec![Some(true), None, Some(false), Some(false), Some(true)],
    };
    let back = codec::decode(&codec::encode(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    let empty = RawStreams::default();
    assert_eq!(
        codec::decode(&codec::encode(&empty).unwrap()).unwrap(),
        empty
    );
}

#[test]
fn the_stored_form_is_what_decoding_the_stored_bytes_gives() {
    let ride = sample_streams(3600);
    let odd = RawStreams {
        time_s: vec![0.0, 0.2504, 1.5, 1.75, 9.0],
        watts: vec![None, Some(100.4), None, None, Some(2000.6)],
        velocity_mps: vec![Some(-0.0004), Some(0.0), Some(3.4567), None, Some(29.999)],
        altitude_m: vec![Some(-412.35); 5],
        moving: vec![Some(true), None, Some(false), Some(false), Some(true)],
        ..RawStreams::default()
    };
    for streams in [ride, odd, RawStreams::default()] {
        let decoded = codec::decode(&codec::encode(&streams).unwrap()).unwrap();
        let stored = codec::stored_form(&streams).unwrap();
        assert_eq!(stored, decoded);
        let bits = |s: &RawStreams| -> Vec<u64> {
            let channels = [&s.watts, &s.velocity_mps, &s.altitude_m, &s.distance_m];
            s.time_s
                .iter()
                .map(|t| t.to_bits())
                .chain(
                    channels
                        .iter()
                        .flat_map(|c| c.iter().flatten().map(|v| v.to_bits())),
                )
                .collect()
        };
        assert_eq!(bits(&stored), bits(&decoded), "bit for bit");
    }
    let short = RawStreams {
        time_s: vec![0.0, 1.0],
        watts: vec![Some(1.0)],
        ..RawStreams::default()
    };
    assert!(matches!(
        codec::stored_form(&short),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn streams_that_cannot_be_stored_are_refused() {
    let short = RawStreams {
        time_s: vec![0.0, 1.0],
        watts: vec![Some(1.0)],
        ..RawStreams::default()
    };
    assert!(matches!(codec::encode(&short), Err(StoreError::Invalid(_))));
    let nan = RawStreams {
        time_s: vec![0.0],
        watts: vec![Some(f64::NAN)],
        ..RawStreams::default()
    };
    assert!(matches!(codec::encode(&nan), Err(StoreError::Invalid(_))));
}

#[test]
fn corrupt_bytes_are_an_error_never_a_panic() {
    let good = codec::encode(&sample_streams(120)).unwrap();
    assert!(matches!(
        codec::decode(&[]),
        Err(StoreError::Corrupt { .. })
    ));
    assert!(matches!(
        codec::decode(&[2, 0, 0]),
        Err(StoreError::Corrupt { .. })
    ));
    for cut in 1..good.len() {
        assert!(codec::decode(&good[..cut]).is_err(), "truncated at {cut}");
    }
    let mut flipped = good.clone();
    for i in 0..flipped.len() {
        flipped[i] ^= 0xff;
        let _ = codec::decode(&flipped);
        flipped[i] ^= 0xff;
    }
    let mut long = good;
    long.push(0);
    assert!(codec::decode(&long).is_err());
}

conformance! {
    async fn stored_streams_come_back_and_can_be_replaced(db) {
        let ada = user(&db.store, "Ada").await;
        let id = activities::upsert(&db.store, ada, &ride(1), 1).await.unwrap().id;
        assert!(streams::get(&db.store, id).await.unwrap().is_none());
        let hour = sample_streams(3600);
        let size = streams::put(&db.store, id, &hour, 2).await.unwrap();
        assert_eq!(size, codec::encode(&hour).unwrap().len());
        assert_eq!(streams::get(&db.store, id).await.unwrap().unwrap(), quantized(&hour));
        let minute = sample_streams(60);
        streams::put(&db.store, id, &minute, 3).await.unwrap();
        assert_eq!(streams::get(&db.store, id).await.unwrap().unwrap(), quantized(&minute));
        assert_eq!(db.count("SELECT COUNT(*) FROM activity_streams").await, 1);
    }
}
