//! The sessions pane: who (full name and short session id), and a filter typed in the
//! pane that selects its first match so `Enter` scopes the timeline to it.

mod common;

use audit_tui::ui::app::{App, Pane};
use common::*;

fn sid_of(app: &App, id: &str) -> u32 {
    app.index.listed_sessions().find(|(_, s)| s.id == id).map(|(i, _)| i).expect("session in the sample")
}

#[test]
fn typing_in_the_sessions_pane_selects_the_first_match_and_enter_scopes_to_it() {
    let mut app = app_for(SAMPLE);
    let failed = sid_of(&app, FAILED_SESSION);
    press(&mut app, "1 /");
    type_text(&mut app, "7d41");
    assert_eq!(app.sessions.ids, vec![failed]);
    assert_eq!(app.sessions.cursor, 1, "the first match is selected, not 'All sessions'");
    assert_eq!(app.scope, None, "typing does not refilter the timeline");
    press(&mut app, "Enter");
    assert!(!app.sessions.editing);
    assert_eq!(app.scope, Some(failed), "Enter scopes to the selected match");
    assert_eq!(app.focus, Pane::Timeline);
    assert_eq!(row_ids(&app).len() as u64, app.index.sessions[failed as usize].events);
}

#[test]
fn a_name_typed_in_the_pane_selects_that_users_first_session() {
    let mut app = app_for(SAMPLE);
    press(&mut app, "1 /");
    type_text(&mut app, "tasha");
    let first = app.sessions.ids[0];
    assert_eq!(app.index.sessions[first as usize].user, "TashaGreene");
    assert!(app.sessions.ids.iter().all(|&s| app.index.sessions[s as usize].user == "TashaGreene"));
    // Down moves among the matches while still typing; Enter scopes to the one chosen.
    press(&mut app, "Down Enter");
    assert_eq!(app.scope, Some(app.sessions.ids[1]));
}

#[test]
fn esc_clears_the_sessions_filter_while_typing_and_after() {
    let mut app = app_for(SAMPLE);
    let all = app.sessions.ids.len();
    press(&mut app, "1 /");
    type_text(&mut app, "dana");
    press(&mut app, "Esc");
    assert!(app.sessions.filter.is_empty() && !app.sessions.editing);
    assert_eq!(app.sessions.ids.len(), all);
    // Typed, scoped, back in the pane: Esc clears the filter first, the scope stays.
    press(&mut app, "/");
    type_text(&mut app, "7d41");
    press(&mut app, "Enter 1 Esc");
    assert!(app.sessions.filter.is_empty());
    assert_eq!(app.sessions.ids.len(), all);
    assert_eq!(app.scope, Some(sid_of(&app, FAILED_SESSION)));
    let scoped = app.scope;
    assert_eq!(app.sessions.ids.get(app.sessions.cursor - 1).copied(), scoped, "the cursor stays on it");
    press(&mut app, "Esc");
    assert_eq!(app.scope, None, "the next Esc unscopes");
}

#[test]
fn session_rows_show_the_full_name_and_the_short_id() {
    let mut app = app_for(SAMPLE);
    let screen_all = screen(&app, 160, 45);
    // The sample's first DataTools session, 3f9c2a1b-…, Dana Whitfield's, 50m 19s long.
    assert!(screen_all.contains("Dana Whitfield 3f9c2a "), "{screen_all}");
    assert!(screen_all.contains("DamionMorrison "), "full names, not cut: {screen_all}");
    // Derived sessions (no session field) have no id to show: the name is enough.
    let derived = screen_all.lines().find(|l| l.contains("DamionMorrison")).expect("a repricing session");
    assert!(!derived.contains('@'), "{derived}");
    // Focused, the pane is wider: the durations come back beside full names.
    press(&mut app, "1");
    let focused = screen(&app, 160, 45);
    let row = focused.lines().find(|l| l.contains("Dana Whitfield 3f9c2a")).expect("row");
    assert!(row.contains("50m 19s"), "duration shown: {row}");
    let unfocused = screen_all.lines().find(|l| l.contains("Dana Whitfield 3f9c2a")).expect("row");
    assert!(!unfocused.contains("50m 19s"), "narrow: the duration gives way to the name: {unfocused}");
}
