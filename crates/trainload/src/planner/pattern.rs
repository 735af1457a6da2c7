//! When an athlete uploads: a 168-slot histogram over the hours of the athlete's local week,
//! learnt from past uploads with older ones counting less, and the expected number of uploads
//! in any time span. The planner polls where this expects uploads and skips where it does not.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Hours in a week.
const HOURS: usize = 168;
/// An upload this many days old counts half as much as one today.
const HALF_LIFE_DAYS: f64 = 28.0;
/// Weeks of history the pattern is learnt from.
pub const HISTORY_WEEKS: i64 = 12;
/// Uploads per week assumed for an athlete with too little history, spread evenly.
const PRIOR_PER_WEEK: f64 = 5.0;
/// The prior's weight, in uploads: a few real uploads already outweigh it.
const PRIOR_WEIGHT: f64 = 2.0;
/// Hour length, ms.
const HOUR_MS: i64 = 3_600_000;

/// An athlete's learnt upload habits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadPattern {
    /// Share of uploads in each hour of the local week (Monday 00:00 first); sums to 1.
    pub shares: Vec<f64>,
    /// Uploads per week (decay-weighted).
    pub per_week: f64,
    /// The newest upload learnt from, epoch ms.
    #[serde(default)]
    pub last_upload_ms: Option<i64>,
}

impl Default for UploadPattern {
    /// The prior: five uploads a week, at any hour.
    fn default() -> Self {
        Self {
            shares: vec![1.0 / HOURS as f64; HOURS],
            per_week: PRIOR_PER_WEEK,
            last_upload_ms: None,
        }
    }
}

impl UploadPattern {
    /// Learns from upload instants (epoch ms) in `zone`, as of `now_ms`, over the history
    /// known since `known_since_ms` (a connection made last week has a week of history, not
    /// twelve weeks of silence); uploads older than [`HISTORY_WEEKS`] are ignored. The prior
    /// fills in while history is short.
    pub fn learn(uploads_ms: &[i64], zone: &TimeZone, now_ms: i64, known_since_ms: i64) -> Self {
        let prior = Self::default();
        let mut weights: Vec<f64> = prior.shares.iter().map(|s| s * PRIOR_WEIGHT).collect();
        let mut decayed_count = 0.0;
        let horizon_ms = HISTORY_WEEKS * 7 * 24 * HOUR_MS;
        for &at in uploads_ms {
            let age_ms = now_ms - at;
            if !(0..horizon_ms).contains(&age_ms) {
                continue;
            }
            let age_days = age_ms as f64 / (24.0 * HOUR_MS as f64);
            let weight = 0.5_f64.powf(age_days / HALF_LIFE_DAYS);
            if let Some(slot) = hour_of_week(at, zone) {
                weights[slot] += weight;
                decayed_count += weight;
            }
        }
        let total: f64 = weights.iter().sum();
        // The decayed count over the known history's decayed length is the recent weekly rate.
        let known_days = ((now_ms - known_since_ms) as f64 / (24.0 * HOUR_MS as f64))
            .clamp(1.0, (HISTORY_WEEKS * 7) as f64);
        let decayed_weeks: f64 = decayed_days(known_days) / 7.0;
        let observed = decayed_count / decayed_weeks;
        let per_week = (observed * decayed_count + PRIOR_PER_WEEK * PRIOR_WEIGHT)
            / (decayed_count + PRIOR_WEIGHT);
        Self {
            shares: weights.iter().map(|w| w / total).collect(),
            per_week,
            last_upload_ms: uploads_ms.iter().copied().max(),
        }
    }

    /// Expected uploads in `(from_ms, to_ms]`, by whole and partial hours.
    pub fn expected(&self, from_ms: i64, to_ms: i64, zone: &TimeZone) -> f64 {
        if to_ms <= from_ms || self.shares.len() != HOURS {
            return 0.0;
        }
        // A span longer than a week holds whole weeks plus a remainder.
        let week_ms = 7 * 24 * HOUR_MS;
        let whole_weeks = (to_ms - from_ms) / week_ms;
        let mut expected = whole_weeks as f64 * self.per_week;
        let mut at = from_ms + whole_weeks * week_ms;
        while at < to_ms {
            let next = (at - at.rem_euclid(HOUR_MS) + HOUR_MS).min(to_ms);
            let fraction = (next - at) as f64 / HOUR_MS as f64;
            if let Some(slot) = hour_of_week(at, zone) {
                expected += self.per_week * self.shares[slot] * fraction;
            }
            at = next;
        }
        expected
    }
}

/// `∫₀ᵈ 0.5^(t / half-life) dt`: the weight of `days` of history, each day counting as
/// much as an upload of its age.
fn decayed_days(days: f64) -> f64 {
    let rate = std::f64::consts::LN_2 / HALF_LIFE_DAYS;
    (1.0 - (-rate * days).exp()) / rate
}

/// The hour of the local week (Monday 00:00 = 0) of an instant.
fn hour_of_week(at_ms: i64, zone: &TimeZone) -> Option<usize> {
    let local = Timestamp::from_millisecond(at_ms)
        .ok()?
        .to_zoned(zone.clone());
    let day = usize::try_from(local.weekday().to_monday_zero_offset()).ok()?;
    Some(day * 24 + usize::try_from(local.hour()).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONDAY: i64 = 1_780_876_800_000; // 2026-06-08T00:00:00Z, a Monday
    const DAY: i64 = 24 * HOUR_MS;

    #[test]
    fn the_prior_expects_five_uploads_a_week_evenly() {
        let pattern = UploadPattern::default();
        let week = pattern.expected(MONDAY, MONDAY + 7 * DAY, &TimeZone::UTC);
        assert!((week - 5.0).abs() < 1e-9, "{week}");
        let hour = pattern.expected(MONDAY, MONDAY + HOUR_MS, &TimeZone::UTC);
        assert!((hour - 5.0 / 168.0).abs() < 1e-9, "{hour}");
    }

    #[test]
    fn a_daily_evening_habit_is_expected_in_the_evening_and_not_at_night() {
        let now = MONDAY + 12 * 7 * DAY;
        let uploads: Vec<i64> = (1..70).map(|d| now - d * DAY + 19 * HOUR_MS).collect();
        let pattern = UploadPattern::learn(&uploads, &TimeZone::UTC, now, now - 12 * 7 * DAY);
        let evening = pattern.expected(now + 18 * HOUR_MS, now + 21 * HOUR_MS, &TimeZone::UTC);
        let night = pattern.expected(now + HOUR_MS, now + 5 * HOUR_MS, &TimeZone::UTC);
        assert!(evening > 0.7, "an upload a day at 19:00: {evening}");
        assert!(night < 0.05, "{night}");
        assert!((pattern.per_week - 7.0).abs() < 1.0, "{}", pattern.per_week);
    }

    #[test]
    fn the_habit_is_learnt_in_the_athletes_own_zone() {
        let zone = TimeZone::get("America/New_York").unwrap();
        let now = MONDAY + 12 * 7 * DAY;
        // 07:00 in New York (11:00 UTC in June) every day.
        let uploads: Vec<i64> = (1..70).map(|d| now - d * DAY + 11 * HOUR_MS).collect();
        let pattern = UploadPattern::learn(&uploads, &zone, now, now - 12 * 7 * DAY);
        let morning_utc = pattern.expected(now + 10 * HOUR_MS, now + 12 * HOUR_MS, &zone);
        assert!(morning_utc > 0.7, "{morning_utc}");
    }

    #[test]
    fn a_short_history_is_not_read_as_weeks_of_silence() {
        let now = MONDAY + 12 * 7 * DAY;
        // Connected a week ago, one upload a day since.
        let uploads: Vec<i64> = (1..8).map(|d| now - d * DAY + 19 * HOUR_MS).collect();
        let week = UploadPattern::learn(&uploads, &TimeZone::UTC, now, now - 7 * DAY);
        assert!(week.per_week > 6.0, "{}", week.per_week);
        let misread = UploadPattern::learn(&uploads, &TimeZone::UTC, now, now - 84 * DAY);
        assert!(misread.per_week < week.per_week, "{}", misread.per_week);
    }

    #[test]
    fn spans_longer_than_a_week_count_whole_weeks() {
        let pattern = UploadPattern::default();
        let two_weeks = pattern.expected(MONDAY, MONDAY + 14 * DAY + HOUR_MS, &TimeZone::UTC);
        assert!(
            (two_weeks - (10.0 + 5.0 / 168.0)).abs() < 1e-9,
            "{two_weeks}"
        );
        assert_eq!(pattern.expected(MONDAY, MONDAY, &TimeZone::UTC), 0.0);
    }
}
