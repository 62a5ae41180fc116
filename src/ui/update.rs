//! The only place the explorer's state changes. No I/O: side effects become requests.

use super::app::{App, CheckView, Pane, Request};
use super::errors::ErrorsView;
use super::keymap::Action;
use super::msg::{FilterChunk, Msg};
use crate::model::{Index, Level};
use crate::query::Query;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

pub fn update(app: &mut App, msg: Msg) {
    match msg {
        Msg::Key(key) => {
            on_key(app, key);
            // The filter line may have appeared or gone: keep the cursor row on screen.
            app.clamp_cursor();
        }
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Paste(text) => {
            if let Some(note) = &mut app.marks.note {
                note.extend(
                    text.chars().filter(|c| !c.is_control()).take(MAX_NOTE_CHARS.saturating_sub(note.chars().count())),
                );
            } else if app.filter.editing {
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                insert_text(app, &clean);
                filter_text_changed(app);
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.clamp_cursor();
        }
        Msg::Tick => {
            app.tick += 1;
            if app.histogram_stale {
                app.histogram_stale = false;
                app.rebuild_histogram();
            }
            if app.note.as_ref().is_some_and(|n| n.until_tick <= app.tick) {
                app.note = None;
            }
        }
        Msg::Indexed(index) => on_indexed(app, *index),
        Msg::Checked(check) => {
            app.check = CheckView { done: true, banner: check.brief(), lines: check.lines(), open: false, scroll: 0 };
        }
        Msg::Filtered(chunk) => on_filtered(app, chunk),
        Msg::Tailed(batch) => super::follow_view::on_tailed(app, batch),
        Msg::Resumed => {
            if !app.requests.contains(&Request::Redraw) {
                app.requests.push(Request::Redraw);
            }
        }
        Msg::Copied { clip, outcome } => super::copy_view::on_copied(app, clip, outcome),
        Msg::Saved { clip, result } => super::copy_view::on_saved(app, &clip, result),
    }
}

fn on_indexed(app: &mut App, index: Index) {
    let anchor = app.selected_id();
    let kept_group = app.errors.selected_fingerprint(&app.index);
    app.index = index;
    app.loading = None;
    app.scope = None;
    app.group_scope = None;
    if app.errors.open {
        open_errors_view(app, kept_group);
    }
    let lost = app.marks.place(&app.index);
    if lost > 0 {
        app.note(
            format!(
                "{} no longer match their lines (the files changed)",
                crate::report::fmt::plural(lost as u64, "mark")
            ),
            true,
        );
    }
    app.refresh_session_list();
    let text = app.filter.applied_text.clone();
    if !text.is_empty() {
        reparse(app, &text);
    }
    app.timeline.anchor = anchor;
    app.results = Default::default();
    app.results.done = true;
    if app.has_query() {
        refilter(app);
    } else {
        app.rebuild_histogram();
        app.clamp_cursor();
    }
    if app.follow.enabled {
        app.timeline.cursor = app.row_count().saturating_sub(1);
        app.timeline.pinned_to_end = true;
        app.clamp_cursor();
    }
}

fn on_filtered(app: &mut App, chunk: FilterChunk) {
    if chunk.generation != app.results.generation || app.results.done {
        return;
    }
    if let Some(rows) = &mut app.results.scope_rows {
        rows.extend_from_slice(&chunk.scope_rows);
    }
    if let Some(m) = &mut app.results.matches {
        m.extend_from_slice(&chunk.matches);
    }
    if chunk.done {
        app.results.done = true;
        // Follow mode may have appended events while the worker ran.
        super::follow_view::catch_up(app);
        app.rebuild_histogram();
    }
    place_cursor_after_refilter(app);
    if crate::profile::enabled() {
        report_timing(app);
    }
}

/// For profiling: when the first screenful of results arrived, and when the last.
fn report_timing(app: &mut App) {
    let Some(started) = app.results.started else { return };
    if app.results.first_page_ms.is_none() && (app.results.done || app.row_count() >= app.timeline_height()) {
        app.results.first_page_ms = Some(crate::profile::millis(started));
    }
    if app.results.done {
        crate::profile::filter(&app.filter.applied_text, app.results.first_page_ms, crate::profile::millis(started));
    }
}

/// Puts the cursor back on the remembered event (or the first row after it) as results
/// stream in; pinned follow views stay at the end.
fn place_cursor_after_refilter(app: &mut App) {
    if app.timeline.pinned_to_end {
        app.timeline.cursor = app.row_count().saturating_sub(1);
    } else if let Some(anchor) = app.timeline.anchor {
        let row = app.row_at_or_after(anchor);
        app.timeline.cursor = row.min(app.row_count().saturating_sub(1));
        if app.results.done || app.row_event_id(row).is_some() {
            app.timeline.top = app.timeline.cursor.saturating_sub(app.timeline_height() / 3);
            // While a query is being typed, every keystroke returns to the event selected
            // before typing began, not to wherever an intermediate result put the cursor.
            if app.results.done && !app.filter.editing {
                app.timeline.anchor = None;
            }
        }
    }
    app.clamp_cursor();
}

/// Starts a new filter generation for the current query and scope.
/// Moves the cursor to a row, pinning the view to the end when that is the last row in
/// follow mode. Public for follow mode.
pub fn select_row(app: &mut App, row: usize) {
    set_cursor(app, row);
}

pub fn refilter(app: &mut App) {
    app.results.generation += 1;
    app.results.done = false;
    app.results.started = Some(std::time::Instant::now());
    app.results.first_page_ms = None;
    // The worker's snapshot, taken right after on this thread, covers this many events.
    app.results.covered = app.index.len();
    app.results.scope_rows = app.is_scoped().then(Vec::new);
    app.results.matches = app.has_query().then(Vec::new);
    if app.results.scope_rows.is_none() && app.results.matches.is_none() {
        app.results.done = true;
        app.rebuild_histogram();
        place_cursor_after_refilter(app);
        return;
    }
    // One job per batch of keystrokes: the worker only needs the newest generation.
    if !app.requests.contains(&Request::Refilter) {
        app.requests.push(Request::Refilter);
    }
}

fn on_key(app: &mut App, key: KeyEvent) {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.should_quit = true;
        return;
    }
    // Raw mode turns Ctrl-Z into a key; it suspends from any mode, as in a shell.
    if key.code == KeyCode::Char('z') && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.requests.push(Request::Suspend);
        return;
    }
    if app.check.open {
        return scroll_check(app, key);
    }
    if app.show_help {
        return help_key(app, key);
    }
    if app.story.is_some() {
        return story_key(app, key);
    }
    if app.filter.editing {
        return edit_filter(app, key);
    }
    if app.marks.note.is_some() {
        return edit_mark_note(app, key);
    }
    if app.errors.open {
        return errors_view_key(app, key);
    }
    if app.sessions.editing {
        return edit_session_filter(app, key);
    }
    if let Some(action) = app.keys.action_for(key) {
        apply(app, action);
    }
}

/// Keys while the bundle check's overlay is open: scroll, or close with Esc, q or c.
fn scroll_check(app: &mut App, key: KeyEvent) {
    let last = app.check.lines.len().saturating_sub(1);
    let page = usize::from(app.size.1.saturating_sub(6)).max(1);
    let c = &mut app.check;
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('c') => c.open = false,
        KeyCode::Char('j') | KeyCode::Down => c.scroll = (c.scroll + 1).min(last),
        KeyCode::Char('k') | KeyCode::Up => c.scroll = c.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => c.scroll = (c.scroll + page).min(last),
        KeyCode::PageUp | KeyCode::Char('b') => c.scroll = c.scroll.saturating_sub(page),
        KeyCode::Char('g') | KeyCode::Home => c.scroll = 0,
        KeyCode::Char('G') | KeyCode::End => c.scroll = last,
        _ => {}
    }
}

/// The filter box holds a query, not a document: a 100 KB paste, or a terminal without
/// bracketed paste typing it key by key, must not make every keystroke re-read it all.
pub const MAX_FILTER_CHARS: usize = 4096;

fn insert_char(app: &mut App, c: char) {
    insert_text(app, c.encode_utf8(&mut [0; 4]));
}

/// Inserts at the cursor in one step (a paste was inserted a character at a time, each
/// finding its place from the start: 6.7 s for 100 KB), up to [`MAX_FILTER_CHARS`].
fn insert_text(app: &mut App, text: &str) {
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

fn edit_filter(app: &mut App, key: KeyEvent) {
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
fn filter_text_changed(app: &mut App) {
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
fn reparse(app: &mut App, text: &str) -> bool {
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
fn edit_session_filter(app: &mut App, key: KeyEvent) {
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
        KeyCode::Down => return move_sessions(app, 1),
        KeyCode::Up => return move_sessions(app, -1),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => s.filter.push(c),
        _ => return,
    }
    app.refresh_session_list();
    if !app.sessions.filter.is_empty() && !app.sessions.ids.is_empty() {
        app.sessions.cursor = 1;
        app.sessions.top = 0;
    }
}

/// Scopes the timeline to the session under the sessions cursor (row 0 = all).
fn scope_to_cursor(app: &mut App) {
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

fn move_sessions(app: &mut App, delta: isize) {
    let n = app.sessions.ids.len() + 1;
    let c = app.sessions.cursor as isize + delta;
    app.sessions.cursor = c.clamp(0, n as isize - 1) as usize;
    let h = app.sessions_height().max(1);
    app.sessions.top = super::app::scrolled_to(app.sessions.cursor, app.sessions.top, h);
    scope_to_cursor(app);
}

fn move_timeline(app: &mut App, delta: isize) {
    let n = app.row_count();
    if n == 0 {
        return;
    }
    let c = (app.timeline.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
    set_cursor(app, c);
}

fn set_cursor(app: &mut App, row: usize) {
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
fn jump(app: &mut App, forward: bool, what: &str, pred: impl Fn(crate::model::Event) -> bool) {
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

fn jump_match(app: &mut App, forward: bool) {
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

fn jump_session(app: &mut App, forward: bool) {
    if app.scope.is_some() || app.focus == Pane::Sessions {
        move_sessions(app, if forward { 1 } else { -1 });
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

fn step_occurrence(app: &mut App, forward: bool) {
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

fn page(app: &mut App, pages: f32) {
    match app.focus {
        Pane::Sessions => move_sessions(app, (app.sessions_height() as f32 * pages) as isize),
        Pane::Timeline => move_timeline(app, (app.timeline_height().max(1) as f32 * pages) as isize),
        Pane::Detail => scroll_detail(app, (10.0 * pages * 2.0) as isize),
    }
}

fn scroll_detail(app: &mut App, delta: isize) {
    app.detail.scroll = (app.detail.scroll as isize + delta).max(0) as usize;
}

pub fn apply(app: &mut App, action: Action) {
    match action {
        Action::Quit => app.should_quit = true,
        Action::ToggleHelp => app.show_help = !app.show_help,
        Action::ShowCheck if app.check.done => {
            app.check.open = true;
            app.check.scroll = 0;
        }
        Action::ShowCheck => app.note("the bundle check runs once the index is complete", false),
        Action::MoveDown | Action::MoveUp => {
            let d = if action == Action::MoveDown { 1 } else { -1 };
            match app.focus {
                Pane::Sessions => move_sessions(app, d),
                Pane::Timeline => move_timeline(app, d),
                Pane::Detail => scroll_detail(app, d),
            }
        }
        Action::PageDown => page(app, 1.0),
        Action::PageUp => page(app, -1.0),
        Action::HalfPageDown => page(app, 0.5),
        Action::HalfPageUp => page(app, -0.5),
        Action::Top => match app.focus {
            Pane::Sessions => move_sessions(app, -(app.sessions.cursor as isize)),
            Pane::Timeline => set_cursor(app, 0),
            Pane::Detail => app.detail.scroll = 0,
        },
        Action::Bottom => match app.focus {
            Pane::Sessions => move_sessions(app, app.sessions.ids.len() as isize),
            Pane::Timeline => set_cursor(app, app.row_count().saturating_sub(1)),
            Pane::Detail => app.detail.scroll = usize::MAX / 2,
        },
        Action::FocusNext | Action::FocusPrev => {
            let order = [Pane::Sessions, Pane::Timeline, Pane::Detail];
            let i = order.iter().position(|&p| p == app.focus).unwrap_or(1);
            let step = if action == Action::FocusNext { 1 } else { 2 };
            app.focus = order[(i + step) % 3];
        }
        Action::FocusSessions => app.focus = Pane::Sessions,
        Action::FocusTimeline => app.focus = Pane::Timeline,
        Action::FocusDetail => app.focus = Pane::Detail,
        Action::Drill => match app.focus {
            Pane::Sessions => {
                scope_to_cursor(app);
                app.focus = Pane::Timeline;
            }
            Pane::Timeline => {
                app.focus = Pane::Detail;
                app.detail.scroll = 0;
            }
            Pane::Detail => app.detail_zoomed = !app.detail_zoomed,
        },
        Action::Back => back(app),
        Action::EditFilter => {
            if app.focus == Pane::Sessions {
                app.sessions.editing = true;
            } else {
                app.focus = Pane::Timeline;
                app.filter.editing = true;
                app.filter.cursor = app.filter.text.chars().count();
            }
        }
        Action::NextMatch => jump_match(app, true),
        Action::PrevMatch => jump_match(app, false),
        Action::NextError => jump(app, true, "error", |e| e.level().is_error()),
        Action::PrevError => jump(app, false, "error", |e| e.level().is_error()),
        Action::NextWarning => jump(app, true, "warning", |e| e.level() == Level::Warn),
        Action::PrevWarning => jump(app, false, "warning", |e| e.level() == Level::Warn),
        Action::NextSession => jump_session(app, true),
        Action::PrevSession => jump_session(app, false),
        Action::NextOccurrence => step_occurrence(app, true),
        Action::PrevOccurrence => step_occurrence(app, false),
        Action::MoreContext => app.detail.before = (app.detail.before + 4).min(200),
        Action::LessContext => app.detail.before = app.detail.before.saturating_sub(4),
        Action::ToggleMatchesOnly => {
            if !app.has_query() {
                app.note("& needs a filter: press / to type one", false);
                return;
            }
            let keep = app.selected_id();
            app.matches_only = !app.matches_only;
            if let Some(id) = keep {
                let row = app.row_at_or_after(id);
                set_cursor(app, row);
            }
            app.rebuild_histogram();
            app.note(
                if app.matches_only {
                    "showing only matches".to_string()
                } else {
                    format!("showing all rows, matches marked {}", app.glyphs.match_marker)
                },
                false,
            );
        }
        Action::ToggleUtc => {
            use crate::ingest::time::Zone;
            app.zone = match (app.zone, app.home_zone) {
                (Zone::Utc, Zone::Utc) => Zone::Local,
                (Zone::Utc, home) => home,
                _ => Zone::Utc,
            };
            app.note(format!("times in {}", super::view::zone_name(app.zone, app.now_ms)), false);
        }
        Action::ToggleFollow => super::follow_view::toggle(app),
        Action::ErrorsView => open_errors_view(app, None),
        Action::ToggleMark => toggle_mark(app),
        Action::NextMark => step_mark(app, true),
        Action::PrevMark => step_mark(app, false),
        Action::CopyReport => copy_report(app),
        Action::ShowStory => open_story(app),
        Action::CopyEvent => super::copy_view::copy_event(app),
        Action::ToggleRedact => super::copy_view::toggle_redact(app),
        Action::SaveCopy => super::copy_view::save_last(app),
    }
}

/// The support report (`audit-tui report`) of the rows listed now: the scoped session
/// and the filter, with as many events before each error as the detail shows.
fn copy_report(app: &mut App) {
    use crate::report::support;
    if app.loading.is_some() {
        app.note("the report waits for the full index", true);
        return;
    }
    let mut query: Vec<String> = Vec::new();
    if let Some(s) = app.scope.and_then(|sid| app.index.session(sid)) {
        let id = &s.id;
        query.push(if id.contains(char::is_whitespace) {
            format!("session:\"{id}\"")
        } else {
            format!("session:{id}")
        });
    }
    if !app.filter.applied_text.trim().is_empty() {
        query.push(app.filter.applied_text.trim().to_string());
    }
    let query = query.join(" ");
    let scope = support::Scope {
        title: &app.title,
        query: (!query.is_empty()).then_some(query.as_str()),
        selected: app.row_ids(),
        marks: &app.marks.placed,
    };
    let limits = support::Limits { before: app.detail.before, groups: 5 };
    let mut out = Vec::new();
    if support::write(&mut out, &app.index, app.zone, &scope, limits).is_err() {
        return;
    }
    super::copy_view::copy_report_text(app, &String::from_utf8_lossy(&out));
}

/// Keys while the help is shown: it scrolls (it is longer than a small screen), and
/// Esc, q, ? or F1 close it.
fn help_key(app: &mut App, key: KeyEvent) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let theme = super::theme::Theme::current().with_glyphs(app.glyphs);
    let max = super::view::help::max_scroll(area, &theme, &app.keys) as isize;
    if app.keys.has_overrides() && app.keys.action_for(key) == Some(Action::ToggleHelp) {
        app.show_help = false;
        app.help_scroll = 0;
        return;
    }
    let page = app.size.1.saturating_sub(4).max(1) as isize;
    let at = app.help_scroll.min(max as usize) as isize;
    let to = match key.code {
        KeyCode::Esc | KeyCode::Char('q' | '?') | KeyCode::F(1) => {
            app.show_help = false;
            app.help_scroll = 0;
            return;
        }
        KeyCode::Char('j') | KeyCode::Down => at + 1,
        KeyCode::Char('k') | KeyCode::Up => at - 1,
        KeyCode::PageDown | KeyCode::Char(' ') => at + page,
        KeyCode::PageUp | KeyCode::Char('b') => at - page,
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => max,
        _ => return,
    };
    app.help_scroll = to.clamp(0, max) as usize;
}

/// A note on a mark is a line, not a document.
pub const MAX_NOTE_CHARS: usize = 500;

/// `m`: marks the selected event and asks for a note, or takes a mark away.
fn toggle_mark(app: &mut App) {
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
fn edit_mark_note(app: &mut App, key: KeyEvent) {
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
fn step_mark(app: &mut App, forward: bool) {
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

/// Opens the errors view, listing the groups of the index as it is now.
fn open_errors_view(app: &mut App, keep: Option<u64>) {
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
    super::view::errors::list_height(super::view::layout(app, Rect::new(0, 0, app.size.0, app.size.1)).errors)
}

fn errors_view_key(app: &mut App, key: KeyEvent) {
    let n = app.errors.groups.len();
    let h = errors_view_height(app).max(1);
    let e = &mut app.errors;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
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
    let target = match key.code {
        KeyCode::Esc | KeyCode::Char('q' | '!') => {
            e.open = false;
            return;
        }
        KeyCode::Char('?') | KeyCode::F(1) => {
            app.show_help = true;
            return;
        }
        KeyCode::Enter => return scope_to_group(app),
        KeyCode::Char('j') | KeyCode::Down => e.cursor as isize + 1,
        KeyCode::Char('k') | KeyCode::Up => e.cursor as isize - 1,
        KeyCode::Char('d') if ctrl => (e.cursor + h / 2) as isize,
        KeyCode::Char('u') if ctrl => e.cursor as isize - (h / 2) as isize,
        KeyCode::PageDown | KeyCode::Char(' ') => (e.cursor + h) as isize,
        KeyCode::PageUp | KeyCode::Char('b') => e.cursor as isize - h as isize,
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => n as isize - 1,
        _ => return,
    };
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
    e.top = super::app::scrolled_to(e.cursor, e.top, h);
}

/// The wheel moves the errors view's cursor; a click selects a row, a click on the
/// selected row opens it as Enter does.
fn errors_view_mouse(app: &mut App, m: MouseEvent, area: Rect) {
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
fn open_story(app: &mut App) {
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
    app.story = Some(super::app::StoryView { session, lines, scroll: 0 });
}

/// Keys while the story is shown: scrolling, and Esc / q / S to close it.
fn story_key(app: &mut App, key: KeyEvent) {
    let height = app.story_height().max(1);
    let Some(story) = app.story.as_mut() else { return };
    let last = story.lines.len().saturating_sub(height);
    let scroll = story.scroll as isize;
    let to = match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('S') => {
            app.story = None;
            return;
        }
        KeyCode::Char('j') | KeyCode::Down => scroll + 1,
        KeyCode::Char('k') | KeyCode::Up => scroll - 1,
        KeyCode::PageDown | KeyCode::Char(' ') => scroll + height as isize,
        KeyCode::PageUp | KeyCode::Char('b') => scroll - height as isize,
        KeyCode::Char('d') if key.modifiers.contains(KeyModifiers::CONTROL) => scroll + height as isize / 2,
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => scroll - height as isize / 2,
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => last as isize,
        _ => return,
    };
    story.scroll = to.clamp(0, last as isize) as usize;
}

fn back(app: &mut App) {
    if app.detail_zoomed {
        app.detail_zoomed = false;
    } else if app.focus == Pane::Detail {
        app.focus = Pane::Timeline;
    } else if app.focus == Pane::Sessions && !app.sessions.filter.is_empty() {
        app.sessions.filter.clear();
        app.refresh_session_list();
    } else if app.has_query() || !app.filter.text.is_empty() {
        app.timeline.anchor = app.selected_id();
        app.filter = Default::default();
        refilter(app);
    } else if app.group_scope.is_some() {
        app.timeline.anchor = app.selected_id();
        app.group_scope = None;
        refilter(app);
    } else if app.scope.is_some() {
        app.timeline.anchor = app.selected_id();
        app.scope = None;
        app.sessions.cursor = 0;
        refilter(app);
    }
}

fn on_mouse(app: &mut App, m: MouseEvent) {
    if app.story.is_some() {
        // The overlay covers the panes: the wheel scrolls the story, clicks do nothing.
        let key = match m.kind {
            MouseEventKind::ScrollDown => KeyCode::Down,
            MouseEventKind::ScrollUp => KeyCode::Up,
            _ => return,
        };
        for _ in 0..3 {
            story_key(app, KeyEvent::new(key, KeyModifiers::NONE));
        }
        return;
    }
    let areas = super::view::layout(app, ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1));
    if app.show_help {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        match m.kind {
            MouseEventKind::ScrollDown => (0..3).for_each(|_| help_key(app, key(KeyCode::Down))),
            MouseEventKind::ScrollUp => (0..3).for_each(|_| help_key(app, key(KeyCode::Up))),
            _ => {}
        }
        return;
    }
    if app.errors.open {
        return errors_view_mouse(app, m, areas.errors);
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
            match pane {
                Pane::Sessions => move_sessions(app, d),
                Pane::Timeline => move_timeline(app, d),
                Pane::Detail => scroll_detail(app, d),
            }
        }
        MouseEventKind::Down(MouseButton::Left) => {
            app.focus = pane;
            let inner_row = |top: u16| m.row.checked_sub(top + 1).map(usize::from);
            match pane {
                Pane::Sessions => {
                    if let Some(r) = inner_row(areas.sessions.y) {
                        let target = (app.sessions.top + r).min(app.sessions.ids.len());
                        move_sessions(app, target as isize - app.sessions.cursor as isize);
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
