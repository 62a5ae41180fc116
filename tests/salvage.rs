//! Cut lines keep what they said: a JSON line cut off by a crash or by another writer's
//! line stays an unparsed line (counted, listed with file:line and why), and carries the
//! time, level, session, category and message start written before the cut, so that
//! `level:error`, `e`/`E`, the error groups and the counts find it.

mod common;

use audit_tui::ingest::dialects::facts::{Salvage, salvage};
use audit_tui::ingest::time::{TimeReader, Zone};
use audit_tui::json::scan::ScanError;
use audit_tui::model::{Level, flag};
use common::*;
use serde_json::Value;
use std::process::Command;

/// Salvages one line that failed to parse as the index would see it fail.
fn salvaged(line: &str) -> Option<Salvage<'_>> {
    let error = match audit_tui::json::scan::scan_object(line.as_bytes(), |_, _| {}) {
        Err(e) => e,
        Ok(()) => panic!("{line} parses whole"),
    };
    salvage(line.as_bytes(), error, &mut TimeReader::new(Zone::Utc))
}

fn message(s: &Salvage<'_>) -> String {
    s.facts.message.map(|m| m.text().into_owned()).unwrap_or_default()
}

fn text(t: Option<audit_tui::ingest::dialects::facts::Text<'_>>) -> String {
    t.map(|t| t.text().into_owned()).unwrap_or_default()
}

// 2026-05-17T11:02:03Z
const T: i64 = 1_779_015_723_000;

#[test]
fn a_datatools_line_cut_inside_its_message_keeps_every_field_before_and_the_message_start() {
    let s = salvaged(
        r#"{"ts":"2026-05-17T11:02:03Z","level":"error","category":"error","session":"7d41e9b2","message":"tool_run: SystemError: <built-in method encode of str obj"#,
    )
    .expect("salvaged");
    assert_eq!(s.facts.time, Some(T));
    assert_eq!(s.facts.level, Level::Error);
    assert_eq!(text(s.facts.category), "error");
    assert_eq!(text(s.facts.session), "7d41e9b2");
    assert_eq!(message(&s), "tool_run: SystemError: <built-in method encode of str obj");
    assert!(s.message_cut);
    assert_eq!(s.what(), "time, level, session, category, message (start)");
}

#[test]
fn a_line_cut_inside_a_string_value_that_is_not_a_message_keeps_nothing_of_that_value() {
    // `"category":"err` may have been `errata`: only a message's start is worth keeping.
    let s = salvaged(r#"{"ts":"2026-05-17T11:02:03Z","level":"error","category":"err"#).expect("salvaged");
    assert_eq!((s.facts.time, s.facts.level), (Some(T), Level::Error));
    assert_eq!(s.facts.category, None);
    // Nor a level cut short.
    let s = salvaged(r#"{"ts":"2026-05-17T11:02:03Z","level":"err"#).expect("the time is salvaged");
    assert_eq!(s.facts.level, Level::None);
}

#[test]
fn a_pino_line_with_a_numeric_level_is_salvaged_through_the_same_aliases() {
    let s = salvaged(r#"{"level":50,"time":1779015723000,"pid":4711,"hostname":"web-1","msg":"connection reset by pe"#)
        .expect("salvaged");
    assert_eq!(s.facts.level, Level::Error);
    assert_eq!(s.facts.time, Some(T));
    assert_eq!((text(s.facts.host), text(s.facts.pid)), ("web-1".into(), "4711".into()));
    assert_eq!(message(&s), "connection reset by pe");
    // pino's fatal (60) too, and structlog's `event` + `critical`.
    assert_eq!(salvaged(r#"{"level":60,"time":1779015723000,"msg":"out of mem"#).unwrap().facts.level, Level::Fatal);
    let s = salvaged(r#"{"timestamp":"2026-05-17T11:02:03Z","level":"critical","event":"db pool exhau"#).unwrap();
    assert_eq!((s.facts.level, message(&s)), (Level::Fatal, "db pool exhau".to_string()));
}

#[test]
fn a_number_that_runs_to_the_cut_is_not_trusted() {
    // `"time":17790` may have been 1779015723000.
    let s = salvaged(r#"{"level":50,"time":17790"#).expect("the level is salvaged");
    assert_eq!((s.facts.level, s.facts.time), (Level::Error, None));
}

#[test]
fn a_line_cut_inside_a_key_keeps_the_members_before_it() {
    let s = salvaged(r#"{"ts":"2026-05-17T11:02:03Z","level":"error","session":"a1","categ"#).expect("salvaged");
    assert_eq!((s.facts.time, s.facts.level, text(s.facts.session)), (Some(T), Level::Error, "a1".into()));
    assert_eq!(s.facts.category, None);
    assert_eq!(s.facts.message, None);
    assert!(!s.message_cut);
}

#[test]
fn a_line_cut_after_a_comma_keeps_the_members_before_it() {
    let s = salvaged(r#"{"ts":"2026-05-17T11:02:03Z","level":"fatal","message":"disk full","#).expect("salvaged");
    assert_eq!((s.facts.time, s.facts.level), (Some(T), Level::Fatal));
    assert_eq!(message(&s), "disk full");
    assert!(!s.message_cut, "the message was written whole");
}

#[test]
fn a_line_with_only_a_key_says_nothing_and_is_not_salvaged() {
    assert!(salvaged(r#"{"ts":"#).is_none());
    assert!(salvaged(r#"{"ts":"2026-05-17T11:0"#).is_none());
    assert!(salvaged("{").is_none());
}

#[test]
fn an_escape_or_a_character_cut_in_half_is_left_out_of_the_message() {
    assert_eq!(message(&salvaged(r#"{"level":"error","message":"caf\u00"#).unwrap()), "caf");
    assert_eq!(message(&salvaged(r#"{"level":"error","message":"a\"b\"#).unwrap()), "a\"b");
    let cut_in_utf8 = "{\"level\":\"error\",\"message\":\"Jos\u{e9}";
    let bytes = &cut_in_utf8.as_bytes()[..cut_in_utf8.len() - 1];
    let s = salvage(bytes, ScanError::Truncated, &mut TimeReader::new(Zone::Utc)).unwrap();
    assert_eq!(message(&s), "Jos");
}

#[test]
fn a_spliced_writer_s_line_ends_the_salvage_where_it_starts() {
    // Writer A's line breaks off inside its category; writer B's whole line follows.
    let s = salvaged(
        r#"{"ts":"2026-05-17T11:02:03Z","level":"error","session":"a1","message":"boom","category":"err{"ts":"2026-05-17T11:02:04Z","level":"info","session":"b2","message":"fine"}"#,
    )
    .expect("salvaged");
    assert_eq!((s.facts.time, s.facts.level, text(s.facts.session)), (Some(T), Level::Error, "a1".into()));
    assert_eq!(message(&s), "boom");
    // Cut after a comma, then the other line.
    let s = salvaged(r#"{"ts":"2026-05-17T11:02:03Z","level":"warn",{"ts":"2026-05-17T11:02:04Z","level":"info"}"#)
        .expect("salvaged");
    assert_eq!((s.facts.time, s.facts.level), (Some(T), Level::Warn));
}

#[test]
fn a_message_inside_a_transparent_wrapper_is_salvaged() {
    let s = salvaged(r#"{"timestamp":"2026-05-17T11:02:03Z","jsonPayload":{"severity":"ERROR","message":"quota exc"#)
        .expect("salvaged");
    assert_eq!((s.facts.level, message(&s)), (Level::Error, "quota exc".into()));
    // and in a container (`fields.message`, tracing).
    let s = salvaged(r#"{"timestamp":"2026-05-17T11:02:03Z","level":"ERROR","fields":{"message":"panic in wor"#)
        .expect("salvaged");
    assert_eq!((s.facts.level, message(&s)), (Level::Error, "panic in wor".into()));
}

// ---------------------------------------------------------------------------
// In the index

fn write_log(dir: &std::path::Path, lines: &[&str]) -> std::path::PathBuf {
    let path = dir.join("app-2026-05-17.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

const TWO_WRITERS: [&str; 5] = [
    r#"{"ts":"2026-05-17T11:00:00Z","level":"info","category":"session","session":"a1","message":"Session started","user":"Ana"}"#,
    r#"{"ts":"2026-05-17T11:01:00Z","level":"info","category":"nav","session":"a1","message":"Opened Home"}"#,
    r#"{"ts":"2026-05-17T11:02:03Z","level":"error","category":"error","session":"j2","message":"MemoryError: Unable to allo"#,
    r#"{"ts":"2026-05-17T11:03:00Z","level":"info","category":"nav","session":"a1","message":"Opened Import"}"#,
    r#"{"ts":"2026-05-17T11:0"#,
];

#[test]
fn a_cut_error_line_stays_unparsed_and_counts_as_an_error_in_its_group() {
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), &TWO_WRITERS);
    let index = index_of(dir.path().to_str().unwrap());
    assert_eq!(index.len(), 5);
    assert_eq!(index.unparsed_count(), 2);
    assert_eq!(index.salvaged, 1);
    assert_eq!(index.error_count(), 1);
    assert_eq!(index.unparsed_levels[Level::Error as usize], 1);
    let cut = (0..index.len()).filter_map(|i| index.event(i)).find(|e| e.level().is_error()).unwrap();
    assert!(cut.is_unparsed() && cut.has(flag::OWN_TIME) && index.is_cut(cut));
    assert_eq!(cut.time(), T);
    assert_eq!(index.categories.name(cut.category()), "error");
    assert_eq!(index.session(cut.session()).unwrap().id, "j2");
    assert_eq!(index.location(cut), "app-2026-05-17.jsonl:3");
    // Its group is titled from what was salvaged.
    assert_eq!(index.groups.len(), 1);
    assert_eq!(index.groups[0].title, "[cut] MemoryError: Unable to allo...");
    // The line with nothing to salvage is unparsed as before.
    let u = &index.unparsed[1];
    assert_eq!((u.line, u.salvaged_level(), u.is_salvaged()), (5, None, false));
    assert_eq!(index.unparsed[0].salvaged_level(), Some(Level::Error));
    // The failed session counts it.
    let j2 = index.listed_sessions().find(|(_, s)| s.id == "j2").unwrap().1;
    assert_eq!((j2.errors, j2.unparsed), (1, 1));
}

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let out = binary().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn non_blank_lines(dir: &std::path::Path) -> u64 {
    let mut n = 0;
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        if entry.extension().is_some_and(|e| e == "gz") {
            let mut d = flate2::read::MultiGzDecoder::new(&bytes[..]);
            let mut plain = Vec::new();
            std::io::Read::read_to_end(&mut d, &mut plain).unwrap();
            n += plain.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()).count() as u64;
        } else {
            n += bytes.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()).count() as u64;
        }
    }
    n
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn summary_json_says_how_many_unparsed_lines_were_salvaged_and_how_many_errors_are_cut() {
    let dir = tempfile::tempdir().unwrap();
    write_log(dir.path(), &TWO_WRITERS);
    let v: Value =
        serde_json::from_str(&stdout(&["summary", "--utc", "--json", dir.path().to_str().unwrap()])).unwrap();
    assert_eq!(v["events"], 3);
    assert_eq!(v["unparsed"], 2);
    assert_eq!(v["salvaged"], 1);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["cut_errors"], 1);
    // `levels` counts events only: events + unparsed = non-blank lines.
    let levels: u64 = v["levels"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(levels, 3);
    assert_eq!(v["events"].as_u64().unwrap() + v["unparsed"].as_u64().unwrap(), non_blank_lines(dir.path()));
    let lines = v["unparsed_lines"].as_array().unwrap();
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[0]["reason"], "truncated JSON (line ends inside the object)");
    assert_eq!(lines[0]["salvaged_level"], "error");
    assert!(lines[1].get("salvaged_level").is_none(), "{}", lines[1]);
}

#[test]
fn the_sample_s_final_crash_is_an_error_of_session_7d41() {
    let sample = path(SAMPLE);
    let sample = sample.to_str().unwrap();
    let v: Value = serde_json::from_str(&stdout(&["summary", "--utc", "--json", sample])).unwrap();
    assert_eq!((v["unparsed"].as_u64(), v["salvaged"].as_u64(), v["cut_errors"].as_u64()), (Some(1), Some(1), Some(1)));
    let errors = v["errors"].as_u64().unwrap();
    assert_eq!(errors, v["levels"]["error"].as_u64().unwrap() + 1, "the cut line is an error, not an event");
    // One line per record in the crash day's file: events + unparsed = non-blank lines.
    let day = path(SAMPLE).join("datatools");
    let v: Value = serde_json::from_str(&stdout(&[
        "summary",
        "--utc",
        "--json",
        day.join("datatools-2026-05-17.jsonl").to_str().unwrap(),
    ]))
    .unwrap();
    let lines = std::fs::read_to_string(day.join("datatools-2026-05-17.jsonl")).unwrap();
    let non_blank = lines.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    assert_eq!((v["events"].as_u64().unwrap(), v["unparsed"].as_u64().unwrap()), (non_blank - 1, 1));
    // The README's walkthrough query finds it, last.
    let csv = stdout(&["export", "--utc", "--format", "csv", "-q", "session:7d41 level:error", sample]);
    let last = csv.lines().last().unwrap();
    assert!(last.ends_with(",datatools/datatools-2026-05-17.jsonl,193"), "{last}");
    assert!(last.starts_with("2026-05-17T16:20:03.412Z,error,error,7d41e9b2,"), "{last}");
    // `errors` and the report list its group.
    let errors_text = stdout(&["errors", "--utc", sample]);
    assert!(errors_text.contains("[cut] tool_run(<n>_Text_Cleaner): SystemError"), "{errors_text}");
    let report = stdout(&["report", "--utc", "-q", "session:7d41", sample]);
    assert!(report.contains("SystemError"), "{report}");
    // It stays listed as an unreadable line.
    let summary = stdout(&["summary", "--utc", sample]);
    assert!(
        summary.contains("datatools/datatools-2026-05-17.jsonl:193  truncated JSON (line ends inside the object) · cut, salvaged level error"),
        "{summary}"
    );
}

// ---------------------------------------------------------------------------
// In the explorer

#[test]
fn level_error_and_e_reach_the_sample_s_cut_line_193() {
    let mut app = app_for(SAMPLE);
    let cut = (0..app.index.len() as u32)
        .find(|&i| app.index.event(i as usize).is_some_and(|e| app.index.is_cut(e)))
        .expect("a cut line in the sample");
    assert_eq!(app.index.location(app.index.event(cut as usize).unwrap()), "datatools/datatools-2026-05-17.jsonl:193");

    press(&mut app, "/");
    type_text(&mut app, "session:7d41 level:error");
    press(&mut app, "Enter G");
    assert_eq!(app.selected_id(), Some(cut), "the last error of the session is the crash");
    press(&mut app, "Esc");

    // `e` steps through every error row, the cut line included; `E` steps back.
    let errors: Vec<u32> = (0..app.index.len() as u32)
        .filter(|&i| app.index.event(i as usize).is_some_and(|e| e.level().is_error()))
        .collect();
    assert!(errors.contains(&cut));
    let walk = |app: &mut audit_tui::ui::app::App, key: &str| {
        let mut seen = Vec::new();
        for _ in 0..=errors.len() {
            press(app, key);
            let id = app.selected_id().unwrap();
            if seen.last() == Some(&id) {
                break;
            }
            seen.push(id);
        }
        seen
    };
    press(&mut app, "g");
    let first_is_error = errors[0] == app.selected_id().unwrap();
    let forward = walk(&mut app, "e");
    assert_eq!(forward, errors[usize::from(first_is_error)..]);
    press(&mut app, "G");
    let backward = walk(&mut app, "E");
    assert!(backward.contains(&cut), "E reaches the cut line");
    assert!(backward.windows(2).all(|w| w[0] > w[1]) && backward.iter().all(|id| errors.contains(id)));
}

#[test]
fn the_timeline_row_and_the_detail_say_cut_and_what_was_salvaged() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "session:7d41 level:error");
    press(&mut app, "Enter G Enter");
    let screen = screen(&app, 160, 45);
    let row = screen.lines().find(|l| l.contains("16:20:03.412")).expect("the row");
    assert!(row.contains("ERROR error") && row.contains("cut: tool_run(2_Text_Cleaner): SystemError"), "{row}");
    assert!(screen.contains("CUT ERROR"), "{screen}");
    assert!(screen.contains("cut line: truncated JSON (line ends inside the object)"), "{screen}");
    assert!(screen.contains("salvaged time, level, session, category, message (start)"), "{screen}");
    assert!(screen.contains("group ×1"), "{screen}");
}
