//! Overlays over the panes: the help, the session's story and the bundle check. Each
//! scrolls with the same motions as the panes and closes with Esc or q.

use super::nav::Motion;
use crate::ui::app::{App, Pane};
use crate::ui::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

/// Keys while the bundle check's overlay is open: scroll, or close with Esc, q or c.
pub fn check_key(app: &mut App, key: KeyEvent) {
    if matches!(key.code, KeyCode::Esc | KeyCode::Char('q' | 'c')) {
        app.check.open = false;
        return;
    }
    let last = app.check.lines.len().saturating_sub(1);
    let page = usize::from(app.size.1.saturating_sub(6)).max(1);
    if let Some(motion) = Motion::of_key(&app.keys, key) {
        app.check.scroll = motion.apply(app.check.scroll, last, page);
    }
}

/// Keys while the help is shown: it scrolls (it is longer than a small screen), and
/// Esc, q, ? or F1 close it.
pub fn help_key(app: &mut App, key: KeyEvent) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let theme = crate::ui::theme::Theme::current().with_glyphs(app.glyphs);
    let max = crate::ui::view::help::max_scroll(area, &theme, &app.keys);
    if app.keys.has_overrides() && app.keys.action_for(key) == Some(Action::ToggleHelp) {
        app.show_help = false;
        app.help_scroll = 0;
        return;
    }
    if matches!(key.code, KeyCode::Esc | KeyCode::Char('q' | '?') | KeyCode::F(1)) {
        app.show_help = false;
        app.help_scroll = 0;
        return;
    }
    let page = usize::from(app.size.1.saturating_sub(4)).max(1);
    if let Some(motion) = Motion::of_key(&app.keys, key) {
        app.help_scroll = motion.apply(app.help_scroll.min(max), max, page);
    }
}

/// The session `S` tells: the one under the cursor in the sessions pane, else the scoped
/// one, else the selected event's.
fn story_session(app: &App) -> Option<u32> {
    let listed = match app.focus {
        Pane::Sessions => app.sessions.cursor.checked_sub(1).and_then(|i| app.sessions.ids.get(i)).copied(),
        _ => None,
    };
    listed.or(app.scope).or_else(|| app.selected().map(|e| e.session())).filter(|&s| app.index.session(s).is_some())
}

/// Opens the story overlay: the Markdown of `report --session`, computed here once, not
/// on every frame.
pub fn open_story(app: &mut App) {
    use crate::report::story;
    if app.loading.is_some() {
        app.note("the story waits for the full index", true);
        return;
    }
    let Some(sid) = story_session(app) else {
        app.note("no session here: select an event or a session first", false);
        return;
    };
    let mut out = Vec::new();
    if story::write(&mut out, &app.index, app.zone, sid, &app.title, story::Limits::default()).is_err() {
        return;
    }
    let lines = String::from_utf8_lossy(&out).lines().map(str::to_string).collect();
    let session = app.index.session(sid).map_or_else(String::new, |s| s.id.clone());
    app.story = Some(crate::ui::app::StoryView { session, lines, scroll: 0 });
}

/// Keys while the story is shown: scrolling, and Esc / q / S to close it.
pub fn story_key(app: &mut App, key: KeyEvent) {
    let height = app.story_height().max(1);
    let Some(story) = app.story.as_mut() else { return };
    let last = story.lines.len().saturating_sub(height);
    if matches!(key.code, KeyCode::Esc | KeyCode::Char('q' | 'S')) {
        app.story = None;
        return;
    }
    if let Some(motion) = Motion::of_key(&app.keys, key) {
        story.scroll = motion.apply(story.scroll, last, height);
    }
}
