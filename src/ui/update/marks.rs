//! Marks: `m` marks the selected event with a note, `'` and `"` step through them.

use super::nav::set_cursor;
use crate::ui::app::{App, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A note on a mark is a line, not a document.
pub const MAX_NOTE_CHARS: usize = 500;

/// `m`: marks the selected event and asks for a note, or takes a mark away.
pub fn toggle_mark(app: &mut App) {
    let Some(id) = app.selected_id() else { return };
    if let Some(k) = app.marks.placed.iter().position(|(i, _)| *i == id) {
        let (_, gone) = app.marks.placed.remove(k);
        app.marks.stored.retain(|m| *m != gone);
        app.requests.push(Request::SaveMarks);
        app.note("mark removed", false);
        return;
    }
    let Some(mark) = crate::marks::mark_of(&app.index, id, String::new()) else { return };
    let at = app.marks.placed.partition_point(|(i, _)| *i < id);
    app.marks.placed.insert(at, (id, mark.clone()));
    app.marks.stored.push(mark);
    app.marks.note = Some(String::new());
}

/// Typing the note of the mark just made: Enter keeps it, Esc leaves the mark without one.
pub fn edit_mark_note(app: &mut App, key: KeyEvent) {
    let Some(note) = &mut app.marks.note else { return };
    match key.code {
        KeyCode::Enter | KeyCode::Esc => {
            let text = if key.code == KeyCode::Enter { note.trim().to_string() } else { String::new() };
            app.marks.note = None;
            if let Some(id) = app.selected_id()
                && let Some(k) = app.marks.placed.iter().position(|(i, _)| *i == id)
            {
                let old = app.marks.placed[k].1.clone();
                app.marks.placed[k].1.note = text.clone();
                if let Some(m) = app.marks.stored.iter_mut().find(|m| **m == old) {
                    m.note = text;
                }
            }
            app.requests.push(Request::SaveMarks);
            let n = app.marks.placed.len();
            app.note(format!("marked ({} in this bundle; ' and \" step through them)", n), false);
        }
        KeyCode::Backspace => {
            note.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => note.clear(),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && note.chars().count() < MAX_NOTE_CHARS => {
            note.push(c)
        }
        _ => {}
    }
}

/// `'` and `"`: the next (previous) marked event in the rows listed, round the end.
pub fn step_mark(app: &mut App, forward: bool) {
    if app.marks.placed.is_empty() {
        app.note("no marks: m marks the selected event", false);
        return;
    }
    let current = app.selected_id();
    let listed: Vec<u32> = app
        .marks
        .placed
        .iter()
        .map(|(id, _)| *id)
        .filter(|&id| {
            let row = app.row_at_or_after(id);
            app.row_event_id(row) == Some(id)
        })
        .collect();
    if listed.is_empty() {
        app.note("the marks are hidden by the filter or scope (Esc widens)", false);
        return;
    }
    let target = match current {
        Some(cur) if forward => listed.iter().copied().find(|&id| id > cur).unwrap_or(listed[0]),
        Some(cur) => listed.iter().rev().copied().find(|&id| id < cur).unwrap_or(listed[listed.len() - 1]),
        None => listed[0],
    };
    let row = app.row_at_or_after(target);
    set_cursor(app, row);
    let k = listed.iter().position(|&id| id == target).unwrap_or(0);
    let note = app.marks.at(target).map(|m| m.note.clone()).unwrap_or_default();
    let text = if note.is_empty() { String::new() } else { format!(": {note}") };
    app.note(format!("mark {}/{}{text}", k + 1, listed.len()), false);
}
