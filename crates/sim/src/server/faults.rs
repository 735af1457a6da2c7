//! Bearer authentication for the fake Strava API and the per-athlete faults. Fault draws are keyed
//! by seed, athlete, fault class and a per-athlete request counter, so runs are reproducible.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{Shared, lock, reply};
use crate::config::FaultKind;
use crate::rng::{tag, unit};

/// The athlete behind a valid access token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub index: usize,
    pub scope: String,
}

impl Caller {
    pub(crate) fn reads_all(&self) -> bool {
        self.scope.split(',').any(|s| s == "activity:read_all")
    }

    pub(crate) fn reads_activities(&self) -> bool {
        self.scope
            .split(',')
            .any(|s| s == "activity:read" || s == "activity:read_all")
    }
}

/// The bearer token of a request.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Whether this request of athlete `index` in fault `class` fails: the first always, then with
/// the configured probability.
pub(crate) fn draw(shared: &Shared, index: usize, class: &'static str) -> (bool, u64) {
    let counter = {
        let mut overlay = lock(&shared.overlay);
        let entry = overlay.fault_counters.entry((index, class)).or_default();
        *entry += 1;
        *entry - 1
    };
    let u = unit(&[shared.config.seed, index as u64, tag(class), counter]);
    (
        counter == 0 || u < shared.config.fault_settings.probability,
        counter,
    )
}

/// Authenticates a Strava API call and applies the athlete's Strava faults.
pub(crate) async fn strava_caller(
    shared: &Shared,
    headers: &HeaderMap,
) -> Result<Caller, Response> {
    let caller = authenticate(shared, headers)?;
    let index = caller.index;
    let faulty = |kind| shared.has_fault(index, kind);
    if faulty(FaultKind::StravaTimeout) && draw(shared, index, "strava-timeout").0 {
        tokio::time::sleep(shared.config.fault_settings.stall).await;
    }
    if faulty(FaultKind::Strava429) && draw(shared, index, "strava-429").0 {
        return Err(reply::tagged(super::limits::too_many(), index));
    }
    if faulty(FaultKind::Strava5xx) {
        let (fails, counter) = draw(shared, index, "strava-5xx");
        if fails {
            let response = if counter % 2 == 0 {
                reply::strava_fault(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    "Application",
                    "",
                    "error",
                )
            } else {
                reply::raw(StatusCode::BAD_GATEWAY, "text/html", BAD_GATEWAY_HTML)
            };
            return Err(reply::tagged(response, index));
        }
    }
    if faulty(FaultKind::StravaMalformed) && draw(shared, index, "strava-malformed").0 {
        let broken = reply::raw(
            StatusCode::OK,
            "application/json; charset=utf-8",
            "{\"id\":1,\"resource_state\":2,\"name\":\"Mor",
        );
        return Err(reply::tagged(broken, index));
    }
    Ok(caller)
}

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Response> {
    let Some(token) = bearer(headers) else {
        return Err(reply::strava_fault(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "Athlete",
            "access_token",
            "missing",
        ));
    };
    let auth = lock(&shared.auth);
    let Some(&index) = auth.access_index.get(token) else {
        return Err(reply::strava_unauthorized());
    };
    let grant = &auth.grants[index];
    if grant.revoked || grant.expires_at_s <= shared.config.clock.now_s() {
        return Err(reply::tagged(reply::strava_unauthorized(), index));
    }
    Ok(Caller {
        index,
        scope: grant.scope.clone(),
    })
}

const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
