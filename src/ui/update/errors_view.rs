//! The errors view (`!`): every group of errors, biggest first; `Enter` narrows the
//! timeline to the selected group's occurrences.

use super::nav::Motion;
use super::refilter;
use crate::ui::app::{App, Pane, scrolled_to};
use crate::ui::errors::ErrorsView;
use crate::ui::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// Opens the errors view, listing the groups of the index as it is now.
pub fn open_errors_view(app: &mut App, keep: Option<u64>) {
    let keep = keep.or_else(|| {
        let id = app.selected_id()?;
        app.index.group_of(id as usize).map(|g| g.fingerprint)
    });
    app.errors = ErrorsView::build(&app.index, app.zone, keep);
    app.errors.open = true;
    let h = errors_view_height(app);
    app.errors.top = app.errors.cursor.saturating_sub(h / 2);
}

/// Rows of the errors view's list (the view uses the same layout).
pub fn errors_view_height(app: &App) -> usize {
    crate::ui::view::errors::list_height(crate::ui::view::layout(app, Rect::new(0, 0, app.size.0, app.size.1)).errors)
}

pub fn errors_view_key(app: &mut App, key: KeyEvent) {
    let n = app.errors.groups.len();
    let h = errors_view_height(app).max(1);
    let e = &mut app.errors;
    if app.keys.has_overrides() {
        match app.keys.action_for(key) {
            Some(Action::ErrorsView) => {
                app.errors.open = false;
                return;
            }
            Some(Action::ToggleHelp) => {
                app.show_help = true;
                return;
            }
            _ => {}
        }
    }
    match key.code {
        KeyCode::Esc | KeyCode::Char('q' | '!') => {
            e.open = false;
            return;
        }
        KeyCode::Char('?') | KeyCode::F(1) => {
            app.show_help = true;
            return;
        }
        KeyCode::Enter => return scope_to_group(app),
        _ => {}
    }
    let Some(motion) = Motion::of_key(&app.keys, key) else { return };
    let target = motion.apply(e.cursor, n.saturating_sub(1), h) as isize;
    move_errors_cursor(app, target);
}

fn move_errors_cursor(app: &mut App, target: isize) {
    let n = app.errors.groups.len();
    if n == 0 {
        return;
    }
    let h = errors_view_height(app).max(1);
    let e = &mut app.errors;
    e.cursor = target.clamp(0, n as isize - 1) as usize;
    e.top = scrolled_to(e.cursor, e.top, h);
}

/// The wheel moves the errors view's cursor; a click selects a row, a click on the
/// selected row opens it as Enter does.
pub fn errors_view_mouse(app: &mut App, m: MouseEvent, area: Rect) {
    match m.kind {
        MouseEventKind::ScrollDown => move_errors_cursor(app, app.errors.cursor as isize + 3),
        MouseEventKind::ScrollUp => move_errors_cursor(app, app.errors.cursor as isize - 3),
        MouseEventKind::Down(MouseButton::Left) => {
            // Below the top border and the header row.
            let Some(r) = m.row.checked_sub(area.y + 2).map(usize::from) else { return };
            if r >= errors_view_height(app) {
                return;
            }
            let row = app.errors.top + r;
            if row == app.errors.cursor {
                scope_to_group(app);
            } else if row < app.errors.groups.len() {
                move_errors_cursor(app, row as isize);
            }
        }
        _ => {}
    }
}

/// Narrows the timeline to the selected group's occurrences (all sessions) and puts the
/// cursor on the first one, with the detail pane showing what led to it.
fn scope_to_group(app: &mut App) {
    let Some(g) = app.errors.selected() else {
        app.note("no errors in these logs", false);
        return;
    };
    let first = app.index.groups.get(g as usize).and_then(|grp| grp.occurrences.first().copied());
    app.errors.open = false;
    app.group_scope = Some(g);
    app.scope = None;
    app.sessions.cursor = 0;
    app.focus = Pane::Timeline;
    app.timeline.anchor = first;
    app.timeline.cursor = 0;
    app.timeline.top = 0;
    app.timeline.pinned_to_end = false;
    app.detail.scroll = 0;
    refilter(app);
    app.note("o/O step through the occurrences, Enter shows one with its context, Esc goes back", false);
}
