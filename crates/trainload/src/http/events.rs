//! `GET /events`: the signed-in athlete's live updates as Server-Sent Events.
//!
//! Each message is one stored event as JSON (`id`, `user`, `kind`, `payload`, `created_at_ms`)
//! with its id as the SSE id, so a reconnecting browser resumes after `Last-Event-ID`. A
//! keep-alive comment goes out every 15 s; the stream ends when the process shuts down.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::{Receiver, error::RecvError};
use tokio::sync::watch;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::athlete::AthleteSession;
use super::extract::LastEventId;
use super::{ApiResult, AppState};
use crate::store::events::{self, Event};
use crate::store::users::UserId;

/// Most events replayed to a reconnecting browser (any one of them refreshes its page).
const RESUME_LIMIT: i64 = 100;
/// Keep-alive comment period: below the idle timeouts of common proxies.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting.
const RECONNECT: Duration = Duration::from_secs(3);

/// The routes of this resource.
pub fn router() -> Router<AppState> {
    routes().into()
}

/// The route with its OpenAPI description.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(subscribe))
}

/// The signed-in athlete's live updates as Server-Sent Events. The first message is a greeting;
/// then each message's data is one stored event as JSON (`id`, `user`, `kind`, `payload`,
/// `created_at_ms`) with the event's id as the SSE id. A browser that reconnects with
/// `Last-Event-ID` first receives the events after that id (at most 100). A keep-alive comment
/// goes out every 15 s; the stream ends when the server shuts down.
#[utoipa::path(
    get, path = "/events", tag = "athlete", security(("session" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id")),
    responses(
        (status = 200, description = "An endless `text/event-stream`", body = String, content_type = "text/event-stream"),
        (status = 401, description = "No live session", body = super::openapi::ApiErrorBody),
    )
)]
async fn subscribe(
    State(state): State<AppState>,
    session: AthleteSession,
    LastEventId(last): LastEventId,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    // Subscribe before reading the backlog, so an event cannot fall between the two.
    let live = state.live.subscribe();
    let backlog = match last {
        Some(after) => {
            events::read_after_for_user(&state.store, session.user, after, RESUME_LIMIT).await?
        }
        None => Vec::new(),
    };
    let feed = Feed {
        user: session.user,
        greeted: false,
        resumed: backlog.iter().map(|e| e.id.0).collect(),
        backlog: backlog.into(),
        live,
        shutdown: state.shutdown.subscribe(),
    };
    let stream = stream::unfold(feed, |mut feed| async move {
        let message = feed.next().await?;
        Some((Ok(message), feed))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// One browser's stream: a greeting, the resumed backlog, then the live events of its user.
struct Feed {
    user: UserId,
    greeted: bool,
    backlog: VecDeque<Event>,
    /// Ids sent from the backlog, so the live side does not send them twice.
    resumed: HashSet<i64>,
    live: Receiver<Arc<Event>>,
    shutdown: watch::Receiver<bool>,
}

impl Feed {
    /// The next message, or `None` when the stream ends (shutdown).
    async fn next(&mut self) -> Option<SseEvent> {
        if !self.greeted {
            // Sent at once, so the browser (and a test) knows the subscription is in place.
            self.greeted = true;
            return Some(SseEvent::default().retry(RECONNECT).comment("connected"));
        }
        if let Some(event) = self.backlog.pop_front() {
            return Some(message(&event));
        }
        loop {
            tokio::select! {
                _ = self.shutdown.wait_for(|stop| *stop) => return None,
                received = self.live.recv() => match received {
                    Ok(event) if event.user == self.user && !self.resumed.contains(&event.id.0) => {
                        return Some(message(&event));
                    }
                    Ok(_) => {}
                    // Events were dropped for this slow reader; some may have been ours.
                    Err(RecvError::Lagged(_)) => {
                        return Some(SseEvent::default().data(r#"{"kind":"resync"}"#));
                    }
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }
}

/// An event as an SSE message.
fn message(event: &Event) -> SseEvent {
    let data = serde_json::to_string(event).unwrap_or_else(|_| r#"{"kind":"resync"}"#.to_owned());
    SseEvent::default().id(event.id.0.to_string()).data(data)
}
