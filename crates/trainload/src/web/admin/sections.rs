//! What the admin pages' cards (`templates/admin/`) compute beyond the stored rows: state
//! badges' colours, athletes' names, providers' outcomes, task durations and rate-budget use.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;

use queue::TaskRow;

/// One row of the rate-budget card: a provider's window with its use so far.
#[derive(Debug, Clone)]
pub struct BudgetRow {
    /// "Strava" or "Intervals.icu".
    pub provider: &'static str,
    /// "15 minutes, all requests", …
    pub window: &'static str,
    /// `(used, limit)` in the current window; `None` when no call was made in it yet.
    pub usage: Option<(i32, i32)>,
    /// When the current window ends, epoch ms.
    pub resets_at_ms: i64,
}

impl BudgetRow {
    /// Calls made in the window.
    pub fn used(&self) -> i32 {
        self.usage.map_or(0, |(used, _)| used)
    }

    /// The window's limit, or a dash before the first call.
    pub fn limit(&self) -> String {
        self.usage
            .map_or_else(|| "–".to_owned(), |(_, limit)| limit.to_string())
    }

    /// The share of the limit used, "no calls yet" before the first call.
    pub fn share(&self) -> String {
        match self.usage {
            Some((used, limit)) if limit > 0 => {
                format!("{}%", i64::from(used) * 100 / i64::from(limit))
            }
            Some(_) => "–".to_owned(),
            None => "no calls yet".to_owned(),
        }
    }
}

/// The badge colour (a risk band's) of a run or task state, whatever type shows it by name.
pub fn state_band(state: &impl Display) -> &'static str {
    match state.to_string().as_str() {
        "succeeded" => "sweet_spot",
        "partial" | "skipped" | "missed" | "cancelled" => "elevated",
        "failed" | "dead" => "high",
        _ => "low",
    }
}

/// A task's or integration's athlete by name (rows outlive their user).
pub fn user_name(names: &HashMap<i64, String>, user_id: i64) -> &str {
    names.get(&user_id).map_or("(deleted user)", String::as_str)
}

/// The providers' outcomes a sync task's report lists (`intervals: ok · strava: ok`), as a line;
/// empty when it lists none.
pub fn provider_outcomes(task: &TaskRow) -> String {
    /// The part of a sync task's result this reads.
    #[derive(serde::Deserialize)]
    struct SyncResult {
        detail: SyncDetail,
    }
    #[derive(serde::Deserialize)]
    struct SyncDetail {
        providers: BTreeMap<String, String>,
    }
    let Some(result) = task
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<SyncResult>(r).ok())
    else {
        return String::new();
    };
    let parts: Vec<String> = result
        .detail
        .providers
        .iter()
        .map(|(name, outcome)| format!("{name}: {outcome}"))
        .collect();
    parts.join(" · ")
}

/// How long a finished task ran, or a dash.
pub fn task_duration(task: &TaskRow) -> String {
    task.finished_at_ms
        .zip(task.first_started_at_ms)
        .map_or_else(
            || "–".to_owned(),
            |(end, start)| format!("{} ms", end - start),
        )
}
