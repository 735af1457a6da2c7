//! One activity's time in zone as the API, the pages and `analyze` show it: per model, each
//! zone's name, bounds in the model's unit and seconds.

use science::zones::ZoneKind;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::zones::KindTime;

/// One zone of one model with the activity's seconds in it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ZoneSeconds {
    /// Zone name (e.g. `Tempo`).
    pub name: String,
    /// Lowest value of the zone in `unit` (`None`: open below).
    pub low: Option<f64>,
    /// Value where the next zone starts, in `unit` (`None`: open above).
    pub high: Option<f64>,
    /// `low` as % of the threshold.
    pub low_pct: Option<f64>,
    /// `high` as % of the threshold.
    pub high_pct: Option<f64>,
    /// Seconds of the activity in this zone.
    pub seconds: u32,
}

/// The time in the zones of one model.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ZoneTimeView {
    /// `power`, `heart_rate` or `pace`.
    pub kind: String,
    /// Unit of the threshold and the bounds: `W`, `bpm` or `m/s` (pace zones are speeds).
    pub unit: String,
    /// The threshold in force on the activity's date.
    pub threshold: f64,
    /// Zones, lowest first.
    pub zones: Vec<ZoneSeconds>,
}

impl ZoneTimeView {
    /// The view of one stored model's time in zone.
    pub fn new(stored: &KindTime) -> Self {
        let kind = ZoneKind::from(stored.kind);
        let unit = match kind {
            ZoneKind::Power => "W",
            ZoneKind::HeartRate => "bpm",
            ZoneKind::Pace => "m/s",
        };
        let of = |pct: Option<f64>| pct.map(|p| stored.threshold * p / 100.0);
        let zones = kind
            .names()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let low_pct = i
                    .checked_sub(1)
                    .and_then(|j| stored.boundaries_pct.get(j))
                    .copied();
                let high_pct = stored.boundaries_pct.get(i).copied();
                ZoneSeconds {
                    name: (*name).to_owned(),
                    low: of(low_pct),
                    high: of(high_pct),
                    low_pct,
                    high_pct,
                    seconds: stored.seconds.get(i).copied().unwrap_or(0),
                }
            })
            .collect();
        Self {
            kind: kind.as_str().to_owned(),
            unit: unit.to_owned(),
            threshold: stored.threshold,
            zones,
        }
    }
}
