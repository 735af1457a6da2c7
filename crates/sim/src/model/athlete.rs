//! Synthetic athletes: profile, identity, zone and the hidden physiological truth, all derived
//! from `(seed, index)` alone.

use serde::{Deserialize, Serialize};

use crate::rng::{hash, pick, range, tag, unit};
use crate::time::{ZONES, Zone};

/// What kind of athlete this is; decides sports, sensors and wellness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Profile {
    /// Rides with a power meter (and HR).
    Cyclist,
    /// Runs with GPS pace and HR.
    Runner,
    /// Swims, rides with power, runs with pace.
    Triathlete,
    /// Heart rate only: rides without a power meter, gym work, walks.
    HrOnly,
    /// A cyclist with an Intervals.icu account that holds no wellness.
    NoWellness,
    /// A runner without any Intervals.icu account.
    NoIntervals,
}

impl Profile {
    /// The text used in `SimInfo` and `/_sim/athletes`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cyclist => "cyclist",
            Self::Runner => "runner",
            Self::Triathlete => "triathlete",
            Self::HrOnly => "hr_only",
            Self::NoWellness => "no_wellness",
            Self::NoIntervals => "no_intervals",
        }
    }

    /// Whether the athlete rides with a power meter.
    pub fn has_power_meter(self) -> bool {
        matches!(self, Self::Cyclist | Self::Triathlete | Self::NoWellness)
    }

    /// Whether the athlete runs with GPS pace.
    pub fn runs(self) -> bool {
        matches!(self, Self::Runner | Self::Triathlete | Self::NoIntervals)
    }

    /// Whether the athlete rides.
    pub fn rides(self) -> bool {
        !matches!(self, Self::Runner | Self::NoIntervals)
    }

    /// Whether wellness records exist.
    pub fn has_wellness(self) -> bool {
        !matches!(self, Self::NoWellness | Self::NoIntervals)
    }
}

/// Sex as the APIs spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sex {
    /// Strava `M`.
    Male,
    /// Strava `F`.
    Female,
}

/// The hidden truth the product should recover from the data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Truth {
    /// FTP in W (= CP); `None` without a power meter.
    pub ftp_w: Option<f64>,
    /// Critical power in W; maximal efforts follow `P(t) = CP + W′/t`.
    pub cp_w: Option<f64>,
    /// W′ in J.
    pub w_prime_j: Option<f64>,
    /// Threshold running speed (= critical speed) in m/s; `None` for athletes who do not run.
    pub threshold_speed_mps: Option<f64>,
    /// D′ in m; maximal runs follow `v(t) = CS + D′/t`.
    pub d_prime_m: Option<f64>,
    /// Maximum heart rate in bpm, reached in maximal efforts of three minutes or more.
    pub max_hr_bpm: f64,
    /// Resting heart rate baseline in bpm (wellness `restingHR` scatters around it).
    pub resting_hr_bpm: f64,
    /// Lactate-threshold HR in bpm: 0.95 × the average HR of a maximal 20-minute effort.
    pub lthr_bpm: f64,
    /// rMSSD baseline in ms.
    pub hrv_baseline_ms: f64,
    /// Body mass in kg (wellness weight drifts around it).
    pub weight_kg: f64,
    /// Pool swimming speed at threshold in m/s (triathletes).
    pub swim_speed_mps: f64,
}

/// Everything fixed about one athlete.
#[derive(Debug, Clone)]
pub(crate) struct Athlete {
    pub index: usize,
    pub profile: Profile,
    pub sex: Sex,
    pub firstname: &'static str,
    pub lastname: &'static str,
    pub strava_id: i64,
    pub intervals_id: Option<String>,
    pub zone: Zone,
    pub truth: Truth,
    /// Usual weekday start, minutes after local midnight.
    pub weekday_start_min: i64,
    /// Usual weekend start, minutes after local midnight.
    pub weekend_start_min: i64,
    /// Phase of the 4-week build/recovery cycle.
    pub block_phase: i64,
    /// Whether the wellness device writes `sleepScore` and `readiness`.
    pub scored_sleep: bool,
    /// Device name shown on activities.
    pub device: &'static str,
    /// Critical power driving every ride, also for riders without a power meter (W).
    pub cp_w: f64,
    /// W′ of the ride model (J).
    pub w_prime_j: f64,
    /// Critical speed driving every run, also for athletes whose pace is not measured (m/s).
    pub cs_mps: f64,
    /// D′ of the run model (m).
    pub d_prime_m: f64,
}

const MALE_NAMES: [&str; 12] = [
    "Lars", "Mateo", "Kenji", "Arjun", "Tom", "Felix", "Diego", "Noah", "Ravi", "Olle", "Jonas",
    "Sam",
];
const FEMALE_NAMES: [&str; 12] = [
    "Anna", "Sofia", "Yuki", "Priya", "Emma", "Lea", "Lucia", "Mia", "Ines", "Freya", "Nora",
    "Alex",
];
const LAST_NAMES: [&str; 12] = [
    "Berg", "Garcia", "Sato", "Patel", "Smith", "Keller", "Silva", "Jones", "Rossi", "Nilsson",
    "Weber", "Kim",
];
const DEVICES: [&str; 5] = [
    "Garmin Edge 840",
    "Wahoo ELEMNT BOLT",
    "Garmin Forerunner 965",
    "COROS PACE 3",
    "Hammerhead Karoo",
];

/// Profiles of one 20-athlete stratum: the first six slots hold one of each kind, so that small
/// simulations (six athletes) already cover every profile; the whole stratum has the §6 mix
/// (30 % cyclists, 30 % runners, 15 % triathletes, 15 % HR-only, 10 % without wellness).
const STRATUM: [Profile; 20] = [
    Profile::Cyclist,
    Profile::Runner,
    Profile::Triathlete,
    Profile::HrOnly,
    Profile::NoWellness,
    Profile::NoIntervals,
    Profile::Cyclist,
    Profile::Runner,
    Profile::Cyclist,
    Profile::Runner,
    Profile::Triathlete,
    Profile::HrOnly,
    Profile::Cyclist,
    Profile::Runner,
    Profile::HrOnly,
    Profile::Cyclist,
    Profile::Runner,
    Profile::Triathlete,
    Profile::Cyclist,
    Profile::Runner,
];

/// The profile of athlete `index`: the stratum slot, rotated by the seed inside the first six and
/// inside the other fourteen.
fn profile_for(seed: u64, index: usize) -> Profile {
    let stratum = (index / 20) as u64;
    let slot = index % 20;
    let rotate = |len: usize, salt: u64| (hash(&[seed, stratum, salt]) % len as u64) as usize;
    let slot = if slot < 6 {
        (slot + rotate(6, tag("first"))) % 6
    } else {
        6 + (slot - 6 + rotate(14, tag("rest"))) % 14
    };
    STRATUM[slot]
}

impl Athlete {
    /// Generates athlete `index` of the simulation with `seed`.
    pub(crate) fn generate(seed: u64, index: usize) -> Self {
        let i = index as u64;
        let profile = profile_for(seed, index);
        let sex = if unit(&[seed, i, tag("sex")]) < 0.6 {
            Sex::Male
        } else {
            Sex::Female
        };
        let names = if sex == Sex::Male {
            MALE_NAMES
        } else {
            FEMALE_NAMES
        };
        let (truth, engine) = truth_for(seed, i, profile, sex);
        let intervals_id = (profile != Profile::NoIntervals).then(|| {
            format!(
                "i{}",
                100_000 + i * 100 + hash(&[seed, i, tag("icu")]) % 100
            )
        });
        Self {
            index,
            profile,
            sex,
            firstname: names[pick(&[seed, i, tag("first")], names.len())],
            lastname: LAST_NAMES[pick(&[seed, i, tag("last")], LAST_NAMES.len())],
            strava_id: 20_000_000
                + (i as i64) * 1_000
                + (hash(&[seed, i, tag("sid")]) % 1_000) as i64,
            intervals_id,
            zone: ZONES[(index + pick(&[seed, tag("zone")], ZONES.len())) % ZONES.len()],
            truth,
            weekday_start_min: if unit(&[seed, i, tag("early")]) < 0.5 {
                6 * 60 + 15
            } else {
                17 * 60 + 30
            } + range(&[seed, i, tag("startjit")], 0.0, 40.0) as i64,
            weekend_start_min: 8 * 60 + range(&[seed, i, tag("wkend")], 0.0, 90.0) as i64,
            block_phase: (hash(&[seed, i, tag("phase")]) % 4) as i64,
            scored_sleep: unit(&[seed, i, tag("scores")]) < 0.5,
            device: DEVICES[pick(&[seed, i, tag("device")], DEVICES.len())],
            cp_w: engine[0],
            w_prime_j: engine[1],
            cs_mps: engine[2],
            d_prime_m: engine[3],
        }
    }

    /// Strava's `sex` letter.
    pub(crate) fn sex_letter(&self) -> &'static str {
        match self.sex {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// Draws the hidden truth. W′ and D′ are scaled so that the 20-minute maximal value is close to
/// threshold / 0.95 (the Allen–Coggan rule agrees with the CP fit).
fn truth_for(seed: u64, i: u64, profile: Profile, sex: Sex) -> (Truth, [f64; 4]) {
    let female = sex == Sex::Female;
    let weight_kg = if female {
        range(&[seed, i, tag("kg")], 52.0, 68.0)
    } else {
        range(&[seed, i, tag("kg")], 64.0, 84.0)
    };
    let wkg = range(&[seed, i, tag("wkg")], 2.6, 4.6);
    let cp = (weight_kg * wkg).round();
    let w_prime =
        (cp * 1200.0 * (1.0 / 0.95 - 1.0) * range(&[seed, i, tag("wp")], 0.85, 1.2)).round();
    let cs = range(&[seed, i, tag("cs")], 3.1, 4.8);
    let d_prime =
        (cs * 1200.0 * (1.0 / 0.95 - 1.0) * range(&[seed, i, tag("dp")], 0.85, 1.2)).round();
    let max_hr = range(&[seed, i, tag("maxhr")], 172.0, 198.0).round();
    let resting = range(&[seed, i, tag("rest")], 40.0, 60.0).round();
    let lthr = (max_hr * range(&[seed, i, tag("lthr")], 0.87, 0.92)).round();
    let power = profile.has_power_meter();
    let runs = profile.runs();
    let cs = (cs * 1000.0).round() / 1000.0;
    let truth = Truth {
        ftp_w: power.then_some(cp),
        cp_w: power.then_some(cp),
        w_prime_j: power.then_some(w_prime),
        threshold_speed_mps: runs.then_some(cs),
        d_prime_m: runs.then_some(d_prime),
        max_hr_bpm: max_hr,
        resting_hr_bpm: resting,
        lthr_bpm: lthr,
        hrv_baseline_ms: range(&[seed, i, tag("hrv")], 35.0, 95.0).round(),
        weight_kg: (weight_kg * 10.0).round() / 10.0,
        swim_speed_mps: range(&[seed, i, tag("swim")], 1.0, 1.45),
    };
    (truth, [cp, w_prime, cs, d_prime])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_athletes_cover_every_profile_for_any_seed() {
        for seed in 0..20 {
            let mut seen: Vec<Profile> = (0..6).map(|i| profile_for(seed, i)).collect();
            seen.sort_by_key(|p| p.as_str());
            seen.dedup();
            assert_eq!(seen.len(), 6, "seed {seed}");
        }
    }

    #[test]
    fn a_stratum_has_the_documented_mix() {
        let profiles: Vec<Profile> = (0..20).map(|i| profile_for(5, i)).collect();
        let count = |p| profiles.iter().filter(|&&q| q == p).count();
        assert_eq!(count(Profile::Cyclist), 6);
        assert_eq!(count(Profile::Runner), 6);
        assert_eq!(count(Profile::Triathlete), 3);
        assert_eq!(count(Profile::HrOnly), 3);
        assert_eq!(count(Profile::NoWellness) + count(Profile::NoIntervals), 2);
    }
}
