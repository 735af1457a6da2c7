//! Test databases made ready for child processes, the file clock, and `trainload worker`
//! children that are always killed (a Drop guard).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::db::{self, TestDb};
use crate::support::unique_name;
use crate::support::world::World;

/// The PostgreSQL admin URL, or `None` with a printed note.
pub fn postgres_admin_url(test: &str) -> Option<String> {
    let url = db::postgres_admin_url();
    if url.is_none() {
        eprintln!("{test}: skipped on PostgreSQL, TRAINLOAD_TEST_POSTGRES_URL is not set");
    }
    url
}

/// `db` made ready for child processes: the queue's tables exist before any worker starts.
pub async fn shared(db: TestDb) -> TestDb {
    db.store.queue_db().migrate().await.unwrap();
    db
}

/// The clock of the child processes: epoch ms in a file, kept equal to the world's clocks.
pub struct FileClock {
    path: PathBuf,
}

impl FileClock {
    /// A clock file in `dir` reading the world's time.
    pub fn new(dir: &Path, world: &World) -> Self {
        let clock = Self {
            path: dir.join("clock"),
        };
        clock.write(queue::Clock::now_ms(&*world.clock));
        clock
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `now_ms` atomically (a rename), so a reader never sees half a number.
    fn write(&self, now_ms: i64) {
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, now_ms.to_string()).unwrap();
        std::fs::rename(&tmp, &self.path).unwrap();
    }

    /// Moves the simulator, the in-test clock and the children's clock to `now_ms`.
    pub fn set(&self, world: &World, now_ms: i64) {
        let current = queue::Clock::now_ms(&*world.clock);
        assert!(now_ms >= current, "time only moves forward");
        world.advance(Duration::from_millis(
            u64::try_from(now_ms - current).unwrap(),
        ));
        self.write(now_ms);
    }
}

/// A running `trainload worker`, killed (SIGKILL) when dropped.
pub struct Worker {
    child: Child,
    log: PathBuf,
}

/// How to start workers against one database, simulator and clock.
pub struct WorkerSpec<'a> {
    pub db: &'a TestDb,
    pub world: &'a World,
    pub clock: &'a FileClock,
    pub slots: usize,
    pub lease_ms: i64,
}

impl WorkerSpec<'_> {
    /// Starts worker number `n` (its own data directory and log file).
    pub fn spawn(&self, n: usize) -> Worker {
        let data_dir = self.db.dir.path().join(format!("worker-{n}"));
        std::fs::create_dir_all(&data_dir).unwrap();
        let log = self
            .db
            .dir
            .path()
            .join(format!("worker-{n}-{}.log", unique_name("run")));
        let out = std::fs::File::create(&log).unwrap();
        let info = self.world.sim.info();
        let child = Command::new(env!("CARGO_BIN_EXE_trainload"))
            .arg("worker")
            .arg("--workers")
            .arg(self.slots.to_string())
            .arg("--test-clock-file")
            .arg(self.clock.path())
            .arg("--test-lease-ms")
            .arg(self.lease_ms.to_string())
            .arg("--test-tick-ms")
            .arg("50")
            .env("TRAINLOAD_DATABASE_URL", &self.db.url)
            .env("TRAINLOAD_DATA_DIR", &data_dir)
            .env("TRAINLOAD_SECRET_KEY", &self.db.key_base64)
            .env("TRAINLOAD_STRAVA_CLIENT_ID", &info.client_id)
            .env("TRAINLOAD_STRAVA_CLIENT_SECRET", &info.client_secret)
            .env("TRAINLOAD_STRAVA_API_BASE", &info.strava_api_base)
            .env("TRAINLOAD_STRAVA_OAUTH_BASE", &info.strava_oauth_base)
            .env("TRAINLOAD_INTERVALS_BASE", &info.intervals_base)
            .env("TRAINLOAD_TIME_ZONE", "UTC")
            // These tests kill processes in the middle of scheduled syncs that list Strava.
            .env("TRAINLOAD_STRAVA_SYNC", "poll")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        Worker { child, log }
    }
}

impl Worker {
    /// `kill -9`, and waits for the process to be gone.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Panics (with the log) when the process has exited.
    pub fn assert_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            panic!("worker exited with {status}:\n{}", self.log_text());
        }
    }

    /// The end of the process's log (the part that explains a failure).
    pub fn log_text(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(6_000);
        let start = (start..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text[start..].to_owned()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `condition` every 50 ms until it holds, for at most `limit`; on timeout panics with
/// `what` and the workers' logs.
pub async fn wait_until<F, Fut>(
    what: &str,
    limit: Duration,
    workers: &mut [&mut Worker],
    mut condition: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if condition().await {
            return;
        }
        for worker in workers.iter_mut() {
            worker.assert_alive();
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = workers.iter().map(|w| w.log_text()).collect();
            panic!(
                "timed out waiting for {what}; worker logs:\n{}",
                logs.join("\n-----\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
