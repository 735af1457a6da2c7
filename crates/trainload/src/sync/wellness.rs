//! Intervals.icu wellness of the window, upserted by (user, day); changed days are remembered so
//! the loads they modify are recomputed (docs/science.md §6: W … W+60).

use providers::budget::Provider;

use super::convert::{add_days, wellness_row};
use super::run::Run;
use super::{Failure, SyncError};
use crate::store::integrations;
use crate::store::wellness::{self, Outcome};

/// Fetches and stores the last `wellness_days` days of wellness, ending today (athlete-local);
/// a window of 0 days reads nothing (jobs that only use stored wellness).
pub(crate) async fn sync_window(run: &mut Run<'_>) -> Result<(), SyncError> {
    if run.options.wellness_days == 0 {
        return Ok(());
    }
    let (Some(integration), Some(client)) = (run.intervals.clone(), run.ctx.intervals.clone())
    else {
        return Ok(());
    };
    let tokens = integrations::tokens(&run.ctx.store, integration.id).await?;
    let Some(key) = tokens.api_key else {
        run.report.issue(
            "intervals.wellness",
            "needs_reauth",
            "no API key is stored for Intervals.icu",
        );
        return Ok(());
    };
    let newest = run.today();
    let oldest = add_days(newest, -i64::from(run.options.wellness_days.max(1) - 1));
    run.report.count_call("intervals", 1);
    let fetched = client
        .wellness(
            &integration.external_athlete_id,
            &key,
            oldest,
            newest,
            run.options.priority,
        )
        .await;
    let records = match fetched {
        Ok(records) => records,
        Err(error) => {
            return run
                .absorb(
                    "intervals.wellness",
                    Provider::Intervals,
                    Failure::from(error),
                )
                .await;
        }
    };
    run.progressed();
    let now = run.now_ms();
    let rows: Vec<_> = records.iter().map(wellness_row).collect();
    let outcomes = wellness::upsert_days(&run.ctx.store, run.user.id, &rows, now).await?;
    for (record, outcome) in records.iter().zip(outcomes) {
        if outcome != Outcome::Unchanged {
            run.report.wellness_days += 1;
            run.wellness_changed.insert(record.date);
        }
    }
    Ok(())
}
