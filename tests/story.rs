//! The session story and the seeds' commands through the real binary: `report --session`
//! (golden Markdown for the sample's failing session), `report --user [--days]`,
//! `report --since/--until`, `recent`, and `errors --by`, with exact counts on a small
//! bundle of three DataTools days and a tool_audit file. Every run passes `--utc`.

mod common;

use common::raw_hazards;
use std::path::Path;
use std::process::{Command, Output};

fn audit_tui() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR").current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `audit-tui <command> --utc <args>`.
fn output(command: &str, args: &[&str]) -> Output {
    audit_tui().arg(command).arg("--utc").args(args).output().expect("the binary runs")
}

fn text(command: &str, args: &[&str]) -> String {
    let out = output(command, args);
    assert!(out.status.success(), "{command} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(raw_hazards(&text).is_empty(), "raw control characters in {text:?}");
    text
}

fn json(command: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&text(command, args)).expect("--json prints JSON")
}

/// The version is not part of the golden text.
fn versionless(text: &str) -> String {
    text.replace(&format!("(audit-tui {})", env!("CARGO_PKG_VERSION")), "(audit-tui VERSION)")
}

/// Ana's session `a1b2c3` on 05-15 (her environment in its start event; three uploads of
/// one file; an idle gap; "run the analysis, it fails" twice), Ben's `a1ff00` on 05-16
/// (one PermissionError), Ana's `c9d8e7` on 05-17 (a MemoryError, a warning), and cy's
/// tool calls on 05-17 (a `read_file` that fails). The newest event is 05-17 08:32.
fn bundle(dir: &Path) {
    let files: [(&str, &[&str]); 4] = [
        (
            "datatools-2026-05-15.jsonl",
            &[
                r#"{"ts": "2026-05-15T09:00:00Z", "level": "info", "category": "session", "session": "a1b2c3", "message": "Session started", "platform": "Windows 11", "python": "3.12.1", "app_version": "2.4.0", "host": "PC-7", "cwd": "C:\\Users\\Ana\\Documents", "user": "Ana"}"#,
                r#"{"ts": "2026-05-15T09:01:00Z", "level": "info", "category": "nav", "session": "a1b2c3", "message": "Opened Import"}"#,
                r#"{"ts": "2026-05-15T09:02:00Z", "level": "info", "category": "upload", "session": "a1b2c3", "message": "Uploaded q1.csv"}"#,
                r#"{"ts": "2026-05-15T09:02:30Z", "level": "info", "category": "upload", "session": "a1b2c3", "message": "Uploaded q1.csv"}"#,
                r#"{"ts": "2026-05-15T09:03:00Z", "level": "info", "category": "upload", "session": "a1b2c3", "message": "Uploaded q1.csv"}"#,
                r#"{"ts": "2026-05-15T09:03:01Z", "level": "debug", "category": "upload", "session": "a1b2c3", "message": "cache hit"}"#,
                r#"{"ts": "2026-05-15T09:20:00Z", "level": "info", "category": "analyze", "session": "a1b2c3", "message": "Run analysis on 1 file"}"#,
                r#"{"ts": "2026-05-15T09:20:05Z", "level": "error", "category": "error", "session": "a1b2c3", "message": "analyze(q1.csv): ParserError: bad row 7", "exc_type": "ParserError"}"#,
                r#"{"ts": "2026-05-15T09:21:00Z", "level": "info", "category": "analyze", "session": "a1b2c3", "message": "Run analysis on 1 file"}"#,
                r#"{"ts": "2026-05-15T09:21:05Z", "level": "error", "category": "error", "session": "a1b2c3", "message": "analyze(q1.csv): ParserError: bad row 7", "exc_type": "ParserError"}"#,
            ],
        ),
        (
            "datatools-2026-05-16.jsonl",
            &[
                r#"{"ts": "2026-05-16T10:00:00Z", "level": "info", "category": "session", "session": "a1ff00", "message": "Session started", "user": "Ben", "platform": "macOS 15"}"#,
                r#"{"ts": "2026-05-16T10:05:00Z", "level": "error", "category": "error", "session": "a1ff00", "message": "save: PermissionError: denied", "exc_type": "PermissionError"}"#,
            ],
        ),
        (
            "datatools-2026-05-17.jsonl",
            &[
                r#"{"ts": "2026-05-17T08:00:00Z", "level": "info", "category": "session", "session": "c9d8e7", "message": "Session started", "user": "Ana", "platform": "Windows 11"}"#,
                r#"{"ts": "2026-05-17T08:01:00Z", "level": "error", "category": "error", "session": "c9d8e7", "message": "run: MemoryError: out of memory", "exc_type": "MemoryError"}"#,
                r#"{"ts": "2026-05-17T08:02:00Z", "level": "warn", "category": "tool_run", "session": "c9d8e7", "message": "slow run"}"#,
            ],
        ),
        (
            "tools-2026-05-17.jsonl",
            &[
                r#"{"ts": "2026-05-17T08:30:00Z", "user": "cy", "tool": "read_file", "args": {"path": "a.md"}, "status": "ok", "result_chars": 10, "result_snippet": "hello"}"#,
                r#"{"ts": "2026-05-17T08:31:00Z", "user": "cy", "tool": "read_file", "args": {"path": "b.md"}, "status": "error", "result_chars": 40, "result_snippet": "FileNotFoundError: [Errno 2] No such file or directory: 'b.md'"}"#,
                r#"{"ts": "2026-05-17T08:32:00Z", "user": "cy", "tool": "bash", "args": {"command": "ls"}, "status": "ok", "result_chars": 3, "result_snippet": "a.md"}"#,
            ],
        ),
    ];
    for (name, lines) in files {
        std::fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
    }
}

fn with_bundle() -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    bundle(tmp.path());
    let path = tmp.path().to_string_lossy().into_owned();
    (tmp, path)
}

// ---------------------------------------------------------------------------
// report --session

#[test]
fn the_sample_failing_session_story_is_golden() {
    let story = text("report", &["examples/mailed-logs", "--session", common::FAILED_SESSION]);
    insta::assert_snapshot!("session_story_7d41e9b2", versionless(&story));
}

#[test]
fn a_prefix_finds_the_session_and_tells_its_story() {
    let (_tmp, dir) = with_bundle();
    let story = text("report", &[&dir, "--session", "a1b"]);
    assert!(story.starts_with("# Session `a1b2c3`: Ana\n"), "{story}");
    assert!(story.contains("- **Span**: 2026-05-15 09:00:00 → 09:21:05 (21m 05s, times UTC)\n"), "{story}");
    assert!(story.contains("- **Counts**: 10 events, 2 errors (1 kind), 0 warnings\n"), "{story}");
    // The environment as the start event logged it.
    for row in [
        "| user | `Ana` |",
        "| OS | `Windows 11` |",
        "| Python / runtime | `Python 3.12.1` |",
        "| app version | `2.4.0` |",
        "| host | `PC-7` |",
        "| cwd | `C:\\Users\\Ana\\Documents` |",
    ] {
        assert!(story.contains(&format!("{row}\n")), "{row} in {story}");
    }
    // Steps: the debug line is not an action, the three uploads fold, the idle gap shows,
    // and "run the analysis, it fails" twice folds into one block.
    let steps = "## Steps to reproduce (5)\n\n\
        1. 09:00:00 Session started\n\
        2. 09:01:00 Opened Import\n\
        3. 09:02:00 Uploaded q1.csv ×3 (until 09:03:00)\n   *(idle 17m 00s)*\n\
        4. 09:20:00 Run analysis on 1 file\n\
        5. 09:20:05 **error**: analyze(q1.csv): ParserError: bad row 7\n   *↻ steps 4–5 ×2, until 09:21:05*\n";
    assert!(story.contains(steps), "{story}");
    // Each error, with what its session did before it.
    assert!(story.contains("## Errors (2)\n"), "{story}");
    assert!(story.contains("### 1. 09:20:05 `analyze(q1.csv): ParserError: bad row 7`"), "{story}");
    assert!(story.contains("### 2. 09:21:05 `analyze(q1.csv): ParserError: bad row 7`"), "{story}");
    assert!(story.contains("- at `datatools-2026-05-15.jsonl:10`; this kind: 2 times in this session"), "{story}");
    assert!(
        story.contains("     -5s 09:21:00 INFO  analyze Run analysis on 1 file\n  ▶ this 09:21:05 ERROR"),
        "{story}"
    );
    assert!(story.contains("- **Categories**: upload 4 · analyze 2 · error 2 · nav 1 · session 1\n"), "{story}");
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates_and_exits_2() {
    let (_tmp, dir) = with_bundle();
    let out = output("report", &[&dir, "--session", "a1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 sessions start with \"a1\"; give more of the id:"), "{err}");
    assert!(err.contains("  a1b2c3  2026-05-15 09:00:00  Ana\n"), "{err}");
    assert!(err.contains("  a1ff00  2026-05-16 10:00:00  Ben\n"), "{err}");

    let out = output("report", &[&dir, "--session", "zz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no session id starts with \"zz\""));
}

#[test]
fn a_long_session_keeps_the_steps_that_lead_to_its_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for k in 0..30 {
        lines.push(format!(
            r#"{{"ts": "2026-05-17T09:{:02}:00Z", "level": "info", "category": "{}", "session": "s1", "message": "Opened page {k}"}}"#,
            k,
            if k % 2 == 0 { "nav" } else { "tool_run" }
        ));
    }
    lines.push(r#"{"ts": "2026-05-17T09:31:00Z", "level": "error", "session": "s1", "message": "boom"}"#.into());
    std::fs::write(tmp.path().join("app.jsonl"), lines.join("\n") + "\n").unwrap();
    let story = text("report", &[&tmp.path().to_string_lossy(), "--session", "s1", "--steps", "10"]);
    assert!(story.contains("## Steps to reproduce (31)\n\n1. 09:00:00 Opened page 0\n"), "{story}");
    assert!(
        story.contains(
            "   *… steps 2–22 left out (09:01:00–09:21:00): tool\\_run 11 · nav 10*\n23. 09:22:00 Opened page 22\n"
        ),
        "{story}"
    );
    assert!(story.contains("31. 09:31:00 **error**: boom\n"), "{story}");
    assert!(story.contains("Every event: `audit-tui "), "{story}");
}

#[test]
fn the_story_escapes_log_text() {
    let tmp = tempfile::tempdir().unwrap();
    let line = "{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"error\", \"session\": \"s1\", \"cwd\": \"/tmp/\\u001b[31m|x\", \"message\": \"bad \u{202E}txt.exe\"}\n";
    std::fs::write(tmp.path().join("app.jsonl"), line).unwrap();
    let story = text("report", &[&tmp.path().to_string_lossy(), "--session", "s1"]);
    assert!(story.contains("<U+202E>") && story.contains("\\x1b"), "{story}");
    assert!(story.contains("| cwd | `/tmp/\\x1b[31m\\|x` |"), "a pipe cannot end the cell: {story}");
}

// ---------------------------------------------------------------------------
// report --user, --days, --since/--until

#[test]
fn a_user_report_counts_that_users_errors_by_type() {
    let (_tmp, dir) = with_bundle();
    let all = text("report", &[&dir, "--user", "ana"]);
    assert!(all.starts_with("# Error history: Ana\n"), "{all}");
    assert!(all.contains("- **Events**: 13 in 2 sessions, 2 with errors; 3 errors, 1 warnings\n"), "{all}");
    assert!(all.contains("## Errors by type (3 in 2 types)\n"), "{all}");
    assert!(
        all.contains(
            "| ParserError | 2 | 1 | 2026-05-15 09:20 | 2026-05-15 09:21 | analyze(q1.csv): ParserError: bad row 7 |\n"
        ),
        "{all}"
    );
    assert!(
        all.contains(
            "| MemoryError | 1 | 1 | 2026-05-17 08:01 | 2026-05-17 08:01 | run: MemoryError: out of memory |\n"
        ),
        "{all}"
    );
    assert!(all.contains("## Sessions (2)\n"), "{all}");
    assert!(all.contains("-q user:Ana`"), "{all}");

    // --days 1 counts back from the newest event (05-17 08:32), not from today.
    let last_day = text("report", &[&dir, "--user", "Ana", "--days", "1"]);
    assert!(
        last_day.contains(
            "- **Window**: the last 1 day up to the newest event in the bundle (2026-05-16 08:32 → 2026-05-17 08:32)\n"
        ),
        "{last_day}"
    );
    assert!(last_day.contains("- **Events**: 3 in 1 session, 1 with errors; 1 errors, 1 warnings\n"), "{last_day}");
    assert!(last_day.contains("## Errors by type (1 in 1 type)\n"), "{last_day}");
    assert!(!last_day.contains("ParserError"), "{last_day}");

    let out = output("report", &[&dir, "--user", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the users are: Ana, Ben, cy"));
}

#[test]
fn days_scope_the_plain_report_from_the_newest_event() {
    let (_tmp, dir) = with_bundle();
    let report = text("report", &[&dir, "--days", "1"]);
    // 05-16 08:32 on: Ben's session, Ana's of 05-17 and cy's calls; not Ana's of 05-15.
    assert!(report.contains("- **Files**: 3 of 4 read ("), "{report}");
    assert!(report.contains("- **Events**: 8 in 3 sessions, 3 with errors; 3 errors, 1 warnings\n"), "{report}");
    assert!(report.contains("- **From** 2026-05-16 10:00:00 **to** 2026-05-17 08:32:00 (UTC)\n"), "{report}");
    assert!(report.contains("- **Only** events matching `since:2026-05-16T08:32:00`: 8\n"), "{report}");
    assert!(!report.contains("a1b2c3"), "{report}");
}

#[test]
fn since_and_until_sum_up_each_day() {
    let (_tmp, dir) = with_bundle();
    let daily = text("report", &[&dir, "--since", "2026-05-14", "--until", "2026-05-16"]);
    assert!(daily.starts_with("# Daily summary: "), "{daily}");
    assert!(daily.contains("- **Window**: 2026-05-14 00:00 → 2026-05-16 23:59\n"), "{daily}");
    assert!(daily.contains("- **Events**: 12 in 2 sessions, 2 with errors; 3 errors, 0 warnings\n"), "{daily}");
    assert!(daily.contains("- **No events on**: 2026-05-14\n"), "{daily}");
    let table = "| day | events | errors | warnings | sessions | with errors | unreadable |\n\
        |---|--:|--:|--:|--:|--:|--:|\n\
        | 2026-05-15 (Fri) | 10 | 2 | 0 | 1 | 1 | 0 |\n\
        | 2026-05-16 (Sat) | 2 | 1 | 0 | 1 | 1 | 0 |\n";
    assert!(daily.contains(table), "{daily}");
    assert!(
        daily.contains(
            "## 2026-05-15 (Fri)\n\n- **Events**: 10; without error 8 (80.0 %), errors 2 (20.0 %); warnings 0\n"
        ),
        "{daily}"
    );
    assert!(daily.contains("- **Sessions**: 1 (1 with errors); **users**: Ana\n"), "{daily}");
    assert!(daily.contains("  - 2 × `analyze(<file>): ParserError: bad row <n>` (09:20–09:21; `a1b2c3`)\n"), "{daily}");
    assert!(!daily.contains("## 2026-05-17"), "{daily}");

    let out = output("report", &[&dir, "--since", "2026-05-17", "--until", "2026-05-15"]);
    assert_eq!(out.status.code(), Some(2));
    let out = output("report", &[&dir, "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------
// recent

#[test]
fn recent_lists_the_newest_events_first() {
    let (_tmp, dir) = with_bundle();
    let rows = json("recent", &[&dir, "--limit", "3", "--json"]);
    let rows = rows.as_array().expect("an array");
    let times: Vec<&str> = rows.iter().map(|r| r["time"].as_str().unwrap()).collect();
    assert_eq!(times, ["2026-05-17T08:32:00.000Z", "2026-05-17T08:31:00.000Z", "2026-05-17T08:30:00.000Z"]);
    assert_eq!(rows[1]["level"], "error");
    assert_eq!(rows[1]["category"], "read_file");
    assert_eq!(rows[1]["user"], "cy");

    // --minutes counts back from the newest event: 08:02 is 30 minutes before 08:32.
    let rows = json("recent", &[&dir, "--minutes", "30", "--limit", "100", "--json"]);
    assert_eq!(rows.as_array().unwrap().len(), 4);

    let rows = json("recent", &[&dir, "--tool", "READ_FILE", "--json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["category"] == "read_file"));

    let out = text("recent", &[&dir, "--limit", "2", "-q", "level:error"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("2026-05-17 08:31:00  ERROR  read_file "), "{out}");
    assert!(lines[1].starts_with("2026-05-17 08:01:00  ERROR  error "), "{out}");
    assert_eq!(lines[2], "2 events newest first (latest 2026-05-17 08:31:00)");
}

// ---------------------------------------------------------------------------
// errors --by

#[test]
fn errors_by_type_user_and_category_with_exact_counts() {
    let (_tmp, dir) = with_bundle();
    let by_type = json("errors", &[&dir, "--by", "type", "--json"]);
    let counts: Vec<(String, u64)> = by_type
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["count"].as_u64().unwrap()))
        .collect();
    let want = [("ParserError", 2), ("FileNotFoundError", 1), ("MemoryError", 1), ("PermissionError", 1)];
    assert_eq!(counts, want.map(|(k, n)| (k.to_string(), n)));

    let by_user = text("errors", &[&dir, "--by", "user"]);
    let lines: Vec<&str> = by_user.lines().collect();
    assert_eq!(lines[0], "USER       COUNT  SESSIONS  USERS  GROUPS  FIRST             LAST");
    assert_eq!(lines[1], "Ana            3         2      1       2  2026-05-15 09:20  2026-05-17 08:01");
    // Ties: the most recent first.
    assert!(lines[2].starts_with("cy             1 ") && lines[3].starts_with("Ben            1 "), "{by_user}");
    assert_eq!(lines.last(), Some(&"5 errors, 3 users"));

    let by_category = json("errors", &[&dir, "--by", "category", "--days", "1", "--json"]);
    let counts: Vec<(String, u64)> = by_category
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(counts, [("error".to_string(), 2), ("read_file".to_string(), 1)]);

    // --days on the group list too.
    let groups = json("errors", &[&dir, "--days", "1", "--json"]);
    assert_eq!(groups.as_array().unwrap().len(), 3);
}

#[test]
fn help_says_windows_count_from_the_newest_event() {
    for (command, flag) in [("errors", "--days"), ("report", "--days"), ("recent", "--minutes")] {
        let out = audit_tui().args([command, "--help"]).output().unwrap();
        let help =
            String::from_utf8_lossy(&out.stdout).replace('\n', " ").split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains(flag) && help.contains("newest event in the bundle (not the wall clock"),
            "{command}: {help}"
        );
    }
}

#[test]
fn a_session_without_errors_says_so() {
    let (_tmp, dir) = with_bundle();
    let story = text("report", &[&dir, "--session", "cy@"]);
    assert!(story.contains("- **Counts**: 3 events, 1 error (1 kind), 0 warnings\n"), "{story}");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("app.jsonl"),
        "{\"ts\": \"2026-05-17T09:00:00Z\", \"level\": \"info\", \"session\": \"ok1\", \"message\": \"fine\"}\n",
    )
    .unwrap();
    let story = text("report", &[&tmp.path().to_string_lossy(), "--session", "ok1"]);
    assert!(story.contains("- **Counts**: 1 event, 0 errors, 0 warnings\n"), "{story}");
    assert!(story.contains("## Errors\n\nNone in this session.\n"), "{story}");
}
