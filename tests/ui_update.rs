//! The explorer's behaviour, key by key: key sequences go through `update` (filter jobs
//! run inline, as the worker would), then the state says what the user would see.

mod common;

use audit_tui::model::Level;
use audit_tui::ui::app::{App, Pane, Request};
use audit_tui::ui::msg::{FilterChunk, Msg};
use audit_tui::ui::update::update;
use common::*;
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// Ids of every event satisfying `pred`, in timeline order.
fn ids_where(app: &App, pred: impl Fn(audit_tui::model::Event) -> bool) -> Vec<u32> {
    (0..app.index.len()).filter(|&i| app.index.event(i).is_some_and(&pred)).map(|i| i as u32).collect()
}

fn error_ids(app: &App) -> Vec<u32> {
    ids_where(app, |e| e.level() == Level::Error)
}

/// The cursor is on a row and that row is on screen.
fn assert_cursor_visible(app: &App, after: &str) {
    let (t, h, n) = (&app.timeline, app.timeline_height(), app.row_count());
    assert!(t.cursor < n, "after {after}: cursor {} beyond {n} rows", t.cursor);
    assert!(
        t.top <= t.cursor && t.cursor < t.top + h,
        "after {after}: cursor {} not in view {}..{}",
        t.cursor,
        t.top,
        t.top + h
    );
}

fn note(app: &App) -> &str {
    app.note.as_ref().map_or("", |n| n.text.as_str())
}

fn session_id(app: &App, sid: u32) -> &str {
    &app.index.sessions[sid as usize].id
}

fn sid_of(app: &App, id: &str) -> u32 {
    app.index.listed_sessions().find(|(_, s)| s.id == id).map(|(i, _)| i).expect("session in the sample")
}

/// The EmptyDataError group of session 7d41e9b2 (three occurrences).
fn empty_data_occurrences(app: &App) -> Vec<u32> {
    let g = app.index.groups.iter().find(|g| g.title.contains("EmptyDataError")).expect("EmptyDataError group");
    g.occurrences.clone()
}

/// Puts the cursor on `id` the way a user would: filter to its exact text, then Esc keeps
/// the cursor on the event while every row comes back.
fn select_via_filter(app: &mut App, query: &str, id: u32) {
    press(app, "/");
    type_text(app, query);
    press(app, "Enter");
    assert_eq!(app.selected_id(), Some(id), "first match of {query}");
    press(app, "Esc");
    assert!(!app.has_query());
    assert_eq!(app.row_count(), app.index.len());
    assert_eq!(app.selected_id(), Some(id), "Esc keeps the cursor on the event");
}

// ---------------------------------------------------------------------------
// The filter box

#[test]
fn typing_level_error_lists_exactly_the_error_rows_in_time_order() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    assert_eq!(errors.len() as u64, app.index.levels[Level::Error as usize]);
    assert!(!errors.is_empty());

    press(&mut app, "/ l e v e l : e r r o r");
    assert!(app.filter.editing);
    assert_eq!(app.filter.error, None);
    assert!(app.results.done);
    assert_eq!(row_ids(&app), errors);
    let times: Vec<i64> = row_ids(&app).iter().map(|&id| app.index.event(id as usize).unwrap().time()).collect();
    assert!(times.is_sorted(), "rows in time order");

    press(&mut app, "Enter");
    assert!(!app.filter.editing, "Enter closes a good query's box");
    assert_eq!(row_ids(&app), errors, "and keeps its rows");
}

#[test]
fn a_bad_query_says_why_and_keeps_the_last_good_rows() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    assert_eq!(row_ids(&app), errors);

    press(&mut app, "Backspace Backspace Backspace Backspace Backspace");
    type_text(&mut app, "nope");
    assert_eq!(app.filter.text, "level:nope");
    let why = app.filter.error.clone().expect("level:nope does not parse");
    assert!(why.contains("unknown level"), "{why}");
    assert_eq!(row_ids(&app), errors, "the last good results stay");

    press(&mut app, "Enter");
    assert!(app.filter.editing, "Enter with a bad query keeps the box open for fixing");

    press(&mut app, "Backspace Backspace Backspace Backspace");
    type_text(&mut app, "warn");
    assert_eq!(app.filter.error, None, "fixing the query clears the error");
    assert_eq!(row_ids(&app), ids_where(&app, |e| e.level() == Level::Warn));
}

#[test]
fn backspace_over_a_typo_clears_the_error() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "level:errorx");
    assert!(app.filter.error.is_some());
    press(&mut app, "Backspace");
    assert_eq!(app.filter.error, None);
    assert_eq!(row_ids(&app), error_ids(&app));
}

#[test]
fn esc_clears_the_filter_and_restores_every_row() {
    let mut app = app_for(SAMPLE);
    let all = app.index.len();
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    assert_eq!(app.row_count(), error_ids(&app).len());
    press(&mut app, "Esc");
    assert!(!app.filter.editing);
    assert_eq!(app.filter.text, "");
    assert!(!app.has_query());
    assert_eq!(app.row_count(), all);

    // Esc in the timeline after the box was closed clears the applied filter too.
    press(&mut app, "/");
    type_text(&mut app, "level:warn");
    press(&mut app, "Enter");
    assert_eq!(app.row_count(), ids_where(&app, |e| e.level() == Level::Warn).len());
    press(&mut app, "Esc");
    assert!(!app.has_query());
    assert_eq!(app.row_count(), all);
}

#[test]
fn keys_typed_in_the_filter_box_are_text_not_commands() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/ q j G ?");
    assert_eq!(app.filter.text, "qjG?");
    assert!(!app.should_quit && !app.show_help);
    assert_eq!(app.timeline.cursor, 0);
}

// ---------------------------------------------------------------------------
// Moving in the timeline

#[test]
fn cursor_keys_move_and_keep_the_cursor_in_view() {
    let mut app = app_for(SAMPLE);
    let h = app.timeline_height();
    let last = app.row_count() - 1;
    assert!(h > 4 && last > 3 * h);
    let steps: &[(&str, usize)] = &[
        ("j", 1),
        ("j", 2),
        ("Down", 3),
        ("k", 2),
        ("Up", 1),
        ("k k k", 0),
        ("G", last),
        ("j", last),
        ("g", 0),
        ("End", last),
        ("Home", 0),
        ("PgDn", h),
        ("Space", 2 * h),
        ("PgUp", h),
        ("C-d", h + h / 2),
        ("C-u", h),
        ("C-u C-u C-u", 0),
        ("PgUp", 0),
    ];
    for &(keys, want) in steps {
        press(&mut app, keys);
        assert_eq!(app.timeline.cursor, want, "after {keys}");
        assert_cursor_visible(&app, keys);
    }
}

#[test]
fn e_and_w_jump_between_errors_and_warnings() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    let warnings = ids_where(&app, |e| e.level() == Level::Warn);
    // All rows listed: row number = event id.
    press(&mut app, "e");
    assert_eq!(app.selected_id(), Some(errors[0]));
    press(&mut app, "e");
    assert_eq!(app.selected_id(), Some(errors[1]));
    press(&mut app, "E");
    assert_eq!(app.selected_id(), Some(errors[0]));
    assert_cursor_visible(&app, "e e E");

    press(&mut app, "g w w");
    assert_eq!(app.selected_id(), Some(warnings[1]));
    press(&mut app, "W");
    assert_eq!(app.selected_id(), Some(warnings[0]));

    press(&mut app, "G");
    let at_end = app.timeline.cursor;
    assert!(errors.iter().all(|&id| id as usize <= at_end));
    press(&mut app, "e");
    assert_eq!(app.timeline.cursor, at_end, "nothing later: the cursor stays");
    assert_eq!(note(&app), "no later error");
    press(&mut app, "E");
    assert_eq!(app.selected_id(), errors.last().copied());
    assert_cursor_visible(&app, "G e E");
}

// ---------------------------------------------------------------------------
// Sessions

#[test]
fn choosing_a_session_scopes_the_timeline_and_esc_unscopes_it() {
    let mut app = app_for(SAMPLE);
    let all = app.index.len();
    press(&mut app, "BackTab");
    assert_eq!(app.focus, Pane::Sessions, "Shift-Tab from the timeline goes to sessions");
    press(&mut app, "j");
    let first = app.sessions.ids[0];
    assert_eq!(app.scope, Some(first));
    let rows = row_ids(&app);
    assert_eq!(rows.len() as u64, app.index.sessions[first as usize].events);
    assert!(rows.iter().all(|&id| app.index.event(id as usize).unwrap().session() == first));

    press(&mut app, "Enter");
    assert_eq!(app.focus, Pane::Timeline, "Enter on a session focuses its timeline");
    assert_eq!(app.scope, Some(first));

    press(&mut app, "j j");
    let selected = app.selected_id();
    press(&mut app, "Esc");
    assert_eq!(app.scope, None);
    assert_eq!(app.sessions.cursor, 0, "the sessions cursor is back on All");
    assert_eq!(app.row_count(), all);
    assert_eq!(app.selected_id(), selected, "the cursor stays on the event it was on");
    assert_cursor_visible(&app, "Esc");
}

#[test]
fn one_focuses_sessions_and_brackets_step_through_scoped_sessions() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "1");
    assert_eq!(app.focus, Pane::Sessions);
    press(&mut app, "j Enter");
    let ids = app.sessions.ids.clone();
    assert_eq!(app.scope, Some(ids[0]));

    for (keys, want) in [("]", ids[1]), ("]", ids[2]), ("[", ids[1])] {
        press(&mut app, keys);
        assert_eq!(app.scope, Some(want), "after {keys}");
        assert_eq!(app.sessions.cursor, ids.iter().position(|&s| s == want).unwrap() + 1);
        let rows = row_ids(&app);
        assert_eq!(rows.len() as u64, app.index.sessions[want as usize].events);
        assert!(rows.iter().all(|&id| app.index.event(id as usize).unwrap().session() == want));
        assert_eq!(app.timeline.cursor, 0, "a new scope starts at its beginning");
    }
}

#[test]
fn tab_and_shift_tab_cycle_the_panes_and_digits_pick_one() {
    let mut app = app_for(SAMPLE);
    assert_eq!(app.focus, Pane::Timeline);
    for (keys, want) in [
        ("Tab", Pane::Detail),
        ("Tab", Pane::Sessions),
        ("Tab", Pane::Timeline),
        ("BackTab", Pane::Sessions),
        ("BackTab", Pane::Detail),
        ("2", Pane::Timeline),
        ("3", Pane::Detail),
        ("1", Pane::Sessions),
    ] {
        press(&mut app, keys);
        assert_eq!(app.focus, want, "after {keys}");
    }
}

#[test]
fn slash_in_the_sessions_pane_narrows_the_list_and_j_scopes_to_the_failed_session() {
    let mut app = app_for(SAMPLE);
    let failed = sid_of(&app, FAILED_SESSION);
    press(&mut app, "1 /");
    assert!(app.sessions.editing && !app.filter.editing, "/ edits the session filter, not the query");
    type_text(&mut app, "7d41");
    press(&mut app, "Enter");
    assert_eq!(app.sessions.ids, vec![failed]);
    press(&mut app, "j");
    assert_eq!(app.scope, Some(failed));
    let rows = row_ids(&app);
    assert_eq!(rows.len() as u64, app.index.sessions[failed as usize].events);
    assert!(rows.iter().all(|&id| app.index.event(id as usize).unwrap().session() == failed));
    // The session's errors: EmptyDataError three times, the MemoryError, then the line
    // the crash cut off, salvaged as an error.
    press(&mut app, "Enter e");
    assert_eq!(app.selected_id(), Some(empty_data_occurrences(&app)[0]));
    press(&mut app, "e e e");
    let e = app.selected().unwrap();
    assert_eq!(app.index.session(e.session()).unwrap().id, FAILED_SESSION);
    assert!(app.index.group_of(app.selected_id().unwrap() as usize).unwrap().title.contains("MemoryError"));
    press(&mut app, "e");
    let cut = app.selected().unwrap();
    assert!(app.index.is_cut(cut) && cut.level().is_error(), "the cut line after it is an error");
    assert_eq!(app.index.location(cut), "datatools/datatools-2026-05-17.jsonl:193");
    press(&mut app, "e");
    assert_eq!(note(&app), "no later error");
}

#[test]
fn bracket_in_the_all_view_jumps_to_where_the_next_session_starts() {
    let mut app = app_for(SAMPLE);
    let ids = app.sessions.ids.clone();
    assert_eq!(app.selected().unwrap().session(), ids[0]);
    for next in &ids[1..4] {
        press(&mut app, "]");
        assert_eq!(app.scope, None, "the All view stays unscoped");
        let e = app.selected().unwrap();
        assert_eq!(e.session(), *next, "on session {}", session_id(&app, *next));
        let earlier_rows = (0..app.timeline.cursor).filter_map(|r| app.row_event(r));
        assert!(earlier_rows.into_iter().all(|p| p.session() != *next), "the session's first event");
        assert_cursor_visible(&app, "]");
    }
    press(&mut app, "[");
    assert_eq!(app.selected().unwrap().session(), ids[2]);
}

// ---------------------------------------------------------------------------
// Drilling into an error

#[test]
fn enter_drills_into_the_error_and_esc_backs_out_step_by_step() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "e");
    assert!(app.selected().unwrap().level().is_error());
    let selected = app.selected_id();
    press(&mut app, "Enter");
    assert_eq!(app.focus, Pane::Detail);
    assert!(!app.detail_zoomed);
    press(&mut app, "Enter");
    assert!(app.detail_zoomed, "Enter in the detail zooms it");
    press(&mut app, "Esc");
    assert!(!app.detail_zoomed);
    assert_eq!(app.focus, Pane::Detail, "the first Esc only unzooms");
    press(&mut app, "Esc");
    assert_eq!(app.focus, Pane::Timeline);
    assert_eq!(app.selected_id(), selected, "backing out keeps the selection");
}

#[test]
fn o_and_shift_o_step_through_the_occurrences_of_an_error() {
    let mut app = app_for(SAMPLE);
    let occ = empty_data_occurrences(&app);
    assert_eq!(occ.len(), 3);
    select_via_filter(&mut app, "'EmptyDataError", occ[0]);

    press(&mut app, "o");
    assert_eq!(app.selected_id(), Some(occ[1]));
    press(&mut app, "o");
    assert_eq!(app.selected_id(), Some(occ[2]));
    press(&mut app, "o");
    assert_eq!(app.selected_id(), Some(occ[2]));
    assert_eq!(note(&app), "last occurrence of this error");
    press(&mut app, "O O");
    assert_eq!(app.selected_id(), Some(occ[0]));
    press(&mut app, "O");
    assert_eq!(note(&app), "first occurrence of this error");
    assert_cursor_visible(&app, "o/O");
}

// ---------------------------------------------------------------------------
// Matches only, or every row with matches marked

#[test]
fn ampersand_toggles_between_only_matches_and_all_rows_on_the_same_event() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    press(&mut app, "Enter j j");
    assert_eq!(app.selected_id(), Some(errors[2]));

    press(&mut app, "&");
    assert!(!app.matches_only);
    assert_eq!(app.row_count(), app.index.len());
    assert_eq!(app.selected_id(), Some(errors[2]));
    assert_cursor_visible(&app, "&");

    press(&mut app, "&");
    assert!(app.matches_only);
    assert_eq!(app.row_count(), errors.len());
    assert_eq!(app.selected_id(), Some(errors[2]));
}

#[test]
fn ampersand_without_a_filter_only_explains() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "&");
    assert!(app.matches_only);
    assert!(note(&app).contains("needs a filter"), "{}", note(&app));
}

#[test]
fn n_and_shift_n_go_to_the_next_and_previous_match_among_all_rows() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    press(&mut app, "Enter &");
    assert_eq!(app.row_count(), app.index.len());
    assert_eq!(app.selected_id(), Some(errors[0]));

    press(&mut app, "n");
    assert_eq!(app.selected_id(), Some(errors[1]));
    press(&mut app, "n n");
    assert_eq!(app.selected_id(), Some(errors[3]));
    press(&mut app, "N");
    assert_eq!(app.selected_id(), Some(errors[2]));

    // From a row between matches, n and N find the neighbours.
    press(&mut app, "j");
    assert!(app.selected_id() < Some(errors[3]), "errors are not adjacent here");
    press(&mut app, "N");
    assert_eq!(app.selected_id(), Some(errors[2]));

    press(&mut app, "g N");
    assert_eq!(app.timeline.cursor, 0);
    assert_eq!(note(&app), "no earlier match");
    press(&mut app, "G n");
    assert_eq!(note(&app), "no later match");
}

// ---------------------------------------------------------------------------
// Small commands

#[test]
fn t_toggles_the_display_zone() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "t");
    assert_eq!(app.zone, audit_tui::ingest::time::Zone::Local);
    assert!(note(&app).starts_with("times in local"), "{}", note(&app));
    press(&mut app, "t");
    assert_eq!(app.zone, audit_tui::ingest::time::Zone::Utc);
    assert_eq!(note(&app), "times in UTC");
}

#[test]
fn help_opens_with_question_mark_scrolls_with_keys_and_esc_closes_it() {
    let mut app = app_for(SAMPLE);
    app.size = (80, 24);
    press(&mut app, "?");
    assert!(app.show_help);
    press(&mut app, "j");
    assert!(app.show_help, "keys scroll the help");
    assert_eq!(app.help_scroll, 1);
    assert_eq!(app.timeline.cursor, 0, "the key does nothing else");
    press(&mut app, "Esc F1");
    assert!(app.show_help);
    assert_eq!(app.help_scroll, 0, "opens at its top");
    press(&mut app, "Esc");
    assert!(!app.show_help);
    assert!(!app.should_quit);
}

#[test]
fn overlays_scroll_with_the_same_keys_as_the_panes() {
    let mut app = app_for(SAMPLE);
    app.size = (80, 24);
    press(&mut app, "? C-d");
    let half = app.help_scroll;
    assert!(half > 1, "Ctrl-d scrolls the help half a page, as in the timeline");
    press(&mut app, "C-f");
    assert!(app.help_scroll > half, "Ctrl-f pages it");
    press(&mut app, "g");
    assert_eq!(app.help_scroll, 0);
    press(&mut app, "Esc ! C-d");
    assert!(app.errors.groups.len() > 2);
    assert!(app.errors.cursor > 0, "Ctrl-d moves the errors view's cursor");
}

#[test]
fn q_and_ctrl_c_quit_and_ctrl_c_even_while_typing() {
    for keys in ["q", "C-c", "/ l e C-c", "? q q", "? C-c"] {
        let mut app = app_for(DATATOOLS);
        press(&mut app, keys);
        assert!(app.should_quit, "after {keys}");
    }
}

#[test]
fn y_copies_the_selected_line_exactly_as_written() {
    let mut app = app_for(SAMPLE);
    let occ = empty_data_occurrences(&app);
    select_via_filter(&mut app, "'EmptyDataError", occ[0]);
    let e = app.selected().unwrap();
    let location = app.index.location(e);
    let (file, line) = location.rsplit_once(':').unwrap();
    let text = std::fs::read_to_string(path(SAMPLE).join(file)).unwrap();
    let want = text.lines().nth(line.parse::<usize>().unwrap() - 1).unwrap();
    assert!(want.contains("EmptyDataError"));

    let copied = press(&mut app, "y");
    let [Request::Copy(clip)] = copied.as_slice() else { panic!("one copy: {copied:?}") };
    assert_eq!(clip.text, want);
    assert_eq!(clip.escaped, 0);
    assert!(note(&app).starts_with("copying the event's line"), "{}", note(&app));
}

#[test]
fn capital_r_copies_a_support_report_of_the_rows_listed() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    press(&mut app, "Enter");
    let copied = press(&mut app, "R");
    let [Request::Copy(clip)] = copied.as_slice() else { panic!("one copy: {copied:?}") };
    let report = &clip.text;
    assert!(report.starts_with("# Support report: "), "{report}");
    assert!(report.contains("- **Only** events matching `level:error`: "), "{report}");
    assert!(report.contains("What the session did before it:"), "{report}");
    assert!(report.contains("-q level:error`"), "the command to see it again: {report}");
    assert!(note(&app).starts_with("copying a support report"), "{}", note(&app));

    // Scoped to one session, the report says so and covers only it.
    let mut app = app_for(SAMPLE);
    let failed = sid_of(&app, FAILED_SESSION);
    press(&mut app, "1 /");
    type_text(&mut app, "7d41");
    press(&mut app, "Enter j");
    assert_eq!(app.scope, Some(failed));
    let copied = press(&mut app, "R");
    let [Request::Copy(clip)] = copied.as_slice() else { panic!("one copy: {copied:?}") };
    let report = &clip.text;
    assert!(report.contains(&format!("matching `session:{FAILED_SESSION}`")), "{report}");
    assert!(report.contains("## Sessions with errors (1)"), "{report}");
}

// ---------------------------------------------------------------------------
// Mouse and resizing

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> Msg {
    Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE })
}

#[test]
fn scrolling_over_the_timeline_moves_the_cursor_by_three() {
    let mut app = app_for(SAMPLE);
    let t = audit_tui::ui::view::layout(&app, Rect::new(0, 0, 160, 45)).timeline;
    send(&mut app, mouse(MouseEventKind::ScrollDown, t.x + 10, t.y + 5));
    assert_eq!(app.timeline.cursor, 3);
    send(&mut app, mouse(MouseEventKind::ScrollDown, t.x + 10, t.y + 5));
    assert_eq!(app.timeline.cursor, 6);
    send(&mut app, mouse(MouseEventKind::ScrollUp, t.x + 10, t.y + 5));
    assert_eq!(app.timeline.cursor, 3);
}

#[test]
fn clicking_a_timeline_row_selects_it_and_focuses_the_timeline() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "PgDn 1");
    assert_eq!(app.focus, Pane::Sessions);
    let top = app.timeline.top;
    let t = audit_tui::ui::view::layout(&app, Rect::new(0, 0, 160, 45)).timeline;
    // Row 7 of the table is 1 (border) + 7 below the pane's top edge.
    send(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), t.x + 20, t.y + 1 + 7));
    assert_eq!(app.focus, Pane::Timeline);
    assert_eq!(app.timeline.cursor, top + 7);
    assert_eq!(app.timeline.top, top, "a click does not scroll");

    // The drawn row under the click is the selected event's row.
    let rows = rows(&draw(&app, 160, 45));
    let clicked = &rows[usize::from(t.y + 1 + 7)];
    let e = app.selected().unwrap();
    let time = audit_tui::report::fmt::format_local(e.time(), app.zone, "%m-%d %H:%M:%S%.3f");
    assert!(clicked.contains(&time), "{clicked:?} shows {time}");
}

#[test]
fn clicking_a_session_scopes_the_timeline_to_it() {
    let mut app = app_for(SAMPLE);
    let s = audit_tui::ui::view::layout(&app, Rect::new(0, 0, 160, 45)).sessions;
    // Inner row 0 is "All sessions", row 2 the second session.
    send(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), s.x + 5, s.y + 1 + 2));
    assert_eq!(app.focus, Pane::Sessions);
    let second = app.sessions.ids[1];
    assert_eq!(app.scope, Some(second));
    assert!(row_ids(&app).iter().all(|&id| app.index.event(id as usize).unwrap().session() == second));
    send(&mut app, mouse(MouseEventKind::Down(MouseButton::Left), s.x + 5, s.y + 1));
    assert_eq!(app.scope, None, "a click on All sessions unscopes");
    assert_eq!(app.row_count(), app.index.len());
}

#[test]
fn resizing_to_one_cell_and_back_keeps_the_cursor_valid() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "G");
    let last = app.row_count() - 1;
    send(&mut app, Msg::Resize(1, 1));
    assert_eq!(app.timeline.cursor, last, "resizing does not move the cursor");
    let _ = draw(&app, 1, 1);
    press(&mut app, "k PgDn j C-u");
    let _ = draw(&app, 1, 1);
    send(&mut app, Msg::Resize(160, 45));
    assert_cursor_visible(&app, "resize back");
    let _ = draw(&app, 160, 45);
    press(&mut app, "G");
    assert_cursor_visible(&app, "G after resize");
}

#[test]
fn a_value_with_a_newline_never_forges_a_row() {
    let mut app = app_for(ESCAPES);
    // The event whose message holds "\n2026-05-17T10:00:09.000+00:00 ERROR forged row".
    let rows = rows(&draw(&app, 160, 45));
    assert_eq!(app.row_count(), 12);
    let forged = rows.iter().filter(|r| r.contains("forged row")).count();
    assert_eq!(forged, 1, "one row for the event, with the newline escaped:\n{}", rows.join("\n"));
    let row = rows.iter().find(|r| r.contains("forged row")).unwrap();
    assert!(row.contains(r"upload ok\n2026-05-17T10:00:09"), "{row}");
    assert!(rows.iter().all(|r| !r.chars().any(is_hostile)));
    // The rows of the timeline are exactly the file's twelve events.
    press(&mut app, "G");
    assert_eq!(app.timeline.cursor, 11);
}

#[test]
fn o_follows_the_error_into_the_next_session_when_scoped() {
    let mut app = app_for(SAMPLE);
    let group = app.index.groups.iter().find(|g| g.title.starts_with("USER ERROR - FILE_NOT_FOUND")).unwrap();
    let occ = group.occurrences.clone();
    let session_of = |app: &App, id: u32| app.index.event(id as usize).unwrap().session();
    assert_ne!(session_of(&app, occ[0]), session_of(&app, occ[1]), "the first two are in different sessions");
    // Scope to the first occurrence's session and put the cursor on it.
    let first_session = session_of(&app, occ[0]);
    let pos = app.sessions.ids.iter().position(|&s| s == first_session).unwrap();
    press(&mut app, "1");
    for _ in 0..=pos {
        press(&mut app, "j");
    }
    press(&mut app, "Enter e");
    assert_eq!(app.selected_id(), Some(occ[0]));

    press(&mut app, "o");
    assert_eq!(app.selected_id(), Some(occ[1]));
    assert_eq!(app.scope, Some(session_of(&app, occ[1])), "the scope follows the occurrence");
    assert_eq!(app.sessions.ids[app.sessions.cursor - 1], session_of(&app, occ[1]), "and so does the sessions cursor");
    assert!(row_ids(&app).iter().all(|&id| session_of(&app, id) == session_of(&app, occ[1])));
    assert_cursor_visible(&app, "o");
}

#[test]
fn pasting_a_query_applies_it() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    send(&mut app, Msg::Paste("level:error\n".into()));
    assert_eq!(app.filter.text, "level:error", "control characters in a paste are dropped");
    assert_eq!(row_ids(&app), error_ids(&app));
}

// ---------------------------------------------------------------------------
// Regressions

#[test]
fn typing_a_query_without_draining_queues_one_filter_job_and_lists_each_row_once() {
    let mut app = app_for(SAMPLE);
    let errors = error_ids(&app);
    assert!(errors.len() > 1);
    // Keys arrive faster than the worker: no requests are handled between them.
    for c in "/level:error".chars() {
        update(&mut app, Msg::Key(key(&c.to_string())));
    }
    assert_eq!(app.filter.text, "level:error");
    assert_eq!(app.requests, vec![Request::Refilter], "one job for the whole batch of keys");
    run_requests(&mut app);
    assert!(app.results.done);
    assert_eq!(app.row_count(), errors.len(), "no row listed twice");
    let rows = row_ids(&app);
    let unique: std::collections::BTreeSet<u32> = rows.iter().copied().collect();
    assert_eq!(unique.len(), rows.len(), "ids are unique");
    assert_eq!(rows, errors);
}

#[test]
fn a_chunk_of_the_current_generation_after_done_is_ignored() {
    let mut app = app_for(DATATOOLS);
    let errors = error_ids(&app);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    assert!(app.results.done);
    assert_eq!(row_ids(&app), errors);
    // A late chunk of the same generation, e.g. from a second job for it.
    let not_errors = ids_where(&app, |e| e.level() != Level::Error);
    let late = FilterChunk {
        generation: app.results.generation,
        scope_rows: Vec::new(),
        matches: not_errors[..3].to_vec(),
        done: true,
    };
    send(&mut app, Msg::Filtered(late));
    assert_eq!(row_ids(&app), errors, "the finished results stay as they are");
    assert_eq!(app.row_count(), errors.len());
}

#[test]
fn opening_the_filter_line_keeps_a_cursor_on_the_last_visible_row_in_view() {
    let mut app = app_for(SAMPLE);
    assert_eq!(app.size, (160, 45));
    let h = app.timeline_height();
    for _ in 1..h {
        press(&mut app, "j");
    }
    assert_eq!(app.timeline.cursor, app.timeline.top + h - 1, "the cursor is on the last visible row");
    let selected = app.selected_id();
    press(&mut app, "/");
    assert!(app.filter.editing);
    assert!(app.timeline_height() < h, "the filter line takes a row from the timeline");
    assert_cursor_visible(&app, "/");
    assert_eq!(app.selected_id(), selected, "the cursor stays on its event");
}

#[test]
fn ctrl_z_asks_to_suspend_from_any_mode_and_a_resume_asks_for_a_full_redraw() {
    let mut app = app_for(SAMPLE);
    assert_eq!(press(&mut app, "C-z"), vec![Request::Suspend]);
    press(&mut app, "/ l e");
    assert_eq!(press(&mut app, "C-z"), vec![Request::Suspend], "while typing a filter too");
    assert_eq!(app.filter.text, "le", "and it is not typed");
    press(&mut app, "Esc ?");
    assert_eq!(press(&mut app, "C-z"), vec![Request::Suspend], "over the help too");
    assert!(app.show_help, "the help stays for after the resume");
    update(&mut app, Msg::Resumed);
    update(&mut app, Msg::Resumed);
    assert_eq!(app.requests, vec![Request::Redraw], "one redraw, however many resumes");
}
