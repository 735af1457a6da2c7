//! Process CPU time and memory from `/proc/self` or a child's `/proc/<pid>` (Linux only;
//! elsewhere the figures read 0).

/// Kernel clock ticks per second of `/proc/self/stat`: `USER_HZ` is 100 on every Linux
/// architecture the project targets.
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU time of this process so far, seconds.
pub fn cpu_seconds() -> f64 {
    cpu_seconds_of("/proc/self")
}

/// User plus system CPU time so far of the process whose `/proc` directory is `proc_dir`.
pub fn cpu_seconds_of(proc_dir: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("{proc_dir}/stat")) else {
        return 0.0;
    };
    // The command name (field 2) may contain spaces; fields after its closing ')' are fixed.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the ')'.
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) / TICKS_PER_SECOND,
        _ => 0.0,
    }
}

/// A memory line (`VmHWM`, `VmRSS`) of `<proc_dir>/status`, MiB.
fn status_mib(proc_dir: &str, key: &str) -> f64 {
    let Ok(status) = std::fs::read_to_string(format!("{proc_dir}/status")) else {
        return 0.0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| super::round2(kib / 1024.0))
}

/// Peak resident memory since start or since the last [`reset_peak_rss`], MiB.
pub fn peak_rss_mib() -> f64 {
    peak_rss_mib_of("/proc/self")
}

/// Peak resident memory of the process whose `/proc` directory is `proc_dir`, MiB.
pub fn peak_rss_mib_of(proc_dir: &str) -> f64 {
    status_mib(proc_dir, "VmHWM")
}

/// Resident memory now, MiB.
pub fn rss_mib() -> f64 {
    status_mib("/proc/self", "VmRSS")
}

/// Resets the peak to the current resident size (Linux ≥ 4.0), so a phase's peak can be told
/// apart from the setup's. Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
