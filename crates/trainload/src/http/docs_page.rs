//! Our own index page of Swagger UI at `/docs/`. The `utoipa-swagger-ui` crate serves Swagger
//! UI's stock `index.html`, which has no viewport tag, so a phone lays it out 980 px wide and
//! shrinks it to unreadable text. This page loads the same files from the same folder, with a
//! viewport tag and a few narrow-screen rules, and is answered in front of the crate's router.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

/// The index: Swagger UI's own files (relative, so they come from `/docs/`), a viewport tag and
/// rules that let long paths and wide tables wrap or scroll inside their box on a phone.
const INDEX: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TrainingLoad API · Swagger UI</title>
<link rel="stylesheet" type="text/css" href="./swagger-ui.css">
<link rel="stylesheet" type="text/css" href="./index.css">
<link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
<style>
@media (max-width: 600px) {
  .swagger-ui .wrapper { padding: 0 .6rem; }
  .swagger-ui .info { margin: 1.2rem 0; }
  .swagger-ui .info .title { font-size: 1.5rem; }
  .swagger-ui .scheme-container { padding: .8rem 0; }
  .swagger-ui .scheme-container .schemes { flex-wrap: wrap; gap: .5rem; }
  .swagger-ui .opblock-tag { font-size: 1.1rem; padding: .5rem 0; flex-wrap: wrap; }
  .swagger-ui .opblock-tag small { flex-basis: 100%; padding: .2rem 0; }
  .swagger-ui .opblock .opblock-summary { flex-wrap: wrap; }
  .swagger-ui .opblock .opblock-summary-path,
  .swagger-ui .opblock .opblock-summary-path__deprecated { max-width: 100%; word-break: break-all;
    flex-shrink: 1; }
  .swagger-ui .opblock .opblock-summary-description { flex-basis: 100%; word-break: normal; }
  .swagger-ui .opblock-body, .swagger-ui .responses-inner, .swagger-ui .parameters-container,
  .swagger-ui .model-box, .swagger-ui .table-container { overflow-x: auto; }
  .swagger-ui .models { margin: 1rem 0; }
}
</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js" charset="utf-8"></script>
<script src="./swagger-ui-standalone-preset.js" charset="utf-8"></script>
<script src="./swagger-initializer.js" charset="utf-8"></script>
</body>
</html>
"#;

/// Answers `/docs/` (and `/docs/index.html`) with [`INDEX`]; every other request goes on to
/// Swagger UI's router.
pub async fn index_in_front(request: Request, next: Next) -> Response {
    let docs = super::openapi::DOCS_PATH;
    let path = request.uri().path();
    let is_index = path
        .strip_prefix(docs)
        .is_some_and(|rest| rest == "/" || rest == "/index.html");
    if is_index {
        return ([(header::CACHE_CONTROL, "no-cache")], Html(INDEX)).into_response();
    }
    next.run(request).await
}
