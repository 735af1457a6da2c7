//! The athlete API (`/api/v1/me/...`): the signed-in athlete's own dashboard
//! summary, PMC series, activities, recommendations, thresholds, wellness, power curve and sync
//! status. Every handler reads the user from the session, never from the request, so an athlete
//! only ever sees their own data. The handlers are thin: what they answer comes from
//! `crate::read`, which the pages read too.

pub mod export;
mod export_csv;
mod load_api;
pub mod manual;
mod markers_api;
pub mod push_api;
pub mod session;
pub mod zones_api;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
/// The house path extractor (400 JSON on a mismatch), for the pages.
pub use super::extract::Path as PathParam;
/// The house query extractor (400 JSON on a mismatch), for the pages.
pub use super::extract::Query as QueryParam;
pub use session::AthleteSession;

/// The `/api/v1/me` routes.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The `/api/v1/me` routes with their OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(load_api::dashboard))
        .routes(routes!(load_api::pmc))
        .routes(routes!(load_api::list_activities))
        .routes(routes!(load_api::one_activity))
        .routes(routes!(load_api::recommendations))
        .routes(routes!(
            markers_api::thresholds,
            markers_api::set_thresholds
        ))
        .routes(routes!(markers_api::remove_threshold))
        .routes(routes!(markers_api::wellness))
        .routes(routes!(markers_api::power_curve))
        .routes(routes!(markers_api::sync))
        .routes(routes!(export::export_json))
        .routes(routes!(export::export_csv))
        .routes(routes!(zones_api::zones_get, zones_api::zones_put))
        .routes(routes!(push_api::status))
        .routes(routes!(push_api::subscribe))
        .routes(routes!(push_api::unsubscribe))
        .routes(routes!(push_api::set_preferences))
        .routes(routes!(push_api::send_test))
}
