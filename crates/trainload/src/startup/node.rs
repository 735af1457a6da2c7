//! This process's identity as a scheduler node (docs/scheduler.md §9); the queue keeps its row.

/// A fresh node id: host, pid and a random suffix.
pub fn new_node_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    let mut suffix = [0u8; 4];
    let _ = getrandom::fill(&mut suffix);
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    format!("{host}-{}-{suffix}", std::process::id())
}

/// The host part of a [`new_node_id`] id (the whole id when it has another form).
pub fn host_of(node_id: &str) -> &str {
    node_id.rsplitn(3, '-').nth(2).unwrap_or(node_id)
}
