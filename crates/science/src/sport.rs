//! Strava sport types, the classes the load methods use, and the sport groups of ACWR.
//!
//! docs/science.md §5.2: all 56 current Strava `SportType` values map to a class; anything else
//! (including legacy or future strings) is class `other`. The raw string is always kept.

/// The load class of a sport type (docs/science.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SportClass {
    /// Run, TrailRun, VirtualRun.
    Run,
    /// Ride, VirtualRide, GravelRide, MountainBikeRide, Velomobile.
    Ride,
    /// EBikeRide, EMountainBikeRide: cycling group, never the power method.
    Ebike,
    /// Swim.
    Swim,
    /// Rowing and paddling.
    Row,
    /// Cross-training and field/court sports.
    Cross,
    /// Walk (never running).
    Walk,
    /// Hike (never running).
    Hike,
    /// Everything else, including unknown sport types.
    Other,
}

/// The sport group used for sport mix, per-sport ACWR and recommendations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SportGroup {
    /// Running group.
    Running,
    /// Cycling group (e-bikes included).
    Cycling,
    /// Swimming group.
    Swimming,
    /// Everything else.
    Other,
}

impl SportGroup {
    /// All groups, in the tie-break order of docs/science.md §11.6.
    pub const ALL: [Self; 4] = [Self::Running, Self::Cycling, Self::Swimming, Self::Other];

    /// Lower-case name used in JSON and the UI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Cycling => "cycling",
            Self::Swimming => "swimming",
            Self::Other => "other",
        }
    }
}

impl SportClass {
    /// All classes, in table order.
    pub const ALL: [Self; 9] = [
        Self::Run,
        Self::Ride,
        Self::Ebike,
        Self::Swim,
        Self::Row,
        Self::Cross,
        Self::Walk,
        Self::Hike,
        Self::Other,
    ];

    /// The class of a Strava `sport_type` (or legacy `type`) string; unknown strings are `Other`.
    pub fn of(sport_type: &str) -> Self {
        match sport_type {
            "Run" | "TrailRun" | "VirtualRun" => Self::Run,
            "Ride" | "VirtualRide" | "GravelRide" | "MountainBikeRide" | "Velomobile" => Self::Ride,
            "EBikeRide" | "EMountainBikeRide" => Self::Ebike,
            "Swim" => Self::Swim,
            "Rowing" | "VirtualRow" | "Canoeing" | "Kayaking" | "StandUpPaddling" => Self::Row,
            "Workout"
            | "HighIntensityIntervalTraining"
            | "Crossfit"
            | "WeightTraining"
            | "Elliptical"
            | "StairStepper"
            | "NordicSki"
            | "BackcountrySki"
            | "RollerSki"
            | "Snowshoe"
            | "InlineSkate"
            | "IceSkate"
            | "Handcycle"
            | "Wheelchair"
            | "RockClimbing"
            | "Soccer"
            | "Basketball"
            | "Volleyball"
            | "Cricket"
            | "Tennis"
            | "Squash"
            | "Badminton"
            | "Padel"
            | "Pickleball"
            | "Racquetball"
            | "TableTennis"
            | "Dance" => Self::Cross,
            "Walk" => Self::Walk,
            "Hike" => Self::Hike,
            _ => Self::Other,
        }
    }

    /// The sport group of this class.
    pub const fn group(self) -> SportGroup {
        match self {
            Self::Run => SportGroup::Running,
            Self::Ride | Self::Ebike => SportGroup::Cycling,
            Self::Swim => SportGroup::Swimming,
            Self::Row | Self::Cross | Self::Walk | Self::Hike | Self::Other => SportGroup::Other,
        }
    }

    /// Lower-case name used in JSON and provenance.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Ride => "ride",
            Self::Ebike => "ebike",
            Self::Swim => "swim",
            Self::Row => "row",
            Self::Cross => "cross",
            Self::Walk => "walk",
            Self::Hike => "hike",
            Self::Other => "other",
        }
    }
}

/// Per-class constants of docs/science.md §5.2: the HR-load factor and the default intensity used
/// by the `estimated` method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SportParams {
    /// Multiplier applied to hrTSS (methods `hr` and `hr_avg` only).
    pub hr_factor: f64,
    /// Effective intensity factor for the `estimated` method.
    pub if_default: f64,
}

/// The sport table, configurable per athlete; indexed by [`SportClass`].
#[derive(Debug, Clone, PartialEq)]
pub struct SportTable {
    params: [SportParams; 9],
}

impl SportTable {
    /// The parameters of a class.
    pub fn get(&self, class: SportClass) -> SportParams {
        self.params[class_index(class)]
    }

    /// Replaces the parameters of a class (an athlete's own factors).
    pub fn set(&mut self, class: SportClass, params: SportParams) {
        self.params[class_index(class)] = params;
    }
}

fn class_index(class: SportClass) -> usize {
    match class {
        SportClass::Run => 0,
        SportClass::Ride => 1,
        SportClass::Ebike => 2,
        SportClass::Swim => 3,
        SportClass::Row => 4,
        SportClass::Cross => 5,
        SportClass::Walk => 6,
        SportClass::Hike => 7,
        SportClass::Other => 8,
    }
}

impl Default for SportTable {
    fn default() -> Self {
        let p = |hr_factor, if_default| SportParams {
            hr_factor,
            if_default,
        };
        Self {
            params: [
                p(1.00, 0.75), // run
                p(0.75, 0.65), // ride
                p(0.75, 0.50), // ebike
                p(0.85, 0.70), // swim
                p(0.90, 0.70), // row
                p(0.80, 0.65), // cross
                p(0.70, 0.45), // walk
                p(0.70, 0.55), // hike
                p(0.70, 0.50), // other
            ],
        }
    }
}

/// Every current Strava `SportType` value (docs/science.md §5.2 lists all 56).
pub const STRAVA_SPORT_TYPES: [&str; 56] = [
    "AlpineSki",
    "BackcountrySki",
    "Badminton",
    "Basketball",
    "Canoeing",
    "Cricket",
    "Crossfit",
    "Dance",
    "EBikeRide",
    "Elliptical",
    "EMountainBikeRide",
    "Golf",
    "GravelRide",
    "Handcycle",
    "HighIntensityIntervalTraining",
    "Hike",
    "IceSkate",
    "InlineSkate",
    "Kayaking",
    "Kitesurf",
    "MountainBikeRide",
    "NordicSki",
    "Padel",
    "PhysicalTherapy",
    "Pickleball",
    "Pilates",
    "Racquetball",
    "Ride",
    "RockClimbing",
    "RollerSki",
    "Rowing",
    "Run",
    "Sail",
    "Skateboard",
    "Snowboard",
    "Snowshoe",
    "Soccer",
    "Squash",
    "StairStepper",
    "StandUpPaddling",
    "Surfing",
    "Swim",
    "TableTennis",
    "Tennis",
    "TrailRun",
    "Velomobile",
    "VirtualRide",
    "VirtualRow",
    "VirtualRun",
    "Volleyball",
    "Walk",
    "WeightTraining",
    "Wheelchair",
    "Windsurf",
    "Workout",
    "Yoga",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_rides_and_runs_use_their_outdoor_class() {
        assert_eq!(SportClass::of("VirtualRide"), SportClass::Ride);
        assert_eq!(SportClass::of("VirtualRun"), SportClass::Run);
    }

    #[test]
    fn walks_hikes_and_swims_are_never_running() {
        for s in ["Walk", "Hike", "Swim"] {
            assert_ne!(SportClass::of(s).group(), SportGroup::Running, "{s}");
        }
    }

    #[test]
    fn unknown_sport_types_are_other() {
        assert_eq!(SportClass::of("Quidditch"), SportClass::Other);
        assert_eq!(SportClass::of(""), SportClass::Other);
    }

    #[test]
    fn ebikes_are_cycling_but_their_own_class() {
        assert_eq!(SportClass::of("EBikeRide").group(), SportGroup::Cycling);
        assert_eq!(SportClass::of("EMountainBikeRide"), SportClass::Ebike);
    }

    #[test]
    fn the_table_lists_56_distinct_sport_types() {
        let mut all = STRAVA_SPORT_TYPES.to_vec();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 56);
    }

    #[test]
    fn default_estimated_load_per_hour_matches_the_table() {
        let table = SportTable::default();
        let per_hour = |c| 100.0 * table.get(c).if_default * table.get(c).if_default;
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(per_hour(SportClass::Run), 56.25));
        assert!(close(per_hour(SportClass::Ride), 42.25));
        assert!(close(per_hour(SportClass::Walk), 20.25));
        assert!(close(per_hour(SportClass::Other), 25.0));
    }
}
