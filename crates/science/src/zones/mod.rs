//! Training zones from the athlete's thresholds and the time an activity spent in each
//! (docs/science.md, "Zones").
//!
//! Three models: seven power zones as % of FTP (Coggan), five heart-rate zones as % of LTHR
//! (Friel) and six pace zones as running speed in % of threshold speed. A model is a list of
//! boundaries, each the lowest percentage of the next zone, so a value exactly on a boundary
//! belongs to the zone above it. The athlete may edit the boundaries; [`Boundaries::new`]
//! checks that they still describe zones.

mod time;

#[cfg(test)]
mod tests;

pub use time::{ZoneTime, applies, time_in_zones};

/// Which measurement a zone model divides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ZoneKind {
    /// Power as % of FTP.
    Power,
    /// Heart rate as % of LTHR.
    HeartRate,
    /// Running speed as % of threshold speed (shown as pace).
    Pace,
}

impl ZoneKind {
    /// All kinds, in display order.
    pub const ALL: [Self; 3] = [Self::Power, Self::HeartRate, Self::Pace];

    /// Lower-case name used in JSON and forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Power => "power",
            Self::HeartRate => "heart_rate",
            Self::Pace => "pace",
        }
    }

    /// The name in a sentence: `power`, `heart rate`, `pace`.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Power => "power",
            Self::HeartRate => "heart rate",
            Self::Pace => "pace",
        }
    }

    /// The kind named by [`Self::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The zone names, lowest first; a model of this kind has one boundary fewer.
    pub const fn names(self) -> &'static [&'static str] {
        match self {
            Self::Power => &[
                "Active recovery",
                "Endurance",
                "Tempo",
                "Threshold",
                "VO2max",
                "Anaerobic",
                "Neuromuscular",
            ],
            Self::HeartRate => &[
                "Recovery",
                "Aerobic",
                "Tempo",
                "Sub-threshold",
                "Above threshold",
            ],
            Self::Pace => &[
                "Recovery",
                "Endurance",
                "Tempo",
                "Threshold",
                "VO2max",
                "Speed",
            ],
        }
    }

    /// The default boundaries, % of the threshold (see the module comment for their sources).
    pub const fn default_pct(self) -> &'static [f64] {
        match self {
            // Coggan: ≤55, 56–75, 76–90, 91–105, 106–120, 121–150, >150 % of FTP.
            Self::Power => &[56.0, 76.0, 91.0, 106.0, 121.0, 151.0],
            // Friel: <81, 81–89, 90–93, 94–99, ≥100 % of LTHR.
            Self::HeartRate => &[81.0, 90.0, 94.0, 100.0],
            // Speed: <78, 78–88, 88–95, 95–100, 100–106, >106 % of threshold speed.
            Self::Pace => &[78.0, 88.0, 95.0, 100.0, 106.0],
        }
    }

    /// The range an edited boundary must lie in, % of the threshold (inclusive).
    pub const fn allowed_pct(self) -> (f64, f64) {
        match self {
            Self::Power => (20.0, 300.0),
            Self::HeartRate => (50.0, 120.0),
            Self::Pace => (50.0, 150.0),
        }
    }
}

/// Why edited boundaries were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZoneError {
    /// Not one boundary fewer than the model has zones.
    #[error("{kind} zones need {expected} boundaries, got {got}")]
    Count {
        /// The model.
        kind: &'static str,
        /// Boundaries the model needs.
        expected: usize,
        /// Boundaries given.
        got: usize,
    },
    /// A boundary outside [`ZoneKind::allowed_pct`] (or not a number).
    #[error("{kind} boundary {value} % is outside {low}–{high} %")]
    OutOfRange {
        /// The model.
        kind: &'static str,
        /// The boundary.
        value: f64,
        /// Lowest allowed.
        low: f64,
        /// Highest allowed.
        high: f64,
    },
    /// A boundary not above the one before it.
    #[error("{kind} boundaries must increase: {value} % follows {previous} %")]
    NotIncreasing {
        /// The model.
        kind: &'static str,
        /// The earlier boundary.
        previous: f64,
        /// The boundary that is not above it.
        value: f64,
    },
}

/// Validated boundaries of one model: each the lowest % of the threshold of the next zone,
/// strictly increasing.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundaries {
    kind: ZoneKind,
    pct: Vec<f64>,
}

impl Boundaries {
    /// Checks `pct` for `kind`: one fewer than the zones, each within
    /// [`ZoneKind::allowed_pct`], strictly increasing.
    ///
    /// # Errors
    /// The first [`ZoneError`] found.
    pub fn new(kind: ZoneKind, pct: Vec<f64>) -> Result<Self, ZoneError> {
        let expected = kind.names().len() - 1;
        if pct.len() != expected {
            return Err(ZoneError::Count {
                kind: kind.title(),
                expected,
                got: pct.len(),
            });
        }
        let (low, high) = kind.allowed_pct();
        for &value in &pct {
            if !(value.is_finite() && low <= value && value <= high) {
                return Err(ZoneError::OutOfRange {
                    kind: kind.title(),
                    value,
                    low,
                    high,
                });
            }
        }
        if let Some(w) = pct.windows(2).find(|w| w[1] <= w[0]) {
            return Err(ZoneError::NotIncreasing {
                kind: kind.title(),
                previous: w[0],
                value: w[1],
            });
        }
        Ok(Self { kind, pct })
    }

    /// The default model of `kind`.
    pub fn default_for(kind: ZoneKind) -> Self {
        Self {
            kind,
            pct: kind.default_pct().to_vec(),
        }
    }

    /// The model.
    pub fn kind(&self) -> ZoneKind {
        self.kind
    }

    /// The boundaries, % of the threshold.
    pub fn pct(&self) -> &[f64] {
        &self.pct
    }

    /// The zone (0-based) of `value` against `threshold`: how many boundaries
    /// `100 · value / threshold` reaches.
    pub fn zone_of(&self, value: f64, threshold: f64) -> usize {
        let pct = 100.0 * value / threshold;
        self.pct.iter().take_while(|&&b| pct >= b).count()
    }

    /// Each zone's name and bounds as % of the threshold (`None`: open-ended).
    pub fn zones(&self) -> Vec<(&'static str, Option<f64>, Option<f64>)> {
        self.kind
            .names()
            .iter()
            .enumerate()
            .map(|(i, &name)| {
                let low = i.checked_sub(1).and_then(|j| self.pct.get(j)).copied();
                (name, low, self.pct.get(i).copied())
            })
            .collect()
    }
}

/// One athlete's boundaries for every model (defaults where not edited).
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSettings {
    /// Power zones, % of FTP.
    pub power: Boundaries,
    /// Heart-rate zones, % of LTHR.
    pub heart_rate: Boundaries,
    /// Pace zones, speed in % of threshold speed.
    pub pace: Boundaries,
}

impl Default for ZoneSettings {
    fn default() -> Self {
        Self {
            power: Boundaries::default_for(ZoneKind::Power),
            heart_rate: Boundaries::default_for(ZoneKind::HeartRate),
            pace: Boundaries::default_for(ZoneKind::Pace),
        }
    }
}

impl ZoneSettings {
    /// The boundaries of `kind`.
    pub fn get(&self, kind: ZoneKind) -> &Boundaries {
        match kind {
            ZoneKind::Power => &self.power,
            ZoneKind::HeartRate => &self.heart_rate,
            ZoneKind::Pace => &self.pace,
        }
    }

    /// Replaces the boundaries of their kind.
    pub fn set(&mut self, boundaries: Boundaries) {
        match boundaries.kind {
            ZoneKind::Power => self.power = boundaries,
            ZoneKind::HeartRate => self.heart_rate = boundaries,
            ZoneKind::Pace => self.pace = boundaries,
        }
    }
}
