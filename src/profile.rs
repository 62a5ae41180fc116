//! Timings for profiling, printed to stderr only when `AUDIT_TUI_PHASES` is set: the
//! indexer's phases and, in the explorer, how long a filter took to fill the first screen
//! and to complete. `scripts/bench.sh` and `scripts/ab.sh` read these lines.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether `AUDIT_TUI_PHASES` is set (read once).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("AUDIT_TUI_PHASES").is_some())
}

/// Prints how long a phase took (since `start`), the anonymous memory in use and the
/// minor page faults so far.
pub fn phase(name: &str, start: Instant) {
    if !enabled() {
        return;
    }
    let anon = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("RssAnon")).map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
        })
        .unwrap_or_else(|| "?".into());
    // Minor page faults so far: field 10 of /proc/self/stat (after the parenthesised name).
    let faults = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| s.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(7).map(str::to_string)))
        .unwrap_or_else(|| "?".into());
    eprintln!("phase {name:<7} {:>8.1} ms  anon {anon} KiB  faults {faults}", millis(start));
}

/// Prints a line about what the indexer decided (such as why the index cache was not
/// used), for the same readers as [`phase`].
pub fn note(text: &str) {
    if enabled() {
        eprintln!("note {text}");
    }
}

/// Prints one finished filter of the explorer: the query, and the milliseconds from the
/// keystroke that set it to the first screenful of results and to the last result.
pub fn filter(query: &str, first_page: Option<f64>, complete: f64) {
    if !enabled() {
        return;
    }
    let page = first_page.map_or_else(|| "-".to_string(), |ms| format!("{ms:.1}"));
    eprintln!("filter {query:?} first-page {page} ms complete {complete:.1} ms");
}

/// Milliseconds since `start`.
pub fn millis(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}
