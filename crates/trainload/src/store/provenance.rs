//! What a stored load records about how it came about: its provenance and its wellness
//! modifier's components (docs/science.md §5–§7 and §12: the threshold bases, implausible
//! samples and the max-HR candidate are explained there). One set of types for the sync that
//! writes them and every page, API and job that reads them; stored as JSON text columns of
//! `activity_loads`, and served as the same JSON.

use std::collections::BTreeMap;

use science::wellness::{ComponentKind, ComponentOutcome, Modifier, WellnessStatus};
use science::{SportClass, SportGroup};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How and from what one load was computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Provenance {
    /// The activity's revision the load was computed from.
    pub activity_revision: i64,
    /// Whether the load came from the streams or the summary.
    pub input: LoadInput,
    /// The methods higher in the hierarchy that could not be used, and why.
    pub skipped: Vec<SkippedMethod>,
    /// Whether no power, pace or heart rate was usable (the duration estimate).
    pub estimated: bool,
    /// Whether the threshold used looks implausible for the effort.
    pub suspect_threshold: bool,
    /// The duration the load counts, s.
    pub duration_s: f64,
    /// The samples kept out of every figure; null for a load from the summary.
    pub rejected: Option<RejectedSamples>,
    /// The share of the timeline each channel covers (0–1).
    pub coverage: Coverage,
    /// The sport as the calculation saw it.
    pub sport: SportRecord,
    /// The id of the threshold set in force.
    pub threshold_set: String,
    /// Every threshold in force on the activity's date, by field (`ftp`, `lthr`, …).
    pub thresholds: BTreeMap<String, ThresholdUsed>,
    /// The wellness day whose modifier was applied.
    pub wellness: WellnessRef,
    /// Heart-rate features kept for threshold estimation.
    pub hr: HrFeatures,
    /// Digest of the science configuration.
    pub config_digest: String,
    /// The calculation version (`tl-science/M.m.p`).
    pub calc_version: String,
    /// Hex SHA-256 of everything above, so equal provenance compares equal without comparing
    /// floats that a JSON round trip may print differently.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
}

impl Provenance {
    /// `self` with its digest set: the SHA-256 of its JSON text without the digest, with object
    /// keys in sorted order (so equal provenance hashes equally, whatever the field order).
    pub fn sealed(mut self) -> Self {
        use sha2::Digest;
        self.digest.clear();
        let text = serde_json::to_value(&self).map_or_else(|_| String::new(), |v| v.to_string());
        let hash = sha2::Sha256::digest(text.as_bytes());
        self.digest = hash.iter().map(|b| format!("{b:02x}")).collect();
        self
    }
}

/// Where a load's inputs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LoadInput {
    /// The recorded streams.
    Streams,
    /// The activity's summary (no usable streams).
    Summary,
}

impl LoadInput {
    /// `streams` or `summary`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Streams => "streams",
            Self::Summary => "summary",
        }
    }
}

/// A method that was tried and not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SkippedMethod {
    /// The method (`power`, `pace`, `hr`, …).
    #[serde(with = "super::science_text")]
    #[schema(value_type = String)]
    pub method: science::utl::Method,
    /// Why it was not used.
    pub reason: String,
}

/// Samples kept out of every figure as implausible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectedSamples {
    /// All of them.
    pub total: u64,
    /// Outside the channel's plausible range.
    pub out_of_range: u64,
    /// Power spikes.
    pub power_spikes: u64,
    /// Running speeds no runner reaches.
    pub implausible_speed: u64,
}

impl From<&science::stream::Rejected> for RejectedSamples {
    fn from(r: &science::stream::Rejected) -> Self {
        let total = r.total() as u64;
        let power_spikes = r.power_spikes as u64;
        let implausible_speed = r.implausible_speed as u64;
        Self {
            total,
            out_of_range: total - power_spikes - implausible_speed,
            power_spikes,
            implausible_speed,
        }
    }
}

/// The share of the timeline each channel covers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    /// Power.
    pub watts: f64,
    /// Speed.
    pub velocity: f64,
    /// Heart rate.
    pub heartrate: f64,
}

/// The sport as the load's calculation saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SportRecord {
    /// The raw sport type.
    pub sport_type: String,
    /// Its class.
    #[serde(with = "super::science_text")]
    #[schema(value_type = String)]
    pub class: SportClass,
    /// Its group (`running`, `cycling`, `swimming`, `other`).
    #[serde(with = "super::science_text")]
    #[schema(value_type = String)]
    pub group: SportGroup,
    /// The multiplier of heart-rate loads for the class.
    pub hr_factor: f64,
}

/// One threshold in force, as a load used it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThresholdUsed {
    /// Its value, in the field's unit.
    pub value: f64,
    /// How it was resolved.
    pub basis: ThresholdBasis,
    /// The threshold entry it came from.
    pub entry: i64,
}

/// How a threshold a load used was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdBasis {
    /// The latest manual entry in force.
    Manual,
    /// The latest estimated entry in force.
    Estimated,
    /// The field's earliest entry, back-filled before its first date.
    Backfilled,
    /// LTHR as a share of max HR.
    PctMax,
}

impl ThresholdBasis {
    /// The stored text: `manual`, `estimated`, `backfilled` or `pctmax`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Estimated => "estimated",
            Self::Backfilled => "backfilled",
            Self::PctMax => "pctmax",
        }
    }
}

impl From<science::thresholds::history::Basis> for ThresholdBasis {
    fn from(basis: science::thresholds::history::Basis) -> Self {
        use science::thresholds::history::Basis;
        match basis {
            Basis::Manual => Self::Manual,
            Basis::Estimated => Self::Estimated,
            Basis::Backfilled => Self::Backfilled,
            Basis::PctMax => Self::PctMax,
        }
    }
}

/// The wellness day a load's modifier came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WellnessRef {
    /// The activity's local date, `YYYY-MM-DD`.
    pub date: String,
    /// The modifier applied.
    pub modifier: f64,
}

/// Heart-rate features of one activity (absent below 80 % HR coverage).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HrFeatures {
    /// The highest HR held for 5 s, bpm (the max-HR candidate).
    pub peak_bpm: Option<f64>,
    /// The best 1200-s average HR, bpm (LTHR evidence).
    pub best_1200_bpm: Option<f64>,
}

/// A wellness modifier with every component, as loads store it and the wellness series shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModifierRecord {
    /// The components in multiplication order.
    pub components: Vec<ComponentRecord>,
    /// The product of the multipliers before the clamp; null when it was not finite.
    pub raw_product: Option<f64>,
    /// Whether the clamp changed the value.
    pub clamped: bool,
    /// `green`, `amber`, `red` or `unknown`.
    #[serde(with = "super::science_text")]
    #[schema(value_type = String)]
    pub status: WellnessStatus,
}

/// One component of a modifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComponentRecord {
    /// Which component (`hrv`, `resting_hr`, `sleep_duration`, …).
    #[serde(with = "super::science_text")]
    #[schema(value_type = String)]
    pub component: ComponentKind,
    /// The numbers it used, by name (`z`, `delta_bpm`, `sleep_h`, …); null when not finite.
    pub inputs: BTreeMap<String, Option<f64>>,
    /// Its band and multiplier, or why it had no data.
    pub outcome: OutcomeRecord,
}

/// A component's band, or why it had no data (then its multiplier is 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OutcomeRecord {
    /// The band the inputs fell into.
    Band {
        /// The band's label.
        band: String,
        /// Its multiplier.
        multiplier: f64,
    },
    /// No data.
    Missing {
        /// Why.
        missing: String,
        /// Always 1.
        multiplier: f64,
    },
}

impl OutcomeRecord {
    /// The band's label, or why the data is missing.
    pub fn label(&self) -> &str {
        match self {
            Self::Band { band, .. } => band,
            Self::Missing { missing, .. } => missing,
        }
    }

    /// The multiplier.
    pub const fn multiplier(&self) -> f64 {
        match self {
            Self::Band { multiplier, .. } | Self::Missing { multiplier, .. } => *multiplier,
        }
    }
}

impl From<&Modifier> for ModifierRecord {
    fn from(m: &Modifier) -> Self {
        let finite = |x: f64| x.is_finite().then_some(x);
        let components = m
            .components
            .iter()
            .map(|c| ComponentRecord {
                component: c.kind,
                inputs: c
                    .inputs
                    .iter()
                    .map(|i| (i.name.to_owned(), finite(i.value)))
                    .collect(),
                outcome: match c.outcome {
                    ComponentOutcome::Band { label, multiplier } => OutcomeRecord::Band {
                        band: label.to_owned(),
                        multiplier,
                    },
                    ComponentOutcome::Missing { reason } => OutcomeRecord::Missing {
                        missing: reason.to_owned(),
                        multiplier: 1.0,
                    },
                },
            })
            .collect();
        Self {
            components,
            raw_product: finite(m.raw_product),
            clamped: m.clamped,
            status: m.status,
        }
    }
}
