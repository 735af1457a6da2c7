//! docs/scheduler.md §10 T1–T5 and the interval grid: exact instants, DST notes, one fire per local
//! date.

use jiff::civil::{Date, date, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;

fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// The fire of a daily `minute hour * * *` spec on `day` in `zone`.
fn daily_fire(hour: u8, minute: u8, zone_name: &str, day: Date) -> Fire {
    let trigger = Trigger::calendar(&format!("{minute} {hour} * * *")).unwrap();
    let tz = zone(zone_name);
    let start_of_day = tz.to_ambiguous_timestamp(day.to_datetime(time(0, 0, 0, 0)));
    let after = start_of_day.earlier().unwrap() - SignedDuration::from_secs(1);
    next_fire(&trigger, &tz, after).unwrap()
}

#[test]
fn daily_fires_on_dst_days_follow_the_gap_and_fold_rule() {
    use DstNote::{FoldFirst, GapShifted};
    let cases = [
        (
            "America/New_York",
            date(2024, 3, 10),
            (1, 30),
            "2024-03-10T06:30:00Z",
            None,
        ),
        (
            "America/New_York",
            date(2024, 3, 10),
            (2, 0),
            "2024-03-10T07:00:00Z",
            Some(GapShifted),
        ),
        (
            "America/New_York",
            date(2024, 3, 10),
            (2, 30),
            "2024-03-10T07:00:00Z",
            Some(GapShifted),
        ),
        (
            "America/New_York",
            date(2024, 3, 10),
            (3, 0),
            "2024-03-10T07:00:00Z",
            None,
        ),
        (
            "America/New_York",
            date(2024, 11, 3),
            (1, 30),
            "2024-11-03T05:30:00Z",
            Some(FoldFirst),
        ),
        (
            "America/New_York",
            date(2024, 11, 3),
            (2, 0),
            "2024-11-03T07:00:00Z",
            None,
        ),
        (
            "America/New_York",
            date(2024, 11, 3),
            (2, 30),
            "2024-11-03T07:30:00Z",
            None,
        ),
        (
            "America/New_York",
            date(2024, 11, 3),
            (3, 0),
            "2024-11-03T08:00:00Z",
            None,
        ),
        (
            "Europe/Berlin",
            date(2024, 3, 31),
            (1, 30),
            "2024-03-31T00:30:00Z",
            None,
        ),
        (
            "Europe/Berlin",
            date(2024, 3, 31),
            (2, 0),
            "2024-03-31T01:00:00Z",
            Some(GapShifted),
        ),
        (
            "Europe/Berlin",
            date(2024, 3, 31),
            (2, 30),
            "2024-03-31T01:00:00Z",
            Some(GapShifted),
        ),
        (
            "Europe/Berlin",
            date(2024, 3, 31),
            (3, 0),
            "2024-03-31T01:00:00Z",
            None,
        ),
        (
            "Europe/Berlin",
            date(2024, 10, 27),
            (1, 30),
            "2024-10-26T23:30:00Z",
            None,
        ),
        (
            "Europe/Berlin",
            date(2024, 10, 27),
            (2, 0),
            "2024-10-27T00:00:00Z",
            Some(FoldFirst),
        ),
        (
            "Europe/Berlin",
            date(2024, 10, 27),
            (2, 30),
            "2024-10-27T00:30:00Z",
            Some(FoldFirst),
        ),
        (
            "Europe/Berlin",
            date(2024, 10, 27),
            (3, 0),
            "2024-10-27T02:00:00Z",
            None,
        ),
    ];
    for (zone_name, day, (h, m), expected, note) in cases {
        let fire = daily_fire(h, m, zone_name, day);
        assert_eq!(fire.at, ts(expected), "{zone_name} {day} {h:02}:{m:02}");
        assert_eq!(fire.note, note, "{zone_name} {day} {h:02}:{m:02}");
    }
}

#[test]
fn the_second_half_of_a_fold_never_fires() {
    let trigger = Trigger::calendar("30 1 * * *").unwrap();
    let tz = zone("America/New_York");
    let first = next_fire(&trigger, &tz, ts("2024-11-03T00:00:00Z")).unwrap();
    assert_eq!(first.at, ts("2024-11-03T05:30:00Z"));
    let next = next_fire(&trigger, &tz, first.at).unwrap();
    assert_eq!(
        next.at,
        ts("2024-11-04T06:30:00Z"),
        "never 2024-11-03T06:30Z"
    );
}

fn one_fire_per_local_date(zone_name: &str, hour: u8, minute: u8, year: i16) {
    let tz = zone(zone_name);
    let trigger = Trigger::calendar(&format!("{minute} {hour} * * *")).unwrap();
    let from = tz.to_ambiguous_timestamp(date(year, 1, 1).to_datetime(time(0, 0, 0, 0)));
    let from = from.earlier().unwrap();
    let to = from + SignedDuration::from_hours(24 * 366);
    let mut last: Option<Fire> = None;
    let mut dates = Vec::new();
    for fire in fires(&trigger, &tz, from, to) {
        if let Some(prev) = last {
            assert!(fire.at > prev.at);
        }
        dates.push(fire.nominal.unwrap().date());
        last = Some(fire);
    }
    let mut unique = dates.clone();
    unique.dedup();
    assert_eq!(
        unique, dates,
        "{zone_name} {year} {hour:02}:{minute:02}: a date fired twice"
    );
    let days_in_year = if date(year, 12, 31).day_of_year() == 366 {
        366
    } else {
        365
    };
    assert!(
        dates.len() >= days_in_year,
        "{zone_name} {year}: {} fires",
        dates.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn daily_specs_fire_once_per_local_date(
        zone_index in 0usize..4,
        hour in 0u8..24,
        minute in prop::sample::select(vec![0u8, 15, 30, 45]),
        year in 2000i16..2038,
    ) {
        let zones = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Africa/Cairo"];
        one_fire_per_local_date(zones[zone_index], hour, minute, year);
    }
}

#[test]
fn weekly_sunday_jobs_fire_once_on_dst_sundays_and_names_equal_numbers() {
    let tz = zone("Europe/Berlin");
    for spec in ["0 3 * * SUN", "0 3 * * 0", "0 3 * * 7", "0 3 * * sun"] {
        let trigger = Trigger::calendar(spec).unwrap();
        let spring = next_fire(&trigger, &tz, ts("2024-03-30T12:00:00Z")).unwrap();
        assert_eq!(spring.at, ts("2024-03-31T01:00:00Z"), "{spec}");
        let autumn = next_fire(&trigger, &tz, ts("2024-10-26T12:00:00Z")).unwrap();
        assert_eq!(autumn.at, ts("2024-10-27T02:00:00Z"), "{spec}");
        let after_autumn = next_fire(&trigger, &tz, autumn.at).unwrap();
        assert_eq!(after_autumn.at, ts("2024-11-03T02:00:00Z"), "{spec}");
    }
}

fn every_three_days() -> Trigger {
    Trigger::calendar_interval(3, time(5, 0, 0, 0), date(2024, 1, 1)).unwrap()
}

#[test]
fn every_third_day_keeps_its_grid_across_months_and_years() {
    let utc = TimeZone::UTC;
    let next = |after: &str| next_fire(&every_three_days(), &utc, ts(after)).unwrap().at;
    assert_eq!(next("2024-01-28T05:00:00Z"), ts("2024-01-31T05:00:00Z"));
    assert_eq!(
        next("2024-01-31T05:00:00Z"),
        ts("2024-02-03T05:00:00Z"),
        "not 02-01"
    );
    assert_eq!(
        next("2024-02-27T05:00:00Z"),
        ts("2024-03-01T05:00:00Z"),
        "leap year"
    );
    assert_eq!(next("2024-12-29T05:00:00Z"), ts("2025-01-01T05:00:00Z"));
    assert_eq!(
        next("2025-02-27T05:00:00Z"),
        ts("2025-03-02T05:00:00Z"),
        "no leap day"
    );
}

#[test]
fn every_third_day_is_71_or_73_hours_across_dst_in_berlin() {
    let tz = zone("Europe/Berlin");
    let spring = next_fire(&every_three_days(), &tz, ts("2024-03-28T04:00:00Z")).unwrap();
    assert_eq!(spring.at, ts("2024-03-31T03:00:00Z"));
    let autumn = next_fire(&every_three_days(), &tz, ts("2024-10-24T03:00:00Z")).unwrap();
    assert_eq!(autumn.at, ts("2024-10-27T04:00:00Z"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_third_day_nominal_dates_are_exactly_three_days_apart(start_day in 0i64..20_000) {
        let tz = zone("America/New_York");
        let after = ts("2000-01-01T00:00:00Z") + SignedDuration::from_hours(24 * start_day);
        let first = next_fire(&every_three_days(), &tz, after).unwrap();
        let second = next_fire(&every_three_days(), &tz, first.at).unwrap();
        let gap = first.nominal.unwrap().date().until(second.nominal.unwrap().date()).unwrap();
        prop_assert_eq!(gap.get_days(), 3);
        let anchor_gap = date(2024, 1, 1).until(first.nominal.unwrap().date()).unwrap();
        prop_assert_eq!(anchor_gap.get_days().rem_euclid(3), 0);
    }
}

#[test]
fn monthly_jobs_fire_once_a_month_for_four_years() {
    let trigger = Trigger::calendar("0 4 1 * *").unwrap();
    let tz = zone("Europe/Berlin");
    let all: Vec<Fire> = fires(
        &trigger,
        &tz,
        ts("2024-01-01T00:00:00Z"),
        ts("2027-12-31T00:00:00Z"),
    )
    .collect();
    assert_eq!(all.len(), 48);
    assert!(all.iter().all(|f| f.nominal.unwrap().day() == 1));
}

#[test]
fn unsafe_cron_specs_are_rejected() {
    for spec in [
        "0 4 31 * *",
        "0 4 29-31 * *",
        "0 4 */3 * *",
        "0 4 1 * MON",
        "0 4 L * *",
        "0 4 ? * MON",
        "0 4 * * MON#2",
        "0 0 4 * * *",
        "0 4 * *",
    ] {
        assert!(Trigger::calendar(spec).is_err(), "{spec} must be rejected");
    }
    for spec in [
        "0 2 * * *",
        "0 3 * * SUN",
        "0 4 1 * *",
        "0 4 1-28 * *",
        "*/15 * * * *",
        "0 4 * JUL *",
    ] {
        assert!(Trigger::calendar(spec).is_ok(), "{spec} must be accepted");
    }
}

#[test]
fn the_quick_sync_grid_never_moves() {
    let trigger =
        Trigger::interval(SignedDuration::from_mins(210), ts("2024-01-01T00:00:00Z")).unwrap();
    let utc = TimeZone::UTC;
    let from = ts("2024-03-10T01:17:00Z");
    let grid: Vec<Timestamp> = fires(&trigger, &utc, from, ts("2024-03-10T11:00:00Z"))
        .map(|f| f.at)
        .collect();
    assert_eq!(
        grid,
        [
            ts("2024-03-10T03:00:00Z"),
            ts("2024-03-10T06:30:00Z"),
            ts("2024-03-10T10:00:00Z")
        ]
    );
    let before_anchor = next_fire(&trigger, &utc, ts("2023-12-31T19:00:00Z")).unwrap();
    assert_eq!(
        before_anchor.at,
        ts("2023-12-31T20:30:00Z"),
        "a future anchor delays nothing"
    );
}

#[test]
fn specs_round_trip_through_canonical_json() {
    let specs = [
        Trigger::interval(SignedDuration::from_mins(210), ts("2024-01-01T00:00:00Z")).unwrap(),
        Trigger::calendar("0 3 * * SUN").unwrap(),
        every_three_days(),
    ];
    for spec in specs {
        let json = spec.to_json();
        let back: Trigger = json.parse().unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.kind(), spec.kind());
    }
    assert_eq!(
        specs_json_of_interval(),
        r#"{"anchor":"2024-01-01T00:00:00Z","every":"PT3H30M","kind":"interval"}"#
    );
    assert!("{\"kind\":\"weekly\"}".parse::<Trigger>().is_err());
    assert!("not json".parse::<Trigger>().is_err());
}

fn specs_json_of_interval() -> String {
    Trigger::interval(SignedDuration::from_mins(210), ts("2024-01-01T00:00:00Z"))
        .unwrap()
        .to_json()
}
