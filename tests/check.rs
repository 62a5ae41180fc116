//! `audit-tui check` and the explorer's bundle-check banner: the golden report on the
//! bundled sample, one temp folder per kind of finding, the exit status, and the `c`
//! overlay driven through `update`.

mod common;

use audit_tui::ingest::time::Zone;
use audit_tui::report::check::Pending;
use audit_tui::ui::msg::Msg;
use common::*;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn check(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-tui"));
    cmd.env_remove("AUDIT_TUI_TZ").env_remove("DATATOOLS_AUDIT_DIR");
    cmd.arg("check").arg("--utc").args(args).output().unwrap()
}

fn json(dir: &Path) -> (Value, Option<i32>) {
    let out = check(&["--json", dir.to_str().unwrap()]);
    (serde_json::from_slice(&out.stdout).expect("--json prints JSON"), out.status.code())
}

fn text(dir: &Path) -> (String, Option<i32>) {
    let out = check(&[dir.to_str().unwrap()]);
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

/// A DataTools daily file: two events on `day` (`2026-03-02`).
fn daily(day: &str) -> String {
    format!(
        "{{\"ts\":\"{day}T09:00:00Z\",\"level\":\"info\",\"category\":\"nav\",\"session\":\"s{day}\",\"message\":\"a\"}}\n\
         {{\"ts\":\"{day}T09:05:00Z\",\"level\":\"info\",\"category\":\"nav\",\"session\":\"s{day}\",\"message\":\"b\"}}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_sample_s_check_is_golden_and_exits_1() {
    let (report, code) = text(&path(SAMPLE));
    assert_eq!(code, Some(1), "the sample has a cut line and two skipped files");
    insta::assert_snapshot!(report);
    let (v, _) = json(&path(SAMPLE));
    assert_eq!(v["ok"], false);
    assert_eq!(v["unreadable"][0]["file"], "datatools/datatools-2026-05-17.jsonl");
    assert_eq!(v["unreadable"][0]["line"], 193);
    assert_eq!(v["unreadable"][0]["salvaged_level"], "error");
    assert_eq!(v["missing_days"].as_array().unwrap().len(), 0, "05-11 (gzipped) to 05-17, none missing");
    let datatools = v["sources"].as_array().unwrap().iter().find(|s| s["source"] == "datatools/datatools-{date}.jsonl");
    let datatools = datatools.expect("the daily series");
    assert_eq!(
        (datatools["files"].as_u64(), datatools["named_days"][0].as_str()),
        (Some(7), Some("2026-05-11 … 2026-05-17"))
    );
}

#[test]
fn a_complete_clean_bundle_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["2026-03-01", "2026-03-02", "2026-03-03"] {
        write(dir.path(), &format!("datatools-{d}.jsonl"), &daily(d));
    }
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(0), "{report}");
    assert!(report.starts_with("bundle check: nothing is off\n"), "{report}");
    assert!(report.contains("3 files  named 2026-03-01 … 2026-03-03"), "{report}");
    let (v, _) = json(dir.path());
    assert_eq!((v["ok"].as_bool(), v["findings"].as_u64()), (Some(true), Some(0)));
}

#[test]
fn missing_days_inside_a_daily_series() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["2026-03-01", "2026-03-02", "2026-03-06", "2026-03-08"] {
        write(dir.path(), &format!("datatools-{d}.jsonl"), &daily(d));
    }
    // tool_audit's layout: one file per user per day.
    write(dir.path(), "home/bob/tool_audit/2026-03-01.jsonl", &daily("2026-03-01"));
    write(dir.path(), "home/bob/tool_audit/2026-03-04.jsonl", &daily("2026-03-04"));
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(1));
    assert!(report.contains("datatools-{date}.jsonl: no log for 2026-03-03 … 2026-03-05 (3 days)"), "{report}");
    assert!(report.contains("datatools-{date}.jsonl: no log for 2026-03-07 (1 day)"), "{report}");
    assert!(
        report.contains("home/bob/tool_audit/{date}.jsonl: no log for 2026-03-02 … 2026-03-03 (2 days)"),
        "{report}"
    );
    let (v, _) = json(dir.path());
    assert_eq!(v["missing_days"].as_array().unwrap().len(), 3);
    assert_eq!(v["missing_days"][0]["days"], 3);
}

#[test]
fn unreadable_lines_with_file_line_reason_and_salvaged_level() {
    let dir = tempfile::tempdir().unwrap();
    let text_log = daily("2026-03-01") + "garbage\n" + r#"{"ts":"2026-03-01T09:06:00Z","level":"error","message":"boo"#;
    write(dir.path(), "datatools-2026-03-01.jsonl", &text_log);
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(1));
    assert!(report.contains("datatools-2026-03-01.jsonl:3  not JSON and no leading timestamp\n"), "{report}");
    assert!(
        report.contains(
            "datatools-2026-03-01.jsonl:4  truncated JSON (line ends inside the object) · cut, salvaged level error"
        ),
        "{report}"
    );
    let (v, _) = json(dir.path());
    assert_eq!(v["unreadable_count"], 2);
    assert!(v["unreadable"][0].get("salvaged_level").is_none());
    assert_eq!(v["unreadable"][1]["salvaged_level"], "error");
}

#[test]
fn times_going_backwards_or_jumping_within_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let line = |t: &str| format!("{{\"ts\":\"{t}\",\"level\":\"info\",\"message\":\"m\"}}\n");
    let back = [
        "2026-03-09T09:00:00Z",
        "2026-03-09T10:00:00Z",
        "2026-03-09T09:30:00Z",
        "2026-03-09T10:01:00Z",
        // Half a second back: two writers' lines crossing, not a fault.
        "2026-03-09T10:00:59.500Z",
    ];
    write(dir.path(), "back.log", &back.map(line).concat());
    let mut jumpy: Vec<String> = (0..20).map(|s| line(&format!("2026-03-11T09:00:{s:02}Z"))).collect();
    jumpy.push(line("2026-04-11T09:00:19Z"));
    jumpy.push(line("2026-04-11T09:00:20Z"));
    write(dir.path(), "jumpy.log", &jumpy.concat());
    // A working day with a long lunch and an evening session is not a jump.
    let day = ["2026-03-12T07:00:00Z", "2026-03-12T07:01:00Z", "2026-03-12T13:00:00Z", "2026-03-12T18:30:00Z"];
    write(dir.path(), "day.log", &day.map(line).concat());
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(1));
    assert!(
        report.contains("back.log:3  time goes back 30m 00s (2026-03-09T10:00:00.000Z → 2026-03-09T09:30:00.000Z)"),
        "{report}"
    );
    assert!(report.contains("jumpy.log:21  time jumps ahead 31d 0h"), "{report}");
    assert!(!report.contains("day.log:"), "{report}");
    let (v, _) = json(dir.path());
    assert_eq!(v["time_fault_count"], 2);
    assert_eq!(v["time_faults"][0]["kind"], "backwards");
    assert_eq!(v["time_faults"][1]["kind"], "jump");
}

#[test]
fn duplicate_files_a_gz_beside_its_plain_copy_and_a_zip_entry() {
    let dir = tempfile::tempdir().unwrap();
    let content = daily("2026-03-02");
    write(dir.path(), "datatools-2026-03-02.jsonl", &content);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(content.as_bytes()).unwrap();
    std::fs::write(dir.path().join("datatools-2026-03-02.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("logs/datatools-2026-03-02.jsonl", zip::write::SimpleFileOptions::default()).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    std::fs::write(dir.path().join("mailed.zip"), zip.finish().unwrap().into_inner()).unwrap();
    // Same size, other bytes: not a duplicate.
    write(dir.path(), "other-2026-03-02.jsonl", &content.replace("\"a\"", "\"x\""));
    let (v, code) = json(dir.path());
    assert_eq!(code, Some(1));
    let dups = v["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    let files: Vec<&str> = dups[0]["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with(".gz")) && files.iter().any(|f| f.contains("mailed.zip")), "{files:?}");
    assert!(!files.iter().any(|f| f.contains("other")));
    let (report, _) = text(dir.path());
    assert!(report.contains("duplicate files (same content)"), "{report}");
}

#[test]
fn files_whose_dates_disagree_with_their_names() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "audit_2026-03-10.log", &daily("2026-03-20"));
    write(dir.path(), "audit_2026-03-11.log", &daily("2026-03-11"));
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(1));
    assert!(report.contains("audit_2026-03-10.log: named 2026-03-10, events 2026-03-20"), "{report}");
    assert!(!report.contains("audit_2026-03-11.log: named"), "{report}");
    let (v, _) = json(dir.path());
    assert_eq!(v["misdated"].as_array().unwrap().len(), 1);
}

#[test]
fn skipped_files_and_why_with_hostile_names_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "datatools-2026-03-01.jsonl", &daily("2026-03-01"));
    write(dir.path(), "notes.txt", "crashed at 11:20");
    write(dir.path(), "evil\u{1b}[31m.txt", "x");
    let (report, code) = text(dir.path());
    assert_eq!(code, Some(1));
    assert!(report.contains("skipped files\n"), "{report}");
    assert!(report.contains("notes.txt  (not a log file (.txt))"), "{report}");
    assert!(report.contains("evil\\x1b[31m.txt"), "{report}");
    assert!(!report.contains('\u{1b}'), "no raw escape reaches the terminal");
}

#[test]
fn nothing_readable_is_exit_2() {
    let out = check(&["/nonexistent/bundle"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no log files could be read"));
}

// ---------------------------------------------------------------------------
// The explorer's banner and overlay

fn checked_app(rel: &str) -> audit_tui::ui::app::App {
    let mut app = app_for(rel);
    let check = Pending::of(&app.index).run(Zone::Utc);
    send(&mut app, Msg::Checked(Box::new(check)));
    app
}

#[test]
fn the_banner_says_what_is_off_and_c_shows_the_details() {
    let mut app = checked_app(SAMPLE);
    let before = screen(&app, 160, 45);
    let banner = before.lines().rev().nth(1).unwrap();
    assert!(banner.contains("bundle check: 1 unreadable line · 2 skipped files · c details"), "{before}");
    press(&mut app, "c");
    assert!(app.check.open);
    let open = screen(&app, 160, 45);
    assert!(open.contains("datatools/datatools-2026-05-17.jsonl:193"), "{open}");
    insta::assert_snapshot!(terminal_with_check(&app));
    // It scrolls, and Esc, q and c close it (q does not quit while it is open).
    press(&mut app, "j j");
    assert_eq!(app.check.scroll, 2);
    press(&mut app, "k");
    assert_eq!(app.check.scroll, 1);
    press(&mut app, "Esc");
    for close in ["Esc", "q", "c"] {
        press(&mut app, "c");
        assert!(app.check.open);
        press(&mut app, close);
        assert!(!app.check.open && !app.should_quit, "{close} closes");
    }
}

fn terminal_with_check(app: &audit_tui::ui::app::App) -> String {
    screen(app, 120, 30)
}

#[test]
fn no_banner_when_nothing_is_off_and_c_before_the_check_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "datatools-2026-03-01.jsonl", &daily("2026-03-01"));
    let mut app = app_for(dir.path().to_str().unwrap());
    press(&mut app, "c");
    assert!(!app.check.open);
    assert!(app.note.as_ref().is_some_and(|n| n.text.contains("runs once the index is complete")));
    let check = Pending::of(&app.index).run(Zone::Utc);
    assert!(check.ok);
    send(&mut app, Msg::Checked(Box::new(check)));
    assert!(app.check.banner.is_none());
    assert!(!screen(&app, 120, 30).contains("c details"));
    press(&mut app, "c");
    assert!(app.check.open);
    assert!(screen(&app, 120, 30).contains("bundle check: nothing is off"));
}
