//! Marks: `m` marks the selected event with an optional note, `'` and `"` step through the
//! marks, and they are found again when the bundle is opened again (kept in the state
//! directory, never beside the logs).

mod common;

use audit_tui::marks;
use audit_tui::ui::app::{App, Request};
use common::*;

fn mark_with_note(app: &mut App, note: &str) -> Vec<Request> {
    let mut requests = press(app, "m");
    assert!(app.marks.note.is_some(), "m asks for a note");
    type_text(app, note);
    requests.extend(press(app, "Enter"));
    requests
}

#[test]
fn m_marks_the_event_with_a_note_and_asks_to_save() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "j j");
    let id = app.selected_id().expect("selected");
    let requests = mark_with_note(&mut app, "user says this import failed");
    assert!(requests.contains(&Request::SaveMarks));
    let mark = app.marks.at(id).expect("marked");
    assert_eq!(mark.note, "user says this import failed");
    assert_eq!((mark.file.as_str(), mark.line), ("repricing/audit_log.csv", 4));
    assert_eq!(app.marks.stored, vec![mark.clone()]);
    let shown = screen(&app, 160, 45);
    assert!(shown.contains("◆ marked: user says this import failed"), "{shown}");
    assert!(shown.contains("┃◆05-11 08:34:30.000"), "the row carries the mark: {shown}");
}

#[test]
fn keys_typed_for_the_note_are_text_and_esc_keeps_the_mark_without_one() {
    let mut app = app_for(SAMPLE);
    let before = app.selected_id();
    press(&mut app, "m");
    type_text(&mut app, "q/e!");
    assert!(!app.should_quit && !app.filter.editing && !app.errors.open, "note keys are text");
    assert_eq!(app.marks.note.as_deref(), Some("q/e!"));
    press(&mut app, "Esc");
    assert_eq!(app.marks.note, None);
    let mark = app.marks.at(before.expect("selected")).expect("still marked");
    assert_eq!(mark.note, "");
}

#[test]
fn m_on_a_marked_event_takes_the_mark_away() {
    let mut app = app_for(SAMPLE);
    mark_with_note(&mut app, "x");
    let requests = press(&mut app, "m");
    assert!(requests.contains(&Request::SaveMarks));
    assert!(app.marks.placed.is_empty() && app.marks.stored.is_empty());
    assert_eq!(app.marks.note, None, "no note is asked for when unmarking");
}

#[test]
fn quote_steps_through_marks_in_timeline_order_round_the_end() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "G");
    let last = app.selected_id().expect("last");
    mark_with_note(&mut app, "last");
    press(&mut app, "g j j j");
    let early = app.selected_id().expect("early");
    mark_with_note(&mut app, "early");
    press(&mut app, "g");
    press(&mut app, "'");
    assert_eq!(app.selected_id(), Some(early));
    press(&mut app, "'");
    assert_eq!(app.selected_id(), Some(last));
    press(&mut app, "'");
    assert_eq!(app.selected_id(), Some(early), "round the end");
    press(&mut app, "\"");
    assert_eq!(app.selected_id(), Some(last), "backwards round the start");
    assert!(app.note.as_ref().is_some_and(|n| n.text == "mark 2/2: last"));
}

#[test]
fn marks_are_found_again_when_the_bundle_is_opened_again() {
    let state = tempfile::tempdir().expect("state dir");
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "'EmptyDataError");
    press(&mut app, "Enter");
    let id = app.selected_id().expect("EmptyDataError");
    mark_with_note(&mut app, "the first failure");
    let bundle = marks::bundle_paths(&[path(SAMPLE)]);
    let file = marks::file_for(state.path(), &bundle);
    marks::save(&file, &bundle, &app.marks.stored).expect("save");
    assert!(file.starts_with(state.path()), "kept in the state directory");
    assert!(!file.starts_with(path(SAMPLE)), "never beside the logs");

    // A new run over the same folder, named another way.
    let again = marks::bundle_paths(&[path(&format!("{SAMPLE}/../mailed-logs"))]);
    assert_eq!(marks::file_for(state.path(), &again), file);
    let mut fresh = app_for(SAMPLE);
    fresh.marks.stored = marks::load(&file).expect("load");
    assert_eq!(fresh.marks.place(&fresh.index), 0);
    assert_eq!(fresh.marks.at(id).map(|m| m.note.as_str()), Some("the first failure"));
}

#[test]
fn a_mark_whose_line_changed_is_not_placed_on_another_event() {
    let logs = tempfile::tempdir().expect("logs");
    let log = logs.path().join("app-2026-05-17.jsonl");
    let line = |msg: &str| format!("{{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"message\":\"{msg}\"}}\n");
    std::fs::write(&log, line("one") + &line("two")).expect("write");
    let app = app_for(log.to_str().expect("utf-8 path"));
    let mark = marks::mark_of(&app.index, 1, "n".into()).expect("mark");
    // The same bytes at the same place: found. Another line there: not placed.
    std::fs::write(&log, line("one") + &line("TWO")).expect("rewrite");
    let mut changed = app_for(log.to_str().expect("utf-8 path"));
    changed.marks.stored = vec![mark.clone()];
    assert_eq!(changed.marks.place(&changed.index), 1);
    assert!(changed.marks.placed.is_empty());
    std::fs::write(&log, line("one") + &line("two")).expect("restore");
    let mut same = app_for(log.to_str().expect("utf-8 path"));
    same.marks.stored = vec![mark];
    assert_eq!(same.marks.place(&same.index), 0);
    assert_eq!(same.marks.placed.len(), 1);
}

#[test]
fn marks_and_their_notes_are_in_the_copied_report_and_in_report() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "j j");
    mark_with_note(&mut app, "user says this import failed");
    let copied = press(&mut app, "R");
    let Some(Request::Copy(clip)) = copied.iter().find(|r| matches!(r, Request::Copy(_))) else {
        panic!("R copies a report: {copied:?}")
    };
    let text = &clip.text;
    assert!(text.contains("## Marked events (1)"), "{text}");
    assert!(
        text.contains("`repricing/audit_log.csv:4`") && text.contains("**user says this import failed**"),
        "{text}"
    );

    // The headless report reads the same marks from the state directory.
    let state = tempfile::tempdir().expect("state dir");
    let bundle = marks::bundle_paths(&[path(SAMPLE)]);
    marks::save(&marks::file_for(state.path(), &bundle), &bundle, &app.marks.stored).expect("save");
    let out = assert_cmd::Command::cargo_bin("audit-tui")
        .expect("binary")
        .env("AUDIT_TUI_STATE_DIR", state.path())
        .args(["report", path(SAMPLE).to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert!(out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("## Marked events (1)") && report.contains("user says this import failed"), "{report}");
    // A query that leaves the marked event out leaves its mark out too.
    let out = assert_cmd::Command::cargo_bin("audit-tui")
        .expect("binary")
        .env("AUDIT_TUI_STATE_DIR", state.path())
        .args(["report", path(SAMPLE).to_str().expect("utf-8"), "-q", "level:error"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Marked events"));
}
