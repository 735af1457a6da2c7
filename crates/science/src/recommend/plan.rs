//! Rules 2–5 and 11: weekly target, budget, pattern, wellness override and rationale.

use super::state::State;
use super::{DayIntensity, DayPlan, DaySport, PlanMode, PlanState, RecommendConfig};
use crate::SportGroup;
use crate::acwr::RiskBand;
use crate::load::LoadConfig;
use crate::wellness::WellnessStatus;

use DayIntensity::{Easy as E, Hard as H, Moderate as M, Rest as R};

/// Pattern after a reduction.
const REDUCED: [DayIntensity; 5] = [R, E, M, E, M];
/// Pattern after a hard day or with TSB_T < −15.
const FATIGUED: [DayIntensity; 5] = [E, H, E, M, H];
/// The regular pattern.
const REGULAR: [DayIntensity; 5] = [H, E, M, H, E];

/// Why the pattern looks as it does (the first rule that fired, wellness aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PatternReason {
    Reduced,
    Fatigued,
    Regular,
}

/// The week's targets and the day types before the sport split.
#[derive(Debug, Clone, Copy)]
pub(super) struct Week {
    pub target: f64,
    pub budget: f64,
    pub building: bool,
    pub reason: PatternReason,
    pub intensities: [DayIntensity; 5],
    /// Σw of the pattern before any override (the override keeps B/Σw).
    pub weight_sum: f64,
    /// The wellness status when the override fired on day 0.
    pub wellness_override: Option<WellnessStatus>,
}

impl Week {
    /// U = B·w/Σw with the pattern's Σw (0 when the pattern has no weight at all).
    pub fn day_target(&self, intensity: DayIntensity, cfg: &RecommendConfig) -> f64 {
        if self.weight_sum > 0.0 {
            self.budget * cfg.weights[intensity.index()] / self.weight_sum
        } else {
            0.0
        }
    }

    pub fn state(&self, st: &State) -> PlanState {
        PlanState {
            ctl: st.ctl,
            atl: st.atl,
            tsb: st.tsb,
            acwr: st.acwr,
            chronic_weekly_utl: st.chronic,
            last_week_utl: st.last_week,
            target_week_utl: self.target,
            budget_utl: self.budget,
            mode: if self.building {
                PlanMode::Building
            } else {
                PlanMode::Normal
            },
            reduced: self.reason == PatternReason::Reduced,
            yesterday_hard: st.yesterday_hard,
            done_today_utl: 0.0,
            planned_today_utl: 0.0,
        }
    }
}

/// Rules 2–5.
pub(super) fn week(st: &State, wellness: WellnessStatus, cfg: &RecommendConfig) -> Week {
    let (c, w) = (st.chronic, st.last_week);
    let building =
        st.history_days < cfg.building_min_days || c < cfg.building_min_chronic_weekly_utl;
    let mut target = if building {
        w.max(cfg.starter_week_utl)
    } else {
        let capped = cfg.weekly_increase_cap * w.max(cfg.restart_floor_chronic * c);
        (cfg.chronic_target_factor * c).min(capped)
    };
    // Above the sweet spot (elevated or high) by the one band definition the overview uses.
    let acwr_high = st.acwr.band().is_some_and(|b| b > RiskBand::SweetSpot);
    let reduced = acwr_high || st.tsb < cfg.reduce_tsb_below;
    if reduced {
        target = target.min(cfg.reduce_last_week_factor * w);
        if !building {
            target = target.min(cfg.reduce_chronic_factor * c);
        }
    }
    let (reason, mut intensities) = if reduced {
        (PatternReason::Reduced, REDUCED)
    } else if st.yesterday_hard || st.tsb < cfg.fatigued_tsb_below {
        (PatternReason::Fatigued, FATIGUED)
    } else {
        (PatternReason::Regular, REGULAR)
    };
    let weight_sum = intensities.iter().map(|d| cfg.weights[d.index()]).sum();
    let wellness_override = override_day0(&mut intensities[0], wellness, st.tsb, cfg);
    Week {
        target,
        budget: target * 5.0 / 7.0,
        building,
        reason,
        intensities,
        weight_sum,
        wellness_override,
    }
}

/// Rule 5. Red → rest if TSB_T < −10, else easy; amber → a hard day becomes moderate. The
/// override only ever makes the day easier (a coach would not turn a planned rest day into an
/// easy one because wellness is red). Returns the status when it fired.
fn override_day0(
    day: &mut DayIntensity,
    wellness: WellnessStatus,
    tsb: f64,
    cfg: &RecommendConfig,
) -> Option<WellnessStatus> {
    match wellness {
        WellnessStatus::Red => {
            let cap = if tsb < cfg.red_rest_tsb_below { R } else { E };
            *day = (*day).min(cap);
            Some(wellness)
        }
        WellnessStatus::Amber if *day == H => {
            *day = M;
            Some(wellness)
        }
        _ => None,
    }
}

/// What the rationale of every day draws on.
pub(super) struct Notes<'a> {
    pub week: &'a Week,
    pub st: &'a State,
    pub load_cfg: &'a LoadConfig,
}

impl Notes<'_> {
    /// Rule 11: one line from the first rule that fired and the numbers behind it.
    pub fn rationale(&self, i: usize, day: &DayPlan, downgraded: bool) -> String {
        let head = match day.intensity {
            R => "Rest day".to_owned(),
            other => format!("{} {}", capitalised(other.as_str()), noun(day.sport)),
        };
        let extra = if downgraded {
            " (other sports get no hard days)"
        } else {
            ""
        };
        format!("{head}{extra}: {}; {}.", self.reason(i), self.week_target())
    }

    /// Why the day is what it is: the wellness override on day 0, else the pattern's rule.
    pub fn reason(&self, i: usize) -> String {
        let (week, st) = (self.week, self.st);
        match (i, week.wellness_override) {
            (0, Some(status)) => {
                format!("wellness {} with TSB {}", status.as_str(), signed(st.tsb))
            }
            _ => pattern_reason(week, st),
        }
    }

    /// The week target and the ratio it aims at, banded by the same function as the overview's
    /// ACWR; a target inside the detraining band says why.
    pub fn week_target(&self) -> String {
        let (week, st) = (self.week, self.st);
        let target = round0(week.target);
        if week.building && week.reason != PatternReason::Reduced {
            return format!("week target {target} UTL builds from a starter week");
        }
        if st.chronic <= 0.0 {
            return format!("week target {target} UTL follows last week");
        }
        let aim = week.target / st.chronic;
        let band = RiskBand::of(aim, self.load_cfg);
        let why = if band == RiskBand::Detraining {
            format!(
                ", below the detraining edge on purpose: {}",
                detraining_why(week, st)
            )
        } else {
            String::new()
        };
        format!(
            "week target {target} UTL aims at ACWR ≈ {aim:.2} ({}){why}",
            band_words(band)
        )
    }
}

/// Why a week aims inside the detraining band. Outside a reduction the restart floor keeps the
/// target at ≥ 0.55 × chronic, so only a reduction gets there.
fn detraining_why(week: &Week, st: &State) -> String {
    match (week.reason, st.acwr.ratio()) {
        (PatternReason::Reduced, Some(r)) if st.acwr.band() > Some(RiskBand::SweetSpot) => {
            format!("ACWR {r:.2} is above the sweet spot, so this week recovers")
        }
        (PatternReason::Reduced, _) => {
            format!(
                "TSB {} is deep fatigue, so this week recovers",
                signed(st.tsb)
            )
        }
        _ => format!(
            "last week's {} UTL caps the increase at 10 %",
            round0(st.last_week)
        ),
    }
}

/// A band as words ("sweet spot").
pub(super) fn band_words(band: RiskBand) -> String {
    band.as_str().replace('_', " ")
}

fn pattern_reason(week: &Week, st: &State) -> String {
    match week.reason {
        PatternReason::Reduced => match st.acwr.ratio() {
            Some(r) => format!(
                "load reduced (ACWR {r:.2} {}, TSB {})",
                st.acwr.band().map_or_else(String::new, band_words),
                signed(st.tsb)
            ),
            None => format!("load reduced (TSB {})", signed(st.tsb)),
        },
        PatternReason::Fatigued if st.yesterday_hard => {
            let what = st
                .yesterday_group
                .map_or("session", |g| noun(DaySport::Group(g)));
            format!("TSB {} after yesterday's hard {what}", signed(st.tsb))
        }
        PatternReason::Fatigued => format!("TSB {} calls for an easy start", signed(st.tsb)),
        PatternReason::Regular => format!("hard–easy pattern at TSB {}", signed(st.tsb)),
    }
}

pub(super) fn noun(sport: DaySport) -> &'static str {
    match sport {
        DaySport::Group(SportGroup::Running) => "run",
        DaySport::Group(SportGroup::Cycling) => "ride",
        DaySport::Group(SportGroup::Swimming) => "swim",
        DaySport::Group(SportGroup::Other) | DaySport::Any => "session",
    }
}

pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// An integer with a typographic minus ("−24").
pub(super) fn signed(x: f64) -> String {
    let r = x.round();
    if r < 0.0 {
        format!("−{}", round0(-r))
    } else {
        round0(r.abs())
    }
}

pub(super) fn round0(x: f64) -> String {
    format!("{:.0}", x.round())
}
