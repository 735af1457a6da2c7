//! Every fault kind of the simulator: the report names the failure, nothing stored is lost, and
//! later syncs complete the data.

use std::time::Duration;

use sim::{FaultKind, FaultSettings, SimConfig};
use trainload::store::integrations;
use trainload::store::integrations::Provider;
use trainload::sync::{self, SyncOptions, SyncReport};

use crate::support::world::{Snapshot, assert_complete, first_with_profile, snapshot, world};

/// Which step a fault breaks and the class the report gives it (`None`: not a failure).
fn expected(kind: FaultKind) -> Option<(&'static str, &'static str)> {
    match kind {
        FaultKind::Strava5xx | FaultKind::StravaTimeout | FaultKind::StravaMalformed => {
            Some(("strava", "retryable"))
        }
        FaultKind::Strava429 => Some(("strava", "rate_limited")),
        FaultKind::StravaRevoked => Some(("strava", "needs_reauth")),
        FaultKind::Intervals5xx | FaultKind::IntervalsMalformed => Some(("intervals", "retryable")),
        FaultKind::Intervals401 => Some(("intervals", "needs_reauth")),
        _ => None,
    }
}

fn options() -> SyncOptions {
    SyncOptions {
        activity_days: 10,
        wellness_days: 10,
        ..SyncOptions::quick()
    }
}

fn kept(before: &Snapshot, after: &Snapshot) {
    for a in &before.activities {
        assert!(
            after.activities.iter().any(|b| b.0 == a.0),
            "activity {} lost",
            a.0
        );
    }
    for l in &before.loads {
        assert!(
            after.loads.iter().any(|m| m.0 == l.0),
            "load of {} lost",
            l.0
        );
    }
}

async fn one_fault(db: &crate::support::db::TestDb, kind: FaultKind, seed: u64) {
    let mut config = SimConfig::new(seed, 6);
    config.faults = (0..6).map(|i| (i, kind)).collect();
    config.fault_settings = FaultSettings {
        probability: 0.25,
        stall: Duration::from_secs(2),
        streams_not_ready_count: 2,
        ..FaultSettings::default()
    };
    config.rate_limits = None;
    // A day of its own per fault: the shared budget's windows are keyed by time, and a 429
    // exhausts the window it happened in.
    let day_ms = 86_400_000 * i64::try_from(seed).unwrap();
    config.clock = sim::SimClock::fixed(sim::DEFAULT_START_MS + day_ms);
    let world = world(&db.store, config, Duration::from_millis(500)).await;
    let index = first_with_profile(&world.sim, "cyclist");
    let user = world.athlete(index, true).await;
    let first = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
    let mut seen = names(&first, kind);
    let mut last = snapshot(&db.store, user).await;
    if kind == FaultKind::StreamsNotReady {
        assert!(
            last.activities.iter().any(|a| a.3 == "not_ready"),
            "{last:?} {first:?}"
        );
    }
    if kind == FaultKind::StravaRevoked {
        let minted = world
            .control(
                reqwest::Method::POST,
                "/_sim/tokens",
                serde_json::json!({"athlete": index}),
            )
            .await;
        world
            .connect_strava(user, 0, minted["refresh_token"].as_str().unwrap())
            .await;
    }
    for _ in 0..12 {
        world.advance(Duration::from_secs(3_600));
        let report = sync::user_sync(&world.ctx, user, &options()).await.unwrap();
        seen |= names(&report, kind);
        let now = snapshot(&db.store, user).await;
        kept(&last, &now);
        last = now;
        let pending = report
            .errors
            .iter()
            // A rejected Intervals.icu key stays rejected until the athlete reconnects.
            .any(|e| kind != FaultKind::Intervals401 || !e.step.starts_with("intervals"));
        if !pending && last.activities.iter().all(|a| a.3 != "not_ready") {
            break;
        }
    }
    assert!(
        seen || expected(kind).is_none(),
        "{kind}: the failure was never reported"
    );
    assert_complete(&db.store, user).await;
    let connections = integrations::list_for_user(&db.store, user).await.unwrap();
    let intervals = connections
        .iter()
        .find(|i| i.provider == Provider::Intervals)
        .unwrap();
    if kind == FaultKind::Intervals401 {
        assert_eq!(intervals.status, integrations::Status::NeedsReauth);
    } else {
        assert_eq!(intervals.status, integrations::Status::Active, "{kind}");
        let days = trainload::store::wellness::range(
            &db.store,
            user,
            jiff::civil::date(2000, 1, 1),
            jiff::civil::date(2100, 1, 1),
        )
        .await
        .unwrap();
        assert!(!days.is_empty(), "{kind}: wellness completed");
    }
}

/// Whether the report names the fault's step and class.
fn names(report: &SyncReport, kind: FaultKind) -> bool {
    expected(kind).is_some_and(|(step, class)| {
        report
            .errors
            .iter()
            .any(|e| e.step.starts_with(step) && e.class == class && !e.message.is_empty())
    })
}

conformance!(
    async fn every_fault_is_reported_loses_nothing_and_a_later_sync_completes_the_data(db) {
        let kinds = FaultKind::all().filter(|k| *k != FaultKind::DuplicateWebhooks);
        for (seed, kind) in (100..).zip(kinds) {
            eprintln!("fault: {kind}");
            one_fault(&db, kind, seed).await;
        }
    }
);
