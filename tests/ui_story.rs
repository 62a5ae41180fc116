//! The explorer's `S`: the selected session's story in an overlay, computed when it opens,
//! scrolled with j/k/PgDn/PgUp, closed with Esc, q or S; its text drawn escaped.

mod common;

use common::{FAILED_SESSION, app_for, press, raw_hazards, screen};

#[test]
fn s_shows_the_selected_sessions_story_and_scrolls_it() {
    let mut app = app_for(common::SAMPLE);
    // Scope to the failing session: `/` in the sessions pane filters them.
    press(&mut app, "1 /");
    common::type_text(&mut app, FAILED_SESSION);
    press(&mut app, "Enter j Enter e");
    assert_eq!(app.index.session(app.scope.expect("scoped")).map(|s| s.id.as_str()), Some(FAILED_SESSION));

    press(&mut app, "S");
    let story = app.story.as_ref().expect("S opens the story");
    assert_eq!(story.session, FAILED_SESSION);
    assert_eq!(story.lines[0], "# Session `7d41e9b2`: Dana Whitfield");
    assert!(story.lines.iter().any(|l| l == "| Python / runtime | `Python 3.12.10` |"));
    assert!(
        story
            .lines
            .iter()
            .any(|l| l.starts_with("188. 16:19:48 **error**: tool\\_run(2\\_Text\\_Cleaner): MemoryError"))
    );
    insta::assert_snapshot!("story_overlay_of_7d41e9b2", screen(&app, 120, 40));

    // Keys scroll the story, not the panes behind it.
    let cursor = app.timeline.cursor;
    press(&mut app, "j j");
    assert_eq!(app.story.as_ref().unwrap().scroll, 2);
    press(&mut app, "PgDn");
    assert_eq!(app.story.as_ref().unwrap().scroll, 2 + app.story_height());
    press(&mut app, "k PgUp");
    assert_eq!(app.story.as_ref().unwrap().scroll, 1);
    press(&mut app, "PgUp");
    assert_eq!(app.story.as_ref().unwrap().scroll, 0, "stops at the top");
    press(&mut app, "G");
    let last = app.story.as_ref().unwrap().lines.len() - app.story_height();
    assert_eq!(app.story.as_ref().unwrap().scroll, last);
    press(&mut app, "j");
    assert_eq!(app.story.as_ref().unwrap().scroll, last, "stops at the end");
    assert_eq!(app.timeline.cursor, cursor);

    for close in ["Esc", "q", "S"] {
        assert!(app.story.is_some());
        press(&mut app, close);
        assert!(app.story.is_none(), "{close} closes the story");
        assert!(!app.should_quit, "{close} only closes the story");
        press(&mut app, "S");
    }
}

#[test]
fn s_tells_the_session_of_the_selected_event_or_says_there_is_none() {
    let mut app = app_for(common::DATATOOLS);
    press(&mut app, "e S");
    let story = app.story.as_ref().expect("the selected error's session");
    assert!(story.lines[0].starts_with("# Session `"), "{:?}", story.lines[0]);
    press(&mut app, "Esc");

    // The sessions pane's cursor picks the session.
    press(&mut app, "1 j S");
    let listed = app.sessions.ids[0];
    let id = app.index.session(listed).unwrap().id.clone();
    assert_eq!(app.story.as_ref().unwrap().session, id);
}

#[test]
fn the_story_overlay_draws_log_text_escaped() {
    let mut app = app_for(common::ESCAPES);
    press(&mut app, "S");
    assert!(app.story.is_some());
    for _ in 0..20 {
        let drawn = screen(&app, 120, 40);
        assert!(raw_hazards(&drawn).is_empty(), "{drawn}");
        press(&mut app, "PgDn");
    }
}
