//! The application crate's modules form layers (docs/ARCHITECTURE.md, "Layers"): a module may
//! use the layers below its own, never its own layer's other modules nor a layer above. This
//! reads every source file and names each file that reaches the wrong way, so a backward edge
//! fails here instead of growing into a cycle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A new top-level module must be placed here.
const LAYERS: &[&[&str]] = &[
    &["units", "activity_file", "telemetry", "shutdown"],
    &["store"],
    &["analysis", "planner", "push", "live", "subscription"],
    &["sync"],
    &["jobs", "config"],
    &["read"],
    &["http"],
    &["web"],
    &["startup"],
    &["demo"],
    &["bench"],
    &["cli"],
];

/// The crate root's files, which only declare and dispatch.
const ROOT_FILES: [&str; 2] = ["lib.rs", "main.rs"];

#[test]
fn no_module_reaches_its_own_layer_or_a_layer_above() {
    let src = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo")).join("src");
    let layer_of = layer_of();
    let mut wrong = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let Some(module) = top_module(relative) else {
            continue;
        };
        let Some(&own) = layer_of.get(module.as_str()) else {
            wrong.push(format!(
                "{}: module `{module}` is in no layer",
                relative.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).expect("readable source");
        for used in crate_paths(&text) {
            match layer_of.get(used.as_str()) {
                Some(&layer) if used != module && layer >= own => wrong.push(format!(
                    "{}: `{module}` uses `crate::{used}`, which is not below it",
                    relative.display()
                )),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "backward dependencies:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_scan_sees_plain_and_grouped_paths() {
    let text =
        "use crate::store::Store;\nuse crate::{http, web::{Nav, page}};\ncrate::read::history";
    assert_eq!(crate_paths(text), ["store", "http", "web", "read"]);
}

fn layer_of() -> BTreeMap<&'static str, usize> {
    LAYERS
        .iter()
        .enumerate()
        .flat_map(|(layer, modules)| modules.iter().map(move |m| (*m, layer)))
        .collect()
}

/// The top-level module a file under `src` belongs to; `None` for the crate root's files.
fn top_module(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    if ROOT_FILES.contains(&first) {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_owned())
}

/// The top-level modules named after each `crate::` in `text` (`crate::{a, b::{c, d}}` names
/// `a` and `b`).
fn crate_paths(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, prefix) in text.match_indices("crate::") {
        let rest = &text[at + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.extend(identifier(rest));
            continue;
        };
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '}' | ',' if depth == 0 => {
                    names.extend(identifier(item.trim()));
                    if c == '}' {
                        break;
                    }
                    item.clear();
                    continue;
                }
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            item.push(c);
        }
    }
    names
}

/// The identifier `text` starts with, if any.
fn identifier(text: &str) -> Option<String> {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| text[..end].to_owned())
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}
