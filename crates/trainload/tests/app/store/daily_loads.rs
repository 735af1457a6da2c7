//! Daily load sums (`daily_loads`): kept equal to a fresh computation from every load through
//! load writes, edits, date moves, deletions and restores; built on the first read of a
//! database from before the table; a tampered row is found and repaired.

use science::SportGroup;
use science::load::{DailyLoads, DatedLoad, Series};
use trainload::store::activities::{self, ActivityId, ActivitySummary};
use trainload::store::integrations::Provider;
use trainload::store::loads::{self, ActivityLoad};
use trainload::store::users::{self, UserId};
use trainload::store::{Store, daily_loads};
use trainload::sync::check_daily_loads;

use crate::store::misc::load_for;
use crate::support::db::{TestDb, ride, user};

const DAY_MS: i64 = 86_400_000;

/// A load of `utl` whose provenance names `group`, as the sync records it.
fn load_in(activity: ActivityId, group: SportGroup, utl: f64) -> ActivityLoad {
    let mut load = ActivityLoad {
        utl,
        ..load_for(activity)
    };
    load.provenance.sport.group = group;
    load
}

/// A ride `days` after the fixture's (2026-01-01 local), `external_id` apart.
fn ride_on(external_id: u64, days: i64) -> ActivitySummary {
    let base = ride(external_id);
    ActivitySummary {
        start_at_ms: base.start_at_ms + days * DAY_MS,
        ..base
    }
}

fn science_day(text: &str) -> science::LocalDate {
    text.parse().unwrap()
}

/// The series as the reads summed it before the table: every load, straight into the science
/// crate.
fn direct(loads: &[(&str, SportGroup, f64)], as_of: &str) -> DailyLoads {
    let dated: Vec<DatedLoad> = loads
        .iter()
        .map(|&(day, group, utl)| DatedLoad {
            date: science_day(day),
            group,
            utl,
        })
        .collect();
    DailyLoads::new(&dated, science_day(as_of)).unwrap()
}

/// The series from the stored rows.
async fn stored(store: &Store, user: UserId, as_of: &str) -> DailyLoads {
    let from = jiff::civil::date(2000, 1, 1);
    let days = daily_loads::between(store, user, from, as_of.parse().unwrap())
        .await
        .unwrap();
    DailyLoads::from_days(&days, science_day(as_of)).unwrap()
}

fn bits(daily: &DailyLoads) -> Vec<Vec<u64>> {
    [Series::Overall]
        .into_iter()
        .chain(SportGroup::ALL.map(Series::Group))
        .map(|s| daily.series(s).iter().map(|v| v.to_bits()).collect())
        .collect()
}

async fn assert_matches(db: &TestDb, user: UserId, loads: &[(&str, SportGroup, f64)]) {
    let as_of = "2026-02-01";
    let kept = stored(&db.store, user, as_of).await;
    let fresh = direct(loads, as_of);
    assert_eq!(kept.seed(), fresh.seed());
    assert_eq!(bits(&kept), bits(&fresh), "{loads:?}");
    let check = check_daily_loads(&db.store, user).await.unwrap();
    assert_eq!((check.drift, check.repaired), (0, false), "{check:?}");
}

conformance! {
    async fn day_sums_follow_every_load_write_and_equal_a_fresh_computation(db) {
        use SportGroup::{Cycling, Running};
        let ada = user(&db.store, "Ada").await;
        let bob = user(&db.store, "Bob").await;
        // Values whose sum depends on the order they are added in.
        let (a, b, c) = (0.1, 0.2, 0.3);
        let one = activities::upsert(&db.store, ada, &ride_on(1, 0), 1).await.unwrap().id;
        let two = activities::upsert(&db.store, ada, &ride_on(2, 0), 1).await.unwrap().id;
        let three = activities::upsert(&db.store, ada, &ride_on(3, 2), 1).await.unwrap().id;
        let other = activities::upsert(&db.store, bob, &ride_on(4, 0), 1).await.unwrap().id;
        loads::put(&db.store, &load_in(one, Running, c)).await.unwrap();
        loads::put(&db.store, &load_in(two, Cycling, a)).await.unwrap();
        loads::put(&db.store, &load_in(three, Cycling, b)).await.unwrap();
        loads::put(&db.store, &load_in(other, Running, 50.0)).await.unwrap();
        assert_matches(&db, ada, &[("2026-01-01", Running, c), ("2026-01-01", Cycling, a), ("2026-01-03", Cycling, b)]).await;
        // A recomputed load replaces its share of the day.
        loads::put(&db.store, &load_in(two, Cycling, 7.5)).await.unwrap();
        assert_matches(&db, ada, &[("2026-01-01", Running, c), ("2026-01-01", Cycling, 7.5), ("2026-01-03", Cycling, b)]).await;
        // A start moved to another day moves its load (both days rebuilt).
        activities::upsert(&db.store, ada, &ride_on(1, 5), 2).await.unwrap();
        assert_matches(&db, ada, &[("2026-01-06", Running, c), ("2026-01-01", Cycling, 7.5), ("2026-01-03", Cycling, b)]).await;
        // Soft deletion drops the load; the reappearing activity has none until computed again.
        assert!(activities::soft_delete(&db.store, two, "absent_from_listing", 3).await.unwrap());
        assert_matches(&db, ada, &[("2026-01-06", Running, c), ("2026-01-03", Cycling, b)]).await;
        activities::upsert(&db.store, ada, &ride_on(2, 0), 4).await.unwrap();
        assert_matches(&db, ada, &[("2026-01-06", Running, c), ("2026-01-03", Cycling, b)]).await;
        loads::put(&db.store, &load_in(two, Cycling, a)).await.unwrap();
        assert_matches(&db, ada, &[("2026-01-06", Running, c), ("2026-01-01", Cycling, a), ("2026-01-03", Cycling, b)]).await;
        // A zero load still starts the history.
        let early = activities::upsert(&db.store, ada, &ride_on(5, -10), 5).await.unwrap().id;
        loads::put(&db.store, &load_in(early, Running, 0.0)).await.unwrap();
        assert_matches(&db, ada, &[("2025-12-22", Running, 0.0), ("2026-01-06", Running, c), ("2026-01-01", Cycling, a), ("2026-01-03", Cycling, b)]).await;
        // The other athlete's days were never touched.
        assert_matches(&db, bob, &[("2026-01-01", Running, 50.0)]).await;
        // Disconnecting Strava deletes the activities and their days.
        activities::delete_from_provider(&db.store, ada, Provider::Strava).await.unwrap();
        assert_matches(&db, ada, &[]).await;
        assert_eq!(db.count(&format!("SELECT COUNT(*) FROM daily_loads WHERE user_id = {}", ada.0)).await, 0);
        activities::delete_from_provider(&db.store, bob, Provider::Strava).await.unwrap();
        assert_matches(&db, bob, &[]).await;
        // Deleting an athlete deletes their rows.
        let again = activities::upsert(&db.store, bob, &ride_on(6, 0), 6).await.unwrap().id;
        loads::put(&db.store, &load_in(again, Running, 1.0)).await.unwrap();
        users::delete(&db.store, bob).await.unwrap();
        assert_eq!(db.count("SELECT COUNT(*) FROM daily_loads").await, 0);
    }
}

conformance! {
    async fn a_database_from_before_the_table_is_built_on_the_first_read(db) {
        use SportGroup::{Cycling, Other};
        let ada = user(&db.store, "Ada").await;
        let one = activities::upsert(&db.store, ada, &ride_on(1, 0), 1).await.unwrap().id;
        let two = activities::upsert(&db.store, ada, &ride_on(2, 3), 1).await.unwrap().id;
        loads::put(&db.store, &load_in(one, Cycling, 40.0)).await.unwrap();
        loads::put(&db.store, &load_in(two, Other, 84.5)).await.unwrap();
        // As the migration leaves an athlete of an older database: no rows, marked pending.
        db.raw("DELETE FROM daily_loads").await;
        db.raw(&format!("INSERT INTO daily_loads_pending (user_id) VALUES ({})", ada.0)).await;
        assert_matches(&db, ada, &[("2026-01-01", Cycling, 40.0), ("2026-01-04", Other, 84.5)]).await;
        assert_eq!(db.count("SELECT COUNT(*) FROM daily_loads_pending").await, 0);
    }
}

conformance! {
    async fn a_tampered_day_is_found_and_repaired(db) {
        use SportGroup::Cycling;
        let ada = user(&db.store, "Ada").await;
        let expected = [("2026-01-01", Cycling, 40.0), ("2026-01-02", Cycling, 30.0), ("2026-01-03", Cycling, 20.0)];
        for (k, &(_, group, utl)) in expected.iter().enumerate() {
            let k = i64::try_from(k).unwrap();
            let id = activities::upsert(&db.store, ada, &ride_on(10 + k.unsigned_abs(), k), 1).await.unwrap().id;
            loads::put(&db.store, &load_in(id, group, utl)).await.unwrap();
        }
        assert_matches(&db, ada, &expected).await;
        // One sum changed, one day lost, one day invented.
        db.raw("UPDATE daily_loads SET cycling = cycling + 1 WHERE local_date = '2026-01-01'").await;
        db.raw("DELETE FROM daily_loads WHERE local_date = '2026-01-02'").await;
        db.raw(&format!(
            "INSERT INTO daily_loads (user_id, local_date, loads, overall, running, cycling, swimming, other) \
             VALUES ({}, '2025-06-01', 1, 5, 5, 0, 0, 0)",
            ada.0
        ))
        .await;
        let check = check_daily_loads(&db.store, ada).await.unwrap();
        assert_eq!((check.drift, check.repaired, check.days_checked), (3, true, 4), "{check:?}");
        let dates: Vec<&str> = check.examples.iter().map(|e| e.date.as_str()).collect();
        assert_eq!(dates, ["2025-06-01", "2026-01-01", "2026-01-02"]);
        assert_eq!((check.examples[0].stored, check.examples[0].fresh), (Some(5.0), None));
        assert_eq!((check.examples[2].stored, check.examples[2].fresh), (None, Some(30.0)));
        assert_matches(&db, ada, &expected).await;
    }
}
