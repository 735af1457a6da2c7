#![doc = include_str!("../README.md")]

pub mod acwr;
pub mod best_efforts;
pub mod config;
pub mod critical_power;
pub mod date;
pub mod error;
pub mod heart_rate;
pub mod load;
pub mod mmp;
pub mod numeric;
pub mod power;
pub mod recommend;
pub mod running;
pub mod sport;
pub mod stream;
pub mod thresholds;
pub mod utl;
pub mod wbal;
pub mod wellness;
pub mod zones;

pub use config::{CALC_VERSION, Config};
pub use date::LocalDate;
pub use error::ScienceError;
pub use sport::{SportClass, SportGroup};
