//! `trainload demo` as a child process on a free port, in its own temporary directory, with
//! the URLs it prints.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long onboarding the demo's athletes may take in a debug build.
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// A running demo; killed (and its directory removed) on [`DemoProcess::stop`] or drop.
pub struct DemoProcess {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The printed password-free sign-in links, in athlete order.
    pub sign_in_links: Vec<String>,
}

impl DemoProcess {
    /// Starts the demo with its default athletes and a short history, and waits for its welcome.
    pub async fn start() -> Self {
        let dir = crate::support::temp_dir();
        let mut child = Command::new(env!("CARGO_BIN_EXE_trainload"))
            .args(["demo", "--listen", "127.0.0.1:0", "--days", "30"])
            // The demo's fresh data directory goes under ours.
            .env("TMPDIR", dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let (base, sign_in_links) = tokio::task::spawn_blocking(move || read_welcome(&received))
            .await
            .unwrap();
        Self {
            child,
            dir,
            base,
            sign_in_links,
        }
    }

    /// The demo's temporary directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the demo.
    pub fn stop(self) {}

    /// Asks the demo to stop as Ctrl-C or a service manager would (SIGTERM) and waits for it;
    /// true when it exited successfully.
    pub fn terminate(&mut self) -> bool {
        let sent = Command::new("kill")
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success());
        sent && self.child.wait().is_ok_and(|s| s.success())
    }

    /// The demo's own data directory, as printed in its welcome (the admin token's folder).
    pub fn data_dir(&self) -> Option<PathBuf> {
        std::fs::read_dir(self.dir.path())
            .ok()?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("trainload-demo-"))
            })
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The base URL and the sign-in links from the demo's welcome text.
fn read_welcome(lines: &mpsc::Receiver<String>) -> (String, Vec<String>) {
    let mut base = None;
    let mut links = Vec::new();
    loop {
        let line = lines
            .recv_timeout(START_TIMEOUT)
            .expect("the demo printed its welcome in time");
        if let Some(url) = line.strip_prefix("TrainingLoad demo running at ") {
            base = Some(url.trim_end_matches('/').to_owned());
        } else if let Some(link) = line.split_whitespace().find(|w| w.contains("/demo/login/")) {
            links.push(link.to_owned());
        } else if line.starts_with("Ready: ") {
            let base = base.expect("the welcome names the URL");
            assert!(!links.is_empty(), "the welcome lists sign-in links");
            return (base, links);
        }
    }
}
