//! `/openapi.json` and the Swagger UI at `/docs`. The document is generated from the same
//! `utoipa-axum` routers that serve the athlete and admin APIs, so a routed
//! endpoint cannot go undocumented. Swagger UI's files are compiled in from the zip the
//! `utoipa-swagger-ui` `vendored` feature ships: no download at build time, no CDN at run time.

use axum::Router;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;
use super::athlete::session::SESSION_COOKIE;

/// Where the document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/docs";
/// Security scheme of the athlete API: the session cookie.
pub const SESSION_SCHEME: &str = "session";
/// Security scheme of the admin API: `Authorization: Bearer <admin token>`.
pub const ADMIN_SCHEME: &str = "admin_token";

/// The body of every error answer (see `http::error`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ApiErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// Stable machine code (`invalid_date`, `not_found`, `unauthorized`, …).
    pub code: String,
    /// More about it, when there is more (otherwise null).
    pub detail: Value,
    /// The request's id (also in the `x-request-id` header).
    pub request_id: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "TrainingLoad API",
        description = "The athlete API (`/api/v1/me/...`, the signed-in athlete's own data; \
            sign in through the web pages, which set the session cookie) and the scheduler's \
            admin API (bearer admin token). Errors answer the `Error` body.",
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ApiErrorBody)),
    tags(
        (name = "athlete", description = "The signed-in athlete's own data."),
        (name = "scheduler", description = "Jobs, runs and inline syncs (admin token)."),
        (name = "operations", description = "Health and metrics (public)."),
    )
)]
struct ApiDoc;

/// Registers the two security schemes the paths name.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
        components.add_security_scheme(
            ADMIN_SCHEME,
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document of every documented route.
pub fn document() -> utoipa::openapi::OpenApi {
    documented_routes().into_openapi()
}

/// The documented routers, merged over the document's header.
fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(super::athlete::routes())
        .merge(super::events::routes())
        .merge(super::admin_routes())
}

/// `/openapi.json` and `/docs` (whose index page is ours: see `docs_page`).
pub fn router() -> Router<AppState> {
    let swagger: Router<AppState> = SwaggerUi::new(DOCS_PATH)
        .url(OPENAPI_PATH, document())
        .into();
    swagger.layer(axum::middleware::from_fn(super::docs_page::index_in_front))
}
