//! The errors view (`!`): which errors, how often, in how many sessions, for how many
//! users, answered in one key; `Enter` narrows the timeline to one group's occurrences,
//! each opening its drill-down with the session's context.

mod common;

use audit_tui::ui::app::{App, Pane};
use audit_tui::ui::msg::Msg;
use common::*;
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn listed_counts(app: &App) -> Vec<u64> {
    app.errors.groups.iter().map(|&g| app.index.groups[g as usize].count).collect()
}

fn group_named<'a>(app: &'a App, needle: &str) -> (u32, &'a audit_tui::model::error_group::ErrorGroup) {
    let g = app.index.groups.iter().position(|g| g.title.contains(needle)).expect("group in the sample");
    (g as u32, &app.index.groups[g])
}

fn select_group(app: &mut App, g: u32) {
    let row = app.errors.groups.iter().position(|&x| x == g).expect("listed group");
    for _ in 0..row {
        press(app, "j");
    }
    assert_eq!(app.errors.selected(), Some(g));
}

#[test]
fn one_key_lists_every_error_group_biggest_first_with_sessions_and_users() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "!");
    assert!(app.errors.open);
    assert_eq!(app.errors.groups.len(), app.index.groups.len(), "every group is listed");
    let counts = listed_counts(&app);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "biggest first: {counts:?}");
    let total: u64 = counts.iter().sum();
    assert_eq!(total, app.index.error_count(), "the groups hold every error");
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("COUNT  SESS USERS  FIRST       LAST        PER DAY"), "{screen}");
    assert!(screen.contains(&format!("{} errors", total)), "{screen}");
    // The sample's EmptyDataError: 3 times in one session, for one user.
    let (_, empty) = group_named(&app, "EmptyDataError");
    assert_eq!((empty.count, empty.sessions.len(), empty.users.len()), (3, 1, 1));
    let row = screen.lines().find(|l| l.contains("EmptyDataError: No columns to parse")).expect("EmptyDataError row");
    assert!(row.contains("      3     1     1  05-17 16:14 05-17 16:16"), "{row}");
}

#[test]
fn sparklines_count_occurrences_per_day_over_the_logs_span() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "!");
    // The sample spans 2026-05-11 .. 2026-05-17: seven days, one column each.
    assert_eq!(app.errors.days, 7);
    for (row, &g) in app.errors.groups.iter().enumerate() {
        let grp = &app.index.groups[g as usize];
        let per_day = &app.errors.per_day[row];
        assert_eq!(per_day.iter().map(|&n| u64::from(n)).sum::<u64>(), grp.count, "{}", grp.title);
    }
    let (g, _) = group_named(&app, "EmptyDataError");
    let row = app.errors.groups.iter().position(|&x| x == g).expect("listed");
    assert_eq!(app.errors.per_day[row], vec![0, 0, 0, 0, 0, 0, 3], "all three on 05-17");
}

#[test]
fn enter_narrows_the_timeline_to_the_groups_occurrences_and_esc_widens_it() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "!");
    let (g, grp) = group_named(&app, "FILE_NOT_FOUND");
    let occurrences = grp.occurrences.clone();
    let sessions = grp.sessions.len();
    assert!(sessions > 1, "a group seen in several sessions");
    select_group(&mut app, g);
    press(&mut app, "Enter");
    assert!(!app.errors.open, "Enter closes the view");
    assert_eq!(app.focus, Pane::Timeline);
    assert_eq!(app.group_scope, Some(g));
    assert_eq!(app.row_ids(), Some(occurrences.as_slice()), "exactly the occurrences, in every session");
    assert_eq!(app.selected_id(), Some(occurrences[0]), "the cursor on the first one");
    let shown = screen(&app, 160, 45);
    assert!(shown.contains(&format!("Timeline {} of 2,717 ✗{}", occurrences.len(), occurrences.len())), "{shown}");

    // Each occurrence opens its drill-down with what the user did before it.
    press(&mut app, "j Enter");
    assert_eq!(app.focus, Pane::Detail);
    assert_eq!(app.selected_id(), Some(occurrences[1]));
    let screen = screen(&app, 160, 45);
    assert!(screen.contains("Error drill-down") && screen.contains("Before this"), "{screen}");
    assert!(screen.contains(&format!("occurrence 2/{}", occurrences.len())), "{screen}");

    // Esc leaves the detail, then the group: every row is back, the cursor stays put.
    press(&mut app, "Esc Esc");
    assert_eq!(app.group_scope, None);
    assert_eq!(app.row_count(), app.index.len());
    assert_eq!(app.selected_id(), Some(occurrences[1]));
}

#[test]
fn a_filter_narrows_the_groups_occurrences_further() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "!");
    let (g, grp) = group_named(&app, "FILE_NOT_FOUND");
    let user = grp.users[0].clone();
    let expected: Vec<u32> = grp
        .occurrences
        .iter()
        .copied()
        .filter(|&id| {
            let e = app.index.event(id as usize).expect("event");
            app.index.session(e.session()).is_some_and(|s| s.user == user)
        })
        .collect();
    assert!(!expected.is_empty() && expected.len() < grp.occurrences.len());
    select_group(&mut app, g);
    press(&mut app, "Enter /");
    type_text(&mut app, &format!("user:{user}"));
    press(&mut app, "Enter");
    assert_eq!(app.row_ids(), Some(expected.as_slice()));
}

#[test]
fn the_view_moves_by_keys_and_mouse_and_closes_without_changing_the_timeline() {
    let mut app = app_for(SAMPLE);
    let before = app.selected_id();
    press(&mut app, "! j j");
    assert_eq!(app.errors.cursor, 2);
    press(&mut app, "G");
    assert_eq!(app.errors.cursor, app.errors.groups.len() - 1);
    press(&mut app, "g");
    assert_eq!(app.errors.cursor, 0);
    let click = |row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    // Row 0 is the border, row 1 the header: row 4 is the third group.
    send(&mut app, Msg::Mouse(click(4)));
    assert_eq!(app.errors.cursor, 2);
    assert!(app.errors.open);
    send(
        &mut app,
        Msg::Mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column: 10, row: 4, modifiers: KeyModifiers::NONE }),
    );
    assert_eq!(app.errors.cursor, 5);
    press(&mut app, "Esc");
    assert!(!app.errors.open);
    assert_eq!(app.selected_id(), before);
    assert_eq!(app.group_scope, None);
    // `q` closes the view rather than quitting; `!` toggles it.
    press(&mut app, "! q");
    assert!(!app.errors.open && !app.should_quit);
    press(&mut app, "! !");
    assert!(!app.errors.open);
}

#[test]
fn opening_on_an_error_selects_its_group_and_a_new_index_keeps_it() {
    let mut app = app_for(SAMPLE);
    let (g, grp) = group_named(&app, "EmptyDataError");
    let second = grp.occurrences[1];
    let fingerprint = grp.fingerprint;
    app.timeline.cursor = app.row_at_or_after(second);
    press(&mut app, "!");
    assert_eq!(app.errors.selected(), Some(g), "the selected event's group");
    // The full index replaces the preview: the view is rebuilt and keeps its group.
    send(&mut app, Msg::Indexed(Box::new(index_of(SAMPLE))));
    assert!(app.errors.open);
    let now = app.errors.selected().map(|g| app.index.groups[g as usize].fingerprint);
    assert_eq!(now, Some(fingerprint));
}

#[test]
fn a_log_without_errors_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("calm.jsonl");
    std::fs::write(&log, "{\"ts\":\"2026-05-17T10:00:00Z\",\"level\":\"info\",\"message\":\"fine\"}\n").expect("write");
    let index = audit_tui::ingest::build::build(
        &[log],
        audit_tui::ingest::build::Options {
            zone: audit_tui::ingest::time::Zone::Utc,
            gap_minutes: 30,
            detail: audit_tui::ingest::build::Detail::Full,
        },
        &audit_tui::ingest::build::Progress::default(),
    );
    let mut app = App::new(index, "calm".into(), audit_tui::ingest::time::Zone::Utc, FIXED_NOW_MS);
    press(&mut app, "! Enter");
    let shown = screen(&app, 120, 40);
    assert!(shown.contains("no errors in these logs"), "{shown}");
    assert_eq!(app.group_scope, None);
}

#[test]
fn errors_view_of_the_sample() {
    let mut app = app_for(SAMPLE);
    app.size = (120, 40);
    press(&mut app, "! j");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal.draw(|f| audit_tui::ui::view::draw(f, &app)).expect("draw");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn errors_view_in_ascii_draws_only_ascii() {
    let mut app = app_for(SAMPLE);
    app.glyphs = audit_tui::ui::theme::Glyphs::ASCII;
    press(&mut app, "!");
    let screen = screen(&app, 120, 40);
    let bad: Vec<char> = screen.chars().filter(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\n')).collect();
    assert!(bad.is_empty(), "{bad:?}\n{screen}");
    assert!(screen.contains("PER DAY"));
}

#[test]
fn help_and_status_bar_name_the_key() {
    let mut app = app_for(SAMPLE);
    assert!(screen(&app, 160, 45).contains("! errors"));
    press(&mut app, "?");
    assert!(screen(&app, 160, 45).contains("errors view"));
}
