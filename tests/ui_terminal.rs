//! What the explorer leaves the terminal in when it does not quit by a key: killed by a
//! signal, a thread panicking, suspended and resumed. The real binary runs on the sample
//! folder in a private tmux server; the test reads the pane tty's line discipline with
//! `stty`, the pane's modes from tmux, and every byte the program wrote through
//! `pipe-pane`. Without tmux each test says it is skipped and passes.

#![cfg(unix)]

mod common;

use common::tmux::{Tmux, poll};
use common::*;
use std::path::PathBuf;
use std::process::Command;

/// The explorer runs under a shell that records its pid (an inner `sh` writes `$$`, then
/// `exec`s it, so the pid is the explorer's), writes and shows how it ended, then waits for
/// a line. It starts the explorer on the first line it reads, once the test records the
/// pane's output. No core file for SIGQUIT. Arguments: the pid file, then the command.
const SCRIPT: &str = r#"read go; ulimit -c 0; pidfile=$1; shift; sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@"; status=$?; echo $status > "$pidfile.status"; echo "audit-tui exited with status $status"; read line"#;

/// Where the explorer is when the test acts.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// The indexing thread is held (debug-build test hook), the screen says "indexing".
    Indexing,
    /// The full index is on screen.
    Indexed,
}

/// A running explorer in tmux, with the files the test reads.
struct Explorer {
    tmux: Tmux,
    dir: tempfile::TempDir,
}

impl Explorer {
    /// Starts the explorer with `env` settings (e.g. the test hook), or `None` without tmux.
    fn start(test: &str, env: &[&str]) -> Option<Explorer> {
        let dir = tempfile::tempdir().expect("temp dir");
        let pidfile = dir.path().join("pid");
        let folder = path(SAMPLE);
        let mut args = vec!["-c", SCRIPT, "sh", pidfile.to_str().expect("UTF-8 temp path"), "env"];
        args.extend_from_slice(env);
        args.extend_from_slice(&[env!("CARGO_BIN_EXE_audit-tui"), "--utc", folder.to_str().expect("UTF-8 path")]);
        let tmux = Tmux::start_or_skip(test, "sh", &args)?;
        let explorer = Explorer { tmux, dir };
        explorer.tmux.record_output(&explorer.output_file());
        explorer.tmux.keys(&["Enter"]);
        Some(explorer)
    }

    fn output_file(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    fn pid(&self) -> String {
        let file = self.dir.path().join("pid");
        poll("the explorer's pid", || {
            std::fs::read_to_string(&file).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
        })
    }

    fn wait_for(&self, stage: Stage) -> String {
        match stage {
            Stage::Indexing => {
                self.tmux.wait_until("the explorer, indexing", |s| s.contains("Timeline") && s.contains("indexing"))
            }
            Stage::Indexed => {
                let files = format!("{} files", index_of(SAMPLE).sources.len());
                self.tmux.wait_until("the full index", |s| s.contains(&files) && !s.contains("indexing"))
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args(["-s", name, &self.pid()]).status().expect("run kill");
        assert!(status.success(), "kill -s {name}");
    }

    /// The explorer has the terminal: raw mode, alternate screen, mouse reporting.
    fn assert_owns_terminal(&self) {
        assert_eq!(self.tmux.tty_modes(), "-icanon -echo -isig", "raw mode");
        assert_eq!(self.tmux.pane("#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag}"), "1 1 1");
    }

    /// The terminal is as the shell left it: cooked mode, main screen, mouse reporting
    /// off, cursor shown.
    fn assert_terminal_restored(&self) {
        assert_eq!(self.tmux.tty_modes(), "icanon echo isig", "cooked mode again");
        assert_eq!(
            self.tmux.pane(
                "#{alternate_on} #{mouse_standard_flag} #{mouse_button_flag} #{mouse_any_flag} #{mouse_sgr_flag} #{cursor_flag}"
            ),
            "0 0 0 0 0 1",
            "main screen, mouse reporting off, cursor shown"
        );
    }

    /// Waits for the explorer to end; its exit status as the shell reports it.
    fn wait_for_exit(&self) -> i32 {
        let file = self.dir.path().join("pid.status");
        let status = poll("the explorer to exit", || std::fs::read_to_string(&file).ok().filter(|s| s.ends_with('\n')));
        status.trim().parse().expect("a status number")
    }

    /// Every byte the explorer wrote: the recorded output up to the shell's report.
    fn explorer_output(&self) -> Vec<u8> {
        let marker = b"audit-tui exited with status";
        poll("the recorded output to reach the shell's report", || {
            let bytes = std::fs::read(self.output_file()).ok()?;
            let at = find(&bytes, marker)?;
            Some(bytes[..at].to_vec())
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// What turning each terminal mode off looks like, after turning it on.
const MODES: &[(&str, &[u8], &[u8])] = &[
    ("alternate screen", b"\x1b[?1049h", b"\x1b[?1049l"),
    ("mouse reporting", b"\x1b[?1000h", b"\x1b[?1000l"),
    ("mouse motion reporting", b"\x1b[?1003h", b"\x1b[?1003l"),
    ("SGR mouse reporting", b"\x1b[?1006h", b"\x1b[?1006l"),
    ("bracketed paste", b"\x1b[?2004h", b"\x1b[?2004l"),
    ("hidden cursor", b"\x1b[?25l", b"\x1b[?25h"),
];

/// The output ends with the restore: each mode turned off after it was last turned on, and
/// after leaving the alternate screen nothing but other mode resets (no more drawing; plain
/// text such as a panic message is fine).
fn assert_output_ends_restored(out: &[u8]) {
    let shown = String::from_utf8_lossy(&out[out.len().saturating_sub(400)..]).into_owned();
    for (mode, on, off) in MODES {
        let last_on = rfind(out, on);
        let last_off = rfind(out, off);
        assert!(last_on.is_some(), "{mode} was never turned on; the output ends with {shown:?}");
        assert!(last_off > last_on, "{mode} is not turned off at the end; the output ends with {shown:?}");
    }
    let left = rfind(out, b"\x1b[?1049l").unwrap_or(0);
    let mut tail = out[left..].to_vec();
    for (_, _, off) in MODES {
        while let Some(at) = find(&tail, off) {
            tail.drain(at..at + off.len());
        }
    }
    // crossterm turns the other mouse modes off alongside.
    for off in [b"\x1b[?1002l".as_slice(), b"\x1b[?1015l"] {
        while let Some(at) = find(&tail, off) {
            tail.drain(at..at + off.len());
        }
    }
    assert!(!tail.contains(&0x1b), "the explorer wrote escape sequences after leaving the alternate screen: {shown:?}");
}

/// `kill -s NAME` at `stage`: the explorer dies with 128 + the signal's number and leaves
/// the terminal as it found it.
fn signal_restores_the_terminal(test: &str, name: &str, number: i32, stage: Stage) {
    let hold: &[&str] = if stage == Stage::Indexing { &["AUDIT_TUI_TEST_INDEX=hold"] } else { &[] };
    let Some(explorer) = Explorer::start(test, hold) else { return };
    explorer.wait_for(stage);
    explorer.assert_owns_terminal();

    explorer.signal(name);
    assert_eq!(explorer.wait_for_exit(), 128 + number, "SIG{name} ends the explorer as it would any program");
    explorer.assert_terminal_restored();
    let screen = explorer.tmux.wait_for_text("audit-tui exited with status");
    assert!(!screen.contains("Timeline"), "the explorer's screen is gone:\n{screen}");
    assert_output_ends_restored(&explorer.explorer_output());
}

#[test]
fn sigterm_while_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigterm_while_indexing", "TERM", 15, Stage::Indexing);
}

#[test]
fn sigterm_after_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigterm_after_indexing", "TERM", 15, Stage::Indexed);
}

#[test]
fn sigint_from_kill_while_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigint_while_indexing", "INT", 2, Stage::Indexing);
}

#[test]
fn sigint_from_kill_after_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigint_after_indexing", "INT", 2, Stage::Indexed);
}

#[test]
fn sighup_while_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sighup_while_indexing", "HUP", 1, Stage::Indexing);
}

#[test]
fn sighup_after_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sighup_after_indexing", "HUP", 1, Stage::Indexed);
}

#[test]
fn sigquit_while_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigquit_while_indexing", "QUIT", 3, Stage::Indexing);
}

#[test]
fn sigquit_after_indexing_restores_the_terminal() {
    signal_restores_the_terminal("sigquit_after_indexing", "QUIT", 3, Stage::Indexed);
}

#[test]
fn a_panic_in_the_indexing_thread_restores_the_terminal_and_exits_101() {
    let Some(explorer) = Explorer::start("panic_in_the_indexing_thread", &["AUDIT_TUI_TEST_INDEX=panic"]) else {
        return;
    };
    assert_eq!(explorer.wait_for_exit(), 101, "a panic's status");
    explorer.assert_terminal_restored();
    let screen = explorer.tmux.wait_for_text("audit-tui exited with status");
    assert!(
        screen.contains("thread 'index'") && screen.contains("panicked at"),
        "the panic message is on the main screen:\n{screen}"
    );
    assert!(screen.contains(r"panics on purpose \x1b]0;pwned\x07"), "the log text in it is escaped:\n{screen}");
    assert!(!screen.contains("Timeline"), "the explorer's screen is gone:\n{screen}");
    let output = explorer.explorer_output();
    assert!(!output.windows(4).any(|w| w == b"\x1b]0;"), "no raw title change in what was written");
    assert_output_ends_restored(&output);
}

/// The explorer started from an interactive shell with job control, as a user would:
/// `sh -i` in the pane, the command typed at its prompt.
fn start_from_a_shell(test: &str) -> Option<Explorer> {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start_or_skip(test, "env", &["ENV=", "PS1=$ ", "sh", "-i"])?;
    let explorer = Explorer { tmux, dir };
    explorer.tmux.record_output(&explorer.output_file());
    explorer.tmux.wait_until("the shell's prompt", |s| s.trim_end().ends_with('$'));
    let pidfile = explorer.dir.path().join("pid");
    let command = format!(
        r#"sh -c 'echo $$ > "$0"; exec "$@"' '{}' '{}' --utc '{}'"#,
        pidfile.display(),
        env!("CARGO_BIN_EXE_audit-tui"),
        path(SAMPLE).display()
    );
    explorer.tmux.literal(&command);
    explorer.tmux.keys(&["Enter"]);
    Some(explorer)
}

/// Stopped, the terminal is the shell's again; `fg`, and the explorer has it back, redrawn
/// and working.
fn suspend_and_resume(explorer: &Explorer, stop: impl FnOnce()) {
    explorer.wait_for(Stage::Indexed);
    explorer.assert_owns_terminal();
    stop();
    let pid = explorer.pid();
    poll("the explorer to stop", || process_state(&pid).starts_with('T').then_some(()));
    explorer.assert_terminal_restored();
    let screen = explorer.tmux.wait_until("the shell's prompt", |s| s.trim_end().ends_with('$'));
    assert!(!screen.contains("Timeline"), "the shell's screen is back:\n{screen}");

    explorer.tmux.literal("fg");
    explorer.tmux.keys(&["Enter"]);
    explorer.tmux.wait_for_pane("#{alternate_on} #{mouse_any_flag}", "1 1");
    explorer.wait_for(Stage::Indexed);
    poll("raw mode again", || (explorer.tmux.tty_modes() == "-icanon -echo -isig").then_some(()));
    assert!(!process_state(&pid).starts_with('T'), "running again");

    // Still working: a key quits cleanly.
    explorer.tmux.keys(&["q"]);
    explorer.tmux.wait_until("the shell's prompt", |s| s.trim_end().ends_with('$') && !s.contains("Timeline"));
    explorer.assert_terminal_restored();
    explorer.tmux.literal(&format!("echo $? > '{}'", explorer.dir.path().join("pid.status").display()));
    explorer.tmux.keys(&["Enter"]);
    assert_eq!(explorer.wait_for_exit(), 0);
}

/// `ps`'s process state: it starts with `T` when the process is stopped.
fn process_state(pid: &str) -> String {
    let out = Command::new("ps").args(["-o", "stat=", "-p", pid]).output().expect("run ps");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn ctrl_z_gives_the_terminal_back_to_the_shell_and_fg_takes_it_again() {
    let Some(explorer) = start_from_a_shell("ctrl_z_and_fg") else { return };
    suspend_and_resume(&explorer, || explorer.tmux.keys(&["C-z"]));
}

#[test]
fn sigtstp_gives_the_terminal_back_to_the_shell_and_fg_takes_it_again() {
    let Some(explorer) = start_from_a_shell("sigtstp_and_fg") else { return };
    suspend_and_resume(&explorer, || explorer.signal("TSTP"));
}

#[test]
fn without_job_control_ctrl_z_says_why_it_cannot_suspend_and_sigtstp_is_ignored() {
    let Some(explorer) = Explorer::start("ctrl_z_without_job_control", &[]) else { return };
    explorer.wait_for(Stage::Indexed);
    explorer.tmux.keys(&["C-z"]);
    explorer.tmux.wait_for_text("cannot suspend: no job-control shell started audit-tui to resume it");
    explorer.signal("TSTP");
    // SIGTSTP is handled or ignored by now once a later key is answered.
    explorer.tmux.keys(&["?"]);
    explorer.tmux.wait_for_text("audit-tui keys");
    assert!(!process_state(&explorer.pid()).starts_with('T'), "not stopped: nothing could resume it");
    explorer.assert_owns_terminal();
    // q closes the help (as it closes every overlay), the next q quits.
    explorer.tmux.keys(&["q", "q"]);
    assert_eq!(explorer.wait_for_exit(), 0);
    explorer.assert_terminal_restored();
}

/// A writer truncates a log the explorer has mapped, and the user scrolls to rows that are
/// gone: the explorer goes on (it died of SIGBUS, leaving the terminal raw).
#[test]
fn a_log_truncated_under_the_explorer_does_not_kill_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("datatools-2026-05-17.jsonl");
    let mut text = String::new();
    for i in 0..30_000 {
        text.push_str(&format!(
            "{{\"ts\":\"2026-05-17T{:02}:{:02}:{:02}Z\",\"level\":\"info\",\"session\":\"s{}\",\"message\":\"event {i} {}\"}}\n",
            i / 3600,
            i / 60 % 60,
            i % 60,
            i / 1000,
            "x".repeat(150)
        ));
    }
    std::fs::write(&path, &text).unwrap();
    // An hour old, as a mailed log is (before the fix only such files were mapped).
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(hour_ago).unwrap();
    let bin = env!("CARGO_BIN_EXE_audit-tui");
    let dir_arg = dir.path().to_str().unwrap();
    let Some(tmux) =
        Tmux::start_or_skip("a_log_truncated_under_the_explorer_does_not_kill_it", bin, &["--utc", dir_arg])
    else {
        return;
    };
    tmux.wait_for_text("30,000 events");
    std::fs::File::options().write(true).open(&path).unwrap().set_len(1000).unwrap();
    // The last rows and their detail are read from pages past the file's new end.
    tmux.keys(&["G"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for_text("Before this");
    assert_eq!(tmux.pane("#{pane_dead}"), "0", "the explorer is alive:\n{}", tmux.screen());
    tmux.keys(&["j"]);
    tmux.keys(&["Enter"]);
    assert_eq!(tmux.pane("#{pane_dead}"), "0", "the explorer is still alive:\n{}", tmux.screen());
}
