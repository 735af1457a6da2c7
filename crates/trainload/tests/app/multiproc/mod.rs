//! Real `trainload worker` processes on one database, with time driven through the hidden
//! test-only `--test-clock-file` (docs/scheduler.md §10 T8 and T18): two workers on one PostgreSQL
//! database produce exactly one run per occurrence and run every task once; a worker killed
//! with `kill -9` mid-run is replaced and the run finishes without duplicates; and a chaos run
//! that kills random workers at random moments of faulty runs and checks the invariants.

mod chaos;
mod crash;
mod exactly_once;
mod hidden;
mod process;
