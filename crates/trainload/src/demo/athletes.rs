//! The demo's users: a sync context pointing at the simulator, one user per simulated athlete
//! connected to both providers, and the revoked one.

use std::sync::Arc;

use anyhow::Context;
use providers::intervals::{IntervalsClient, IntervalsConfig};
use providers::strava::{StravaClient, StravaConfig};
use queue::SystemClock;
use secrecy::SecretString;
use sim::{SimAthleteInfo, SimHandle, SimInfo};

use super::DemoAthlete;
use crate::store::budget::{BudgetLimits, SqlRateBudget};
use crate::store::integrations::{self, NewIntegration};
use crate::store::users::{self, NewUser, Role, UserId};
use crate::store::{self, Store};
use crate::sync::{SyncContext, SyncOptions, SyncReport};

/// The profiles the demo shows first, in order; the athlete after them has its Strava access
/// revoked, and any further ones are whatever the simulator has left.
const SHOWCASE: [&str; 4] = ["cyclist", "runner", "triathlete", "hr_only"];

/// Position (in the demo's list) of the athlete whose Strava access the simulator revokes.
pub(super) const REVOKED_POSITION: usize = SHOWCASE.len();

/// Simulated athletes to start for a demo of `wanted`: more than asked, so every showcase
/// profile is present (the simulator assigns profiles per seed; unused athletes cost nothing).
pub(super) fn sim_population(wanted: usize) -> usize {
    wanted.max(SHOWCASE.len() + 1) + 12
}

/// `wanted` athletes of the simulator: one per showcase profile first, then the rest in index
/// order.
pub(super) fn choose(info: &SimInfo, wanted: usize) -> Vec<SimAthleteInfo> {
    let mut chosen: Vec<SimAthleteInfo> = Vec::with_capacity(wanted);
    for profile in SHOWCASE {
        if let Some(a) = info
            .athletes
            .iter()
            .find(|a| a.profile.as_str() == profile && !chosen.iter().any(|c| c.index == a.index))
        {
            chosen.push(a.clone());
        }
    }
    for a in &info.athletes {
        if !chosen.iter().any(|c| c.index == a.index) {
            chosen.push(a.clone());
        }
    }
    chosen.truncate(wanted);
    chosen
}

/// Rate limits high enough that the demo's onboarding is never deferred (the simulator's own
/// limits are off too).
const DEMO_LIMIT: u32 = 1_000_000;

/// Provider clients over the simulator's base URLs and credentials, on the wall clock (the
/// simulator's clock runs in real time). The demo and tests that sign in through the
/// simulator's OAuth use it.
///
/// # Errors
/// A base URL the clients refuse.
pub fn sim_sync_context(store: &Store, info: &SimInfo) -> anyhow::Result<SyncContext> {
    let limits = BudgetLimits {
        strava_overall_15m: DEMO_LIMIT,
        strava_overall_day: DEMO_LIMIT,
        strava_read_15m: DEMO_LIMIT,
        strava_read_day: DEMO_LIMIT,
        ..BudgetLimits::default()
    };
    let budget = Arc::new(SqlRateBudget::new(store.clone(), limits));
    let mut strava = StravaConfig::new(
        info.client_id.clone(),
        SecretString::from(info.client_secret.clone()),
    );
    strava.api_base_url.clone_from(&info.strava_api_base);
    strava.oauth_base_url.clone_from(&info.strava_oauth_base);
    let intervals = IntervalsConfig {
        base_url: info.intervals_base.clone(),
        max_rps: 0,
        ..IntervalsConfig::default()
    };
    Ok(SyncContext {
        store: store.clone(),
        strava: Some(Arc::new(
            StravaClient::new(strava, budget.clone()).context("the Strava client")?,
        )),
        intervals: Some(Arc::new(
            IntervalsClient::new(intervals, budget).context("the Intervals.icu client")?,
        )),
        science: Arc::new(science::Config::default()),
        clock: Arc::new(SystemClock),
        planner: crate::planner::PlannerSettings::default(),
        push: demo_push()?,
    })
}

/// Web Push for a demo or test process: a fresh VAPID key (its data directory is temporary, so
/// a key that lives as long as the process is all it needs).
///
/// # Errors
/// No randomness, or no HTTP client.
pub fn demo_push() -> anyhow::Result<crate::push::Push> {
    let key = crate::push::vapid::VapidKey::generate()?;
    crate::push::Push::new(key, crate::push::PushSettings::default()).context("the push client")
}

/// Adds simulated athlete `athlete` as a user connected to Strava (with full read scope) and,
/// when the athlete has an account, to Intervals.icu, as `trainload users add` would. Shared by
/// the demo and the benchmarks.
///
/// # Errors
/// The store refused the user or a connection.
pub async fn add_sim_athlete(
    store: &Store,
    athlete: &SimAthleteInfo,
    now_ms: i64,
) -> anyhow::Result<UserId> {
    let new = NewUser {
        name: athlete.name.clone(),
        sex: None,
        birth_year: None,
        time_zone: athlete.timezone.clone(),
        role: Role::Athlete,
    };
    let user = users::add(store, &new, now_ms)
        .await
        .context("adding a simulated athlete")?;
    let refresh_token = SecretString::from(athlete.strava_refresh_token.clone());
    let scopes = Some("read,activity:read_all".to_owned());
    let strava = NewIntegration::strava(user, athlete.strava_athlete_id, refresh_token, scopes);
    integrations::connect(store, &strava, now_ms)
        .await
        .context("connecting Strava")?;
    if let (Some(id), Some(key)) = (&athlete.intervals_athlete_id, &athlete.intervals_api_key) {
        let intervals = NewIntegration::intervals(user, id, SecretString::from(key.clone()));
        integrations::connect(store, &intervals, now_ms)
            .await
            .context("connecting Intervals.icu")?;
    }
    Ok(user)
}

/// Revokes the athlete's access in the simulator, then runs one quick sync so the product
/// discovers it the way it would in production (the integration turns `needs_reauth`).
pub(super) async fn revoke(
    ctx: &SyncContext,
    sim: &SimHandle,
    person: &mut DemoAthlete,
) -> anyhow::Result<()> {
    let url = format!("http://{}/_sim/revoke", sim.addr());
    let body = serde_json::json!({ "athlete": person.sim_index }).to_string();
    super::sim_client()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .context("revoking a demo athlete in the simulator")?;
    // The sync is expected to fail on Strava; its outcome is the integration's new status.
    if let Err(error) = crate::sync::user_sync(ctx, person.user, &SyncOptions::quick()).await {
        tracing::debug!(%error, "the revoked athlete's sync failed as intended");
    }
    person.revoked = true;
    Ok(())
}

/// Records the onboarding as each clean provider's last sync (`onboard` itself does not stamp
/// the integrations; a scheduled sync does), so the dashboard shows when data last arrived.
pub(super) async fn stamp_sync(
    ctx: &SyncContext,
    user: UserId,
    report: &SyncReport,
) -> anyhow::Result<()> {
    let now_ms = store::now_ms();
    for integration in integrations::list_for_user(&ctx.store, user).await? {
        let failed = report
            .errors
            .iter()
            .any(|e| e.step.starts_with(integration.provider.as_str()));
        if !failed {
            integrations::record_sync(&ctx.store, integration.id, now_ms).await?;
        }
    }
    Ok(())
}
