//! Our own index page of Swagger UI at `/docs/`. The `utoipa-swagger-ui` crate serves Swagger
//! UI's stock `index.html`, which has no viewport tag, so a phone lays it out 980 px wide and
//! shrinks it to unreadable text. This page loads the same files from the same folder, with a
//! viewport tag and a few narrow-screen rules, and is answered in front of the crate's router.

use askama::Template;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// The index (`templates/swagger_index.html`): Swagger UI's own files (relative, so they come from `/docs/`), a viewport tag and
/// rules that let long paths and wide tables wrap or scroll inside their box on a phone.
#[derive(Template)]
#[template(path = "swagger_index.html")]
struct SwaggerIndex;

/// Answers `/docs/` (and `/docs/index.html`) with [`SwaggerIndex`]; every other request goes on to
/// Swagger UI's router.
pub async fn index_in_front(request: Request, next: Next) -> Response {
    let docs = super::openapi::DOCS_PATH;
    let path = request.uri().path();
    let is_index = path
        .strip_prefix(docs)
        .is_some_and(|rest| rest == "/" || rest == "/index.html");
    if is_index {
        // A template without values: rendering it cannot fail.
        let index = SwaggerIndex.to_string();
        return ([(header::CACHE_CONTROL, "no-cache")], Html(index)).into_response();
    }
    next.run(request).await
}
