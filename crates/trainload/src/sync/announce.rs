//! Tells open dashboards what a sync changed: one event per kind of change, read
//! by the live-update poller of every server process.

use serde_json::json;

use super::SyncError;
use super::run::Run;
use crate::store::events;

/// The event kind of activities that arrived, changed or went away, or loads recomputed.
pub const ACTIVITY_EVENT: &str = "activity_processed";
/// The event kind of adopted thresholds.
pub const THRESHOLDS_EVENT: &str = "thresholds_changed";
/// The event kind of wellness days that arrived or changed.
pub const WELLNESS_EVENT: &str = "wellness_changed";

impl Run<'_> {
    /// Appends the events of what this run changed so far; nothing when nothing changed (a
    /// repeated sync stays silent).
    pub(crate) async fn announce(&self) -> Result<(), SyncError> {
        let report = &self.report;
        let (store, user, now) = (&self.ctx.store, self.user.id, self.now_ms());
        let activities = report.new_activities
            + report.updated_activities
            + report.deleted_activities
            + report.utl_recalculated;
        if activities > 0 {
            let payload = json!({
                "new_activities": report.new_activities,
                "updated_activities": report.updated_activities,
                "deleted_activities": report.deleted_activities,
                "utl_recalculated": report.utl_recalculated,
            });
            events::append(store, user, ACTIVITY_EVENT, &payload, now).await?;
        }
        if !report.thresholds_changed.is_empty() {
            let payload = json!({ "changes": report.thresholds_changed });
            events::append(store, user, THRESHOLDS_EVENT, &payload, now).await?;
        }
        if report.wellness_days > 0 {
            let payload = json!({ "days": report.wellness_days });
            events::append(store, user, WELLNESS_EVENT, &payload, now).await?;
        }
        self.notify(super::notify::Batch::No).await;
        Ok(())
    }
}
