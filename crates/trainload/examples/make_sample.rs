//! Writes the README's sample activity, `samples/ride.fit`: a deterministic one-hour ride.
//!
//! Run with `cargo run -p trainload --example make_sample`. A test regenerates the file in
//! memory and compares it byte for byte, so the committed sample cannot drift from this code.

use std::path::Path;

use fitgen::sample_ride;

fn main() -> std::io::Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(sample_ride::SAMPLE_PATH);
    let bytes = sample_ride::sample_ride();
    std::fs::write(&path, &bytes)?;
    println!("wrote {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}
