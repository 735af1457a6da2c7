//! Every constant of docs/science.md §11.

/// A `[low, high]` multiple of a threshold.
pub type Band = [f64; 2];

/// Constants of the five-day recommendations (§11). Loads in UTL, durations in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendConfig {
    /// An activity with IF at or above this makes yesterday hard (0.85).
    pub hard_if: f64,
    /// L_{T−1} ≥ this × C/7 makes yesterday hard (2.0, i.e. two average chronic days).
    pub hard_load_chronic_days: f64,
    /// Fewer days of history than this is building mode (28).
    pub building_min_days: i32,
    /// A chronic weekly load C below this is building mode, UTL/week (10).
    pub building_min_chronic_weekly_utl: f64,
    /// Starter week in building mode, UTL (100: about two easy hours).
    pub starter_week_utl: f64,
    /// Y ≤ this × C (1.05: planned acute/chronic in the middle of 0.9–1.2).
    pub chronic_target_factor: f64,
    /// Y ≤ this × max(W, floor × C) (1.10: at most 10 % over last week).
    pub weekly_increase_cap: f64,
    /// Restart floor after a break as a fraction of C (0.5).
    pub restart_floor_chronic: f64,
    /// Reduce when TSB_T is below this (−30).
    pub reduce_tsb_below: f64,
    /// When reducing, Y ≤ this × W (0.8).
    pub reduce_last_week_factor: f64,
    /// When reducing outside building mode, Y ≤ this × C (0.9).
    pub reduce_chronic_factor: f64,
    /// Start with an easy day when TSB_T is below this (−15).
    pub fatigued_tsb_below: f64,
    /// Red wellness makes day 0 a rest day when TSB_T is below this, else easy (−10).
    pub red_rest_tsb_below: f64,
    /// Pattern weights: rest, easy, moderate, hard (0, 0.6, 1.0, 1.5).
    pub weights: [f64; 4],
    /// Target IF for easy, moderate and hard days (0.65, 0.80, 0.95).
    pub target_if: [f64; 3],
    /// Window for the sport shares, days ending T−1 (28).
    pub share_window_days: u16,
    /// Groups under this share get no days (0.10).
    pub min_group_share: f64,
    /// Window for the typical method and the distance data, days ending T−1 (90).
    pub method_window_days: u16,
    /// Shortest planned session, minutes (20).
    pub min_duration_min: f64,
    /// Longest planned session, minutes (240).
    pub max_duration_min: f64,
    /// Cycling power × FTP for easy, moderate, hard (Coggan zones 2/3/4).
    pub cycling_ftp_bands: [Band; 3],
    /// Running speed × threshold speed for easy, moderate, hard.
    pub running_speed_bands: [Band; 3],
    /// Heart rate × LTHR for easy (no lower bound: `[0, 0.89]`), moderate, hard (Friel).
    pub hr_lthr_bands: [Band; 3],
    /// Distance data: shortest activity, m (1000).
    pub distance_min_m: f64,
    /// Distance data: shortest moving time, s (600).
    pub distance_min_moving_s: f64,
    /// Distance data: Tukey fence multiple of the IQR (1.5).
    pub distance_iqr_fence: f64,
    /// Distance data: values needed after filtering (5).
    pub distance_min_values: usize,
    /// UTL range as fractions of U (0.85, 1.15).
    pub range_fractions: [f64; 2],
    /// Rounding step of UTL (1).
    pub utl_step: f64,
    /// Rounding step of minutes (5).
    pub minutes_step: f64,
    /// Rounding step of km (0.5).
    pub km_step: f64,
}

impl Default for RecommendConfig {
    fn default() -> Self {
        Self {
            hard_if: 0.85,
            hard_load_chronic_days: 2.0,
            building_min_days: 28,
            building_min_chronic_weekly_utl: 10.0,
            starter_week_utl: 100.0,
            chronic_target_factor: 1.05,
            weekly_increase_cap: 1.10,
            restart_floor_chronic: 0.5,
            reduce_tsb_below: -30.0,
            reduce_last_week_factor: 0.8,
            reduce_chronic_factor: 0.9,
            fatigued_tsb_below: -15.0,
            red_rest_tsb_below: -10.0,
            weights: [0.0, 0.6, 1.0, 1.5],
            target_if: [0.65, 0.80, 0.95],
            share_window_days: 28,
            min_group_share: 0.10,
            method_window_days: 90,
            min_duration_min: 20.0,
            max_duration_min: 240.0,
            cycling_ftp_bands: [[0.55, 0.75], [0.76, 0.90], [0.91, 1.05]],
            running_speed_bands: [[0.75, 0.85], [0.86, 0.94], [0.95, 1.05]],
            hr_lthr_bands: [[0.0, 0.89], [0.90, 0.94], [0.95, 1.02]],
            distance_min_m: 1000.0,
            distance_min_moving_s: 600.0,
            distance_iqr_fence: 1.5,
            distance_min_values: 5,
            range_fractions: [0.85, 1.15],
            utl_step: 1.0,
            minutes_step: 5.0,
            km_step: 0.5,
        }
    }
}
