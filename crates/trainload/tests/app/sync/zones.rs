//! Every synced activity with streams gets its time in zone, counted against the thresholds
//! the sync adopted; edited boundaries reach the stored times on the next recomputation.

use std::time::Duration;

use science::utl::Method;
use science::zones::{Boundaries, ZoneKind, ZoneSettings};
use sim::SimConfig;
use trainload::store::zones::{self, Kind};
use trainload::store::{activities, loads};
use trainload::sync;

use crate::support::world::{first_with_profile, unlimited, world};

conformance!(
    async fn synced_rides_get_time_in_power_zones_and_edited_boundaries_reach_them(db) {
        let world = world(&db.store, unlimited(SimConfig::new(7, 6)), Duration::from_secs(30)).await;
        let index = first_with_profile(&world.sim, "cyclist");
        let user = world.athlete(index, true).await;
        let report = sync::onboard(&world.ctx, user, 90, &|_| {}).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let from = jiff::civil::date(2000, 1, 1);
        let to = jiff::civil::date(2100, 1, 1);
        let mut with_power = 0;
        for a in activities::list_by_local_date(&db.store, user, from, to).await.unwrap() {
            let load = loads::get(&db.store, a.id).await.unwrap().unwrap();
            let times = zones::times(&db.store, a.id).await.unwrap().expect("computed with the load");
            if load.method != Method::Power {
                continue;
            }
            with_power += 1;
            let power = times.iter().find(|t| t.kind == Kind::Power).expect("a power ride has power zones");
            assert_eq!(power.seconds.len(), 7);
            assert_eq!(power.boundaries_pct, ZoneKind::Power.default_pct());
            let ftp = load.provenance.thresholds["ftp"].value;
            assert_eq!(power.threshold, ftp, "counted against the FTP of the load");
            let duration = load.provenance.duration_s;
            let total: u32 = power.seconds.iter().sum();
            assert!(f64::from(total) <= duration + 1.0, "{total} s of {duration} s");
            assert!(f64::from(total) >= 0.5 * duration, "{total} s of {duration} s");
        }
        assert!(with_power > 3, "the cyclist rides with power");

        let mut edited = ZoneSettings::default();
        edited.set(Boundaries::new(ZoneKind::Power, vec![50.0, 70.0, 85.0, 100.0, 115.0, 140.0]).unwrap());
        zones::put_settings(&db.store, user, &edited, 0).await.unwrap();
        sync::recompute_from(&world.ctx, user, from).await.unwrap();
        for day in zones::times_by_local_date(&db.store, user, from, to).await.unwrap() {
            for t in day.1.iter().filter(|t| t.kind == Kind::Power) {
                assert_eq!(t.boundaries_pct, vec![50.0, 70.0, 85.0, 100.0, 115.0, 140.0]);
            }
        }
    }
);
