//! The monthly check of the stored aggregates against a fresh computation. The daily load sums
//! (`daily_loads`) are compared with sums made from every load the way the reads made them
//! before the table existed ([`science::load::DailyLoads::new`] over each load's date, group
//! and UTL): a day counts as drifted when any of its sums differs in a single bit, or when it is
//! stored without loads or has loads without a row. The month folds of the curves
//! (`curve_months`) are compared byte for byte with folds of every curve. A drifted athlete's
//! rows are rebuilt. Expected: 0.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use science::SportGroup;
use science::load::{DailyLoads, DaySums, Series};
use serde::Serialize;

use super::convert::{civil, science_load};
use crate::store::users::UserId;
use crate::store::{Store, StoreError, curve_months, daily_loads, loads};

/// Most drifted days kept as examples.
const MAX_EXAMPLES: usize = 10;

/// One day whose stored sums a fresh computation did not reproduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyDriftExample {
    /// The local date.
    pub date: String,
    /// The stored overall sum (`None`: no row).
    pub stored: Option<f64>,
    /// The fresh overall sum (`None`: no load that day).
    pub fresh: Option<f64>,
}

/// What [`check_daily_loads`] found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DailyDrift {
    /// Days compared (stored or with loads).
    pub days_checked: u32,
    /// Days that differed (expected 0).
    pub drift: u32,
    /// Up to 10 of them.
    pub examples: Vec<DailyDriftExample>,
    /// The athlete's rows were rebuilt.
    pub repaired: bool,
}

/// Compares `user`'s stored day sums with sums made afresh from every live load, and rebuilds
/// the rows when any day differs.
///
/// # Errors
/// A store failure; [`StoreError::Invalid`] for a load whose UTL cannot be summed.
pub async fn check_daily_loads(store: &Store, user: UserId) -> Result<DailyDrift, StoreError> {
    let every = (Date::constant(1, 1, 1), Date::constant(9999, 12, 31));
    let dated = loads::list_by_local_date(store, user, every.0, every.1).await?;
    let fresh_loads: Vec<_> = dated.iter().map(science_load).collect();
    let stored = daily_loads::all_stored(store, user).await?;
    let fresh_days: BTreeSet<_> = fresh_loads.iter().map(|l| l.date).collect();
    let stored_days: BTreeMap<_, &DaySums> = stored.iter().map(|d| (d.date, d)).collect();
    let days: BTreeSet<_> = fresh_days
        .iter()
        .copied()
        .chain(stored_days.keys().copied())
        .collect();
    let mut out = DailyDrift {
        days_checked: u32::try_from(days.len()).unwrap_or(u32::MAX),
        ..DailyDrift::default()
    };
    let Some(&as_of) = days.last() else {
        return Ok(out);
    };
    let fresh = DailyLoads::new(&fresh_loads, as_of).map_err(invalid)?;
    let series: Vec<Series> = [Series::Overall]
        .into_iter()
        .chain(SportGroup::ALL.map(Series::Group))
        .collect();
    for date in days {
        let row = stored_days.get(&date);
        let same = match row {
            Some(row) if fresh_days.contains(&date) => series.iter().all(|&s| {
                let kept = match s {
                    Series::Overall => row.overall,
                    Series::Group(g) => row.group(g),
                };
                kept.to_bits() == fresh.load_on(date, s).to_bits()
            }),
            _ => false,
        };
        if same {
            continue;
        }
        out.drift += 1;
        if out.examples.len() < MAX_EXAMPLES {
            out.examples.push(DailyDriftExample {
                date: civil(date).to_string(),
                stored: row.map(|r| r.overall),
                fresh: fresh_days
                    .contains(&date)
                    .then(|| fresh.load_on(date, Series::Overall)),
            });
        }
    }
    if out.drift > 0 {
        daily_loads::rebuild(store, user).await?;
        out.repaired = true;
    }
    Ok(out)
}

fn invalid(error: science::ScienceError) -> StoreError {
    StoreError::Invalid(error.to_string())
}

/// What [`check_curve_months`] found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CurveMonthDrift {
    /// Months and kinds compared (stored or with curves).
    pub months_checked: u32,
    /// Those whose stored fold differed from a fresh one (expected 0).
    pub drift: u32,
    /// Up to 10 of them, `YYYY-MM kind`.
    pub examples: Vec<String>,
    /// The athlete's folds were rebuilt.
    pub repaired: bool,
}

/// Compares `user`'s stored month folds of the curves with folds made afresh from every curve,
/// and rebuilds them when any month differs.
///
/// # Errors
/// A store failure.
pub async fn check_curve_months(
    store: &Store,
    user: UserId,
) -> Result<CurveMonthDrift, StoreError> {
    let (checked, drifted) = curve_months::drifted(store, user).await?;
    let mut out = CurveMonthDrift {
        months_checked: u32::try_from(checked).unwrap_or(u32::MAX),
        drift: u32::try_from(drifted.len()).unwrap_or(u32::MAX),
        examples: drifted
            .iter()
            .take(MAX_EXAMPLES)
            .map(|(month, kind)| format!("{month} {kind}"))
            .collect(),
        repaired: false,
    };
    if out.drift > 0 {
        curve_months::rebuild(store, user).await?;
        out.repaired = true;
    }
    Ok(out)
}
