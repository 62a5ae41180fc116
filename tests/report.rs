//! `audit-tui report` through the real binary: the Markdown a support engineer pastes into
//! a ticket. What it must get right: the failed sessions, each kind of error counted within
//! the query, the session's events just before the latest occurrence in timeline order,
//! the line exactly as written, and log text that cannot become markup or escape its block.

use std::path::Path;
use std::process::Command;

fn report(dir: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_audit-tui"))
        .env_remove("AUDIT_TUI_TZ")
        .env_remove("DATATOOLS_AUDIT_DIR")
        .args(["report", "--utc"])
        .args(extra)
        .arg(dir)
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "report failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("the report is UTF-8")
}

/// Two users' sessions in one DataTools day: Ana's import fails twice, Ben's once.
fn two_sessions(dir: &Path) {
    let lines = [
        r#"{"ts": "2026-05-17T09:00:00Z", "level": "info", "category": "session", "session": "a1", "message": "Session started", "user": "Ana", "platform": "Windows 11"}"#,
        r#"{"ts": "2026-05-17T09:00:05Z", "level": "info", "category": "session", "session": "b2", "message": "Session started", "user": "Ben"}"#,
        r#"{"ts": "2026-05-17T09:01:00Z", "level": "info", "category": "nav", "session": "a1", "message": "Opened Import"}"#,
        r#"{"ts": "2026-05-17T09:02:00Z", "level": "info", "category": "upload", "session": "a1", "message": "Uploaded q2.xlsx"}"#,
        r#"{"ts": "2026-05-17T09:02:30Z", "level": "error", "category": "error", "session": "b2", "message": "Import failed: file q1.xlsx is locked", "exc_type": "PermissionError"}"#,
        r#"{"ts": "2026-05-17T09:03:00Z", "level": "error", "category": "error", "session": "a1", "message": "Import failed: file q2.xlsx is locked", "exc_type": "PermissionError"}"#,
        r#"{"ts": "2026-05-17T09:10:00Z", "level": "info", "category": "nav", "session": "a1", "message": "Opened Import again"}"#,
        r#"{"ts": "2026-05-17T09:15:00Z", "level": "error", "category": "error", "session": "a1", "message": "Import failed: file q3.xlsx is locked", "exc_type": "PermissionError"}"#,
        r#"{"ts": "2026-05-17T09:16:00Z", "level": "error", "category": "error", "session": "a1", "message": "Out of memory", "exc_type": "MemoryError"}"#,
    ];
    std::fs::write(dir.join("datatools-2026-05-17.jsonl"), lines.join("\n") + "\n").unwrap();
}

#[test]
fn the_latest_occurrence_comes_with_what_its_session_did_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    two_sessions(tmp.path());
    let text = report(tmp.path(), &["--before", "3"]);

    assert!(text.contains("## Sessions with errors (2)"), "{text}");
    assert!(text.contains("| a1 | Ana | – | Windows 11 | 2026-05-17 09:00 |"), "{text}");
    assert!(text.contains("## Errors (4 in 2 kinds)"), "{text}");
    let first_kind =
        text.find("### 1. `PermissionError: Import failed: file <file> is locked`").expect("biggest kind first");
    let second_kind = text.find("### 2. `MemoryError: Out of memory`").expect("then the other kind");
    assert!(first_kind < second_kind);
    assert!(text.contains("- 3 times in 2 sessions; users: Ana, Ben;"), "{text}");

    // The latest PermissionError is Ana's at 09:15; her three events before it, oldest
    // first, with the gap of more than a minute shown, then the error itself.
    let kind = &text[first_kind..second_kind];
    assert!(kind.contains("at `datatools-2026-05-17.jsonl:8`, session `a1` (Ana, Windows 11)"), "{kind}");
    let rows: Vec<&str> =
        kind.lines().filter(|l| l.contains(" INFO ") || l.contains(" ERROR ") || l.contains('⋮')).collect();
    let want = [
        "-13m 00s 09:02:00 INFO  upload Uploaded q2.xlsx",
        "⋮ 1m 00s later",
        "-12m 00s 09:03:00 ERROR error Import failed: file q2.xlsx is locked",
        "⋮ 7m 00s later",
        "-5m 00s 09:10:00 INFO  nav Opened Import again",
        "⋮ 5m 00s later",
        "▶ this 09:15:00 ERROR error Import failed: file q3.xlsx is locked",
    ];
    assert_eq!(rows.len(), want.len(), "{kind}");
    for (row, want) in rows.iter().zip(want) {
        assert_eq!(row.trim_start(), want, "{kind}");
    }
    assert!(kind.contains(
        "```\n{\"ts\": \"2026-05-17T09:15:00Z\", \"level\": \"error\", \"category\": \"error\", \"session\": \"a1\", \"message\": \"Import failed: file q3.xlsx is locked\", \"exc_type\": \"PermissionError\"}\n```"
    ), "the line as written: {kind}");
}

#[test]
fn a_query_scopes_the_counts_and_the_occurrence_shown() {
    let tmp = tempfile::tempdir().unwrap();
    two_sessions(tmp.path());
    let text = report(tmp.path(), &["-q", "user:Ben"]);
    assert!(text.contains("- **Only** events matching `user:Ben`: 2"), "{text}");
    assert!(text.contains("## Sessions with errors (1)"), "{text}");
    assert!(!text.contains("| a1 |"), "Ana's session is out of scope: {text}");
    assert!(text.contains("## Errors (1 in 1 kind)"), "{text}");
    assert!(text.contains("- 1 time in 1 session; users: Ben;"), "{text}");
    assert!(text.contains("session `b2` (Ben)"), "{text}");
    assert!(text.contains("To see it yourself: `audit-tui"), "{text}");
    assert!(text.contains("-q user:Ben`"), "{text}");
}

#[test]
fn hostile_log_text_stays_text() {
    let tmp = tempfile::tempdir().unwrap();
    // A bidi override, an escape sequence, HTML, a table pipe and a run of backticks
    // that would close a three-backtick fence.
    let line = "{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"error\", \"session\": \"s|1\", \"user\": \"<b>eve</b>\", \"message\": \"bad \u{202E}txt.exe \\u001b[31m ```` done\"}\n";
    std::fs::write(tmp.path().join("app.jsonl"), line).unwrap();
    let text = report(tmp.path(), &[]);
    assert!(!text.contains('\u{202E}') && !text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("<U+202E>"), "{text}");
    assert!(text.contains("| s\\|1 | \\<b\\>eve\\</b\\> |"), "cells are escaped: {text}");
    assert!(text.contains("users: \\<b\\>eve\\</b\\>;"), "{text}");
    // The quoted line's fence is longer than the four backticks inside it.
    assert!(text.contains("`````\n{\"ts\""), "{text}");
    let heading = text.lines().find(|l| l.starts_with("### 1. ")).expect("one kind of error");
    assert_eq!(heading.matches('`').count(), 2, "no backtick inside the inline code: {heading}");
}

#[test]
fn a_folder_without_errors_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("app.jsonl"),
        "{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"info\", \"message\": \"fine\"}\n",
    )
    .unwrap();
    let text = report(tmp.path(), &[]);
    assert!(text.contains("## Errors\n\nNone."), "{text}");
    assert!(!text.contains("## Sessions with errors"), "{text}");
}

#[test]
fn the_header_counts_only_what_the_query_selects() {
    let tmp = tempfile::tempdir().unwrap();
    two_sessions(tmp.path());
    std::fs::write(
        tmp.path().join("other-2026-05-16.jsonl"),
        "{\"ts\": \"2026-05-16T08:00:00Z\", \"level\": \"warn\", \"session\": \"c3\", \"user\": \"Cy\", \"message\": \"slow\"}\n",
    )
    .unwrap();
    let text = report(tmp.path(), &["-q", "user:Ben"]);
    // Ben: his session start and his one error, in one file of the two read.
    assert!(text.contains("- **Files**: 1 of 2 read (`datatools-2026-05-17.jsonl`)\n"), "{text}");
    assert!(text.contains("- **Events**: 2 in 1 session, 1 with errors; 1 errors, 0 warnings\n"), "{text}");
    assert!(text.contains("- **From** 2026-05-17 09:00:05 **to** 2026-05-17 09:02:30 (UTC)\n"), "{text}");

    let all = report(tmp.path(), &[]);
    assert!(all.contains("- **Files**: 2 ("), "{all}");
    assert!(all.contains("- **Events**: 10 in 3 sessions, 2 with errors; 4 errors, 1 warnings\n"), "{all}");
    assert!(all.contains("- **From** 2026-05-16 08:00:00 **to** 2026-05-17 09:16:00 (UTC)\n"), "{all}");
}
