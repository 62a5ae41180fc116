//! The filter box and the sessions pane's filter: typing, editing keys, and turning the
//! text into the applied query.

use super::nav::{Motion, move_in, scope_to_cursor};
use super::refilter;
use crate::query::Query;
use crate::ui::app::{App, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The filter box holds a query, not a document: a 100 KB paste, or a terminal without
/// bracketed paste typing it key by key, must not make every keystroke re-read it all.
pub const MAX_FILTER_CHARS: usize = 4096;

fn insert_char(app: &mut App, c: char) {
    insert_text(app, c.encode_utf8(&mut [0; 4]));
}

/// Inserts at the cursor in one step (a paste was inserted a character at a time, each
/// finding its place from the start: quadratic in its length), up to [`MAX_FILTER_CHARS`].
pub fn insert_text(app: &mut App, text: &str) {
    let room = MAX_FILTER_CHARS.saturating_sub(app.filter.text.chars().count());
    let taken: String = text.chars().take(room).collect();
    if taken.chars().count() < text.chars().count() {
        app.note(format!("the filter holds at most {MAX_FILTER_CHARS} characters; the rest was left out"), true);
    }
    let at = byte_index(&app.filter.text, app.filter.cursor);
    app.filter.text.insert_str(at, &taken);
    app.filter.cursor += taken.chars().count();
}

fn byte_index(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

pub fn edit_filter(app: &mut App, key: KeyEvent) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let f = &mut app.filter;
    match key.code {
        KeyCode::Enter => {
            // A query that does not parse stays open for fixing.
            if f.error.is_none() {
                f.editing = false;
            }
            return;
        }
        KeyCode::Esc => {
            f.editing = false;
            f.text.clear();
            f.cursor = 0;
        }
        KeyCode::Char('u') if ctrl => {
            f.text.clear();
            f.cursor = 0;
        }
        KeyCode::Char('w') if ctrl => {
            let end = byte_index(&f.text, f.cursor);
            let head = f.text[..end].trim_end();
            let start = head.rfind(' ').map_or(0, |i| i + 1);
            f.cursor = f.text[..start].chars().count();
            f.text.replace_range(start..end, "");
        }
        KeyCode::Char('a') if ctrl => f.cursor = 0,
        KeyCode::Char('e') if ctrl => f.cursor = f.text.chars().count(),
        KeyCode::Char(c) if !ctrl => insert_char(app, c),
        KeyCode::Backspace => {
            if f.cursor > 0 {
                f.cursor -= 1;
                let at = byte_index(&f.text, f.cursor);
                f.text.remove(at);
            }
        }
        KeyCode::Delete => {
            if f.cursor < f.text.chars().count() {
                let at = byte_index(&f.text, f.cursor);
                f.text.remove(at);
            }
        }
        KeyCode::Left => f.cursor = f.cursor.saturating_sub(1),
        KeyCode::Right => f.cursor = (f.cursor + 1).min(f.text.chars().count()),
        KeyCode::Home => f.cursor = 0,
        KeyCode::End => f.cursor = f.text.chars().count(),
        _ => return,
    }
    filter_text_changed(app);
}

/// Applies the filter box's text as if it had been typed (`--query` at start-up).
pub fn apply_filter_text(app: &mut App) {
    filter_text_changed(app);
}

/// Parses the filter text; a good query replaces the applied one and refilters, a bad
/// one only says what is wrong (the last good results stay on screen).
pub fn filter_text_changed(app: &mut App) {
    let text = app.filter.text.clone();
    if text.trim() == app.filter.applied_text.trim() && app.filter.error.is_none() {
        return;
    }
    if reparse(app, &text) {
        app.timeline.anchor = app.timeline.anchor.or(app.selected_id());
        app.timeline.pinned_to_end = app.follow.enabled && app.timeline.pinned_to_end;
        refilter(app);
    }
}

/// Returns whether the applied query changed.
pub fn reparse(app: &mut App, text: &str) -> bool {
    match Query::parse(text, app.now_ms, app.index.zone) {
        Ok(q) => {
            app.filter.error = None;
            let changed = app.filter.applied.as_ref() != Some(&q);
            app.filter.applied = (!q.is_empty()).then_some(q);
            app.filter.applied_text = text.to_string();
            changed
        }
        Err(e) => {
            app.filter.error = Some(format!("col {}: {}", e.at + 1, e.message));
            false
        }
    }
}

/// Typing in the sessions pane narrows the list and selects the first match, so `Enter`
/// scopes the timeline to it; `Esc` clears the filter.
pub fn edit_session_filter(app: &mut App, key: KeyEvent) {
    let s = &mut app.sessions;
    match key.code {
        KeyCode::Enter => {
            s.editing = false;
            if !s.filter.is_empty() && s.cursor > 0 {
                scope_to_cursor(app);
                app.focus = Pane::Timeline;
            }
            return;
        }
        KeyCode::Esc => {
            s.editing = false;
            s.filter.clear();
        }
        KeyCode::Backspace => {
            s.filter.pop();
        }
        KeyCode::Down => return move_in(app, Pane::Sessions, Motion::Rows(1)),
        KeyCode::Up => return move_in(app, Pane::Sessions, Motion::Rows(-1)),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => s.filter.push(c),
        _ => return,
    }
    app.refresh_session_list();
    if !app.sessions.filter.is_empty() && !app.sessions.ids.is_empty() {
        app.sessions.cursor = 1;
        app.sessions.top = 0;
    }
}
