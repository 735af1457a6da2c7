//! Time in zone as the API and the pages show it: one activity's per model, and the dashboard's
//! sums over the last week, from what the sync stored with each activity's load.

use science::zones::ZoneKind;
use serde::Serialize;
use utoipa::ToSchema;

/// One activity's time in zone is computed the same way by `analyze`, so it lives in analysis.
pub use crate::analysis::{ZoneSeconds, ZoneTimeView};
use crate::store::zones::KindTime;

/// Days in the dashboard's time-in-zone window, today included (the same 7 days as its
/// `week_load_utl`).
pub const WEEK_DAYS: i64 = 7;

/// One zone's seconds summed over a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ZoneTotal {
    /// Zone name (e.g. `Tempo`).
    pub name: String,
    /// Seconds in this zone over the window.
    pub seconds: u64,
}

/// One model's time in zone summed over a window's activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct KindTotals {
    /// `power`, `heart_rate` or `pace`.
    pub kind: String,
    /// Activities with time in this model's zones.
    pub activities: u32,
    /// Seconds over all zones.
    pub total_s: u64,
    /// Zones, lowest first.
    pub zones: Vec<ZoneTotal>,
}

/// Time in zone over the last days, summed per model (each activity counted against the
/// thresholds and boundaries in force on its own date, as stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WeekZoneTime {
    /// First local date of the window, `YYYY-MM-DD`.
    pub from: String,
    /// Last local date of the window (the athlete's today).
    pub to: String,
    /// Models with any time, in display order (power, heart rate, pace).
    pub kinds: Vec<KindTotals>,
}

impl WeekZoneTime {
    /// Sums `rows` (activities with their stored time in zone) per model and zone.
    pub fn sum(
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        rows: &[(jiff::civil::Date, Vec<KindTime>)],
    ) -> Self {
        let kinds = ZoneKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let mut seconds = vec![0u64; kind.names().len()];
                let mut activities = 0u32;
                for times in rows.iter().map(|(_, t)| t) {
                    let Some(t) = times.iter().find(|t| ZoneKind::from(t.kind) == kind) else {
                        continue;
                    };
                    activities += 1;
                    for (slot, s) in seconds.iter_mut().zip(&t.seconds) {
                        *slot += u64::from(*s);
                    }
                }
                (activities > 0).then(|| KindTotals {
                    kind: kind.as_str().to_owned(),
                    activities,
                    total_s: seconds.iter().sum(),
                    zones: kind
                        .names()
                        .iter()
                        .zip(seconds)
                        .map(|(name, seconds)| ZoneTotal {
                            name: (*name).to_owned(),
                            seconds,
                        })
                        .collect(),
                })
            })
            .collect();
        Self {
            from: from.to_string(),
            to: to.to_string(),
            kinds,
        }
    }
}

/// `user`'s time in zone over the [`WEEK_DAYS`] local days ending `today`.
///
/// # Errors
/// A store failure.
pub async fn last_week(
    store: &crate::store::Store,
    user: crate::store::users::UserId,
    today: jiff::civil::Date,
) -> Result<WeekZoneTime, crate::store::StoreError> {
    let from = crate::sync::add_days(today, -(WEEK_DAYS - 1));
    let rows = crate::store::zones::times_by_local_date(store, user, from, today).await?;
    Ok(WeekZoneTime::sum(from, today, &rows))
}
