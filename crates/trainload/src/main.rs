//! The `trainload` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = trainload::cli::hoist_store_flags(std::env::args_os().collect());
    let cli = trainload::cli::Cli::parse_from(args);
    match trainload::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
