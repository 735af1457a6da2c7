//! Strava `sport_type` → our sport group (docs/providers.md §1.3). The raw value is what is stored;
//! this table is applied on read, so editing it re-maps stored rows. Unknown values are `Other`.

/// The sport groups the science and the loads distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SportGroup {
    /// Cycling of any kind.
    Ride,
    /// Running of any kind.
    Run,
    /// Swimming.
    Swim,
    /// Rowing.
    Row,
    /// Walking and hiking.
    Walk,
    /// Everything else, including sport types Strava adds later.
    Other,
}

/// Maps a raw `sport_type` (or legacy `type`) to its group.
pub fn sport_group(sport_type: &str) -> SportGroup {
    match sport_type {
        "Ride" | "MountainBikeRide" | "GravelRide" | "EBikeRide" | "EMountainBikeRide"
        | "VirtualRide" | "Velomobile" | "Handcycle" => SportGroup::Ride,
        "Run" | "TrailRun" | "VirtualRun" => SportGroup::Run,
        "Swim" => SportGroup::Swim,
        "Rowing" | "VirtualRow" => SportGroup::Row,
        "Walk" | "Hike" => SportGroup::Walk,
        _ => SportGroup::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountain_bike_rides_are_rides_and_new_sports_are_other() {
        assert_eq!(sport_group("MountainBikeRide"), SportGroup::Ride);
        assert_eq!(sport_group("TrailRun"), SportGroup::Run);
        assert_eq!(sport_group("Padel"), SportGroup::Other);
        assert_eq!(sport_group("FutureSport"), SportGroup::Other);
    }
}
