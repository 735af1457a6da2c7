//! Writes the README's sample activity, `samples/ride.fit`: a deterministic one-hour ride.
//!
//! Run with `cargo run -p trainload --example make_sample`. A test regenerates the file in
//! memory and compares it byte for byte, so the committed sample cannot drift from this code.

#[path = "../tests/support/fitgen.rs"]
#[allow(
    dead_code,
    clippy::expect_used,
    reason = "shared test support; the sample uses only part of it"
)]
mod fitgen;
#[path = "../tests/support/sample_ride.rs"]
mod sample_ride;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(sample_ride::SAMPLE_PATH);
    let bytes = sample_ride::sample_ride();
    std::fs::write(&path, &bytes)?;
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}
