//! Plain words for the names the calculations store (threshold methods and sources, wellness
//! components and their inputs, the calculation version), so pages never show an internal name.

use science::wellness::ComponentKind;

use crate::store::provenance::ThresholdBasis;

/// How a threshold was found, for a person.
pub fn threshold_method(method: &str) -> &'static str {
    match method {
        "manual" => "entered by hand",
        "cp_fit" | "cp_3param" | "cp_2param" => "fitted to your best efforts (critical power)",
        "mmp_95pct_20min" => "95 % of your best 20-minute power",
        "cs_fit" => "fitted to your best runs (critical speed)",
        "speed_95pct_20min" => "95 % of your best 20-minute running speed",
        "corroborated_peak" => "highest heart rate seen in more than one session",
        "hr_95pct_20min" => "95 % of your highest 20-minute heart rate",
        "wellness_mean_14d" => "14-day average of your morning resting heart rate",
        _ => "estimated from your activities",
    }
}

/// Where a threshold came from, for a person.
pub fn threshold_source(source: &str) -> &'static str {
    match source {
        "manual" => "set by you",
        "wellness" => "From wellness",
        _ => "Estimated",
    }
}

/// Why a threshold value applied to an activity's day.
pub fn threshold_basis(basis: ThresholdBasis) -> &'static str {
    match basis {
        ThresholdBasis::Manual => "set by you",
        ThresholdBasis::Estimated => "estimated",
        ThresholdBasis::Backfilled => "earliest estimate, used for the days before it",
        ThresholdBasis::PctMax => "share of your max HR",
    }
}

/// A wellness component's name.
pub fn wellness_component(component: ComponentKind) -> &'static str {
    match component {
        ComponentKind::Hrv => "HRV",
        ComponentKind::RestingHr => "Resting HR",
        ComponentKind::SleepDuration => "Sleep duration",
        ComponentKind::SleepQuality => "Sleep quality",
        ComponentKind::Readiness => "Readiness",
        ComponentKind::Subjective => "How you feel",
    }
}

/// A wellness input's label (the numbers a component compared).
pub fn wellness_input(input: &str) -> &'static str {
    match input {
        "m7_ln_ms" => "HRV, 7-day average (ln ms)",
        "mu_ln_ms" => "HRV baseline (ln ms)",
        "sigma_ln_ms" => "HRV usual variation (ln ms)",
        "z" => "HRV against baseline (standard deviations)",
        "acute_mean_bpm" => "resting HR, recent average (bpm)",
        "baseline_mean_bpm" => "resting HR baseline (bpm)",
        "delta_bpm" => "resting HR above baseline (bpm)",
        "sleep_h" => "sleep (hours)",
        "sleep_score" => "sleep score",
        "sleep_quality" => "sleep quality",
        "readiness" => "readiness",
        "soreness" => "soreness",
        "fatigue" => "fatigue",
        _ => "reading",
    }
}

/// The stored calculation version (`M·10⁶ + m·10³ + p`) as `M.m.p`.
pub fn calc_version(version: i64) -> String {
    format!(
        "{}.{}.{}",
        version / 1_000_000,
        version / 1_000 % 1_000,
        version % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_names_get_words() {
        assert_eq!(calc_version(1_000_000), "1.0.0");
        assert_eq!(calc_version(2_003_004), "2.3.4");
        for name in ["cp_fit", "hr_95pct_20min", "corroborated_peak"] {
            assert!(!threshold_method(name).contains('_'), "{name}");
        }
        for name in ["m7_ln_ms", "z", "delta_bpm"] {
            assert!(!wellness_input(name).contains('_'), "{name}");
        }
    }
}
