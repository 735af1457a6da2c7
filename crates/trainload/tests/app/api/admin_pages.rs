//! The admin pages: jobs with run-now and pause/resume, recent runs, a run's task outcomes,
//! failed-task retry, the rate budget and re-authorisation, for admins only.

use providers::budget::{Priority, Provider, RateBudget};
use reqwest::header::{COOKIE, LOCATION};
use secrecy::SecretString;
use trainload::store::budget::{BudgetLimits, SqlRateBudget};
use trainload::store::integrations::{self, NewIntegration, Status};
use trainload::store::users::{Role, UserId};

use crate::support::app::{
    AppOptions, Script, TestApp, TestJob, engines, no_redirects, signed_in, spawn_app_with,
};
use queue::{RunState, TaskState, TriggerKind};

/// A same-origin browser request with the session cookie (what the CSRF layer lets through).
fn browser(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
) -> reqwest::RequestBuilder {
    no_redirects()
        .request(method, app.url(path))
        .header(COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .header("origin", &app.address)
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let response = browser(app, reqwest::Method::GET, path, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// POSTs a form and returns where it redirects.
async fn submit(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> String {
    let response = browser(app, reqwest::Method::POST, path, cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{path}");
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_admin_sees_the_jobs_runs_one_now_and_pauses_and_resumes() {
    for engine in engines() {
        let jobs = vec![
            TestJob::new("quick_sync", vec![1, 2]).arc(),
            TestJob::new("daily_sync", vec![1, 2]).arc(),
        ];
        let app = spawn_app_with(
            AppOptions {
                engine,
                ..AppOptions::default()
            },
            jobs,
        )
        .await;
        let (admin, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
        signed_in(&app.store, "Bo <Runner>", Role::Athlete).await;

        let overview = page(&app, "/admin", &cookie).await;
        for job in ["quick_sync", "daily_sync"] {
            assert!(
                overview.contains(&format!(
                    r#"<tr class="job" data-job="{job}" data-paused="false">"#
                )),
                "{engine:?}: {overview}"
            );
            assert!(
                overview.contains(&format!(r#"<button id="run-{job}" type="submit">"#)),
                "{engine:?}"
            );
        }
        assert!(overview.contains("No runs yet."), "{engine:?}");
        assert!(
            overview.contains(r#"<script src="/assets/live.js" defer>"#),
            "{engine:?}"
        );

        let location = submit(&app, "/admin/jobs/quick_sync/run", &cookie, &[]).await;
        let runs = app
            .scheduler
            .runs(Some("quick_sync"), None, None, 10)
            .await
            .unwrap();
        assert_eq!(runs.len(), 1, "{engine:?}");
        let run = &runs[0];
        assert_eq!(
            (run.trigger_kind, run.tasks_total),
            (TriggerKind::Manual, 2),
            "{engine:?}"
        );
        assert_eq!(run.actor, format!("admin:user:{admin}"));
        assert_eq!(location, format!("/admin?started={}", run.id));
        let landed = page(&app, &location, &cookie).await;
        assert!(
            landed.contains(&format!(
                r#"<tr class="run" data-job="quick_sync" data-run="{}">"#,
                run.id
            )),
            "{engine:?}: {landed}"
        );
        assert!(
            landed.contains(&format!(
                r#"Run <a href="/admin/runs/{id}">#{id}</a> started."#,
                id = run.id
            )),
            "{engine:?}"
        );

        // The run is live: a second "run now" starts nothing and says which run blocks it.
        let refused = submit(&app, "/admin/jobs/quick_sync/run", &cookie, &[]).await;
        assert_eq!(refused, format!("/admin?live={}", run.id), "{engine:?}");
        let runs_now = app
            .scheduler
            .runs(Some("quick_sync"), None, None, 10)
            .await
            .unwrap();
        assert_eq!(runs_now.len(), 1, "{engine:?}");
        let landed = page(&app, &refused, &cookie).await;
        assert!(
            landed.contains(&format!(
                r#"Not started: run <a href="/admin/runs/{id}">#{id}</a> of this job is still live."#,
                id = run.id
            )),
            "{engine:?}"
        );

        let detail = page(&app, &format!("/admin/runs/{}", run.id), &cookie).await;
        assert!(detail.contains("Ada Admin"), "{engine:?}: {detail}");
        assert!(
            detail.contains("Bo &lt;Runner&gt;") && !detail.contains("Bo <Runner>"),
            "{engine:?}"
        );
        assert_eq!(
            detail
                .matches(r#"<tr class="task" data-state="ready">"#)
                .count(),
            2,
            "{engine:?}"
        );

        let back = submit(
            &app,
            "/admin/jobs/daily_sync/pause",
            &cookie,
            &[("reason", "provider outage")],
        )
        .await;
        assert_eq!(back, "/admin");
        let status = |jobs: Vec<queue::JobStatus>| {
            jobs.into_iter().find(|j| j.job_id == "daily_sync").unwrap()
        };
        let paused = status(app.scheduler.jobs().await.unwrap());
        assert!(paused.paused, "{engine:?}");
        assert_eq!(paused.paused_reason.as_deref(), Some("provider outage"));
        assert_eq!(paused.paused_by, Some(format!("admin:user:{admin}")));
        let overview = page(&app, "/admin", &cookie).await;
        assert!(
            overview.contains(r#"<tr class="job" data-job="daily_sync" data-paused="true">"#),
            "{engine:?}"
        );
        assert!(
            overview.contains(r#"<button id="resume-daily_sync" type="submit">"#),
            "{engine:?}"
        );
        assert!(overview.contains("provider outage"), "{engine:?}");

        submit(&app, "/admin/jobs/daily_sync/resume", &cookie, &[]).await;
        assert!(
            !status(app.scheduler.jobs().await.unwrap()).paused,
            "{engine:?}"
        );
        // An empty reason is recorded as the page's default, not refused.
        submit(
            &app,
            "/admin/jobs/daily_sync/pause",
            &cookie,
            &[("reason", " ")],
        )
        .await;
        let paused = status(app.scheduler.jobs().await.unwrap());
        assert_eq!(
            paused.paused_reason.as_deref(),
            Some("paused from the admin page")
        );

        let response = browser(&app, reqwest::Method::POST, "/admin/jobs/nope/run", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{engine:?}");
        let response = browser(&app, reqwest::Method::GET, "/admin/runs/999999", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{engine:?}");
    }
}

#[tokio::test]
async fn failed_tasks_are_listed_with_their_error_and_retry_puts_them_back() {
    for engine in engines() {
        // User 1 is the admin; user 2's task fails permanently.
        let job = TestJob::new("quick_sync", vec![1, 2]).script(2, Script::Permanent);
        let app = spawn_app_with(
            AppOptions {
                engine,
                ..AppOptions::default()
            },
            vec![job.arc()],
        )
        .await;
        let (_, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
        signed_in(&app.store, "Bo Runner", Role::Athlete).await;
        let overview = page(&app, "/admin", &cookie).await;
        assert!(overview.contains("No failed or dead tasks"), "{engine:?}");

        submit(&app, "/admin/jobs/quick_sync/run", &cookie, &[]).await;
        app.drain().await;
        let run = app
            .scheduler
            .runs(None, None, None, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(run.state, RunState::Partial, "{engine:?}");

        let overview = page(&app, "/admin", &cookie).await;
        assert!(
            overview.contains(&format!(r#"<div class="problem" data-run="{}">"#, run.id)),
            "{engine:?}: {overview}"
        );
        assert!(
            overview.contains(&format!(r#"<button id="retry-{}" type="submit">"#, run.id)),
            "{engine:?}"
        );
        assert!(
            overview.contains("token revoked") && overview.contains("Bo Runner"),
            "{engine:?}"
        );
        let detail = page(&app, &format!("/admin/runs/{}", run.id), &cookie).await;
        assert!(
            detail.contains(r#"<tr class="task" data-state="failed">"#),
            "{engine:?}"
        );
        assert!(
            detail.contains(r#"<tr class="task" data-state="succeeded">"#),
            "{engine:?}"
        );
        assert!(
            detail.contains(r#"<div class="providers">intervals: ok · strava: ok</div>"#),
            "each provider's outcome is shown: {engine:?}: {detail}"
        );

        let location = submit(&app, &format!("/admin/runs/{}/retry", run.id), &cookie, &[]).await;
        assert_eq!(
            location,
            format!("/admin/runs/{}?requeued=1&conflicts=0", run.id)
        );
        let after = app.scheduler.run_detail(run.id, false).await.unwrap();
        assert_eq!(after.run.state, RunState::Running, "{engine:?}");
        assert_eq!(after.tasks.len(), 1);
        assert_eq!(
            (after.tasks[0].state, after.tasks[0].attempt),
            (TaskState::Ready, 0)
        );
        let detail = page(&app, &location, &cookie).await;
        assert!(
            detail.contains("1 task(s) put back in the queue"),
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn the_same_reconnect_failure_is_shown_once_per_integration_not_per_run() {
    // User 1 is the admin; user 2's Strava must be reconnected; user 3's task fails otherwise.
    let job = TestJob::new("quick_sync", vec![1, 2, 3])
        .script(2, Script::Reconnect)
        .script(3, Script::Permanent);
    let app = spawn_app_with(AppOptions::default(), vec![job.arc()]).await;
    let (_, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
    signed_in(&app.store, "Bo Runner", Role::Athlete).await;
    signed_in(&app.store, "Cy Rider", Role::Athlete).await;
    for _ in 0..3 {
        submit(&app, "/admin/jobs/quick_sync/run", &cookie, &[]).await;
        app.drain().await;
    }
    let overview = page(&app, "/admin", &cookie).await;
    assert_eq!(
        overview
            .matches("the athlete must reconnect strava")
            .count(),
        1,
        "{overview}"
    );
    // Other failures are still shown for every run.
    assert_eq!(overview.matches("token revoked").count(), 3, "{overview}");
    assert!(
        overview.contains(r#"<p class="muted" id="reconnect-repeats">2 older task(s)"#),
        "{overview}"
    );
}

#[tokio::test]
async fn a_run_whose_tasks_were_cancelled_says_so() {
    let job = TestJob::new("quick_sync", vec![1, 2]);
    let app = spawn_app_with(AppOptions::default(), vec![job.arc()]).await;
    let (_, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
    let run = app.start_run("quick_sync").await;
    let response = app.post(&format!("/scheduler/runs/{run}/cancel")).await;
    assert_eq!(response.status(), 200);
    let detail = page(&app, &format!("/admin/runs/{run}"), &cookie).await;
    assert!(
        detail.contains(
            r#"<div class="card warn" id="cancelled">2 of 2 task(s) of this run were cancelled"#
        ),
        "{detail}"
    );
    let overview = page(&app, "/admin", &cookie).await;
    assert!(
        overview.contains(r#"<div class="muted cancelled">2 of 2 task(s) cancelled</div>"#),
        "{overview}"
    );
}

#[tokio::test]
async fn admin_times_are_relative_and_local_with_the_exact_instant_in_a_tooltip() {
    let job = TestJob::new("quick_sync", vec![1]);
    let app = spawn_app_with(AppOptions::default(), vec![job.arc()]).await;
    let (_, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
    let run = app.start_run("quick_sync").await;
    let overview = page(&app, "/admin", &cookie).await;
    let row_start = overview
        .find(&format!(r#"data-run="{run}">"#))
        .expect("the run's row");
    let row = &overview[row_start..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(r#"<time datetime=""#), "{row}");
    assert!(
        row.contains(" UTC\">"),
        "the exact instant is the tooltip: {row}"
    );
    // The rate budget's windows end in the future.
    let budget = &overview[overview.find("Provider rate budget").unwrap()..];
    assert!(budget.contains(">in "), "{budget}");
    // Relative times, never a raw RFC 3339 text, in the cells.
    let visible: String = overview
        .split("<time ")
        .map(|part| part.split_once('>').map_or(part, |(_, rest)| rest))
        .collect();
    assert!(
        !visible.contains("+00:00") && !visible.contains("+01:00"),
        "{visible}"
    );
}

#[tokio::test]
async fn the_rate_budget_and_integrations_needing_reauthorisation_are_shown() {
    for engine in engines() {
        let app = spawn_app_with(
            AppOptions {
                engine,
                ..AppOptions::default()
            },
            vec![],
        )
        .await;
        let (_, cookie) = signed_in(&app.store, "Ada Admin", Role::Admin).await;
        let (athlete, _) = signed_in(&app.store, "Cy <Cyclist>", Role::Athlete).await;
        let overview = page(&app, "/admin", &cookie).await;
        assert!(
            overview.contains("Every integration is active."),
            "{engine:?}"
        );
        assert_eq!(overview.matches("no calls yet").count(), 5, "{engine:?}");

        let budget = SqlRateBudget::new(app.store.clone(), BudgetLimits::default());
        for _ in 0..3 {
            budget
                .reserve(Provider::Strava, Priority::Interactive)
                .await
                .unwrap();
        }
        let new = NewIntegration::strava(
            UserId(athlete),
            4242,
            SecretString::from("refresh".to_owned()),
            None,
        );
        let id = integrations::connect(&app.store, &new, 0).await.unwrap();
        integrations::set_status(
            &app.store,
            id,
            Status::NeedsReauth,
            Some("refresh_token_invalid"),
            1,
        )
        .await
        .unwrap();

        let overview = page(&app, "/admin", &cookie).await;
        assert!(overview.contains(r#"<tr class="budget"><td>Strava</td><td>15 minutes, all requests</td><td class="num">3</td><td class="num">200</td><td class="num">1%</td>"#), "{engine:?}: {overview}");
        assert!(overview.contains(r#"<tr class="budget"><td>Strava</td><td>day (UTC), reads</td><td class="num">3</td><td class="num">1000</td>"#), "{engine:?}");
        assert_eq!(
            overview.matches("no calls yet").count(),
            1,
            "{engine:?}: Intervals.icu only"
        );
        assert!(overview.contains(r#"<tr class="reauth"><td>Cy &lt;Cyclist&gt;</td><td>strava</td><td>needs_reauth</td><td>refresh_token_invalid</td>"#), "{engine:?}: {overview}");
    }
}

#[tokio::test]
async fn athletes_get_403_and_anonymous_browsers_are_sent_to_sign_in() {
    let app = spawn_app_with(
        AppOptions::default(),
        vec![TestJob::new("quick_sync", vec![1]).arc()],
    )
    .await;
    // The first user ever created is the admin; Bo comes second.
    signed_in(&app.store, "Ada Admin", Role::Admin).await;
    let (_, cookie) = signed_in(&app.store, "Bo Runner", Role::Athlete).await;
    let requests = [
        (reqwest::Method::GET, "/admin"),
        (reqwest::Method::GET, "/admin/runs/1"),
        (reqwest::Method::POST, "/admin/jobs/quick_sync/run"),
        (reqwest::Method::POST, "/admin/jobs/quick_sync/pause"),
        (reqwest::Method::POST, "/admin/jobs/quick_sync/resume"),
        (reqwest::Method::POST, "/admin/runs/1/retry"),
    ];
    for (method, path) in &requests {
        let response = browser(&app, method.clone(), path, &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{method} {path}");
        let page = response.text().await.unwrap();
        assert!(
            page.contains("This page is for admins."),
            "{method} {path}: {page}"
        );
        assert!(
            !page.contains(r#"href="/admin""#),
            "no Admin link for an athlete"
        );
        let response = browser(&app, method.clone(), path, "tl_session=forged")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "{method} {path}");
        assert_eq!(response.headers()[LOCATION], "/");
    }
    assert!(
        app.scheduler
            .runs(None, None, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!app.scheduler.jobs().await.unwrap()[0].paused);
}
