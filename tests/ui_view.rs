//! What the explorer draws: one insta snapshot per pane and notable state, drawn into a
//! `TestBackend` with a fixed clock, UTC and relative titles, plus the checks a snapshot
//! cannot make on its own (no raw control characters, no panics at odd sizes).

mod common;

use audit_tui::ui::app::{App, Pane};
use common::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn terminal_with(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| audit_tui::ui::view::draw(f, app)).expect("draw");
    terminal
}

/// Selects the first event matching `query`, then clears the filter: every row is back
/// and the cursor stays on that event.
fn select_first_match(app: &mut App, query: &str) {
    press(app, "/");
    type_text(app, query);
    press(app, "Enter Esc");
    assert!(!app.has_query());
}

fn empty_data_error(app: &App) -> Vec<u32> {
    app.index
        .groups
        .iter()
        .find(|g| g.title.contains("EmptyDataError"))
        .expect("EmptyDataError group")
        .occurrences
        .clone()
}

#[test]
fn overview_of_the_sample() {
    let app = app_for(SAMPLE);
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("Timeline 2,716 events + 1 unparsed"), "unparsed lines are rows but not events");
    assert!(screen.contains(" examples/mailed-logs  18 files · 2,716 events · 1 unparsed "));
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn the_time_range_names_its_year_when_it_is_not_this_one() {
    let mut app = app_for(SAMPLE);
    assert!(screen(&app, 160, 45).contains(" 05-11 08:28 → 05-17 17:08 "), "this year's logs: no year");
    app.now_ms += 400 * 86_400_000;
    let screen = screen(&app, 160, 45);
    assert!(screen.contains(" 2026-05-11 08:28 → 2026-05-17 17:08 "), "{screen}");
}

#[test]
fn live_filter_level_error_with_its_status_line() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "level:error");
    let errors = app.index.levels[audit_tui::model::Level::Error as usize];
    let screen = screen(&app, 160, 45);
    assert!(screen.contains(&format!("Timeline {errors} of 2,717")), "{screen}");
    assert!(screen.contains(&format!("/level:error   {errors} matches")), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn error_drill_down_of_empty_data_error_in_session_7d41e9b2() {
    let mut app = app_for(SAMPLE);
    let occ = empty_data_error(&app);
    select_first_match(&mut app, "'EmptyDataError");
    assert_eq!(app.selected_id(), Some(occ[0]));
    let session = app.index.session(app.selected().unwrap().session()).unwrap();
    assert_eq!(session.id, FAILED_SESSION);
    press(&mut app, "Enter");
    assert_eq!(app.focus, Pane::Detail);
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("Error drill-down"));
    assert!(screen.contains("error EmptyDataError: No columns to parse"), "{screen}");
    assert!(screen.contains("group ×3 in 1 session"), "{screen}");
    assert!(screen.contains("occurrence 1/3 (o/O)"), "{screen}");
    assert!(screen.contains("Before this (8 events"), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn zoomed_drill_down_of_the_memory_error() {
    let mut app = app_for(SAMPLE);
    select_first_match(&mut app, "'MemoryError");
    press(&mut app, "Enter Enter");
    assert!(app.detail_zoomed);
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("MemoryError"), "{screen}");
    assert!(!screen.contains("Timeline"), "zoomed: the detail has the whole screen");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn sessions_pane_scoped_to_the_failed_session() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "1");
    let sid = app.sessions.ids.iter().position(|&s| app.index.sessions[s as usize].id == FAILED_SESSION).unwrap();
    for _ in 0..=sid {
        press(&mut app, "j");
    }
    assert_eq!(app.scope, Some(app.sessions.ids[sid]));
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("Timeline 193 of 2,717 session 7d41e9b2 Dana Whitfield"), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn help_overlay() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "?");
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("audit-tui keys"));
    assert!(screen.contains("Esc or ? closes"));
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn a_bad_query_shows_why_under_the_last_good_rows() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "level:nope");
    let screen = screen(&app, 160, 45);
    // The column is where the bad term starts.
    assert!(screen.contains("/level:nope   ✗ col 1: unknown level \"nope\""), "{screen}");
    // The last text that parsed was the fuzzy word `level`: its rows stay on screen.
    assert_eq!(app.filter.applied_text, "level");
    let shown = audit_tui::report::fmt::count(app.row_count() as u64);
    assert!(screen.contains(&format!("Timeline {shown} of 2,717")), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn terminal_too_small() {
    let app = app_for(SAMPLE);
    let screen = screen(&app, 30, 8);
    assert!(screen.contains("terminal too small"), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 30, 8).backend());
}

#[test]
fn the_truncated_last_line_says_it_is_cut_and_what_was_salvaged() {
    let mut app = app_for(SAMPLE);
    select_first_match(&mut app, "is:unparsed");
    let e = app.selected().unwrap();
    assert!(e.is_unparsed());
    assert!(app.index.location(e).starts_with("datatools/datatools-2026-05-17.jsonl:"));
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("CUT ERROR"), "{screen}");
    assert!(screen.contains("cut line: truncated JSON"), "{screen}");
    assert!(screen.contains("salvaged time, level, session, category, message (start)"), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn datatools_error_at_120_by_40() {
    let mut app = app_for(DATATOOLS);
    send(&mut app, audit_tui::ui::msg::Msg::Resize(120, 40));
    press(&mut app, "e");
    assert!(app.selected().unwrap().level().is_error());
    let screen = screen(&app, 120, 40);
    assert!(screen.contains("Timeline 27 events"), "{screen}");
    assert!(screen.contains("Sessions 3 "), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 120, 40).backend());
}

#[test]
fn escapes_are_drawn_visibly_and_no_control_character_reaches_the_terminal() {
    let mut app = app_for(ESCAPES);
    // The row whose message holds a newline followed by a fake log line.
    press(&mut app, "j j j j j j j");
    assert!(app.index.raw_line(app.selected().unwrap()).windows(10).any(|w| w == b"forged row"));
    let screen = screen(&app, 160, 45);
    for (i, row) in screen.lines().enumerate() {
        let bad: Vec<String> = row.chars().filter(|&c| is_hostile(c)).map(|c| format!("U+{:04X}", c as u32)).collect();
        assert!(bad.is_empty(), "row {i} holds raw {bad:?}: {row:?}");
    }
    assert!(screen.contains(r"before\x1b[2J\x1b[Hafter"), "CSI shown escaped:\n{screen}");
    assert!(screen.contains("<U+202E>"), "bidi override shown escaped:\n{screen}");
    assert!(screen.contains(r"upload ok\n2026-05-17T10:00:09"), "a newline in a row is shown as \\n:\n{screen}");
    let timeline_rows = screen.lines().filter(|r| r.contains(" 05-17 10:00:")).count();
    assert_eq!(timeline_rows, 12, "one row per event, none forged:\n{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn every_state_draws_at_odd_sizes_without_panicking() {
    let sizes = [(1, 1), (2, 3), (40, 10), (41, 11), (79, 24), (80, 24), (200, 60), (39, 10), (40, 9)];
    let states: &[(&str, &str)] = &[
        (SAMPLE, ""),
        (SAMPLE, "/ l e v e l : e r r o r"),
        (SAMPLE, "/ l e v e l : n o p e"),
        (SAMPLE, "e Enter Enter"),
        (SAMPLE, "1 j j"),
        (SAMPLE, "?"),
        (SAMPLE, "G"),
        (ESCAPES, "j j j j j j j Enter"),
        (DATATOOLS, "e Enter"),
    ];
    for &(fixture, keys) in states {
        let mut app = app_for(fixture);
        press(&mut app, keys);
        for (w, h) in sizes {
            send(&mut app, audit_tui::ui::msg::Msg::Resize(w, h));
            let rows = rows(&draw(&app, w, h));
            assert_eq!(rows.len(), usize::from(h));
            assert!(rows.iter().all(|r| !r.chars().any(is_hostile)), "{fixture} after {keys:?} at {w}×{h}");
        }
    }
}

// ---------------------------------------------------------------------------
// Regressions

/// The text inside `area`'s border, one string per row.
fn inner_rows(buf: &ratatui::buffer::Buffer, area: ratatui::layout::Rect) -> Vec<String> {
    rows_in(buf, ratatui::widgets::Block::bordered().inner(area))
}

#[test]
fn narrow_terminals_keep_messages_in_the_timeline_and_error_counts_in_the_sessions_pane() {
    use audit_tui::ui::msg::Msg;
    for (w, h) in [(80, 24), (100, 30)] {
        for keys in ["", "1"] {
            let at = format!("{w}×{h} after {keys:?}");
            let mut app = app_for(DATATOOLS);
            send(&mut app, Msg::Resize(w, h));
            // The second error in time order is weird.csv's EmptyDataError.
            press(&mut app, "e e");
            let error = app.selected().unwrap();
            assert!(String::from_utf8_lossy(app.index.raw_line(error)).contains("EmptyDataError"));
            press(&mut app, keys);
            let buf = draw(&app, w, h);
            let screen = rows(&buf).join("\n");
            let areas = audit_tui::ui::view::layout(&app, ratatui::layout::Rect::new(0, 0, w, h));

            // Every timeline row shows the start of its message.
            let timeline = inner_rows(&buf, areas.timeline);
            let mut times = audit_tui::ingest::time::TimeReader::new(audit_tui::ingest::time::Zone::Utc);
            let mut shown = 0;
            for (row, text) in (app.timeline.top..app.row_count()).zip(&timeline) {
                let e = app.row_event(row).unwrap();
                let message: String = app.index.message_of(e, &mut times).chars().take(12).collect();
                assert!(text.contains(&message), "{at}: row {text:?} lacks {message:?}\n{screen}");
                shown += 1;
            }
            assert!(shown >= 5, "{at}: {shown} rows\n{screen}");
            if keys.is_empty() {
                let row = &timeline[app.timeline.cursor - app.timeline.top];
                assert!(row.contains("EmptyDataError"), "{at}: the error's row {row:?}\n{screen}");
            }

            // Wherever the sessions pane is shown, each row keeps its ✗ count.
            if keys == "1" || w >= 100 {
                assert!(areas.sessions.width > 0, "{at}: the sessions pane is shown\n{screen}");
            }
            if areas.sessions.width > 0 {
                let sessions = inner_rows(&buf, areas.sessions);
                assert!(sessions[0].starts_with("All sessions") && sessions[0].ends_with("✗4"), "{at}: {sessions:?}");
                assert_eq!(app.sessions.ids.len(), 3);
                for (k, &sid) in app.sessions.ids.iter().enumerate() {
                    let s = &app.index.sessions[sid as usize];
                    let row = sessions[k + 1].trim_end();
                    assert!(s.errors > 0);
                    assert!(row.ends_with(&format!("✗{}", s.errors)), "{at}: session {} row {row:?}\n{screen}", s.id);
                }
            }
        }
    }
}

/// Which of `wanted` (name, text) a timeline row shows, in the order shown.
fn row_columns(row: &str, wanted: &[(&'static str, &str)]) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> =
        wanted.iter().filter_map(|&(name, text)| row.find(text).map(|at| (at, name))).collect();
    found.sort();
    found.into_iter().map(|(_, name)| name).collect()
}

#[test]
fn config_columns_show_a_field_of_the_main_dialect_and_give_way_from_the_last() {
    use audit_tui::ui::msg::Msg;
    let text = "[columns]\ndatatools = [\"page:16\", \"session\", \"category\"]\ndefault = [\"session\"]\n";
    // DataTools has its own list, so `default` does not apply.
    let config = audit_tui::config::parse(text, "c.toml").expect("valid config");
    let mut app = app_for(DATATOOLS);
    assert_eq!(app.index.main_dialect(), Some(audit_tui::ingest::dialects::facts::Dialect::DataTools));
    // Without a [columns] list: the built-in category and session (no outcome in DataTools).
    let built_in = screen(&app, 160, 45);
    app.columns = config.columns;
    let row_of = |buf: &ratatui::buffer::Buffer, app: &App, w: u16| {
        let area = audit_tui::ui::view::layout(app, ratatui::layout::Rect::new(0, 0, w, 45)).timeline;
        let rows = inner_rows(buf, area);
        let row = rows.into_iter().find(|r| r.contains("Data Profiler run"));
        (ratatui::widgets::Block::bordered().inner(area).width, row.expect("the tool run's row"))
    };
    assert!(built_in.contains(" 05-16 07:17:52.118 INFO  tool_run     3f9c2a1b   Data Profiler run"), "{built_in}");
    // The tool run's line has page 1_Data_Profiler: the field is read from the line.
    let buf = draw(&app, 160, 45);
    let (_, wide) = row_of(&buf, &app, 160);
    assert_eq!(
        wide.trim_end(),
        " 05-16 07:17:52.118 INFO  1_Data_Profiler  3f9c2a1b   tool_run     Data Profiler run",
        "page, session and category, in the config's order"
    );
    // A line without a page has an empty cell there: its session stays in the column.
    let area = audit_tui::ui::view::layout(&app, ratatui::layout::Rect::new(0, 0, 160, 45)).timeline;
    let start = inner_rows(&buf, area).into_iter().find(|r| r.contains("05-16 07:15:00")).expect("first row");
    assert_eq!(start.find("3f9c2a1b"), wide.find("3f9c2a1b"), "{start}\n{wide}");

    let wanted = [
        ("date", "05-16 07:17:52.118"),
        ("time", " 07:17:52 "),
        ("page", "1_Data_Profiler"),
        ("session", "3f9c2a1b"),
        ("category", "tool_run"),
        ("message", "Data Profiler run"),
    ];
    let mut by_width = Vec::new();
    for w in 40..=200 {
        send(&mut app, Msg::Resize(w, 45));
        let (inner, row) = row_of(&draw(&app, w, 45), &app, w);
        by_width.push((inner, row_columns(&row, &wanted), row));
    }
    by_width.sort_by_key(|(inner, _, _)| std::cmp::Reverse(*inner));
    let mut order: Vec<Vec<&str>> = Vec::new();
    for (inner, shown, row) in &by_width {
        // A column is shown only while the message keeps 30 cells.
        let cells = |c: &&str| match *c {
            "date" => 26,
            "time" => 16,
            "page" => 17,
            "session" => 11,
            "category" => 13,
            _ => 0,
        };
        if shown.len() > 2 {
            assert!(shown.iter().map(cells).sum::<usize>() + 30 <= usize::from(*inner), "{inner}: {row:?}");
        }
        if order.last() != Some(shown) {
            order.push(shown.clone());
        }
    }
    assert_eq!(
        order,
        [
            vec!["date", "page", "session", "category", "message"],
            vec!["date", "page", "session", "message"],
            vec!["date", "page", "message"],
            vec!["time", "page", "message"],
            vec!["time", "message"],
        ],
        "the last listed gives way first, the first only after the time shortens"
    );
}

#[test]
fn a_new_error_while_following_is_announced_escaped_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.jsonl");
    let line =
        r#"{"ts":"2026-05-17T10:00:00Z","level":"error","msg":"boom \u001b[2J \u202e evil\nTraceback: the rest"}"#;
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let mut follower = audit_tui::ingest::inputs::watch::Follower::new(
        &file,
        audit_tui::ingest::time::Zone::Utc,
        audit_tui::ingest::inputs::watch::system_clock(),
    );
    let mut app = app_for(SAMPLE);
    send(&mut app, audit_tui::ui::msg::Msg::Tailed(follower.poll(true)));
    let screen = screen(&app, 160, 45);
    let status = screen.lines().last().unwrap();
    assert!(status.contains(r"new error: boom \x1b[2J <U+202E> evil …"), "{status}");
    assert!(!status.contains("Traceback"), "only the first line of the message: {status}");
    assert!(!status.chars().any(is_hostile), "{status:?}");
}

#[test]
fn typed_text_is_drawn_escaped_in_titles_and_errors() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "/");
    type_text(&mut app, "is:a\u{202e}b");
    let first = screen(&app, 160, 45);
    assert!(first.contains("is:a<U+202E>b is not known"), "the filter's error quotes the query escaped:\n{first}");
    assert!(!first.lines().flat_map(str::chars).any(is_hostile), "{first:?}");
    press(&mut app, "Esc 1 /");
    type_text(&mut app, "Q\u{202e}Z");
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("/Q<U+202E>Z"), "the session filter in the pane's title:\n{screen}");
    assert!(!screen.lines().flat_map(str::chars).any(is_hostile), "{screen:?}");
}

// ---------------------------------------------------------------------------
// A terminal whose locale is not UTF-8 (LANG=C)

/// An explorer drawing with the ASCII glyphs, as the binary chooses under `LANG=C`.
fn ascii_app_for(fixture: &str) -> App {
    let mut app = app_for(fixture);
    app.glyphs = audit_tui::ui::theme::Glyphs::ASCII;
    app
}

/// The cells that are not printable ASCII, with their row.
fn non_ascii_cells(screen: &str) -> Vec<(usize, char)> {
    screen
        .lines()
        .enumerate()
        .flat_map(|(row, line)| line.chars().filter(|c| !(c.is_ascii_graphic() || *c == ' ')).map(move |c| (row, c)))
        .collect()
}

#[test]
fn overview_in_ascii() {
    let app = ascii_app_for(SAMPLE);
    let screen = screen(&app, 160, 45);
    assert_eq!(non_ascii_cells(&screen), vec![], "{screen}");
    assert!(screen.contains("+ Sessions 67 x37 ---"), "ASCII frame and failed count:\n{screen}");
    assert!(screen.contains("# Timeline 2,716 events + 1 unparsed ="), "the focused pane's frame:\n{screen}");
    assert!(screen.contains(" 05-11 08:28 -> 05-17 17:08 (6d 8h) | 59 errors shown in red"), "{screen}");
    assert!(screen.contains("20:40 Jos<U+00E9> N~ c0591c"), "the logs' own letters as escapes, cut:\n{screen}");
    assert!(screen.contains(" 18 files | 2,716 events | 1 unparsed "), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

#[test]
fn help_overlay_in_ascii() {
    let mut app = ascii_app_for(SAMPLE);
    press(&mut app, "?");
    let screen = screen(&app, 160, 45);
    assert_eq!(non_ascii_cells(&screen), vec![], "{screen}");
    assert!(screen.contains("# audit-tui keys ="), "{screen}");
    assert!(screen.contains("j Down  next row"), "arrow keys by name:\n{screen}");
    assert!(screen.contains("-term negates | bare words are fuzzy"), "{screen}");
    insta::assert_snapshot!(terminal_with(&app, 160, 45).backend());
}

/// Every notable state, at a few sizes: nothing but printable ASCII reaches the screen.
#[test]
fn under_an_ascii_locale_every_state_draws_only_ascii() {
    let states: &[(&str, &str)] = &[
        (SAMPLE, ""),
        (SAMPLE, "/ l e v e l : e r r o r"),
        (SAMPLE, "/ l e v e l : n o p e"),
        (SAMPLE, "/ l e v e l : e r r o r Enter &"),
        (SAMPLE, "/ ' E m p t y D a t a E r r o r Enter Esc Enter"),
        (SAMPLE, "e Enter Enter"),
        (SAMPLE, "1 j j Enter"),
        (SAMPLE, "1 / J o"),
        (SAMPLE, "?"),
        (SAMPLE, "G"),
        (ESCAPES, "j j j j j j j Enter"),
        (DATATOOLS, "e Enter"),
        ("tests/fixtures/tool_audit", "w Enter"),
    ];
    for &(fixture, keys) in states {
        let mut app = ascii_app_for(fixture);
        press(&mut app, keys);
        for (w, h) in [(160, 45), (120, 40), (80, 24), (30, 8)] {
            send(&mut app, audit_tui::ui::msg::Msg::Resize(w, h));
            let screen = rows(&draw(&app, w, h)).join("\n");
            assert_eq!(non_ascii_cells(&screen), vec![], "{fixture} after {keys:?} at {w}x{h}:\n{screen}");
        }
    }
}

#[test]
fn under_an_ascii_locale_notes_and_composed_messages_are_ascii() {
    // "matches marked" names the marker the rows show.
    let mut app = ascii_app_for(SAMPLE);
    press(&mut app, "/ l e v e l : e r r o r Enter &");
    let marked = screen(&app, 160, 45);
    assert!(marked.contains("showing all rows, matches marked *"), "{marked}");
    assert!(marked.lines().any(|l| l.contains("*05-11 ")), "matching rows carry the marker:\n{marked}");
    // A new error in follow mode, cut to its first line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.jsonl");
    std::fs::write(
        &file,
        "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"error\",\"msg\":\"caf\u{e9} down\\nTraceback\"}\n",
    )
    .unwrap();
    let mut follower = audit_tui::ingest::inputs::watch::Follower::new(
        &file,
        audit_tui::ingest::time::Zone::Utc,
        audit_tui::ingest::inputs::watch::system_clock(),
    );
    let mut app = ascii_app_for(SAMPLE);
    send(&mut app, audit_tui::ui::msg::Msg::Tailed(follower.poll(true)));
    let status = screen(&app, 160, 45).lines().last().unwrap().to_string();
    assert!(status.contains("new error: caf<U+00E9> down ..."), "{status}");
}

#[test]
fn the_help_fits_80_by_24_scrolls_and_names_the_mouse() {
    let mut app = app_for(SAMPLE);
    app.size = (80, 24);
    press(&mut app, "?");
    let first = screen(&app, 80, 24);
    assert!(first.contains("audit-tui keys") && first.contains("next row"), "{first}");
    assert!(first.contains("j/k PgDn/PgUp scroll"), "says it scrolls: {first}");
    assert!(!first.contains("Filter (/) query language"), "the end is below");
    press(&mut app, "G");
    let last = screen(&app, 80, 24);
    assert!(last.contains("Filter (/) query language") && last.contains("-term negates"), "{last}");
    assert!(last.contains("Mouse") && last.contains("wheel"), "{last}");
    // Every binding can be reached by scrolling: each key's help line shows on some page.
    press(&mut app, "g");
    let mut seen = String::new();
    for _ in 0..10 {
        seen.push_str(&screen(&app, 80, 24));
        press(&mut app, "PgDn");
    }
    for b in audit_tui::ui::keymap::KEYMAP {
        assert!(seen.contains(b.help), "{} not reachable", b.help);
    }
    // Keys scroll rather than close; Esc, q and ? close, and q does not quit.
    press(&mut app, "j");
    assert!(app.show_help);
    press(&mut app, "q");
    assert!(!app.show_help && !app.should_quit);
    press(&mut app, "? Esc");
    assert!(!app.show_help);
}
