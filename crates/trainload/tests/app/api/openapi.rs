//! `/openapi.json` and `/docs`: the document is OpenAPI 3, lists exactly the athlete and admin
//! endpoints we route, every documented operation is routed (answers something other than 404
//! or 405), every schema reference resolves, and Swagger UI is served from the binary.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use trainload::store::users::UserId;

use crate::api::athlete_data::{Athlete, add_ride, app, day};
use crate::api::me::ME_PATHS;
use crate::support::app::{TOKEN, body, engines};

/// The admin API (docs/scheduler.md §7, §8.2) as routed.
const ADMIN_PATHS: [&str; 12] = [
    "/scheduler/budget",
    "/scheduler/jobs",
    "/scheduler/jobs/{id}/pause",
    "/scheduler/jobs/{id}/resume",
    "/scheduler/runs",
    "/scheduler/runs/{id}",
    "/scheduler/runs/{id}/retry-failed",
    "/scheduler/runs/{id}/cancel",
    "/scheduler/run/{job_id}",
    "/sync/test/{user_id}",
    "/health",
    "/metrics",
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every `$ref` in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_with_exactly_our_routes_and_resolvable_schemas() {
    let app = app(crate::support::app::Engine::Sqlite).await;
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());

    let documented: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let me_templates = ME_PATHS.map(|p| match p {
        "/api/v1/me/activities/1" => "/api/v1/me/activities/{id}",
        "/api/v1/me/export/activities.csv" => "/api/v1/me/export/{file}",
        _ => p,
    });
    // Write-only athlete routes (no GET, so not in ME_PATHS), and the event stream.
    let me_writes = [
        "/api/v1/me/thresholds/{id}",
        "/api/v1/me/push/subscriptions",
        "/api/v1/me/push/subscriptions/{id}",
        "/api/v1/me/push/preferences",
        "/api/v1/me/push/test",
    ];
    let routed: BTreeSet<&str> = me_templates
        .into_iter()
        .chain(me_writes)
        .chain(["/events"])
        .chain(ADMIN_PATHS)
        .collect();
    assert_eq!(documented, routed);

    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "the operations reference schemas: {all:?}");
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(
            schemas.contains_key(name),
            "{r} is not in components.schemas"
        );
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "tl_session");
    assert_eq!(schemes["admin_token"]["scheme"], "bearer");

    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has a success"
            );
            for name in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                let declared = op["parameters"].as_array().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p["in"] == "path" && p["name"] == name && p["required"] == true)
                });
                assert!(declared, "{method} {path} declares path parameter {name}");
            }
            for requirement in op["security"].as_array().into_iter().flatten() {
                for scheme in requirement.as_object().unwrap().keys() {
                    assert!(schemes.contains_key(scheme), "{method} {path}: {scheme}");
                }
            }
            if path.starts_with("/api/v1/me") || path == "/events" {
                assert_eq!(
                    op["security"][0]["session"],
                    serde_json::json!([]),
                    "{path}"
                );
                assert!(responses.contains_key("401"), "{path} documents 401");
            }
        }
    }
    // The live stream says what it sends; a failed inline sync has its own status.
    let events = &doc["paths"]["/events"]["get"];
    assert!(
        events["responses"]["200"]["content"]
            .get("text/event-stream")
            .is_some(),
        "{events}"
    );
    assert!(
        doc["paths"]["/sync/test/{user_id}"]["post"]["responses"]
            .get("502")
            .is_some(),
        "a failed sync is documented"
    );
    // The documented error body is the one we answer.
    let me = Athlete::new(&app).await;
    let (status, error) = me.get(&app, "/api/v1/me/pmc?days=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error_schema = &schemas["Error"];
    for field in error_schema["required"].as_array().unwrap() {
        assert!(
            error.get(field.as_str().unwrap()).is_some(),
            "{field} in {error}"
        );
    }
    for field in error.as_object().unwrap().keys() {
        assert!(
            error_schema["properties"].get(field).is_some(),
            "{field} is documented"
        );
    }
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    for engine in engines() {
        let app = app(engine).await;
        let me = Athlete::new(&app).await;
        let activity = add_ride(&app.store, me.id, 1, day(-1), 50.0).await;
        let run = app.start_run("daily_sync").await;
        let UserId(user) = me.id;
        let doc = body(
            app.client
                .get(app.url("/openapi.json"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        for (template, item) in doc["paths"].as_object().unwrap() {
            let path = template
                .replace(
                    "/api/v1/me/activities/{id}",
                    &format!("/api/v1/me/activities/{activity}"),
                )
                .replace("/jobs/{id}", "/jobs/quick_sync")
                .replace("/runs/{id}", &format!("/runs/{run}"))
                .replace("{job_id}", "quick_sync")
                .replace("{user_id}", &user.to_string())
                .replace("{file}", "activities.csv");
            for method in METHODS.into_iter().filter(|m| item.get(*m).is_some()) {
                let response = app
                    .client
                    .request(method.to_uppercase().parse().unwrap(), app.url(&path))
                    .bearer_auth(TOKEN)
                    .header(reqwest::header::COOKIE, &me.cookie)
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                assert!(
                    status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {status} {}",
                    response.text().await.unwrap()
                );
            }
        }
    }
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary_and_points_at_the_document() {
    let app = app(crate::support::app::Engine::Sqlite).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(app.url("/docs")).send().await.unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()[reqwest::header::LOCATION], "/docs/");
    let response = client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("://"), "no external assets: {html}");
    assert!(
        html.contains(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#),
        "a phone lays the page out at its own width: {html}"
    );
    let named = client
        .get(app.url("/docs/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        named.text().await.unwrap(),
        html,
        "one index under both names"
    );
    let init = client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(init.status(), StatusCode::OK);
    assert!(init.text().await.unwrap().contains("/openapi.json"));
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"] {
        let response = client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert!(response.bytes().await.unwrap().len() > 10_000, "{asset}");
    }
}

/// Every `description` and `summary` string in `value`.
fn prose<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("description" | "summary", Value::String(text)) => out.push(text),
                    _ => prose(item, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| prose(item, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_prose_cites_no_document_a_reader_cannot_open() {
    let app = app(crate::support::app::Engine::Sqlite).await;
    let doc: Value = body(
        app.client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut texts = Vec::new();
    prose(&doc, &mut texts);
    assert!(texts.len() > 20, "the document describes its operations");
    for text in texts {
        assert!(!text.contains(".md") && !text.contains('§'), "{text}");
    }
}
