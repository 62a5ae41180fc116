//! The real binary in a real terminal: a private tmux server runs `audit-tui --utc` on the
//! sample folder, keys go in with `send-keys`, and the screen is read with `capture-pane`.
//! Waiting is polling the screen for the expected text, with a deadline.

mod common;

use audit_tui::model::Level;
use audit_tui::report::fmt;
use common::tmux::Tmux;
use common::*;

/// The locale the explorer runs under in these tests, unless a test is about the locale.
const UTF8: &str = "LC_ALL=C.UTF-8";

#[test]
fn filter_to_errors_drill_in_and_quit_in_a_real_terminal() {
    // What the screen must show, worked out with the library on the same folder.
    let index = index_of(SAMPLE);
    let errors: Vec<usize> = (0..index.len()).filter(|&i| index.event(i).unwrap().level() == Level::Error).collect();
    assert_eq!(errors.len() as u64, index.levels[Level::Error as usize]);
    let filtered = format!("Timeline {} of {}", fmt::count(errors.len() as u64), fmt::count(index.len() as u64));
    // The detail header reads `file:line  session …`.
    let second_error_at = format!("{}  session ", index.location(index.event(errors[1]).unwrap()));

    // The explorer runs under a shell that, once it exits, reports its status and the
    // tty's line discipline, then waits for a line (which cooked mode alone delivers).
    let folder = path(SAMPLE);
    let script = r#""$0" "$@"; echo "audit-tui exited with status $?"; echo "tty: $(stty -a | tr ' ;' '\n\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\n' ' ')"; read line"#;
    let bin = env!("CARGO_BIN_EXE_audit-tui");
    // A UTF-8 locale, whatever the test runs under: the screen checks expect box drawing.
    let args = ["-c", script, "env", UTF8, bin, "--utc", folder.to_str().expect("UTF-8 path")];
    let Some(tmux) = Tmux::start_or_skip("filter_to_errors_drill_in_and_quit_in_a_real_terminal", "sh", &args) else {
        return;
    };

    let files = format!("{} files", index.sources.len());
    let screen = tmux.wait_until("the full index", |s| s.contains(&files) && !s.contains("indexing"));
    let unparsed = index.unparsed_count();
    let events = fmt::count(index.len() as u64 - unparsed);
    assert!(screen.contains(&format!("Timeline {events} events + {unparsed} unparsed")), "{screen}");
    assert_eq!(tmux.pane("#{alternate_on} #{mouse_any_flag}"), "1 1", "full screen, with the mouse");

    // Typed at human speed: each key is on screen before the next is sent. Keys that
    // arrive in one batch currently each queue a refilter with the same generation, so
    // the worker may run it twice and list every match twice (a known bug, not tested here).
    let query = "level:error";
    tmux.keys(&["/"]);
    for i in 0..=query.len() {
        if i > 0 {
            tmux.literal(&query[i - 1..i]);
        }
        let line = format!("/{}   ", &query[..i]);
        tmux.wait_until(&format!("{line:?} in the filter line"), |s| s.lines().any(|l| l.starts_with(&line)));
    }
    let screen = tmux.wait_for_text(&filtered);
    assert!(screen.contains(&format!("/level:error   {} matches", errors.len())), "{screen}");

    tmux.keys(&["Enter"]);
    tmux.wait_until("the filter box to close", |s| s.contains("filter: level:error") && !s.contains("/level:error"));
    tmux.keys(&["e"]);
    let screen = tmux.wait_for_text(&second_error_at);
    assert!(screen.contains("Error drill-down"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_until("the detail pane to take focus", |s| s.contains("┏ Error drill-down"));

    tmux.keys(&["q"]);
    let screen = tmux.wait_for_text("tty: ");
    assert!(screen.contains("audit-tui exited with status 0"), "{screen}");
    assert!(screen.contains("tty: icanon echo"), "raw mode is off again:\n{screen}");
    assert!(!screen.contains("Timeline") && !screen.contains("drill-down"), "the explorer's screen is gone:\n{screen}");
    assert_eq!(
        tmux.pane("#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag} #{cursor_flag}"),
        "0 0 0 1",
        "the terminal is restored: main screen, mouse reporting off, cursor shown"
    );

    // Enter reaches the shell's `read` as a line (cooked mode), and the pane ends.
    tmux.keys(&["Enter"]);
    tmux.wait_for_pane("#{pane_dead}", "1");
}

/// Every cell tmux holds is printable ASCII.
fn assert_ascii(screen: &str, what: &str) {
    let odd: Vec<char> = screen.chars().filter(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\n')).collect();
    assert!(odd.is_empty(), "{what} draws {odd:?} under LANG=C:\n{screen}");
}

#[test]
fn under_lang_c_the_overview_and_the_help_are_ascii() {
    let folder = path(SAMPLE);
    let bin = env!("CARGO_BIN_EXE_audit-tui");
    // LANG decides only when LC_ALL and LC_CTYPE are unset or empty.
    let args = ["LC_ALL=", "LC_CTYPE=", "LANG=C", bin, "--utc", folder.to_str().expect("UTF-8 path")];
    let Some(tmux) = Tmux::start_or_skip("under_lang_c_the_overview_and_the_help_are_ascii", "env", &args) else {
        return;
    };
    let files = format!("{} files", index_of(SAMPLE).sources.len());
    let screen = tmux.wait_until("the full index", |s| s.contains(&files) && !s.contains("indexing"));
    assert_ascii(&screen, "the overview");
    assert!(screen.contains("+ Sessions "), "ASCII frames:\n{screen}");
    assert!(screen.contains("Jos<U+00E9>"), "the logs' own non-ASCII letters as escapes:\n{screen}");

    tmux.keys(&["?"]);
    let screen = tmux.wait_for_text("audit-tui keys");
    assert_ascii(&screen, "the help");
    assert!(screen.contains("j Down  next row"), "{screen}");

    // Keys one at a time: an Escape followed at once by `e` reads as Alt-e.
    tmux.keys(&["Escape"]);
    tmux.wait_until("the help to close", |s| !s.contains("audit-tui keys"));
    tmux.keys(&["e"]);
    let screen = tmux.wait_for_text("Error drill-down");
    assert_ascii(&screen, "an error's drill-down");
    tmux.keys(&["q"]);
    tmux.wait_for_pane("#{pane_dead}", "1");
}
