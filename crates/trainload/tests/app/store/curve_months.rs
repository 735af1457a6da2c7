//! Per-month curve folds (`curve_months`): a window's power and speed curves, merged from the
//! stored month folds and the curves of partial months, equal the fold of every curve one by one,
//! through curve writes, removals, date moves and deletions; a tampered month is found and
//! repaired.

use jiff::civil::{Date, date};
use trainload::read::DateRange;
use trainload::read::fitness::{self, PowerCurve};
use trainload::store::Store;
use trainload::store::activities::{self, ActivitySummary};
use trainload::store::curve_fold::CurveFold;
use trainload::store::curve_months;
use trainload::store::power_curves::{self, CurveKind, CurvePoint};
use trainload::store::users::UserId;

use crate::support::db::{ride, user};

const DAY_MS: i64 = 86_400_000;

fn ride_on(external_id: u64, days: i64) -> ActivitySummary {
    let base = ride(external_id);
    ActivitySummary {
        start_at_ms: base.start_at_ms + days * DAY_MS,
        ..base
    }
}

/// A curve on a few chart durations whose values repeat every four activities, so equal
/// values meet across days and months (ties go to the later activity).
fn curve(k: u64, kind: CurveKind) -> Vec<CurvePoint> {
    let (base, reserve) = match kind {
        CurveKind::Power => (240.0, 20_000.0),
        CurveKind::Speed => (3.5, 150.0),
    };
    let f = 1.0 + (k % 4) as f64 * 0.03;
    [1, 5, 60, 300, 1200, 3600, 7200]
        .iter()
        .take(4 + (k % 4) as usize)
        .map(|&d| CurvePoint {
            duration_s: d,
            value: ((base + reserve / f64::from(d)) * f * 1000.0).round() / 1000.0,
        })
        .collect()
}

/// The curves of `range` the way the page folded them before the month folds: every stored
/// curve, one by one, by date then id.
async fn one_by_one(store: &Store, user: UserId, range: DateRange) -> PowerCurve {
    let mut folds = Vec::new();
    for kind in [CurveKind::Power, CurveKind::Speed] {
        let mut fold = CurveFold::new(curve_months::distances(kind));
        let rows = power_curves::encoded_by_local_date(store, user, kind, range.from, range.to)
            .await
            .unwrap();
        for (id, day, bytes) in rows {
            fold.add(id, day, &power_curves::decode(&bytes).unwrap());
        }
        folds.push(fold);
    }
    PowerCurve {
        from: range.from.to_string(),
        to: range.to.to_string(),
        power: fitness::view(&folds[0]),
        speed: fitness::view(&folds[1]),
        best_times: fitness::best_times(&folds[1]),
    }
}

fn ranges() -> Vec<DateRange> {
    let r = |from: Date, to: Date| DateRange { from, to };
    vec![
        r(date(1900, 1, 1), date(2026, 12, 7)),
        r(date(2026, 1, 1), date(2026, 5, 31)),
        r(date(2026, 1, 15), date(2026, 4, 10)),
        r(date(2026, 2, 1), date(2026, 3, 31)),
        r(date(2026, 2, 3), date(2026, 2, 20)),
        r(date(2026, 1, 31), date(2026, 3, 1)),
        r(date(2025, 12, 1), date(2026, 1, 31)),
    ]
}

async fn assert_same(store: &Store, user: UserId) {
    for range in ranges() {
        let merged = fitness::power_curve(store, user, range).await.unwrap();
        let expected = one_by_one(store, user, range).await;
        assert_eq!(
            serde_json::to_value(&merged).unwrap(),
            serde_json::to_value(&expected).unwrap(),
            "{range:?}"
        );
    }
    let (_, drifted) = curve_months::drifted(store, user).await.unwrap();
    assert!(drifted.is_empty(), "{drifted:?}");
}

conformance! {
    async fn month_folds_give_the_curves_of_every_curve_folded_one_by_one(db) {
        let ada = user(&db.store, "Ada").await;
        let mut ids = Vec::new();
        for k in 0..24_u64 {
            let days = i64::try_from(k * 6).unwrap() - 10;
            let id = activities::upsert(&db.store, ada, &ride_on(100 + k, days), 1).await.unwrap().id;
            let kind = if k % 3 == 2 { CurveKind::Speed } else { CurveKind::Power };
            power_curves::put(&db.store, ada, id, kind, &curve(k, kind), 1).await.unwrap();
            ids.push(id);
        }
        let merged = fitness::power_curve(&db.store, ada, ranges()[0]).await.unwrap();
        assert_eq!((merged.power.activities, merged.speed.activities), (16, 8));
        assert!(!merged.best_times.is_empty(), "{merged:?}");
        assert_same(&db.store, ada).await;
        // A curve replaced, a curve removed, an activity moved to another month, one deleted.
        power_curves::put(&db.store, ada, ids[3], CurveKind::Power, &curve(7, CurveKind::Power), 2).await.unwrap();
        power_curves::delete_activity(&db.store, ada, ids[4]).await.unwrap();
        activities::upsert(&db.store, ada, &ride_on(105, 70), 2).await.unwrap();
        assert!(activities::soft_delete(&db.store, ids[6], "absent_from_listing", 3).await.unwrap());
        assert_same(&db.store, ada).await;
        // A database from before the table is built on the first read.
        db.raw("DELETE FROM curve_months").await;
        db.raw(&format!("INSERT INTO curve_months_pending (user_id) VALUES ({})", ada.0)).await;
        assert_same(&db.store, ada).await;
        assert_eq!(db.count("SELECT COUNT(*) FROM curve_months_pending").await, 0);
        activities::delete_from_provider(&db.store, ada, trainload::store::integrations::Provider::Strava).await.unwrap();
        assert_eq!(db.count("SELECT COUNT(*) FROM curve_months").await, 0);
        assert_same(&db.store, ada).await;
    }
}

conformance! {
    async fn a_tampered_month_is_found(db) {
        let ada = user(&db.store, "Ada").await;
        for k in 0..6_u64 {
            let id = activities::upsert(&db.store, ada, &ride_on(200 + k, i64::try_from(k * 20).unwrap()), 1).await.unwrap().id;
            power_curves::put(&db.store, ada, id, CurveKind::Power, &curve(k, CurveKind::Power), 1).await.unwrap();
        }
        db.raw("DELETE FROM curve_months WHERE month = '2026-02'").await;
        let (checked, drifted) = curve_months::drifted(&db.store, ada).await.unwrap();
        assert_eq!(drifted, [("2026-02".to_owned(), "power")], "of {checked}");
        curve_months::rebuild(&db.store, ada).await.unwrap();
        assert_same(&db.store, ada).await;
    }
}
