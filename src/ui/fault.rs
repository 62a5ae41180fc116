//! Faults on cue for the terminal tests, compiled into debug builds only (release builds
//! leave this module out). The tests drive the real binary in a terminal and need a thread
//! other than the main one to fail, or indexing to last, at a known point:
//!
//! - `AUDIT_TUI_TEST_INDEX=panic`: the indexing thread panics once the explorer has the
//!   terminal;
//! - `AUDIT_TUI_TEST_INDEX=hold`: the indexing thread never finishes, so the explorer stays
//!   in its "indexing" state until it quits or is signalled.

use std::time::Duration;

/// The variable the tests set; read only here.
const VAR: &str = "AUDIT_TUI_TEST_INDEX";

/// Called first thing in the indexing thread.
pub fn in_index_thread() {
    let Some(fault) = std::env::var_os(VAR) else { return };
    // The fault must hit a running explorer, not one still setting up.
    while !super::tty::is_active() {
        std::thread::sleep(Duration::from_millis(10));
    }
    match fault.to_str() {
        // With log text in the message, as a real panic may quote it: it must come out
        // escaped (the title change must not happen).
        Some("panic") => panic!("{VAR}=panic: the indexing thread panics on purpose \x1b]0;pwned\x07"),
        Some("hold") => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        _ => {}
    }
}
