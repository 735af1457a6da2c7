//! Rule 6: which sport each planned day gets.

use super::{DayIntensity, DaySport, HistoryActivity, RecommendConfig, RecommendInput};
use crate::SportGroup;

/// Sports per day, the day types after the "`other` is never hard" rule, and which days it
/// downgraded.
#[derive(Debug, Clone, Copy)]
pub(super) struct Split {
    pub sports: [DaySport; 5],
    pub intensities: [DayIntensity; 5],
    pub downgraded: [bool; 5],
}

/// Shares of UTL by group over the 28 days ending T−1 (groups under 10 % dropped, the rest
/// renormalised), in [`SportGroup::ALL`] order; all zero when there was no load.
fn shares(history: &[HistoryActivity], input: &RecommendInput, cfg: &RecommendConfig) -> [f64; 4] {
    let first = input.as_of.add_days(-i32::from(cfg.share_window_days));
    let mut sums = [0.0; 4];
    for a in history.iter().filter(|a| a.date >= first) {
        sums[index(a.group())] += a.utl;
    }
    let total: f64 = sums.iter().sum();
    if total <= 0.0 {
        return [0.0; 4];
    }
    let kept = sums.map(|s| {
        if s / total >= cfg.min_group_share {
            s
        } else {
            0.0
        }
    });
    let kept_total: f64 = kept.iter().sum();
    if kept_total <= 0.0 {
        return [0.0; 4];
    }
    kept.map(|s| s / kept_total)
}

fn index(group: SportGroup) -> usize {
    SportGroup::ALL
        .iter()
        .position(|&g| g == group)
        .unwrap_or(3)
}

/// Largest-remainder split of `n` days by `shares`; ties go in [`SportGroup::ALL`] order.
fn day_counts(shares: &[f64; 4], n: usize) -> [usize; 4] {
    let n_f = f64::from(u32::try_from(n).unwrap_or(0));
    let quotas = shares.map(|s| s * n_f);
    // Floors of values in [0, 5]: the cast cannot truncate anything but the fraction.
    let mut counts = quotas.map(|q| q.floor().clamp(0.0, n_f) as usize);
    let mut order: Vec<usize> = (0..4).filter(|&g| shares[g] > 0.0).collect();
    order.sort_by(|&a, &b| {
        let fa = quotas[a] - quotas[a].floor();
        let fb = quotas[b] - quotas[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let assigned: usize = counts.iter().sum();
    for &g in order.iter().cycle().take(n.saturating_sub(assigned)) {
        counts[g] += 1;
    }
    counts
}

/// Rule 6.
pub(super) fn assign(
    history: &[HistoryActivity],
    input: &RecommendInput,
    planned: &[DayIntensity; 5],
    cfg: &RecommendConfig,
) -> Split {
    let mut split = Split {
        sports: [DaySport::Any; 5],
        intensities: *planned,
        downgraded: [false; 5],
    };
    let shares = shares(history, input, cfg);
    if shares.iter().all(|&s| s <= 0.0) {
        // No load in 28 days: the group of the latest activity (largest UTL on that date), else any.
        let latest = history
            .iter()
            .max_by(|a, b| a.date.cmp(&b.date).then(a.utl.total_cmp(&b.utl)));
        if let Some(a) = latest {
            let mut only = [0.0; 4];
            only[index(a.group())] = 1.0;
            fill(&mut split, &only, input);
        }
        return split;
    }
    fill(&mut split, &shares, input);
    split
}

/// Hard days first (day order) to the largest-share non-`other` group with a threshold, else the
/// largest-share non-`other` group, among groups with days left; a hard day no such group can
/// take becomes moderate. Then the remaining days in day order, each to the group with the most
/// days left.
fn fill(split: &mut Split, shares: &[f64; 4], input: &RecommendInput) {
    let n = split
        .intensities
        .iter()
        .filter(|&&d| d != DayIntensity::Rest)
        .count();
    let mut left = day_counts(shares, n);
    let mut by_share: Vec<usize> = (0..4).filter(|&g| shares[g] > 0.0).collect();
    by_share.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]).then(a.cmp(&b)));
    let has_threshold = |g: usize| match SportGroup::ALL[g] {
        SportGroup::Cycling => input.ftp_w.is_some(),
        SportGroup::Running => input.threshold_speed_mps.is_some(),
        _ => false,
    };
    let can_be_hard = |g: usize| SportGroup::ALL[g] != SportGroup::Other;
    for i in 0..5 {
        if split.intensities[i] != DayIntensity::Hard {
            continue;
        }
        let open = |g: &&usize| left[**g] > 0 && can_be_hard(**g);
        let pick = by_share
            .iter()
            .filter(open)
            .find(|&&g| has_threshold(g))
            .or_else(|| by_share.iter().find(open))
            .copied();
        match pick {
            Some(g) => {
                left[g] -= 1;
                split.sports[i] = DaySport::Group(SportGroup::ALL[g]);
            }
            None => {
                split.intensities[i] = DayIntensity::Moderate;
                split.downgraded[i] = true;
            }
        }
    }
    for i in 0..5 {
        let d = split.intensities[i];
        // Hard days are placed already (downgraded ones are moderate now).
        if d == DayIntensity::Rest || d == DayIntensity::Hard {
            continue;
        }
        // Most days left; ties in group order. Always finds one: the counts sum to n.
        let most = (0..4)
            .filter(|&g| left[g] > 0)
            .max_by(|&a, &b| left[a].cmp(&left[b]).then(b.cmp(&a)));
        if let Some(g) = most.or_else(|| by_share.first().copied()) {
            left[g] = left[g].saturating_sub(1);
            split.sports[i] = DaySport::Group(SportGroup::ALL[g]);
        }
    }
}
