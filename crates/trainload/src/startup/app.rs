//! The whole site: the API and the pages under one layer stack, with the browsers' error pages
//! outermost. Composed here, above both, so `http` never needs to know the pages.

use axum::Router;

use crate::http::AppState;

/// Every route of the server over `state`.
pub fn router(state: AppState) -> Router {
    crate::http::router(crate::web::router())
        // Outside the request-id layer, so the error body it turns into a page is final.
        .layer(axum::middleware::from_fn(
            crate::web::error_page::for_browsers,
        ))
        .with_state(state)
}
