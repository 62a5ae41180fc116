//! The mouse: the wheel scrolls the pane (or overlay) under it, a click focuses a pane and
//! selects a row.

use super::nav::{Motion, move_in, move_sessions_to, set_cursor};
use super::{errors_view, overlays};
use crate::ui::app::{App, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

pub fn on_mouse(app: &mut App, m: MouseEvent) {
    if app.story.is_some() {
        // The overlay covers the panes: the wheel scrolls the story, clicks do nothing.
        let key = match m.kind {
            MouseEventKind::ScrollDown => KeyCode::Down,
            MouseEventKind::ScrollUp => KeyCode::Up,
            _ => return,
        };
        for _ in 0..3 {
            overlays::story_key(app, KeyEvent::new(key, KeyModifiers::NONE));
        }
        return;
    }
    let areas = crate::ui::view::layout(app, ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1));
    if app.show_help {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        match m.kind {
            MouseEventKind::ScrollDown => (0..3).for_each(|_| overlays::help_key(app, key(KeyCode::Down))),
            MouseEventKind::ScrollUp => (0..3).for_each(|_| overlays::help_key(app, key(KeyCode::Up))),
            _ => {}
        }
        return;
    }
    if app.errors.open {
        return errors_view::errors_view_mouse(app, m, areas.errors);
    }
    let at = ratatui::layout::Position::new(m.column, m.row);
    let pane = if areas.sessions.contains(at) {
        Some(Pane::Sessions)
    } else if areas.timeline.contains(at) {
        Some(Pane::Timeline)
    } else if areas.detail.contains(at) {
        Some(Pane::Detail)
    } else {
        None
    };
    let Some(pane) = pane else { return };
    match m.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let d = if m.kind == MouseEventKind::ScrollDown { 3 } else { -3 };
            move_in(app, pane, Motion::Rows(d));
        }
        MouseEventKind::Down(MouseButton::Left) => {
            app.focus = pane;
            let inner_row = |top: u16| m.row.checked_sub(top + 1).map(usize::from);
            match pane {
                Pane::Sessions => {
                    if let Some(r) = inner_row(areas.sessions.y) {
                        let target = (app.sessions.top + r).min(app.sessions.ids.len());
                        move_sessions_to(app, target);
                    }
                }
                Pane::Timeline => {
                    if let Some(r) = inner_row(areas.timeline.y)
                        && app.timeline.top + r < app.row_count()
                    {
                        set_cursor(app, app.timeline.top + r);
                    }
                }
                Pane::Detail => {}
            }
        }
        _ => {}
    }
}
