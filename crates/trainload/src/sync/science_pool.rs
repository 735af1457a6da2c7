//! The threads a sync's stream science runs on, at a lower CPU priority than the rest of the
//! process.
//!
//! An activity's exact curves are the longest stretch of CPU a sync holds without yielding
//! (milliseconds per hour of streams). On the runtime's blocking pool they competed as equals
//! with the threads answering pages and API requests, so a large run on a small machine made
//! every request wait for a core. Here they run on a few threads of their own with a higher
//! nice value: when a request and a curve both want a core, the kernel gives it to the request,
//! and when nobody else wants the cores, the curves get all of them, so a run is no slower.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

/// How much higher the science threads' nice value is than the thread that starts them (0 for
/// a process started normally). With 10, Linux gives a normal thread about nine times the CPU
/// share of a science thread when both are runnable.
const NICENESS: i32 = 10;

/// The highest nice value Linux has.
const LOWEST_PRIORITY: i32 = 19;

type Work = Box<dyn FnOnce() + Send>;

/// Runs `work` on a science thread and returns what it returns; a panic in `work` resumes in
/// the caller, as it would inline.
///
/// If no science thread could be started, `work` runs on the runtime's blocking pool instead.
pub(crate) async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let Some(queue) = queue() else {
        return match tokio::task::spawn_blocking(work).await {
            Ok(value) => value,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
    };
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Work = Box::new(move || {
        // The caller may have gone (a cancelled task): its answer is then dropped.
        let _ = answer.send(std::panic::catch_unwind(AssertUnwindSafe(work)));
    });
    // The threads hold the receiver for the life of the process, so sending cannot fail, and
    // a job never panics past `catch_unwind`, so every job is answered.
    let _ = queue.send(job);
    match answered.await {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => std::panic::panic_any("a science thread dropped its work unanswered"),
    }
}

/// The queue of the science threads, started on first use: one thread per core.
fn queue() -> Option<&'static Sender<Work>> {
    static QUEUE: OnceLock<Option<Sender<Work>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<Work>();
            let receiver = Arc::new(Mutex::new(receiver));
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            let started = (0..cores)
                .filter(|i| {
                    let receiver = Arc::clone(&receiver);
                    std::thread::Builder::new()
                        .name(format!("trainload-science-{i}"))
                        .spawn(move || serve(&receiver))
                        .map_err(|error| tracing::warn!(%error, "starting a science thread"))
                        .is_ok()
                })
                .count();
            (started > 0).then_some(sender)
        })
        .as_ref()
}

/// One science thread: lowers its own priority, then runs jobs until the process ends.
fn serve(jobs: &Mutex<Receiver<Work>>) {
    lower_priority();
    loop {
        // Holding the lock only to receive: the next job goes to whichever thread is free.
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Raises this thread's nice value by [`NICENESS`] (at most to the highest), so a process run
/// under `nice` keeps its science threads below its own. Linux keeps a nice value per thread,
/// inherited from the thread that started it; raising it needs no privilege. Elsewhere, or if
/// refused, the thread keeps the priority it has.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let this = Some(rustix::thread::gettid());
        let lowered = getpriority_process(this).and_then(|nice| {
            setpriority_process(this, nice.saturating_add(NICENESS).min(LOWEST_PRIORITY))
        });
        if let Err(error) = lowered {
            tracing::debug!(%error, "the science threads keep the process's CPU priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_returns_its_value() {
        assert_eq!(run(|| 6 * 7).await, 42);
    }

    #[tokio::test]
    async fn a_panic_in_the_work_resumes_in_the_caller_and_the_threads_go_on() {
        let caught = tokio::spawn(run(|| -> u8 { panic!("bad curve") })).await;
        let message = caught
            .expect_err("the panic reaches the caller")
            .into_panic();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"bad curve"));
        assert_eq!(run(|| 1).await, 1);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_work_runs_at_a_lower_priority_than_the_caller() {
        let own = || rustix::process::getpriority_process(Some(rustix::thread::gettid()));
        let caller = own().expect("the caller's nice value");
        let worker = run(move || own().expect("the science thread's nice value")).await;
        // The threads were started from a thread of the caller's runtime, at the caller's nice.
        assert_eq!(worker, (caller + NICENESS).min(LOWEST_PRIORITY));
    }
}
