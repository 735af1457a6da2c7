//! Sport names of activity files mapped to Strava `SportType` strings.
//!
//! FIT files name a sport and sub-sport (profile enum names such as `cycling` / `gravel_cycling`),
//! TCX files a `Sport` attribute (`Biking`, `Running`, `Other`) and GPX files a free `<type>`
//! (`cycling`, `running`, or Strava's legacy numeric codes). Whatever is not recognised becomes
//! `Workout`, which the science crate treats as cross-training.

use science::sport::STRAVA_SPORT_TYPES;

/// The sport type used when a file names no sport or one we do not know.
pub const UNKNOWN_SPORT_TYPE: &str = "Workout";

/// The Strava sport type of a FIT `sport` / `sub_sport` pair (profile enum names).
pub fn fit_sport_type(sport: &str, sub_sport: &str) -> &'static str {
    match sport {
        "cycling" => cycling(sub_sport),
        "e_biking" => match sub_sport {
            "e_bike_mountain" | "e_bike_enduro" => "EMountainBikeRide",
            _ => "EBikeRide",
        },
        "running" => match sub_sport {
            "trail" => "TrailRun",
            "treadmill" | "virtual_activity" | "indoor_running" => "VirtualRun",
            _ => "Run",
        },
        "walking" => "Walk",
        "hiking" | "mountaineering" => "Hike",
        "swimming" => "Swim",
        "rowing" => match sub_sport {
            "virtual_activity" => "VirtualRow",
            _ => "Rowing",
        },
        "fitness_equipment" | "training" => equipment(sub_sport),
        "cross_country_skiing" => match sub_sport {
            "backcountry" => "BackcountrySki",
            _ => "NordicSki",
        },
        "racket" => racket(sub_sport),
        _ => other_fit_sport(sport),
    }
}

fn cycling(sub_sport: &str) -> &'static str {
    match sub_sport {
        "virtual_activity" | "indoor_cycling" | "spin" => "VirtualRide",
        "mountain" | "downhill" | "enduro" => "MountainBikeRide",
        "gravel_cycling" | "cyclocross" => "GravelRide",
        "e_bike_fitness" => "EBikeRide",
        "e_bike_mountain" | "e_bike_enduro" => "EMountainBikeRide",
        "hand_cycling" | "indoor_hand_cycling" => "Handcycle",
        _ => "Ride",
    }
}

fn equipment(sub_sport: &str) -> &'static str {
    match sub_sport {
        "indoor_rowing" => "Rowing",
        "elliptical" => "Elliptical",
        "stair_climbing" => "StairStepper",
        "strength_training" => "WeightTraining",
        "indoor_cycling" | "spin" => "VirtualRide",
        "treadmill" | "indoor_running" => "VirtualRun",
        "indoor_walking" => "Walk",
        "yoga" => "Yoga",
        "pilates" => "Pilates",
        "hiit" | "amrap" | "emom" | "tabata" => "HighIntensityIntervalTraining",
        _ => UNKNOWN_SPORT_TYPE,
    }
}

fn racket(sub_sport: &str) -> &'static str {
    match sub_sport {
        "pickleball" => "Pickleball",
        "padel" => "Padel",
        "squash" => "Squash",
        "badminton" => "Badminton",
        "racquetball" => "Racquetball",
        "table_tennis" => "TableTennis",
        _ => "Tennis",
    }
}

fn other_fit_sport(sport: &str) -> &'static str {
    match sport {
        "alpine_skiing" => "AlpineSki",
        "snowboarding" => "Snowboard",
        "snowshoeing" => "Snowshoe",
        "inline_skating" => "InlineSkate",
        "ice_skating" => "IceSkate",
        "rock_climbing" | "floor_climbing" => "RockClimbing",
        "paddling" | "kayaking" | "rafting" => "Kayaking",
        "canoeing" => "Canoeing",
        "stand_up_paddleboarding" => "StandUpPaddling",
        "surfing" | "wakesurfing" => "Surfing",
        "windsurfing" => "Windsurf",
        "kitesurfing" => "Kitesurf",
        "sailing" => "Sail",
        "golf" | "disc_golf" => "Golf",
        "soccer" => "Soccer",
        "basketball" => "Basketball",
        "tennis" => "Tennis",
        "volleyball" => "Volleyball",
        "cricket" => "Cricket",
        "hiit" => "HighIntensityIntervalTraining",
        "dance" => "Dance",
        "wheelchair_push_walk" | "wheelchair_push_run" => "Wheelchair",
        _ => UNKNOWN_SPORT_TYPE,
    }
}

/// Strava's legacy numeric activity types as its GPX exports write them in `<type>`.
const STRAVA_TYPE_CODES: [(&str, &str); 17] = [
    ("1", "Ride"),
    ("2", "AlpineSki"),
    ("3", "BackcountrySki"),
    ("4", "Hike"),
    ("5", "IceSkate"),
    ("6", "InlineSkate"),
    ("7", "NordicSki"),
    ("8", "RollerSki"),
    ("9", "Run"),
    ("10", "Walk"),
    ("11", "Workout"),
    ("12", "Snowboard"),
    ("13", "Snowshoe"),
    ("14", "Kitesurf"),
    ("15", "Windsurf"),
    ("16", "Swim"),
    ("17", "VirtualRide"),
];

/// The Strava sport type of a free-text sport name (TCX `Sport`, GPX `<type>`): a Strava sport
/// type in any case, a Strava numeric code, a common English or Garmin Connect name, or a FIT
/// sport enum name. Unknown names give `Workout`.
pub fn sport_type_from_name(name: &str) -> &'static str {
    let name = name.trim();
    if let Some(strava) = STRAVA_SPORT_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(name))
    {
        return strava;
    }
    if let Some((_, strava)) = STRAVA_TYPE_CODES.iter().find(|(code, _)| *code == name) {
        return strava;
    }
    let lower = name.to_ascii_lowercase().replace([' ', '-'], "_");
    match lower.as_str() {
        "biking" | "bike" | "road_biking" | "road_cycling" => "Ride",
        "mountain_biking" => "MountainBikeRide",
        "gravel" | "gravel_biking" => "GravelRide",
        "indoor_cycling" | "virtual_ride" | "virtual_cycling" => "VirtualRide",
        "e_bike" | "e_bike_ride" => "EBikeRide",
        "trail_running" => "TrailRun",
        "treadmill_running" | "virtual_run" | "indoor_running" => "VirtualRun",
        "street_running" | "track_running" => "Run",
        "lap_swimming" | "open_water_swimming" | "pool_swimming" => "Swim",
        "indoor_rowing" => "Rowing",
        "strength_training" => "WeightTraining",
        "other" | "" => UNKNOWN_SPORT_TYPE,
        _ => fit_sport_type(&lower, "generic"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cycling_sub_sports_choose_the_ride_type() {
        assert_eq!(fit_sport_type("cycling", "generic"), "Ride");
        assert_eq!(fit_sport_type("cycling", "road"), "Ride");
        assert_eq!(fit_sport_type("cycling", "virtual_activity"), "VirtualRide");
        assert_eq!(fit_sport_type("cycling", "indoor_cycling"), "VirtualRide");
        assert_eq!(fit_sport_type("cycling", "mountain"), "MountainBikeRide");
        assert_eq!(fit_sport_type("cycling", "gravel_cycling"), "GravelRide");
        assert_eq!(fit_sport_type("cycling", "e_bike_fitness"), "EBikeRide");
        assert_eq!(
            fit_sport_type("cycling", "e_bike_mountain"),
            "EMountainBikeRide"
        );
    }

    #[test]
    fn fit_running_and_other_sports_map_as_documented() {
        assert_eq!(fit_sport_type("running", "generic"), "Run");
        assert_eq!(fit_sport_type("running", "trail"), "TrailRun");
        assert_eq!(fit_sport_type("running", "treadmill"), "VirtualRun");
        assert_eq!(fit_sport_type("running", "virtual_activity"), "VirtualRun");
        assert_eq!(fit_sport_type("swimming", "lap_swimming"), "Swim");
        assert_eq!(fit_sport_type("walking", "generic"), "Walk");
        assert_eq!(fit_sport_type("hiking", "generic"), "Hike");
        assert_eq!(fit_sport_type("rowing", "generic"), "Rowing");
        assert_eq!(fit_sport_type("training", "generic"), "Workout");
        assert_eq!(
            fit_sport_type("cross_country_skiing", "generic"),
            "NordicSki"
        );
        assert_eq!(fit_sport_type("unknown_variant_250", "generic"), "Workout");
    }

    #[test]
    fn every_mapped_fit_sport_is_a_strava_sport_type() {
        let sports = [
            "cycling", "running", "e_biking", "racket", "training", "golf", "dance",
        ];
        let subs = [
            "generic",
            "mountain",
            "trail",
            "yoga",
            "padel",
            "hiit",
            "indoor_rowing",
        ];
        for sport in sports {
            for sub in subs {
                let t = fit_sport_type(sport, sub);
                assert!(STRAVA_SPORT_TYPES.contains(&t), "{sport}/{sub} -> {t}");
            }
        }
    }

    #[test]
    fn free_text_names_map_to_strava_types() {
        assert_eq!(sport_type_from_name("Biking"), "Ride");
        assert_eq!(sport_type_from_name("Running"), "Run");
        assert_eq!(sport_type_from_name("Other"), "Workout");
        assert_eq!(sport_type_from_name("cycling"), "Ride");
        assert_eq!(sport_type_from_name("running"), "Run");
        assert_eq!(sport_type_from_name(" 1 "), "Ride");
        assert_eq!(sport_type_from_name("9"), "Run");
        assert_eq!(sport_type_from_name("virtualride"), "VirtualRide");
        assert_eq!(sport_type_from_name("trail_running"), "TrailRun");
        assert_eq!(sport_type_from_name("Walking"), "Walk");
        assert_eq!(sport_type_from_name("Quidditch"), "Workout");
        assert_eq!(sport_type_from_name(""), "Workout");
    }
}
