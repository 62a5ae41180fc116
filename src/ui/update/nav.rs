//! Moving around the panes: cursors, scrolling, and jumps to the next error, match,
//! session or occurrence. One motion type serves every pane and overlay, so `j`, `PgDn`,
//! `Ctrl-d` and `G` mean the same everywhere (and follow the config's key overrides).

use super::refilter;
use crate::ui::app::{App, Pane, scrolled_to};
use crate::ui::keymap::{Action, Keys};
use crossterm::event::KeyEvent;

/// How far a key moves a cursor or a scroll position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    Rows(isize),
    /// Half pages (so that a page is 2 and half a page is 1).
    HalfPages(isize),
    First,
    Last,
}

/// Lines a page of the detail pane scrolls: its height is not known here, and a fixed
/// step keeps the place easy to follow.
const DETAIL_PAGE: usize = 20;

impl Motion {
    pub fn of(action: Action) -> Option<Motion> {
        Some(match action {
            Action::MoveDown => Motion::Rows(1),
            Action::MoveUp => Motion::Rows(-1),
            Action::PageDown => Motion::HalfPages(2),
            Action::PageUp => Motion::HalfPages(-2),
            Action::HalfPageDown => Motion::HalfPages(1),
            Action::HalfPageUp => Motion::HalfPages(-1),
            Action::Top => Motion::First,
            Action::Bottom => Motion::Last,
            _ => return None,
        })
    }

    /// The motion a key asks for, in a list or an overlay.
    pub fn of_key(keys: &Keys, key: KeyEvent) -> Option<Motion> {
        keys.action_for(key).and_then(Motion::of)
    }

    /// The position this motion leads to from `at`, in `0..=last`, for a page of `page`.
    pub fn apply(self, at: usize, last: usize, page: usize) -> usize {
        let delta = match self {
            Motion::First => return 0,
            Motion::Last => return last,
            Motion::Rows(d) => d,
            Motion::HalfPages(h) => h * page.max(1) as isize / 2,
        };
        (at as isize).saturating_add(delta).clamp(0, last as isize) as usize
    }
}

/// Moves the cursor (or the scroll position) of `pane`.
pub fn move_in(app: &mut App, pane: Pane, motion: Motion) {
    match pane {
        Pane::Sessions => {
            let s = &app.sessions;
            let to = motion.apply(s.cursor, s.ids.len(), app.sessions_height());
            move_sessions_to(app, to);
        }
        Pane::Timeline => {
            let Some(last) = app.row_count().checked_sub(1) else { return };
            let to = motion.apply(app.timeline.cursor, last, app.timeline_height().max(1));
            set_cursor(app, to);
        }
        // The view clamps what scrolls past the end.
        Pane::Detail => app.detail.scroll = motion.apply(app.detail.scroll, usize::MAX / 2, DETAIL_PAGE),
    }
}

/// Puts the sessions cursor on `row` (0 = all sessions) and scopes the timeline to it.
pub fn move_sessions_to(app: &mut App, row: usize) {
    app.sessions.cursor = row.min(app.sessions.ids.len());
    let h = app.sessions_height().max(1);
    app.sessions.top = scrolled_to(app.sessions.cursor, app.sessions.top, h);
    scope_to_cursor(app);
}

/// Scopes the timeline to the session under the sessions cursor (row 0 = all).
pub fn scope_to_cursor(app: &mut App) {
    let scope = app.sessions.cursor.checked_sub(1).and_then(|i| app.sessions.ids.get(i)).copied();
    if scope == app.scope {
        return;
    }
    app.scope = scope;
    // A new scope starts at its beginning, unless the selected event is in it.
    let keep = app.selected().filter(|e| Some(e.session()) == scope).and(app.selected_id());
    app.timeline.anchor = keep;
    app.timeline.cursor = 0;
    app.timeline.top = 0;
    app.timeline.pinned_to_end = app.follow.enabled && keep.is_none() && app.timeline.pinned_to_end;
    refilter(app);
}

pub fn set_cursor(app: &mut App, row: usize) {
    app.timeline.anchor = None;
    app.timeline.cursor = row;
    app.detail.scroll = 0;
    let last = app.row_count().saturating_sub(1);
    app.timeline.pinned_to_end = app.follow.enabled && row >= last;
    if app.timeline.pinned_to_end {
        app.timeline.unseen = 0;
    }
    app.clamp_cursor();
}

/// Moves to the next (or previous) row whose event satisfies `pred`.
pub fn jump(app: &mut App, forward: bool, what: &str, pred: impl Fn(crate::model::Event) -> bool) {
    let n = app.row_count();
    let start = app.timeline.cursor;
    let found = if forward {
        (start + 1..n).find(|&r| app.row_event(r).is_some_and(&pred))
    } else {
        (0..start).rev().find(|&r| app.row_event(r).is_some_and(&pred))
    };
    match found {
        Some(r) => set_cursor(app, r),
        None => app.note(format!("no {} {what}", if forward { "later" } else { "earlier" }), false),
    }
}

pub fn jump_match(app: &mut App, forward: bool) {
    let Some(matches) = app.results.matches.as_ref() else {
        app.note("no filter: press / to type one", false);
        return;
    };
    let current = app.selected_id().unwrap_or(0);
    let target = if forward {
        matches.get(matches.partition_point(|&m| m <= current)).copied()
    } else {
        matches.partition_point(|&m| m < current).checked_sub(1).map(|i| matches[i])
    };
    match target {
        Some(id) => {
            let row = app.row_at_or_after(id);
            set_cursor(app, row);
        }
        None => app.note(format!("no {} match", if forward { "later" } else { "earlier" }), false),
    }
}

pub fn jump_session(app: &mut App, forward: bool) {
    if app.scope.is_some() || app.focus == Pane::Sessions {
        move_in(app, Pane::Sessions, Motion::Rows(if forward { 1 } else { -1 }));
        return;
    }
    // All sessions listed: jump to where the next/previous session starts.
    let Some(e) = app.selected() else { return };
    let here = app.index.session(e.session()).map_or(e.time(), |s| s.start);
    let ids = &app.sessions.ids;
    let pos = ids.partition_point(|&id| app.index.sessions[id as usize].start <= here);
    let target = if forward {
        ids.get(pos).copied()
    } else {
        let before = ids.partition_point(|&id| app.index.sessions[id as usize].start < here);
        before.checked_sub(1).map(|i| ids[i])
    };
    let Some(sid) = target else {
        app.note(format!("no {} session", if forward { "later" } else { "earlier" }), false);
        return;
    };
    let start = app.index.sessions[sid as usize].start;
    let first_row = first_row_at_time(app, start);
    let n = app.row_count();
    let row = (first_row..n.min(first_row + 200_000))
        .find(|&r| app.row_event(r).is_some_and(|e| e.session() == sid))
        .unwrap_or(first_row);
    set_cursor(app, row.min(n.saturating_sub(1)));
}

/// First row whose event time is at or after `t` (rows are in time order within the base
/// index).
fn first_row_at_time(app: &App, t: i64) -> usize {
    let (mut lo, mut hi) = (0, app.row_count());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match app.row_event(mid) {
            Some(e) if e.time() < t => lo = mid + 1,
            _ => hi = mid,
        }
    }
    lo
}

pub fn step_occurrence(app: &mut App, forward: bool) {
    let Some(id) = app.selected_id() else { return };
    let Some(group) = app.index.group_of(id as usize) else {
        app.note("not an error: o/O step through occurrences of an error", false);
        return;
    };
    let occ = &group.occurrences;
    let pos = occ.partition_point(|&o| o < id);
    let target = if forward { occ.get(pos + 1).copied() } else { pos.checked_sub(1).map(|i| occ[i]) };
    let Some(target) = target else {
        app.note(format!("{} occurrence of this error", if forward { "last" } else { "first" }), false);
        return;
    };
    let session = app.index.event(target as usize).map(|e| e.session());
    if app.scope.is_some() && app.scope != session {
        app.scope = session;
        app.refresh_session_list();
        app.timeline.anchor = Some(target);
        refilter(app);
        return;
    }
    let row = app.row_at_or_after(target);
    if app.row_event_id(row) == Some(target) {
        set_cursor(app, row);
    } else {
        app.note("the next occurrence is hidden by the filter (Esc clears it)", false);
    }
}

#[cfg(test)]
mod tests {
    use super::Motion;

    #[test]
    fn motions_stay_inside_the_list() {
        assert_eq!(Motion::Rows(1).apply(4, 9, 6), 5);
        assert_eq!(Motion::Rows(-3).apply(1, 9, 6), 0);
        assert_eq!(Motion::HalfPages(2).apply(4, 9, 6), 9, "a page past the end stops at the last row");
        assert_eq!(Motion::HalfPages(1).apply(0, 9, 6), 3);
        assert_eq!(Motion::HalfPages(-1).apply(5, 9, 7), 2, "half of an odd page rounds down");
        assert_eq!(Motion::Last.apply(0, 9, 6), 9);
        assert_eq!(Motion::First.apply(7, 9, 6), 0);
        assert_eq!(Motion::Rows(1).apply(0, 0, 6), 0, "one row: nowhere to go");
        assert_eq!(Motion::Rows(isize::MAX).apply(3, usize::MAX / 2, 20), usize::MAX / 2);
    }
}
