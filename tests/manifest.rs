//! Every fixture in tests/fixtures/expected.json opens with the exact counts its manifest
//! entry states: events, unparsed lines, errors, warnings, sessions, levels, time span and
//! skipped files, through the real binary's `summary --json`.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn summary(path: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_audit-tui"))
        .args(["summary", "--json", "--utc"])
        .arg(path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("summary --json is JSON")
}

/// Instants compared to the millisecond (the index keeps milliseconds).
fn instant_ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).expect("RFC 3339").timestamp_millis()
}

#[test]
fn every_fixture_matches_its_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(root.join("expected.json")).unwrap()).unwrap();
    let entries = manifest.as_object().unwrap();
    assert!(entries.len() >= 40, "the manifest lists every fixture");
    let mut failures = Vec::new();
    for (name, want) in entries {
        let got = summary(&root.join(name));
        for field in ["events", "unparsed", "errors", "warnings", "sessions", "levels"] {
            if got[field] != want[field] {
                failures.push(format!("{name}: {field} is {} but the manifest says {}", got[field], want[field]));
            }
        }
        for field in ["first_ts", "last_ts"] {
            if let Some(w) = want[field].as_str() {
                let g = got[field].as_str().unwrap_or_default();
                if g.is_empty() || instant_ms(g) != instant_ms(w) {
                    failures.push(format!("{name}: {field} is {g} but the manifest says {w}"));
                }
            }
        }
        if let Some(w) = want["skipped"].as_array() {
            let mut w: Vec<&str> = w.iter().filter_map(Value::as_str).collect();
            let mut g: Vec<&str> =
                got["skipped"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
            w.sort_unstable();
            g.sort_unstable();
            if g != w {
                failures.push(format!("{name}: skipped {g:?} but the manifest says {w:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
