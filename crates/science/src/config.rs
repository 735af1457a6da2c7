//! Every constant of docs/science.md as a default in one [`Config`], and its digest for provenance.
//!
//! Each module owns the part of the configuration it reads; this file only gathers them.

use crate::{
    best_efforts::CurveConfig, heart_rate::HeartRateConfig, load::LoadConfig, power::PowerConfig,
    recommend::RecommendConfig, running::RunningConfig, stream::StreamConfig,
    thresholds::ThresholdConfig, utl::UtlConfig, wbal::WbalConfig, wellness::WellnessConfig,
};

/// The calculation version: any change that can change an output bumps it (docs/science.md §12).
pub const CALC_VERSION: &str = "tl-science/1.1.0";

/// All tunable constants, with the docs/science.md values as defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// Validation and resampling of raw streams (§1).
    pub stream: StreamConfig,
    /// Normalized Power and friends (§2).
    pub power: PowerConfig,
    /// Grade adjustment and rTSS (§3).
    pub running: RunningConfig,
    /// TRIMP and hrTSS (§4).
    pub heart_rate: HeartRateConfig,
    /// W′ balance (§9).
    pub wbal: WbalConfig,
    /// The UTL method hierarchy and the sport table (§5).
    pub utl: UtlConfig,
    /// The wellness modifier (§6).
    pub wellness: WellnessConfig,
    /// Threshold estimation and adoption (§7).
    pub thresholds: ThresholdConfig,
    /// Mean-maximal curves and best efforts (§8).
    pub curves: CurveConfig,
    /// CTL/ATL/TSB, ACWR, monotony (§10).
    pub load: LoadConfig,
    /// Five-day recommendations (§11).
    pub recommend: RecommendConfig,
}

impl Config {
    /// A stable 16-hex-digit digest of every value, recorded in provenance.
    ///
    /// FNV-1a over the `Debug` text: Rust prints every `f64` as its shortest round-trip form, so
    /// equal configurations give equal digests on every platform.
    pub fn digest(&self) -> String {
        let text = format!("{self:?}");
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_stable_and_changes_with_any_value() {
        let a = Config::default();
        assert_eq!(a.digest(), Config::default().digest());
        assert_eq!(a.digest().len(), 16);
        let mut b = Config::default();
        let params = crate::sport::SportParams {
            hr_factor: 0.5,
            if_default: 0.5,
        };
        b.utl.sports.set(crate::SportClass::Ride, params);
        assert_ne!(a.digest(), b.digest());
    }
}
