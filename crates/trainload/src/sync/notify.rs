//! The push notifications of a sync (docs/push.md): one per new activity ("Morning Ride" ·
//! "UTL 87 · form −12"), one for the thresholds that changed ("FTP estimate 262 W, up 4 %"), or
//! a single summary for a batch (onboarding, or more new activities than a phone should buzz
//! for). Written after the sync's own writes; a failure here is logged and never fails the sync.

use science::load::{DailyLoads, Series};

use super::ThresholdChange;
use super::convert::{add_days, local, science_load};
use super::run::Run;
use crate::store::activities::{self, ActivityId};
use crate::store::push::{self as store_push, Draft, Kind};
use crate::store::{StoreError, loads, users};
use crate::units::Units;

/// More new activities than this in one run become one summary.
const MAX_SINGLE: usize = 3;
/// Days of loads read for today's form (CTL forgets with a 42-day constant).
const FORM_HISTORY_DAYS: i64 = 365;

/// What kind of run is telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Batch {
    /// A sync, a webhook event, a recalculation: activity by activity.
    No,
    /// Onboarding: one summary, whatever arrived.
    Onboarding,
}

impl Run<'_> {
    /// Writes this run's notifications, if the athlete has a device to send them to.
    pub(crate) async fn notify(&self, batch: Batch) {
        // Most syncs find nothing new: they cost no query here.
        let nothing_new = self.inserted.is_empty() && self.report.thresholds_changed.is_empty();
        if nothing_new || !self.ctx.push.enabled() {
            return;
        }
        let result = async {
            if !store_push::has_device(&self.ctx.store, self.user.id).await? {
                return Ok(Vec::new());
            }
            self.drafts(batch).await
        }
        .await;
        let written = match result {
            Ok(drafts) if drafts.is_empty() => return,
            Ok(drafts) => {
                self.ctx
                    .push
                    .notify(&self.ctx.store, self.user.id, &drafts, self.now_ms())
                    .await
            }
            Err(error) => Err(error.into()),
        };
        if let Err(error) = written {
            tracing::warn!(user = self.user.id.0, %error, "notifications not written");
        }
    }

    async fn drafts(&self, batch: Batch) -> Result<Vec<Draft>, StoreError> {
        let new = &self.inserted;
        let changes = &self.report.thresholds_changed;
        let form = self.form_today().await?;
        if batch == Batch::Onboarding || new.len() > MAX_SINGLE {
            return Ok(vec![summary(new.len(), changes.len(), form)]);
        }
        let mut drafts = Vec::with_capacity(new.len() + 1);
        for &id in new {
            drafts.push(self.activity_draft(id, form).await?);
        }
        if !changes.is_empty() {
            let units = users::units(&self.ctx.store, self.user.id).await?;
            drafts.push(thresholds_draft(changes, units));
        }
        Ok(drafts)
    }

    async fn activity_draft(&self, id: ActivityId, form: f64) -> Result<Draft, StoreError> {
        let activity = activities::get(&self.ctx.store, id).await?;
        let load = loads::get(&self.ctx.store, id).await?;
        let title = activity
            .summary
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("New {}", activity.summary.sport.replace('_', " ")));
        let body = match load {
            Some(load) => format!("UTL {:.0} · form {}", load.utl, signed(form)),
            None => format!("Processed · form {}", signed(form)),
        };
        Ok(Draft {
            kind: Kind::Activity,
            title,
            body,
            url: format!("/activities/{}", id.0),
        })
    }

    /// Form (TSB) at the end of today, as the dashboard shows it.
    async fn form_today(&self) -> Result<f64, StoreError> {
        let today = self.today();
        let from = add_days(today, -FORM_HISTORY_DAYS);
        let dated = loads::list_by_local_date(&self.ctx.store, self.user.id, from, today).await?;
        let science_loads: Vec<_> = dated.iter().map(science_load).collect();
        let cfg = &self.ctx.science.load;
        let pmc = DailyLoads::new(&science_loads, local(today))
            .and_then(|daily| science::load::pmc_series(&daily, Series::Overall, cfg))
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(pmc.last().map_or(0.0, |d| d.tsb))
    }
}

fn summary(new: usize, changes: usize, form: f64) -> Draft {
    let title = match new {
        0 => "Thresholds updated".to_owned(),
        1 => "1 new activity processed".to_owned(),
        n => format!("{n} new activities processed"),
    };
    let body = if changes > 0 && new > 0 {
        format!("Thresholds updated · form {}", signed(form))
    } else {
        format!("Form {}", signed(form))
    };
    let url = if new > 0 { "/activities" } else { "/fitness" };
    Draft {
        kind: Kind::Summary,
        title,
        body,
        url: url.to_owned(),
    }
}

/// "FTP estimate 262 W, up 4 %", and the other changes in the body.
fn thresholds_draft(changes: &[ThresholdChange], units: Units) -> Draft {
    let mut lines: Vec<String> = changes.iter().map(|c| describe(c, units)).collect();
    let title = lines.remove(0);
    let body = if lines.is_empty() {
        "Loads from its date were recomputed".to_owned()
    } else {
        lines.join("; ")
    };
    Draft {
        kind: Kind::Thresholds,
        title,
        body,
        url: "/fitness".to_owned(),
    }
}

fn describe(change: &ThresholdChange, units: Units) -> String {
    let after = change.after;
    let (what, value) = match change.field.as_str() {
        "ftp_w" => ("FTP estimate", format!("{after:.0} W")),
        "threshold_speed_mps" => ("Threshold pace", units.pace(after)),
        "lthr_bpm" => ("Threshold heart rate", format!("{after:.0} bpm")),
        "max_hr_bpm" => ("Max heart rate", format!("{after:.0} bpm")),
        "resting_hr_bpm" => ("Resting heart rate", format!("{after:.0} bpm")),
        other => (other, format!("{after:.1}")),
    };
    let trend = match change.before {
        Some(before) if before > 0.0 => {
            let pct = (after - before) / before * 100.0;
            // A higher threshold speed is a faster pace.
            let (up, down) = if change.field == "threshold_speed_mps" {
                ("faster", "slower")
            } else {
                ("up", "down")
            };
            match pct {
                p if p.abs() < 0.5 => ", unchanged".to_owned(),
                p if p > 0.0 => format!(", {up} {:.0} %", p.abs()),
                p => format!(", {down} {:.0} %", p.abs()),
            }
        }
        _ => String::new(),
    };
    format!("{what} {value}{trend}")
}

/// A signed whole number with a real minus sign: "+5", "−12", "0".
fn signed(value: f64) -> String {
    let rounded = value.round();
    if rounded > 0.0 {
        format!("+{rounded:.0}")
    } else if rounded < 0.0 {
        format!("\u{2212}{:.0}", -rounded)
    } else {
        "0".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str, before: Option<f64>, after: f64) -> ThresholdChange {
        ThresholdChange {
            field: field.to_owned(),
            before,
            after,
            effective_from: "2026-12-01".to_owned(),
        }
    }

    #[test]
    fn a_threshold_change_reads_as_a_person_would_say_it() {
        let ftp = change("ftp_w", Some(252.0), 262.0);
        assert_eq!(describe(&ftp, Units::Metric), "FTP estimate 262 W, up 4 %");
        let lthr = change("lthr_bpm", None, 165.0);
        assert_eq!(
            describe(&lthr, Units::Metric),
            "Threshold heart rate 165 bpm"
        );
        let pace = change("threshold_speed_mps", Some(3.5), 3.7);
        assert!(describe(&pace, Units::Metric).ends_with("faster 6 %"));
        let draft = thresholds_draft(&[ftp, lthr], Units::Metric);
        assert_eq!(draft.title, "FTP estimate 262 W, up 4 %");
        assert_eq!(draft.body, "Threshold heart rate 165 bpm");
        assert_eq!(draft.url, "/fitness");
    }

    #[test]
    fn form_has_a_sign_and_a_real_minus() {
        assert_eq!(signed(-12.4), "\u{2212}12");
        assert_eq!(signed(4.6), "+5");
        assert_eq!(signed(-0.2), "0");
    }

    #[test]
    fn a_batch_is_one_summary() {
        let draft = summary(42, 1, -3.0);
        assert_eq!(draft.title, "42 new activities processed");
        assert_eq!(draft.kind, Kind::Summary);
        assert_eq!(draft.url, "/activities");
    }
}
