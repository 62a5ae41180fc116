//! The layers of `src/lib.rs`'s map, held by a test: a module may use modules of its own
//! layer or below, never above. The imports that still point up (issue 21 is to remove
//! them) are listed with their count, so none can be added and each removal is noticed.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom first. A module's layer is the layer of its top-level name under `src/`.
const LAYERS: &[&[&str]] = &[
    &["sanitize", "json", "profile", "error", "paths"],
    &["model"],
    &["ingest"],
    &["query", "marks", "redact", "evidence", "config"],
    // `cli` holds the command-line types only (it names `report::export::Format`).
    &["report", "cli"],
    &["ui", "follow"],
    &["app"],
];

/// `(from, to)`: how many lines of `from` name `crate::to` today, pointing up. All of
/// model -> ingest is the index re-reading a line for display (`model/store.rs`) and
/// taking the parser's types; the config's custom dialects added one more to that path.
const KNOWN_UPWARD: &[(&str, &str, usize)] = &[("model", "ingest", 16)];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `crate::NAME` a line of code names (comments left out).
fn crate_names(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            names.push(name);
        }
        rest = after;
    }
    // `use crate::{a::x, b}` names several.
    if let Some(open) = code.find("crate::{") {
        let inner = &code[open + "crate::{".len()..];
        for part in inner.split(',') {
            let name: String = part.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

#[test]
fn no_module_imports_a_layer_above_its_own_beyond_the_known_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut unknown = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let from = module_of(rel);
        if matches!(from.as_str(), "lib" | "main") {
            continue;
        }
        let Some(from_layer) = layer_of(&from) else {
            unknown.push(from.clone());
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read");
        for line in text.lines() {
            for to in crate_names(line) {
                match layer_of(&to) {
                    Some(to_layer) if to_layer > from_layer => {
                        *upward.entry((from.clone(), to)).or_default() += 1;
                    }
                    Some(_) => {}
                    None => unknown.push(format!("{to} (named in {})", rel.display())),
                }
            }
        }
    }
    unknown.sort();
    unknown.dedup();
    assert!(unknown.is_empty(), "modules missing from LAYERS: {unknown:?}");
    let known: BTreeMap<(String, String), usize> =
        KNOWN_UPWARD.iter().map(|&(f, t, n)| ((f.to_string(), t.to_string()), n)).collect();
    for ((from, to), n) in &upward {
        let allowed = known.get(&(from.clone(), to.clone())).copied().unwrap_or(0);
        assert!(*n <= allowed, "{from} names crate::{to} {n} times, above its layer (allowed {allowed}): {upward:?}");
    }
    for ((from, to), n) in &known {
        let now = upward.get(&(from.clone(), to.clone())).copied().unwrap_or(0);
        assert_eq!(now, *n, "{from} -> {to} went from {n} to {now}: lower KNOWN_UPWARD to hold the gain");
    }
}
