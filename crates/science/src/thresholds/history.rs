//! The threshold history, per-field resolution for a date, the threshold set id and the
//! adoption rule (docs/science.md §7.1, §7.5).

use std::fmt;

use super::{Candidate, Field, ThresholdConfig};
use crate::LocalDate;

/// Who set an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Set by the athlete; always wins, never overwritten by estimates.
    Manual,
    /// Adopted from a [`Candidate`].
    Estimated,
}

/// One stored history row. Resolution reads only these fields; the row's method, evidence,
/// as_of and calc_version are stored beside it by the caller (see [`Candidate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The row id; part of the threshold set id. Among entries with the same
    /// `effective_from`, the larger id is the later one.
    pub id: i64,
    /// The first date the entry applies to.
    pub effective_from: LocalDate,
    /// Manual or estimated.
    pub source: Source,
    /// The fields this row carries. `None` on a manual row means "automatic again from this
    /// date" for that field; a field absent from the row is untouched by it.
    pub values: Vec<(Field, Option<f64>)>,
}

impl HistoryEntry {
    /// This row's value for `field`: absent → `None`; present → `Some(value or None)`.
    fn get(&self, field: Field) -> Option<Option<f64>> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, v)| v.filter(|x| x.is_finite()))
    }
}

/// Why a resolved value applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// The latest manual entry in force (rule 1).
    Manual,
    /// The latest estimated entry in force (rule 2).
    Estimated,
    /// The field's earliest entry, back-filled before its first date (rule 3, `backfilled`).
    Backfilled,
    /// LTHR = `lthr_pct_max` × max HR (rule 4, `lthr_source = pct_max`).
    PctMax,
}

/// One field's value on a date and where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    /// The value (units of the field).
    pub value: f64,
    /// The rule that gave it.
    pub basis: Basis,
    /// The entry it came from (for `PctMax`, the max-HR entry).
    pub entry_id: i64,
}

/// Every field resolved for one date.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdSet {
    /// The date resolved for.
    pub date: LocalDate,
    /// Indexed by [`Field::index`]; `None` = unknown.
    pub fields: [Option<Resolved>; 8],
}

impl ThresholdSet {
    /// The resolution of one field.
    pub fn get(&self, field: Field) -> Option<Resolved> {
        self.fields[field.index()]
    }

    /// The value of one field.
    pub fn value(&self, field: Field) -> Option<f64> {
        self.get(field).map(|r| r.value)
    }

    /// The threshold set id: the tuple of entry ids in [`Field::ALL`] order.
    pub fn id(&self) -> ThresholdSetId {
        ThresholdSetId(
            self.fields
                .map(|r| r.map(|r| (r.entry_id, r.basis == Basis::PctMax))),
        )
    }
}

/// The resolved tuple of entry ids recorded with each load (§7.1): per field of
/// [`Field::ALL`], the entry id and whether it is a % of max HR. Displays as
/// `12,12,12,-,-,p7,7,3` (`-` unknown, `p` = LTHR from max-HR entry 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThresholdSetId(pub [Option<(i64, bool)>; 8]);

impl fmt::Display for ThresholdSetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, member) in self.0.iter().enumerate() {
            if k > 0 {
                f.write_str(",")?;
            }
            match member {
                None => f.write_str("-")?,
                Some((id, true)) => write!(f, "p{id}")?,
                Some((id, false)) => write!(f, "{id}")?,
            }
        }
        Ok(())
    }
}

/// Resolves one field for `date` (§7.1 rules 1–4).
///
/// 1. the latest manual entry with `effective_from` ≤ date, if it holds a value;
/// 2. else the latest estimated entry with `effective_from` ≤ date;
/// 3. else the field's earliest entry with a value (`Backfilled`);
/// 4. else unknown; for LTHR, `lthr_pct_max` × max HR for the date (`PctMax`).
///
/// "Latest" orders by (`effective_from`, id); "earliest" likewise ascending.
pub fn resolve(
    history: &[HistoryEntry],
    field: Field,
    date: LocalDate,
    cfg: &ThresholdConfig,
) -> Option<Resolved> {
    let latest = |source: Source| {
        history
            .iter()
            .filter(|e| e.source == source && e.effective_from <= date)
            .filter_map(|e| e.get(field).map(|v| (e, v)))
            .filter(|(_, v)| source == Source::Manual || v.is_some())
            .max_by_key(|(e, _)| (e.effective_from, e.id))
    };
    if let Some((e, Some(value))) = latest(Source::Manual) {
        return Some(found(value, Basis::Manual, e));
    }
    if let Some((e, Some(value))) = latest(Source::Estimated) {
        return Some(found(value, Basis::Estimated, e));
    }
    let earliest = history
        .iter()
        .filter_map(|e| e.get(field).flatten().map(|v| (e, v)))
        .min_by_key(|(e, _)| (e.effective_from, e.id));
    if let Some((e, value)) = earliest {
        return Some(found(value, Basis::Backfilled, e));
    }
    if field == Field::Lthr {
        let max_hr = resolve(history, Field::MaxHr, date, cfg)?;
        return Some(Resolved {
            value: cfg.lthr_pct_max * max_hr.value,
            basis: Basis::PctMax,
            entry_id: max_hr.entry_id,
        });
    }
    None
}

fn found(value: f64, basis: Basis, e: &HistoryEntry) -> Resolved {
    Resolved {
        value,
        basis,
        entry_id: e.id,
    }
}

/// Every field resolved for `date`.
pub fn resolve_all(
    history: &[HistoryEntry],
    date: LocalDate,
    cfg: &ThresholdConfig,
) -> ThresholdSet {
    ThresholdSet {
        date,
        fields: Field::ALL.map(|f| resolve(history, f, date, cfg)),
    }
}

/// What to do with a candidate (§7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Store a new estimated entry; recompute activities dated ≥ its effective date.
    Adopt,
    /// Within the hysteresis band: report as the current estimate, store nothing.
    Keep,
    /// A manual value is in force: store and show as a suggestion, never use it.
    Suggest,
}

/// The adoption rule: `Suggest` under a manual value; `Adopt` when no value is in force at the
/// candidate's effective date (unknown, back-filled or % of max HR do not count as in force) or
/// when |new − old|/old > `adoption_tolerance` (5 %); otherwise `Keep`.
pub fn decide(candidate: &Candidate, history: &[HistoryEntry], cfg: &ThresholdConfig) -> Decision {
    match resolve(history, candidate.field, candidate.effective_from, cfg) {
        Some(r) if r.basis == Basis::Manual => Decision::Suggest,
        Some(r) if r.basis == Basis::Estimated && r.value > 0.0 => {
            let change = (candidate.value - r.value).abs() / r.value;
            if change > cfg.adoption_tolerance {
                Decision::Adopt
            } else {
                Decision::Keep
            }
        }
        _ => Decision::Adopt,
    }
}

/// The estimated history row for an adopted candidate: its field and companions (CP and W′
/// follow FTP, D′ follows threshold speed).
pub fn entry_for(candidate: &Candidate, id: i64) -> HistoryEntry {
    let mut values = vec![(candidate.field, Some(candidate.value))];
    values.extend(candidate.companions.iter().map(|&(f, v)| (f, Some(v))));
    HistoryEntry {
        id,
        effective_from: candidate.effective_from,
        source: Source::Estimated,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CALC_VERSION;
    use crate::thresholds::Method;

    fn day(s: &str) -> LocalDate {
        s.parse().unwrap()
    }

    fn entry(id: i64, from: &str, source: Source, values: &[(Field, Option<f64>)]) -> HistoryEntry {
        HistoryEntry {
            id,
            effective_from: day(from),
            source,
            values: values.to_vec(),
        }
    }

    fn candidate(field: Field, value: f64, from: &str) -> Candidate {
        Candidate {
            field,
            value,
            companions: vec![],
            method: Method::TwentyMinutePower,
            r2: None,
            points: vec![],
            window_first: day(from),
            window_last: day(from),
            as_of: day(from),
            effective_from: day(from),
            calc_version: CALC_VERSION,
        }
    }

    fn sample_history() -> Vec<HistoryEntry> {
        vec![
            entry(
                1,
                "2024-02-01",
                Source::Estimated,
                &[(Field::Ftp, Some(240.0))],
            ),
            entry(
                2,
                "2024-03-01",
                Source::Manual,
                &[(Field::Ftp, Some(260.0))],
            ),
            entry(
                3,
                "2024-04-01",
                Source::Estimated,
                &[(Field::Ftp, Some(270.0))],
            ),
            entry(4, "2024-05-01", Source::Manual, &[(Field::Ftp, None)]),
            entry(
                5,
                "2024-03-15",
                Source::Manual,
                &[(Field::RestingHr, Some(48.0))],
            ),
            entry(
                6,
                "2024-01-10",
                Source::Estimated,
                &[(Field::MaxHr, Some(190.0))],
            ),
        ]
    }

    #[test]
    fn manual_beats_estimated_until_cleared() {
        let cfg = ThresholdConfig::default();
        let h = sample_history();
        let at = |d: &str| resolve(&h, Field::Ftp, day(d), &cfg).unwrap();
        assert_eq!(
            (at("2024-02-15").value, at("2024-02-15").basis),
            (240.0, Basis::Estimated)
        );
        assert_eq!(
            (at("2024-03-01").value, at("2024-03-01").entry_id),
            (260.0, 2)
        );
        // The April estimate is only a suggestion while the manual value is in force.
        assert_eq!(at("2024-04-15").basis, Basis::Manual);
        // From May the manual row says "automatic again": the latest estimate applies.
        assert_eq!(
            (at("2024-05-02").value, at("2024-05-02").basis),
            (270.0, Basis::Estimated)
        );
    }

    #[test]
    fn a_row_holding_only_resting_hr_never_blanks_ftp() {
        let cfg = ThresholdConfig::default();
        let h = sample_history();
        assert_eq!(
            resolve(&h, Field::Ftp, day("2024-03-20"), &cfg)
                .unwrap()
                .value,
            260.0
        );
        assert_eq!(
            resolve(&h, Field::RestingHr, day("2024-03-20"), &cfg)
                .unwrap()
                .value,
            48.0
        );
    }

    #[test]
    fn dates_before_the_first_entry_are_backfilled() {
        let cfg = ThresholdConfig::default();
        let h = sample_history();
        let r = resolve(&h, Field::Ftp, day("2023-12-01"), &cfg).unwrap();
        assert_eq!(
            (r.value, r.basis, r.entry_id),
            (240.0, Basis::Backfilled, 1)
        );
        assert!(resolve(&h, Field::Cp, day("2024-03-01"), &cfg).is_none());
    }

    #[test]
    fn lthr_falls_back_to_89_percent_of_max_hr() {
        let cfg = ThresholdConfig::default();
        let h = sample_history();
        let set = resolve_all(&h, day("2024-03-20"), &cfg);
        let lthr = set.get(Field::Lthr).unwrap();
        assert_eq!(lthr.basis, Basis::PctMax);
        assert!((lthr.value - 0.89 * 190.0).abs() < 1e-12);
        assert_eq!(set.id().to_string(), "2,-,-,-,-,p6,6,5");
        assert!(
            resolve_all(&[], day("2024-03-20"), &cfg)
                .get(Field::Lthr)
                .is_none()
        );
    }

    #[test]
    fn same_day_entries_resolve_to_the_larger_id() {
        let cfg = ThresholdConfig::default();
        let h = vec![
            entry(
                8,
                "2024-01-01",
                Source::Estimated,
                &[(Field::MaxHr, Some(185.0))],
            ),
            entry(
                7,
                "2024-01-01",
                Source::Estimated,
                &[(Field::MaxHr, Some(180.0))],
            ),
        ];
        assert_eq!(
            resolve(&h, Field::MaxHr, day("2024-01-01"), &cfg)
                .unwrap()
                .value,
            185.0
        );
    }

    #[test]
    fn adoption_needs_a_move_above_five_percent() {
        let cfg = ThresholdConfig::default();
        let h = vec![entry(
            1,
            "2024-01-01",
            Source::Estimated,
            &[(Field::Ftp, Some(200.0))],
        )];
        assert_eq!(
            decide(&candidate(Field::Ftp, 210.0, "2024-02-01"), &h, &cfg),
            Decision::Keep
        );
        assert_eq!(
            decide(&candidate(Field::Ftp, 210.5, "2024-02-01"), &h, &cfg),
            Decision::Adopt
        );
        assert_eq!(
            decide(&candidate(Field::Ftp, 189.0, "2024-02-01"), &h, &cfg),
            Decision::Adopt
        );
        // Nothing in force before the first entry (back-fill does not count).
        assert_eq!(
            decide(&candidate(Field::Ftp, 201.0, "2023-12-01"), &h, &cfg),
            Decision::Adopt
        );
        assert_eq!(
            decide(&candidate(Field::Lthr, 160.0, "2024-02-01"), &h, &cfg),
            Decision::Adopt
        );
    }

    #[test]
    fn estimates_under_a_manual_value_are_suggestions() {
        let cfg = ThresholdConfig::default();
        let h = sample_history();
        let c = candidate(Field::Ftp, 400.0, "2024-03-10");
        assert_eq!(decide(&c, &h, &cfg), Decision::Suggest);
    }

    #[test]
    fn an_adopted_entry_carries_its_companions() {
        let mut c = candidate(Field::Ftp, 250.0, "2024-02-01");
        c.companions = vec![(Field::Cp, 250.0), (Field::WPrime, 20_000.0)];
        let e = entry_for(&c, 42);
        assert_eq!(e.values.len(), 3);
        assert_eq!(e.source, Source::Estimated);
        let cfg = ThresholdConfig::default();
        let r = resolve(&[e], Field::WPrime, day("2024-02-01"), &cfg).unwrap();
        assert_eq!((r.value, r.entry_id), (20_000.0, 42));
    }
}
