//! The API tests: the app on 127.0.0.1 port 0 with a fresh database per test, driven over real
//! HTTP; plus the lifecycle (admin token, process lock, graceful shutdown) and the CLI.

mod activity_filters;
mod athlete_data;
mod backup;
mod browser;
mod data_files;
mod push_service;

mod account;
mod admin_pages;
mod auth;
mod cli;
mod error_pages;
mod events;
mod export;
mod health;
mod jobs;
mod lifecycle;
mod manual_thresholds;
mod me;
mod me_endpoints;
mod me_synced;
mod openapi;
mod plan_from_sums;
mod plan_local_day;
mod push;
mod run;
mod runs;
mod sign_in;
mod sync;
mod validation;
mod webhooks;
mod zone_pages;
mod zones;
